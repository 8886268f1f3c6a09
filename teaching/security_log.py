"""
Security events — logins, lockouts, refused access, data exports and deletions — one per line.

Each event is ``event=<name>`` followed by ``key=value`` pairs. A value that is
not a plain token is double-quoted with backslash escapes, so nothing a person
types (a display name, a username tried at the login form) can start a new
line or pose as another field: a log reader can trust that one line is one event.

Never pass passwords, join codes or answer text: keys that name them are refused.
"""

import hashlib
import hmac
import logging
import re

from django.conf import settings

logger = logging.getLogger("lens.security")

_BARE_VALUE = re.compile(r"[A-Za-z0-9_.:/@+\-]+")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
# A mistake here leaks a secret into logs that are kept and shipped elsewhere: fail loudly instead.
FORBIDDEN_KEYS = frozenset({"password", "password1", "password2", "code", "join_code", "answer", "text"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_value(value: object) -> str:
    """Return ``value`` as one log token: bare if plain, else quoted with every control character escaped."""
    text = "" if value is None else str(value)
    if _BARE_VALUE.fullmatch(text):
        return text
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not char.isprintable():
            # Unicode "Other" and "Separator" characters but the space: C0/C1 controls,
            # U+2028/U+2029 line separators, bidi overrides and the like.
            code = ord(char)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def format_event(event: str, **fields: object) -> str:
    """Return the one-line text of security event ``event``; fields whose value is None are left out."""
    parts = [f"event={escape_value(event)}"]
    for key, value in fields.items():
        if not _KEY.fullmatch(key):
            raise ValueError(f"security log keys are lower-case identifiers, not {key!r}")
        if key in FORBIDDEN_KEYS:
            raise ValueError(f"refusing to log {key!r}: secrets and answers never go to the log")
        if value is not None:
            parts.append(f"{key}={escape_value(value)}")
    return " ".join(parts)


def log_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    """Log security event ``event`` with ``fields`` as one line on the ``lens.security`` logger."""
    logger.log(level, format_event(event, **fields))


def log_warning(event: str, **fields: object) -> None:
    """Log a security event that someone may want to look into (a failure, a lockout, a refusal)."""
    log_event(event, level=logging.WARNING, **fields)


def pseudonym(text: str) -> str:
    """
    Return a short keyed hash of ``text``, to correlate repeated attempts without logging the text.

    Used for usernames that match no account: people type their password into the
    username box, and such a "username" must not reach the log in clear.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


def user_fields(user) -> dict[str, object]:
    """Return the fields that identify a signed-in ``user`` in an event (anonymous: none)."""
    if user is None or not user.is_authenticated:
        return {}
    return {"user": user.pk, "username": user.username}
