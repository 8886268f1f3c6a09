"""
What a successful voice save answers with: "Saved", the answer's new revision and the progress.

A class saves every few seconds, and one answer differs from another only in numbers:
the sentence (in the revision input's name), the revision, how many sentences are
answered and the assignment (in the submit link). So the template's status is rendered
once per language, and per whether the activity is complete, with a hole for each of
those (teaching/stencil.py); a save only fills them in.
"""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from teaching.answers import Progress
from teaching.lesson_cache import RenderedOnce
from teaching.stencil import Stencil, slot

TEMPLATE = "teaching/voices_activity.html#save-status"
# Stands for the assignment's id in the rendered URLs, then is replaced by its hole:
# longer than any id, so nothing else in the status reads like it.
_ASSIGNMENT_PLACEHOLDER = "987654321098765432"

_renderings = RenderedOnce(max_entries=16)


def _stencil(*, complete: bool) -> Stencil:
    def render():
        context = {
            "saved": True,
            "oob_progress": True,
            "revision": slot("revision"),
            "form": {"revision": {"html_name": slot("revision_name"), "auto_id": slot("revision_id")}},
            "progress": SimpleNamespace(
                answered=slot("answered"), total=slot("total"), percent=slot("percent"), is_complete=complete
            ),
            "assignment": SimpleNamespace(pk=int(_ASSIGNMENT_PLACEHOLDER)),
        }
        html = render_to_string(TEMPLATE, context)
        return Stencil(html.replace(_ASSIGNMENT_PLACEHOLDER, slot("assignment")))

    return _renderings.get((get_language(), complete), render)


def saved_status(*, assignment_pk: int, form, revision: int, progress: Progress) -> SafeString:
    """Return the status of a sentence whose answer ``form`` was just saved as ``revision``."""
    field = form["revision"]
    return _stencil(complete=progress.is_complete).fill(
        assignment=str(int(assignment_pk)),
        revision_name=conditional_escape(field.html_name),
        revision_id=conditional_escape(field.auto_id),
        revision=str(int(revision)),
        answered=str(int(progress.answered)),
        total=str(int(progress.total)),
        percent=str(int(progress.percent)),
    )
