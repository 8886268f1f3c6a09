"""The lesson-integrity system check catches what loaddata lets through."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from teaching.checks import check_lessons

pytestmark = pytest.mark.django_db


def test_check_passes_on_the_shipped_lessons(lessons):
    call_command("check", "--fail-level", "WARNING")


def test_a_gap_between_segments_is_reported(seed_lesson):
    segment = seed_lesson.segments.get(position=3)
    segment.start += 1
    segment.save()
    messages = [error.msg for error in check_lessons()]
    assert messages == [
        f"Lesson {seed_lesson.slug!r}, segments[3].start: gap: starts at "
        f"{segment.start} but the previous segment ends at {segment.start - 1}"
    ]


def test_stale_key_text_is_reported(seed_lesson):
    device = seed_lesson.key_devices.get(position=0)
    device.text = device.text.upper() + "!"
    device.save()
    (error,) = check_lessons()
    assert "devices[0].text" in error.msg
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_a_span_past_the_end_of_the_body_is_reported(seed_lesson):
    device = seed_lesson.key_devices.get(position=1)
    device.end = len(seed_lesson.article.body) + 10
    device.save()
    (error,) = check_lessons()
    assert "devices[1].start: span" in error.msg and "not inside the body" in error.msg


def test_segments_that_stop_short_of_the_body_are_reported(seed_lesson):
    seed_lesson.segments.order_by("position").last().delete()
    (error,) = check_lessons()
    assert "segments end at" in error.msg
