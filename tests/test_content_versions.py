"""Lesson.content_version moves with every change a cached rendering of the lesson could show."""

import pytest

from teaching.authoring import add_key_device, create_draft_lesson, delete_key_device, update_segment_key
from teaching.models import Article, Lesson, Technique
from tests.test_authoring import ARTICLE, span_of


def version_of(lesson):
    return Lesson.objects.values_list("content_version", flat=True).get(pk=lesson.pk)


@pytest.fixture
def draft(lessons, teacher):
    return create_draft_lesson(author=teacher, **ARTICLE)


def test_editing_a_sentence_of_the_key_moves_the_version(draft):
    before = version_of(draft)
    segment = draft.segments.first()
    update_segment_key(
        segment=segment,
        kind=segment.kind,
        voice=segment.voice,
        speaker="Someone else",
        quote_source=segment.quote_source,
        neutral=segment.neutral,
        explanation="Changed.",
    )
    assert version_of(draft) > before


def test_adding_and_removing_a_key_device_each_move_the_version(draft):
    start, end = span_of("reckless")
    before = version_of(draft)
    device = add_key_device(
        lesson=draft,
        start=start,
        end=end,
        technique=Technique.objects.get(slug="loaded-language"),
        explanation="A loaded word.",
    )
    added = version_of(draft)
    assert added > before
    delete_key_device(device=device)
    assert version_of(draft) > added


def test_editing_the_article_moves_only_its_own_lesson(seed_lesson, draft):
    seed_before, draft_before = version_of(seed_lesson), version_of(draft)
    article = Article.objects.get(lesson=draft)
    article.title = "A new headline"
    article.save()
    assert version_of(draft) > draft_before
    assert version_of(seed_lesson) == seed_before


def test_changing_the_taxonomy_moves_every_lesson(seed_lesson, draft):
    before = {lesson.pk: version_of(lesson) for lesson in (seed_lesson, draft)}
    technique = Technique.objects.get(slug="loaded-language")
    technique.definition += " (revised)"
    technique.save()
    assert all(version_of(lesson) > version for lesson, version in zip((seed_lesson, draft), before.values()))
