"""Authoring's domain functions: draft from an article, change the key, decide suggestions, publish."""

import datetime

import pytest
from django.core.management import call_command

from teaching.authoring import (
    MAX_BODY_LENGTH,
    AuthoringRefused,
    PublishRefused,
    accept_suggestion,
    add_key_device,
    bundle_for_download,
    create_draft_lesson,
    delete_draft,
    delete_key_device,
    publish_lesson,
    publish_problems,
    quote_report,
    reject_suggestion,
    update_key_device,
    update_lesson_details,
    update_segment_key,
)
from teaching.bundles import import_bundle, validate_bundle
from teaching.models import DraftSuggestion, KeyDevice, Lesson, Technique

# An original news-style article: a direct quote, a partial quote and paraphrase.
ARTICLE_TITLE = "Council approves new bus lanes after heated debate"
ARTICLE_BODY = (
    "Council approves new bus lanes after heated debate\n\n"
    "The city council voted on Tuesday to add bus lanes to three busy streets in the centre. "
    'Mayor Elena Ruiz called the plan "a lifeline for working families" and promised that buses '
    "would run every ten minutes by spring. "
    '"Nobody who cares about this city can vote against cleaner air," she said. '
    "Shop owners on Harbour Road said the lanes would destroy their trade and warned that customers "
    "would simply drive to the out-of-town mall. "
    "The council's transport officer said the first lane would open in March. "
    "Critics called the vote a reckless gamble with public money, and the opposition leader, "
    "Tom Baird, promised to fight the plan."
)
ARTICLE = {
    "title": ARTICLE_TITLE,
    "outlet": "Harbour Gazette",
    "published": datetime.date(2025, 3, 4),
    "language": "en",
    "body": ARTICLE_BODY,
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def techniques(db):
    call_command("loaddata", "techniques", verbosity=0)


@pytest.fixture
def draft(techniques, teacher):
    return create_draft_lesson(author=teacher, **ARTICLE)


def span_of(phrase, body=ARTICLE_BODY):
    start = body.index(phrase)
    return start, start + len(phrase)


def suggestion_for(lesson, phrase):
    start, end = span_of(phrase, lesson.article.body)
    return lesson.suggestions.get(start=start, end=end)


def complete_the_key(lesson):
    """Give every sentence a speaker and an explanation, and the key one explained device."""
    for segment in lesson.segments.all():
        update_segment_key(
            segment=segment,
            kind=segment.kind,
            voice=segment.voice,
            speaker=segment.speaker or "Harbour Gazette",
            quote_source=segment.quote_source,
            neutral=False,
            explanation=segment.explanation or "The outlet's own words.",
        )
    accept_suggestion(suggestion=suggestion_for(lesson, "reckless"))


# Drafting ---------------------------------------------------------------------------


def test_a_draft_has_its_article_voiced_segments_and_pending_suggestions_but_no_key_devices(draft, teacher):
    assert draft.status == Lesson.Status.DRAFT
    assert draft.created_by == teacher
    assert draft.title == ARTICLE_TITLE
    article = draft.article
    assert (article.outlet, article.published, article.language) == (
        "Harbour Gazette",
        ARTICLE["published"],
        "en",
    )
    assert article.body == ARTICLE_BODY
    segments = list(draft.segments.order_by("position"))
    assert segments[0].start == 0 and segments[-1].end == len(ARTICLE_BODY)
    assert all(a.end == b.start for a, b in zip(segments, segments[1:], strict=False))
    assert segments[0].kind == "heading"
    assert all(s.voice and s.explanation for s in segments), "every sentence is drafted with its reason"
    voices = {ARTICLE_BODY[s.start : s.end].strip()[:20]: s.voice for s in segments}
    assert voices['"Nobody who cares ab'] == "direct"
    assert voices["Mayor Elena Ruiz cal"] == "partial"
    assert not draft.key_devices.exists()
    suggestions = list(draft.suggestions.all())
    assert suggestions and all(s.is_pending and s.reason and 0 <= s.confidence <= 1 for s in suggestions)
    assert suggestion_for(draft, "reckless").technique.slug == "loaded-language"


def test_drafting_the_same_article_twice_gives_two_lessons_with_different_slugs(draft, teacher):
    again = create_draft_lesson(author=teacher, **ARTICLE)
    assert again.slug != draft.slug
    assert again.slug.startswith(draft.slug[:40])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": "  \n "}, "empty"),
        ({"body": "Word. " * (MAX_BODY_LENGTH // 6 + 1)}, "at most 20,000"),
        ({"language": "fr"}, "language"),
        ({"published": "13/11/2025"}, "YYYY-MM-DD"),
    ],
)
def test_bad_articles_are_refused_and_create_nothing(techniques, teacher, change, message):
    with pytest.raises(AuthoringRefused, match=message):
        create_draft_lesson(author=teacher, **{**ARTICLE, **change})
    assert not Lesson.objects.exists()


def test_a_russian_article_is_drafted_with_its_guillemet_quotes(techniques, teacher):
    body = (
        "Мэр назвала план «спасательным кругом для семей». "
        "«Никто не может голосовать против чистого воздуха», — сказала она. "
        "Совет собрался во вторник."
    )
    lesson = create_draft_lesson(author=teacher, **{**ARTICLE, "language": "ru", "body": body})
    assert lesson.article.language == "ru"
    voices = [s.voice for s in lesson.segments.order_by("position")]
    assert voices == ["partial", "direct", "narration"]
    assert quote_report(body) == (2, [])


def test_a_suggestion_naming_an_unknown_technique_is_left_out(db, teacher):
    Technique.objects.create(
        slug="loaded-language",
        name="Loaded",
        family="wording",
        definition="d",
        example="e",
        colour="#ffcc00",
        code="LL",
    )
    lesson = create_draft_lesson(author=teacher, **ARTICLE)
    assert {s.technique.slug for s in lesson.suggestions.all()} == {"loaded-language"}


def test_quote_report_counts_quotes_and_names_a_mark_left_open(db):
    count, problems = quote_report('He said "yes. Then he left.\n\nShe said "no" twice.')
    assert count == 2
    assert len(problems) == 1
    assert problems[0].mark == '"' and "never closed" in problems[0].problem
    assert "yes" in problems[0].context


# Suggestions ------------------------------------------------------------------------


def test_accepting_a_suggestion_adds_a_key_device_explained_by_its_reason(draft):
    suggestion = suggestion_for(draft, "reckless")
    device = accept_suggestion(suggestion=suggestion)
    assert (device.start, device.end, device.text) == (suggestion.start, suggestion.end, "reckless")
    assert device.technique == suggestion.technique
    assert device.explanation == suggestion.reason
    suggestion.refresh_from_db()
    assert suggestion.status == DraftSuggestion.Status.ACCEPTED


def test_accepting_with_edits_uses_the_new_technique_words_and_explanation(draft):
    suggestion = suggestion_for(draft, "reckless")
    start, end = span_of("reckless gamble")
    name_calling = Technique.objects.get(slug="name-calling")
    device = accept_suggestion(
        suggestion=suggestion, technique=name_calling, start=start, end=end, explanation="  A label.  "
    )
    assert (device.text, device.technique, device.explanation) == (
        "reckless gamble",
        name_calling,
        "A label.",
    )


def test_a_decided_suggestion_cannot_be_decided_again(draft):
    accepted, rejected = suggestion_for(draft, "reckless"), suggestion_for(draft, "destroy")
    accept_suggestion(suggestion=accepted)
    reject_suggestion(suggestion=rejected)
    for suggestion in (accepted, rejected):
        with pytest.raises(AuthoringRefused, match="already decided"):
            accept_suggestion(suggestion=suggestion)
        with pytest.raises(AuthoringRefused, match="already decided"):
            reject_suggestion(suggestion=suggestion)
    assert draft.key_devices.count() == 1


def test_rejecting_a_suggestion_adds_nothing_to_the_key(draft):
    suggestion = suggestion_for(draft, "destroy")
    reject_suggestion(suggestion=suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == DraftSuggestion.Status.REJECTED
    assert not draft.key_devices.exists()


def test_an_accept_with_a_span_outside_the_article_is_refused_and_leaves_the_suggestion_waiting(draft):
    suggestion = suggestion_for(draft, "reckless")
    with pytest.raises(AuthoringRefused, match="not inside the article"):
        accept_suggestion(suggestion=suggestion, start=10, end=len(ARTICLE_BODY) + 5)
    suggestion.refresh_from_db()
    assert suggestion.is_pending and not draft.key_devices.exists()


# Key devices ------------------------------------------------------------------------


def test_a_new_key_device_is_snapped_to_whole_words_and_its_text_copied_from_the_body(draft):
    start, end = span_of("ckless gamb")
    device = add_key_device(
        lesson=draft,
        start=start,
        end=end,
        technique=Technique.objects.get(slug="loaded-language"),
        explanation="",
    )
    assert device.text == "reckless gamble"
    assert ARTICLE_BODY[device.start : device.end] == device.text


def test_quotation_marks_and_spaces_are_trimmed_from_a_new_key_device(draft):
    start, end = span_of(' "a lifeline for working families" ')
    device = add_key_device(
        lesson=draft, start=start, end=end, technique=Technique.objects.get(slug="slogans"), explanation="x"
    )
    assert device.text == "a lifeline for working families"


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 5), (9, 3), (0, len(ARTICLE_BODY) + 1)])
def test_a_key_device_outside_the_article_is_refused(draft, start, end):
    with pytest.raises(AuthoringRefused, match="not inside the article"):
        add_key_device(
            lesson=draft, start=start, end=end, technique=Technique.objects.first(), explanation="x"
        )
    assert not draft.key_devices.exists()


