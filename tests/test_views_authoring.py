"""The authoring pages: new lesson, the editor and every change it posts, as full pages and fragments."""

import json

import pytest
from django.urls import reverse

from teaching.authoring import create_draft_lesson, publish_lesson
from teaching.marks import words_in
from teaching.models import DraftSuggestion, KeyDevice, Lesson, Segment
from tests.test_authoring import ARTICLE, ARTICLE_BODY, complete_the_key, span_of, suggestion_for

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def techniques(db):
    from django.core.management import call_command

    call_command("loaddata", "techniques", verbosity=0)


@pytest.fixture
def draft(techniques, teacher):
    return create_draft_lesson(author=teacher, **ARTICLE)


@pytest.fixture
def author(client, teacher):
    client.force_login(teacher)
    return client


def url(name, lesson, *args):
    return reverse(name, args=[lesson.slug, *args])


def edit_url(lesson, anchor=""):
    return reverse("lesson_edit", args=[lesson.slug]) + (f"#{anchor}" if anchor else "")


def word_index(lesson, segment, phrase_start, *, end=False):
    """Return the index of the word that starts (or ends) at an offset, among the segment's words."""
    words = words_in(lesson.article.body, segment.start, segment.end)
    return next(i for i, (s, e) in enumerate(words) if (e if end else s) == phrase_start)


def segment_holding(lesson, phrase):
    start, _ = span_of(phrase, lesson.article.body)
    return lesson.segments.get(start__lte=start, end__gt=start)


def segment_post(segment, **change):
    data = {
        "kind": segment.kind,
        "voice": segment.voice,
        "speaker": segment.speaker,
        "quote_source": segment.quote_source,
        "explanation": segment.explanation,
    }
    if segment.neutral:
        data["neutral"] = "on"
    data.update(change)
    return data


def state(lesson):
    """Return everything a refused change must leave as it was."""
    return (
        list(Lesson.objects.filter(pk=lesson.pk).values_list("status", "title", "summary")),
        list(lesson.segments.values_list()),
        list(KeyDevice.objects.filter(lesson=lesson).values_list()),
        list(DraftSuggestion.objects.filter(lesson=lesson).values_list()),
    )


# New lesson -------------------------------------------------------------------------


