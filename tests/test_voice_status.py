"""A voice save's status, filled into a rendering kept per language: the same HTML as the template's."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from teaching.answers import Progress
from teaching.forms.voices import VoiceAnswerForm
from teaching.voice_status import TEMPLATE, saved_status


def form_for(segment_pk):
    segment = SimpleNamespace(pk=segment_pk)
    return VoiceAnswerForm(segment=segment, text='He said "no".', require_voice=True)


def as_the_template_renders_it(*, assignment_pk, form, revision, progress):
    context = {
        "saved": True,
        "oob_progress": True,
        "form": form,
        "revision": revision,
        "progress": progress,
        "assignment": SimpleNamespace(pk=assignment_pk),
    }
    return render_to_string(TEMPLATE, context)


@pytest.mark.parametrize(
    ("assignment_pk", "segment_pk", "revision", "progress"),
    [
        (7, 12, 1, Progress(answered=1, total=48)),
        (98765, 4321, 17, Progress(answered=47, total=48)),
        (3, 5, 2, Progress(answered=48, total=48)),  # Complete: the submit link appears.
        (1, 1, 1, Progress(answered=1, total=1)),
    ],
)
def test_the_status_is_the_one_the_template_renders(assignment_pk, segment_pk, revision, progress):
    form = form_for(segment_pk)
    expected = as_the_template_renders_it(
        assignment_pk=assignment_pk, form=form, revision=revision, progress=progress
    )
    assert (
        saved_status(assignment_pk=assignment_pk, form=form, revision=revision, progress=progress) == expected
    )


def test_each_save_gets_its_own_numbers_after_another_was_answered():
    first = saved_status(
        assignment_pk=7, form=form_for(12), revision=3, progress=Progress(answered=5, total=48)
    )
    second = saved_status(
        assignment_pk=8, form=form_for(13), revision=1, progress=Progress(answered=6, total=48)
    )
    assert 'name="13-revision"' in second and 'value="1"' in second and "6 of 48 answered" in second
    assert "12-revision" not in second and "5 of 48" not in second
    assert "12-revision" in first
