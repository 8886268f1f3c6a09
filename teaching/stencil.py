"""
A page rendered once with holes in it, for what changes with each request.

A template is rendered with ``Stencil.slots[name]`` standing for each hole: an HTML comment
that no escaped text can contain, so splitting on it finds the holes exactly. Rendering
the same template again for every request would cost what was saved by keeping it.
"""

import re

from django.utils.safestring import SafeString, mark_safe

# The holes the devices activity's page has (teaching/devices_html.py); the site's
# chrome has its own (teaching/templatetags/chrome.py).
SLOTS = ("count", "article", "marks", "sentences", "picker")

_SLOT = re.compile(r"<!--lens-slot:(\w+)-->")


def slot(name: str) -> SafeString:
    """Return the marker a template renders where the hole ``name`` goes."""
    # Markup of our own, with nothing from the database or the request in it.
    return mark_safe(f"<!--lens-slot:{name}-->")  # noqa: S308  # nosec B308 B703


class Stencil:
    """
    A rendering with named holes, filled in per request.

    The template is rendered once with ``slots.<name>`` standing for each hole: an HTML
    comment no escaped text can contain, so splitting on it finds the holes exactly.
    """

    slots = {name: slot(name) for name in SLOTS}

    def __init__(self, html: str):
        self._pieces = _SLOT.split(html)

    def fill(self, **holes: str) -> SafeString:
        pieces = self._pieces
        filled = [pieces[0]]
        for at in range(1, len(pieces), 2):
            filled.append(holes[pieces[at]])
            filled.append(pieces[at + 1])
        # The pieces are a template's autoescaped output; the holes are the callers' escaped HTML.
        return mark_safe("".join(filled))  # noqa: S308  # nosec B308 B703
