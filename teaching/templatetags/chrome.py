"""
The site's chrome, rendered once per language and kind of user: ``{% site_chrome "banner" %}``.

Every page carries the same head assets and banner, and through the template engine
they cost more than some pages' own content: static-file and URL lookups, a dozen
translations, the CSRF token. Two requests in the same language by users of the same
kind (anonymous, student, teacher, staff) differ in three things only: the CSP nonce,
the CSRF token and the user's name. So each part is rendered once per process with a
marker for each of those (teaching/stencil.py) and filled in per request.
"""

from typing import NamedTuple

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from teaching.lesson_cache import RenderedOnce
from teaching.stencil import Stencil, slot

register = template.Library()

PARTS = {"head": "_chrome_head.html", "banner": "_chrome_banner.html"}
HOLES = ("csp_nonce", "csrf_token", "user_name")

# Parts × languages × four kinds of user.
_renderings = RenderedOnce(max_entries=64)


class Audience(NamedTuple):
    """What the chrome shows differently from one kind of user to another, apart from the name."""

    is_authenticated: bool
    is_teacher: bool
    is_staff: bool

    @classmethod
    def of(cls, user) -> "Audience":
        return cls(
            is_authenticated=bool(user.is_authenticated),
            is_teacher=bool(getattr(user, "is_teacher", False)),
            is_staff=bool(user.is_staff),
        )


def _stencil(part: str, language: str, audience: Audience) -> Stencil:
    def render():
        # Only the audience is passed as the user: the template cannot show anything of a
        # particular user's that the cache key does not name.
        context = {"user": audience, **{hole: slot(hole) for hole in HOLES}}
        return Stencil(render_to_string(PARTS[part], context).strip())

    return _renderings.get((part, language, audience), render)


@register.simple_tag(takes_context=True)
def site_chrome(context, part: str):
    """Return the part of the chrome named ``part`` ("head" or "banner") for this request."""
    # Pages rendered without the auth context processor (a CSRF failure's) count as anonymous.
    user = context.get("user") or AnonymousUser()
    # Reading the nonce and the token is what puts them in the response's headers and cookie.
    nonce, token = context.get("csp_nonce"), context.get("csrf_token")
    return _stencil(part, get_language(), Audience.of(user)).fill(
        csp_nonce=conditional_escape("" if nonce is None else nonce),
        csrf_token=conditional_escape("" if token is None else token),
        user_name=conditional_escape(user),
    )