def test_a_stretch_of_punctuation_alone_is_refused(draft):
    start = ARTICLE_BODY.index('," she said')
    with pytest.raises(AuthoringRefused, match="no words"):
        add_key_device(
            lesson=draft, start=start, end=start + 2, technique=Technique.objects.first(), explanation=""
        )


def test_the_same_device_twice_is_refused(draft):
    technique = Technique.objects.get(slug="loaded-language")
    add_key_device(lesson=draft, start=0, end=7, technique=technique, explanation="")
    with pytest.raises(AuthoringRefused, match="already marks"):
        add_key_device(lesson=draft, start=0, end=7, technique=technique, explanation="")
    assert draft.key_devices.count() == 1


def test_key_devices_are_numbered_in_text_order_through_every_change(draft):
    technique = Technique.objects.get(slug="loaded-language")
    late = add_key_device(
        lesson=draft,
        start=span_of("reckless")[0],
        end=span_of("reckless")[1],
        technique=technique,
        explanation="",
    )
    early = add_key_device(lesson=draft, start=0, end=7, technique=technique, explanation="")
    assert list(draft.key_devices.values_list("pk", flat=True)) == [early.pk, late.pk]
    start, end = span_of("fight the plan")
    update_key_device(
        device=KeyDevice.objects.get(pk=early.pk), start=start, end=end, technique=technique, explanation=""
    )
    assert list(draft.key_devices.values_list("pk", "position")) == [(late.pk, 0), (early.pk, 1)]
    delete_key_device(device=KeyDevice.objects.get(pk=late.pk))
    assert list(draft.key_devices.values_list("pk", "position")) == [(early.pk, 0)]