def test_new_lesson_page_shows_the_article_form_with_a_language_choice(author):
    response = author.get(reverse("lesson_new"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("title", "outlet", "published", "language", "body"):
        assert f'name="{name}"' in html
    assert '<option value="ru">Russian</option>' in html
    assert 'type="date"' in html
    assert "maxlength" not in html.split('name="body"')[1].split(">")[0], (
        "the browser must not cut a paste short"
    )


def test_new_lesson_is_for_teachers_only(client, student, techniques):
    assert client.get(reverse("lesson_new")).status_code == 302
    client.force_login(student)
    assert client.get(reverse("lesson_new")).status_code == 404
    assert client.post(reverse("lesson_new"), {**ARTICLE}).status_code == 404
    assert not Lesson.objects.exists()


def test_posting_an_article_drafts_a_lesson_and_opens_its_editor(author, teacher, techniques):
    data = {**ARTICLE, "published": "2025-03-04", "body": ARTICLE_BODY.replace("\n", "\r\n")}
    response = author.post(reverse("lesson_new"), data)
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response.url == edit_url(lesson)
    assert (lesson.status, lesson.created_by) == (Lesson.Status.DRAFT, teacher)
    assert lesson.article.body == ARTICLE_BODY, "line breaks from the browser count one character each"
    page = author.get(response.url)
    assert "Draft ready:" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": ""}, "Paste the article&#x27;s text: it is empty."),
        ({"body": "x" * 20_001}, "The text is 20,001 characters long; a lesson takes at most 20,000."),
        ({"published": "2025-13-45"}, "Enter the date as YYYY-MM-DD"),
        ({"published": "3099-01-01"}, "That date is in the future."),
        ({"language": "de"}, "Select a valid choice."),
        ({"title": ""}, "Give the article&#x27;s headline."),
        ({"outlet": " "}, "Name the outlet that published the article."),
    ],
)
def test_a_bad_article_is_refused_with_a_message_and_creates_nothing(author, techniques, change, message):
    response = author.post(reverse("lesson_new"), {**ARTICLE, "published": "2025-03-04", **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert not Lesson.objects.exists()


# The library ------------------------------------------------------------------------


def test_library_offers_a_new_lesson_and_lists_only_my_own_drafts(author, draft, client, other_teacher):
    html = author.get(reverse("lesson_list")).content.decode()
    assert reverse("lesson_new") in html
    assert "Your drafts" in html and edit_url(draft) in html
    client.force_login(other_teacher)
    html = client.get(reverse("lesson_list")).content.decode()
    assert edit_url(draft) not in html and draft.title not in html


def test_a_draft_has_no_library_page_even_for_its_author(author, draft):
    assert author.get(reverse("lesson_detail", args=[draft.slug])).status_code == 404


# The editor -------------------------------------------------------------------------


def test_editor_shows_drafted_voices_with_reasons_and_suggestions_with_reason_and_confidence(author, draft):
    response = author.get(edit_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    first = draft.segments.get(position=1)
    assert first.explanation.replace("’", "’") in html
    suggestion = suggestion_for(draft, "reckless")
    assert suggestion.reason.replace("“", "“") in html
    assert f"Confidence: {suggestion.confidence_percent}%" in html
    assert url("suggestion_accept", draft, suggestion.pk) in html
    assert url("suggestion_reject", draft, suggestion.pk) in html
    assert url("lesson_export", draft) in html
    assert "discarded when you publish" in html


def test_editor_names_quotation_marks_that_could_not_be_paired(author, teacher, techniques):
    body = 'The mayor said the plan was "a lifeline. Nobody objected.\n\nThe vote was on Tuesday.'
    lesson = create_draft_lesson(author=teacher, **{**ARTICLE, "body": body})
    html = author.get(edit_url(lesson)).content.decode()
    assert "Quotation marks to check" in html
    assert "opening mark never closed in its paragraph" in html


def test_another_teachers_draft_is_a_404_everywhere(client, other_teacher, draft):
    client.force_login(other_teacher)
    suggestion = draft.suggestions.first()
    before = state(draft)
    assert client.get(edit_url(draft)).status_code == 404
    assert client.get(url("lesson_export", draft)).status_code == 404
    posts = [
        url("lesson_details", draft),
        url("segment_save", draft, 0),
        url("device_add", draft),
        url("suggestion_accept", draft, suggestion.pk),
        url("suggestion_reject", draft, suggestion.pk),
        url("lesson_publish", draft),
        url("lesson_delete", draft),
    ]
    for post_url in posts:
        assert client.post(post_url, {"title": "Mine now"}).status_code == 404, post_url
        assert client.post(post_url, {"title": "Mine now"}, **HTMX).status_code == 404, post_url
    assert state(draft) == before


def test_staff_may_open_any_draft(client, make_user, draft):
    client.force_login(make_user("admin", role="teacher", is_staff=True))
    assert client.get(edit_url(draft)).status_code == 200


def test_a_published_lessons_editor_sends_teachers_to_its_library_page(author, client, other_teacher, draft):
    complete_the_key(draft)
    publish_lesson(lesson=draft)
    detail = reverse("lesson_detail", args=[draft.slug])
    assert author.get(edit_url(draft)).url == detail
    client.force_login(other_teacher)
    assert client.get(edit_url(draft)).url == detail


def test_a_change_posted_to_a_published_lesson_is_refused_and_changes_nothing(author, draft):
    complete_the_key(draft)
    publish_lesson(lesson=draft)
    before = state(draft)
    segment = draft.segments.get(position=1)
    response = author.post(url("segment_save", draft, 1), segment_post(segment, voice="direct"))
    assert response.url == reverse("lesson_detail", args=[draft.slug])
    response = author.post(url("segment_save", draft, 1), segment_post(segment, voice="direct"), **HTMX)
    assert response.status_code == 409
    assert response["HX-Redirect"] == reverse("lesson_detail", args=[draft.slug])
    assert state(draft) == before


# Title and summary ------------------------------------------------------------------


def test_details_save_as_a_form_and_as_a_fragment(author, draft):
    response = author.post(url("lesson_details", draft), {"title": "Bus lanes", "summary": "Three voices."})
    assert response.url == edit_url(draft, "details")
    response = author.post(url("lesson_details", draft), {"title": "Bus lanes!", "summary": "Two."}, **HTMX)
    assert response.status_code == 200
    assert "Saved" in response.content.decode() and "<html" not in response.content.decode()
    draft.refresh_from_db()
    assert (draft.title, draft.summary) == ("Bus lanes!", "Two.")


def test_an_empty_title_is_refused(author, draft):
    before = state(draft)
    response = author.post(url("lesson_details", draft), {"title": "", "summary": "x"}, **HTMX)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert author.post(url("lesson_details", draft), {"title": "", "summary": "x"}).status_code == 400
    assert state(draft) == before


# Sentences --------------------------------------------------------------------------


def test_saving_a_sentence_as_a_plain_form_redirects_to_it(author, draft):
    segment = draft.segments.get(position=2)
    data = segment_post(segment, speaker="Elena Ruiz", explanation="Her words, quoted.", neutral="on")
    response = author.post(url("segment_save", draft, 2), data)
    assert response.status_code == 302
    assert response.url == edit_url(draft, "segment-2")
    segment.refresh_from_db()
    assert (segment.speaker, segment.explanation, segment.neutral) == (
        "Elena Ruiz",
        "Her words, quoted.",
        True,
    )


def test_saving_a_sentence_with_htmx_answers_its_status_and_refreshes_the_checklist(author, draft):
    segment = draft.segments.get(position=3)
    response = author.post(url("segment_save", draft, 3), segment_post(segment, speaker="Elena Ruiz"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Saved" in html
    assert 'id="au-progress"' in html and 'hx-swap-oob="true"' in html
    assert 'id="au-publish"' in html
    assert "Sentence 4 saved." in html  # For the live region.
    assert Segment.objects.get(pk=segment.pk).speaker == "Elena Ruiz"


@pytest.mark.parametrize("voice", ["", "shouting"])
def test_a_sentence_with_a_bad_voice_is_refused_and_unchanged(author, draft, voice):
    segment = draft.segments.get(position=1)
    before = state(draft)
    response = author.post(
        url("segment_save", draft, 1), segment_post(segment, voice=voice, speaker="X"), **HTMX
    )
    assert response.status_code == 400
    assert "Sentence 2 was not saved" in response.content.decode()
    response = author.post(url("segment_save", draft, 1), segment_post(segment, voice=voice, speaker="X"))
    assert response.status_code == 400
    assert "<html" in response.content.decode() and "Sentence 2 was not saved" in response.content.decode()
    assert state(draft) == before


def test_an_unknown_sentence_is_a_404(author, draft):
    assert author.post(url("segment_save", draft, 999), {"voice": "direct"}).status_code == 404


# Suggestions ------------------------------------------------------------------------


def test_accepting_a_suggestion_as_a_plain_form_redirects_and_adds_it_to_the_key(author, draft):
    suggestion = suggestion_for(draft, "reckless")
    response = author.post(url("suggestion_accept", draft, suggestion.pk))
    assert response.url == edit_url(draft, "suggestions")
    device = draft.key_devices.get()
    assert (device.text, device.explanation) == ("reckless", suggestion.reason)


def test_accepting_a_suggestion_with_htmx_answers_the_devices_part(author, draft):
    suggestion = suggestion_for(draft, "reckless")
    response = author.post(url("suggestion_accept", draft, suggestion.pk), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="au-devices"')
    assert f'id="suggestion-{suggestion.pk}"' not in html
    device = draft.key_devices.get()
    assert f'id="device-{device.pk}"' in html
    assert "Accepted “reckless” as Loaded language." in html


def test_accepting_an_edited_suggestion_uses_the_teachers_technique_words_and_explanation(author, draft):
    suggestion = suggestion_for(draft, "reckless")
    segment = segment_holding(draft, "reckless")
    start, end = span_of("reckless gamble")
    data = {
        "technique": "name-calling",
        "first_word": word_index(draft, segment, start),
        "last_word": word_index(draft, segment, end, end=True),
        "explanation": "A label that judges the vote.",
    }
    response = author.post(url("suggestion_accept", draft, suggestion.pk), data, **HTMX)
    assert response.status_code == 200
    device = draft.key_devices.select_related("technique").get()
    assert (device.text, device.technique.slug, device.explanation) == (
        "reckless gamble",
        "name-calling",
        "A label that judges the vote.",
    )


@pytest.mark.parametrize(
    "change",
    [{"first_word": "999"}, {"last_word": "-1"}, {"technique": "no-such-thing"}, {"first_word": "two"}],
)
def test_an_edited_accept_with_bad_words_or_technique_is_refused_and_changes_nothing(author, draft, change):
    suggestion = suggestion_for(draft, "reckless")
    data = {"technique": "loaded-language", "first_word": "0", "last_word": "1", "explanation": "x", **change}
    before = state(draft)
    response = author.post(url("suggestion_accept", draft, suggestion.pk), data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html or "errorlist" in html
    assert f'id="suggestion-{suggestion.pk}"' in html
    assert author.post(url("suggestion_accept", draft, suggestion.pk), data).status_code == 400
    assert state(draft) == before


def test_rejecting_a_suggestion_as_a_form_and_with_htmx(author, draft):
    first, second = suggestion_for(draft, "destroy"), suggestion_for(draft, "reckless")
    assert author.post(url("suggestion_reject", draft, first.pk)).url == edit_url(draft, "suggestions")
    response = author.post(url("suggestion_reject", draft, second.pk), **HTMX)
    assert response.status_code == 200
    assert f'id="suggestion-{second.pk}"' not in response.content.decode()
    assert set(
        DraftSuggestion.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"rejected"}
    assert not draft.key_devices.exists()


def test_deciding_a_suggestion_twice_is_refused_with_a_message(author, draft):
    suggestion = suggestion_for(draft, "destroy")
    author.post(url("suggestion_reject", draft, suggestion.pk))
    before = state(draft)
    response = author.post(url("suggestion_accept", draft, suggestion.pk), **HTMX)
    assert response.status_code == 400
    assert "already decided" in response.content.decode()
    response = author.post(url("suggestion_accept", draft, suggestion.pk))
    assert response.status_code == 400
    assert "already decided" in response.content.decode() and "<html" in response.content.decode()
    assert state(draft) == before


def test_a_suggestion_of_another_lesson_is_a_404(author, draft, teacher):
    other = create_draft_lesson(author=teacher, **ARTICLE)
    suggestion = other.suggestions.first()
    assert author.post(url("suggestion_accept", draft, suggestion.pk)).status_code == 404
    assert author.post(url("suggestion_reject", draft, suggestion.pk)).status_code == 404


# Key devices ------------------------------------------------------------------------


def add_data(lesson, phrase, technique="loaded-language", explanation="Strong words."):
    segment = segment_holding(lesson, phrase)
    start, end = span_of(phrase, lesson.article.body)
    return {
        "segment": segment.position,
        "first_word": word_index(lesson, segment, start),
        "last_word": word_index(lesson, segment, end, end=True),
        "technique": technique,
        "explanation": explanation,
    }


def test_the_word_picker_is_a_page_without_js_and_a_fragment_with_htmx(author, draft):
    segment = segment_holding(draft, "reckless")
    page = author.get(edit_url(draft) + f"?sentence={segment.position}")
    assert 'name="first_word"' in page.content.decode() and "<html" in page.content.decode()
    fragment = author.get(
        edit_url(draft) + f"?sentence={segment.position}", HTTP_HX_TARGET="word-picker", **HTMX
    )
    html = fragment.content.decode()
    assert html.lstrip().startswith('<form id="word-picker"')
    assert ">8. reckless</option>" in html or "reckless</option>" in html


def test_adding_a_device_by_sentence_and_words_as_a_form_and_with_htmx(author, draft):
    response = author.post(url("device_add", draft), add_data(draft, "reckless gamble"))
    device = draft.key_devices.get()
    assert response.url == edit_url(draft, f"device-{device.pk}")
    assert (device.text, device.explanation) == ("reckless gamble", "Strong words.")
    response = author.post(
        url("device_add", draft), add_data(draft, "destroy their trade", "appeal-to-fear"), **HTMX
    )
    assert response.status_code == 200
    assert "Added “destroy their trade” to the key as Appeal to fear" in response.content.decode()
    assert draft.key_devices.count() == 2


@pytest.mark.parametrize(
    "change",
    [{"segment": "999"}, {"segment": ""}, {"first_word": "500"}, {"technique": ""}, {"last_word": ""}],
)
def test_adding_a_device_with_a_bad_sentence_word_or_technique_is_refused(author, draft, change):
    before = state(draft)
    data = {**add_data(draft, "reckless gamble"), **change}
    response = author.post(url("device_add", draft), data, **HTMX)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert author.post(url("device_add", draft), data).status_code == 400
    assert state(draft) == before


def test_adding_the_same_device_twice_is_refused_with_a_message(author, draft):
    author.post(url("device_add", draft), add_data(draft, "reckless gamble"))
    response = author.post(url("device_add", draft), add_data(draft, "reckless gamble"), **HTMX)
    assert response.status_code == 400
    assert "The key already marks “reckless gamble”" in response.content.decode()
    assert draft.key_devices.count() == 1


def test_updating_a_device_changes_its_explanation_and_words(author, draft):
    device = author.post(url("device_add", draft), add_data(draft, "reckless")) and draft.key_devices.get()
    segment = segment_holding(draft, "reckless")
    start, end = span_of("a reckless gamble")
    data = {
        "technique": "loaded-language",
        "first_word": word_index(draft, segment, start),
        "last_word": word_index(draft, segment, end, end=True),
        "explanation": "Judges the vote before the facts.",
    }
    response = author.post(url("device_update", draft, device.pk), data, **HTMX)
    assert response.status_code == 200
    assert "Saved “a reckless gamble”" in response.content.decode()
    device.refresh_from_db()
    assert (device.text, device.explanation) == ("a reckless gamble", "Judges the vote before the facts.")
    data["explanation"] = "Plain form."
    assert author.post(url("device_update", draft, device.pk), data).url == edit_url(
        draft, f"device-{device.pk}"
    )


def selected_value(html, select_id):
    """Return the value of the selected option of the select ``select_id`` in ``html``."""
    options = html.split(f'id="{select_id}"')[1].split("</select>")[0]
    return options.split(" selected")[0].rsplit('value="', 1)[1].split('"')[0]


def test_a_devices_technique_and_words_form_opens_on_request_as_a_page_and_a_fragment(author, draft):
    author.post(url("suggestion_accept", draft, suggestion_for(draft, "reckless").pk))
    device = draft.key_devices.get()
    page = author.get(edit_url(draft)).content.decode()
    assert f'id="dev{device.pk}-explanation"' in page
    assert f'id="dev{device.pk}-first_word"' not in page, "word lists are built only when asked for"
    assert f"?edit=dev{device.pk}" in page
    page = author.get(edit_url(draft) + f"?edit=dev{device.pk}").content.decode()
    assert "<html" in page and f'id="dev{device.pk}-first_word"' in page
    fragment = author.get(
        edit_url(draft) + f"?edit=dev{device.pk}", HTTP_HX_TARGET=f"dev{device.pk}-edit", **HTMX
    ).content.decode()
    assert fragment.lstrip().startswith(f'<div id="dev{device.pk}-edit"')
    assert selected_value(fragment, f"dev{device.pk}-technique") == "loaded-language"
    assert "autofocus" in fragment


def test_a_suggestions_edit_form_opens_as_a_fragment_and_an_unknown_item_is_a_404(author, draft):
    suggestion = suggestion_for(draft, "reckless")
    key = f"sug{suggestion.pk}"
    fragment = author.get(edit_url(draft) + f"?edit={key}", HTTP_HX_TARGET=f"{key}-edit", **HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith(f'<div id="{key}-edit"')
    assert "Accept with these changes" in html and suggestion.reason in html
    missing = author.get(edit_url(draft) + "?edit=sug999999", HTTP_HX_TARGET="sug999999-edit", **HTMX)
    assert missing.status_code == 404
    assert author.get(edit_url(draft) + "?edit=sug999999").status_code == 200


def test_saving_a_devices_explanation_alone_keeps_its_words_and_technique(author, draft):
    author.post(url("suggestion_accept", draft, suggestion_for(draft, "reckless").pk))
    device = draft.key_devices.get()
    response = author.post(
        url("device_update", draft, device.pk), {"explanation": " Judges the vote. "}, **HTMX
    )
    assert response.status_code == 200
    device.refresh_from_db()
    assert (device.text, device.technique.slug, device.explanation) == (
        "reckless",
        "loaded-language",
        "Judges the vote.",
    )


def test_updating_a_device_without_moving_its_words_keeps_its_exact_span(author, draft):
    author.post(url("suggestion_accept", draft, suggestion_for(draft, "reckless").pk))
    device = draft.key_devices.get()
    form = author.get(edit_url(draft) + f"?edit=dev{device.pk}").content.decode()
    data = {
        "technique": "doubt",
        "first_word": selected_value(form, f"dev{device.pk}-first_word"),
        "last_word": selected_value(form, f"dev{device.pk}-last_word"),
        "explanation": "Mine.",
    }
    author.post(url("device_update", draft, device.pk), data)
    device.refresh_from_db()
    assert (device.text, device.technique.slug, device.explanation) == ("reckless", "doubt", "Mine.")


def test_deleting_a_device_as_a_form_and_with_htmx(author, draft):
    author.post(url("device_add", draft), add_data(draft, "reckless"))
    author.post(url("device_add", draft), add_data(draft, "destroy"))
    first, second = draft.key_devices.get(text="reckless"), draft.key_devices.get(text="destroy")
    assert author.post(url("device_delete", draft, first.pk)).url == edit_url(draft, "key")
    response = author.post(url("device_delete", draft, second.pk), **HTMX)
    assert response.status_code == 200
    assert "Removed “destroy” from the key." in response.content.decode()
    assert not draft.key_devices.exists()


def test_a_device_of_another_lesson_is_a_404(author, draft, teacher):
    other = create_draft_lesson(author=teacher, **ARTICLE)
    author.post(url("device_add", other), add_data(other, "reckless"))
    device = other.key_devices.get()
    assert author.post(url("device_update", draft, device.pk), {"explanation": "x"}).status_code == 404
    assert author.post(url("device_delete", draft, device.pk)).status_code == 404
    assert other.key_devices.filter(pk=device.pk).exists()


# Publishing, exporting, deleting ----------------------------------------------------


def test_publishing_an_incomplete_draft_is_refused_with_the_problems(author, draft):
    before = state(draft)
    response = author.post(url("lesson_publish", draft), follow=True)
    assert response.redirect_chain[-1][0] == edit_url(draft, "publish")
    assert "Not published yet." in response.content.decode()
    assert state(draft) == before


def test_publishing_a_complete_draft_opens_its_library_page_and_drops_waiting_suggestions(author, draft):
    complete_the_key(draft)
    response = author.post(url("lesson_publish", draft), follow=True)
    assert response.redirect_chain[-1][0] == reverse("lesson_detail", args=[draft.slug])
    assert "is published" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Lesson.Status.PUBLISHED
    assert not draft.suggestions.exists()


def test_a_draft_downloads_as_a_bundle_with_its_waiting_suggestions(author, draft):
    response = author.get(url("lesson_export", draft))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="{draft.slug}.json"'
    bundle = json.loads(response.content)
    assert bundle["format"] == "lesson-bundle/1" and bundle["status"] == "draft"
    assert bundle["article"]["body"] == ARTICLE_BODY
    assert any(s["text"] == "reckless" for s in bundle["suggestions"])


def test_any_teacher_may_download_a_published_lesson(client, other_teacher, draft):
    complete_the_key(draft)
    publish_lesson(lesson=draft)
    client.force_login(other_teacher)
    response = client.get(url("lesson_export", draft))
    assert response.status_code == 200
    assert json.loads(response.content)["devices"][0]["text"] == "reckless"


def test_deleting_a_draft_returns_to_the_library(author, draft):
    response = author.post(url("lesson_delete", draft))
    assert response.url == reverse("lesson_list")
    assert not Lesson.objects.exists()
