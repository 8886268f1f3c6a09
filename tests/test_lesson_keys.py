"""The shipped answer keys are complete enough to grade and to teach from."""

import pytest

from teaching.bundles import export_bundle, validate_bundle
from teaching.models import Lesson, Voice

from .conftest import SEED_SLUG

pytestmark = pytest.mark.django_db
WARM_UP_SLUG = "warm-up-skate-park"


@pytest.mark.parametrize("slug", [SEED_SLUG, WARM_UP_SLUG])
def test_every_segment_and_device_is_explained_and_the_export_validates(lessons, slug):
    lesson = Lesson.objects.get(slug=slug)
    validate_bundle(export_bundle(lesson))
    for segment in lesson.segments.all():
        assert segment.voice in Voice.values, segment
        assert segment.speaker.strip(), segment
        assert len(segment.explanation.split()) >= 5, segment
    for device in lesson.key_devices.all():
        assert len(device.explanation.split()) >= 8, device


def test_seed_key_has_enough_spans_techniques_and_neutral_sentences(seed_lesson):
    devices = seed_lesson.key_devices.all()
    assert 35 <= devices.count() <= 60
    assert devices.values("technique").distinct().count() >= 12
    assert seed_lesson.segments.filter(neutral=True).count() >= 5


@pytest.mark.parametrize("slug", [SEED_SLUG, WARM_UP_SLUG])
def test_no_key_device_touches_a_neutral_sentence(lessons, slug):
    lesson = Lesson.objects.get(slug=slug)
    neutral = [(s.start, s.end) for s in lesson.segments.filter(neutral=True)]
    for device in lesson.key_devices.all():
        assert not any(device.start < end and device.end > start for start, end in neutral), device


def test_warm_up_is_short_original_and_shows_the_whole_palette(lessons):
    lesson = Lesson.objects.get(slug=WARM_UP_SLUG)
    assert 250 <= len(lesson.article.body.split()) <= 400
    assert set(lesson.segments.values_list("voice", flat=True)) == set(Voice.values)
    assert lesson.key_devices.values("technique").distinct().count() >= 10
    assert lesson.segments.filter(neutral=True).count() >= 3