def test_updating_a_key_device_changes_its_words_technique_and_explanation(draft):
    device = accept_suggestion(suggestion=suggestion_for(draft, "reckless"))
    start, end = span_of("a reckless gamble")
    doubt = Technique.objects.get(slug="doubt")
    update_key_device(device=device, start=start, end=end, technique=doubt, explanation="New words.")
    device.refresh_from_db()
    assert (device.text, device.technique, device.explanation) == ("a reckless gamble", doubt, "New words.")


# Sentences and details --------------------------------------------------------------


def test_updating_a_sentence_key_saves_every_label(draft):
    segment = draft.segments.get(position=2)
    update_segment_key(
        segment=segment,
        kind="sentence",
        voice="partial",
        speaker="  Elena Ruiz ",
        quote_source="speaker",
        neutral=True,
        explanation="Her words in quotes, the rest retold.",
    )
    segment.refresh_from_db()
    assert (segment.voice, segment.speaker, segment.quote_source, segment.neutral) == (
        "partial",
        "Elena Ruiz",
        "speaker",
        True,
    )
    assert segment.explanation == "Her words in quotes, the rest retold."


@pytest.mark.parametrize("change", [{"voice": "shouting"}, {"kind": "footnote"}, {"quote_source": "nobody"}])
def test_a_sentence_label_outside_the_choices_is_refused(draft, change):
    segment = draft.segments.get(position=1)
    before = (segment.voice, segment.kind, segment.quote_source)
    fields = {
        "kind": "sentence",
        "voice": "narration",
        "speaker": "",
        "quote_source": "",
        "neutral": False,
        "explanation": "",
    }
    with pytest.raises(AuthoringRefused):
        update_segment_key(segment=segment, **{**fields, **change})
    segment.refresh_from_db()
    assert (segment.voice, segment.kind, segment.quote_source) == before


def test_details_change_the_title_and_summary_but_not_to_an_empty_title(draft):
    update_lesson_details(lesson=draft, title=" Bus lanes ", summary="Quotes and labels.")
    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("Bus lanes", "Quotes and labels.")
    with pytest.raises(AuthoringRefused):
        update_lesson_details(lesson=draft, title="  ", summary="")


def test_deleting_a_draft_removes_its_article_key_and_suggestions(draft):
    delete_draft(lesson=draft)
    assert not Lesson.objects.exists()
    assert not DraftSuggestion.objects.exists()


