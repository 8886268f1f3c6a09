"""Formatting for the results pages: shares as percents, kappa, minutes."""

from django import template

from teaching.models import Attempt, Voice
from teaching.tables import minutes as to_minutes
from teaching.tables import percent as to_percent

register = template.Library()


@register.filter
def percent(value):
    """Return a share (0 to 1) as a whole percent, or an em dash when there is none."""
    return "—" if value is None else to_percent(value)


@register.filter
def kappa(value):
    return "—" if value is None else f"{value:.2f}"


@register.filter
def minutes(seconds):
    return "—" if seconds is None else to_minutes(seconds)


@register.filter
def bar_length(value):
    """Return a share (0 to 1) as an SVG length out of 100, never localised (SVG needs a dot)."""
    return "0" if value is None else f"{value * 100:.1f}"


@register.filter
def voice_label(value):
    """Return the display label of a voice value (None: unanswered)."""
    return Voice(value).label if value else ""


@register.filter
def status_label(value):
    """Return the display label of an attempt status."""
    return Attempt.Status(value).label