# Publishing -------------------------------------------------------------------------


def test_a_fresh_draft_lists_what_must_be_fixed_before_publishing(draft):
    problems = publish_problems(draft)
    assert any("needs a speaker" in p or "speaker" in p for p in problems) or any(
        "device" in p for p in problems
    )
    assert "The key has no devices yet: accept a suggestion or add a device." in problems


def test_publish_problems_name_missing_labels_unexplained_devices_and_devices_in_neutral_sentences(draft):
    complete_the_key(draft)
    assert publish_problems(draft) == []
    segment = draft.segments.get(position=1)
    segment.speaker, segment.explanation = "", ""
    segment.save()
    device = draft.key_devices.get()
    device.explanation = ""
    device.save()
    last = draft.segments.order_by("position").last()
    last.neutral = True
    last.save()
    assert publish_problems(draft) == [
        "Sentence 2 needs a speaker and an explanation.",
        "Key device 1 (“reckless”) needs an explanation.",
        f"Sentence {last.position + 1} is marked neutral, but key device 1 (“reckless”) is in it.",
    ]


def test_publish_runs_the_bundle_check_and_names_the_sentence_it_fails_on(draft):
    complete_the_key(draft)
    segment = draft.segments.get(position=3)
    segment.start += 1  # A gap in the coverage: the structural check catches it.
    segment.save()
    [problem] = publish_problems(draft)
    assert problem.startswith("Sentence 4: start gap")


def test_publishing_a_complete_draft_discards_waiting_suggestions_and_keeps_the_key(draft):
    complete_the_key(draft)
    assert draft.suggestions.filter(status="pending").exists()
    lesson = publish_lesson(lesson=draft)
    assert lesson.status == Lesson.Status.PUBLISHED
    assert not DraftSuggestion.objects.filter(lesson=lesson).exists()
    assert lesson.key_devices.count() == 1


def test_publishing_an_incomplete_draft_is_refused_and_changes_nothing(draft):
    with pytest.raises(PublishRefused) as refused:
        publish_lesson(lesson=draft)
    assert refused.value.problems == publish_problems(draft)
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.DRAFT
    assert draft.suggestions.count() > 0


def test_a_published_lesson_refuses_every_change(draft):
    complete_the_key(draft)
    device = draft.key_devices.get()
    suggestion = draft.suggestions.filter(status="pending").first()
    publish_lesson(lesson=draft)
    draft.refresh_from_db()
    technique = device.technique
    changes = [
        lambda: add_key_device(lesson=draft, start=0, end=7, technique=technique, explanation=""),
        lambda: update_key_device(device=device, start=0, end=7, technique=technique, explanation=""),
        lambda: delete_key_device(device=device),
        lambda: update_segment_key(
            segment=draft.segments.first(),
            kind="sentence",
            voice="direct",
            speaker="",
            quote_source="",
            neutral=False,
            explanation="",
        ),
        lambda: update_lesson_details(lesson=draft, title="New", summary=""),
        lambda: publish_lesson(lesson=draft),
        lambda: delete_draft(lesson=draft),
    ]
    for change in changes:
        with pytest.raises(AuthoringRefused, match="is published"):
            change()
    assert suggestion is not None
    assert KeyDevice.objects.filter(pk=device.pk, start=device.start).exists()


def test_a_drafts_download_lists_its_waiting_suggestions_and_a_published_lesson_imports_elsewhere(draft):
    bundle = bundle_for_download(draft)
    assert bundle["status"] == "draft"
    assert {s["text"] for s in bundle["suggestions"]} >= {"reckless", "destroy"}
    complete_the_key(draft)
    publish_lesson(lesson=draft)
    published = bundle_for_download(Lesson.objects.get(pk=draft.pk))
    assert "suggestions" not in published
    validate_bundle(published)
    published["lesson"]["slug"] = "bus-lanes-copy"
    copy = import_bundle(published)
    assert copy.key_devices.get().text == "reckless"


# Who sees what ------------------------------------------------------------------------


def test_drafts_are_visible_to_their_author_and_staff_only(draft, teacher, other_teacher, make_user):
    admin = make_user("admin", role="teacher", is_staff=True)
    assert list(Lesson.objects.visible_to(teacher)) == [draft]
    assert not Lesson.objects.visible_to(other_teacher).exists()
    assert list(Lesson.objects.drafts_editable_by(admin)) == [draft]
    complete_the_key(draft)
    publish_lesson(lesson=draft)
    assert list(Lesson.objects.visible_to(other_teacher)) == [draft]
    assert not Lesson.objects.drafts_editable_by(teacher).exists()
