"""The devices activity's pages: marking, the keyboard path, refusals, feedback, and the technique CSS."""

import datetime
import re
import uuid
from html import unescape
from itertools import accumulate

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from teaching.models import Assignment, Attempt, Classroom, Enrollment, Lesson, Mark, Technique
from teaching.work import submit_attempt

pytestmark = pytest.mark.django_db

WARM_UP = "warm-up-skate-park"
HTMX = {"headers": {"HX-Request": "true"}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash the fixtures' passwords quickly; no test here logs in with one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def assignment(db, teacher, student):
    call_command("loaddata", "techniques", f"lesson-{WARM_UP}", verbosity=0)
    classroom = Classroom.objects.create(teacher=teacher, name="Year 10")
    Enrollment.objects.create(classroom=classroom, student=student)
    now = timezone.now()
    return Assignment.objects.create(
        classroom=classroom,
        lesson=Lesson.objects.get(slug=WARM_UP),
        opens_at=now - datetime.timedelta(days=1),
        due_at=now + datetime.timedelta(days=7),
    )


@pytest.fixture
def body(assignment):
    return assignment.lesson.article.body


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def url(name, assignment, *args):
    return reverse(name, args=[assignment.pk, *args])


def span_of(body, phrase):
    start = body.index(phrase)
    return start, start + len(phrase)


def post_mark(client, assignment, start, end, technique="loaded-language", client_id=None, htmx=True):
    data = {"start": start, "end": end, "technique": technique, "client_id": client_id or uuid.uuid4()}
    return client.post(url("mark_add", assignment), data, **(HTMX if htmx else {}))


def make_mark(assignment, student, body, phrase, technique="loaded-language"):
    attempt, _ = Attempt.objects.get_or_create(assignment=assignment, student=student)
    start, end = span_of(body, phrase)
    return Mark.objects.create(
        attempt=attempt,
        start=start,
        end=end,
        technique=Technique.objects.get(slug=technique),
        client_id=uuid.uuid4(),
    )


def text_of(response):
    return response.content.decode()


# The activity page --------------------------------------------------------------


def test_activity_page_shows_offsets_palette_and_keyboard_path(student_client, assignment):
    response = student_client.get(url("devices", assignment))
    html = text_of(response)
    assert response.status_code == 200
    assert "<html" in html
    assert 'data-start="0"' in html
    assert html.count('class="dv-apply"') == Technique.objects.count()
    assert 'data-shortcut="l"' in html and "<kbd" in html
    assert reverse("technique_css") in html
    assert "lens/devices.js" in html
    assert 'id="mark-by-words"' in html
    # Nothing was started by looking.
    assert not Attempt.objects.exists()


def test_palette_groups_techniques_by_family_in_order(student_client, assignment):
    html = text_of(student_client.get(url("devices", assignment)))
    families = [label for _, label in Technique.Family.choices]
    positions = [html.index(f">{label}</span></h3>") for label in families]
    assert positions == sorted(positions)
    # Each technique's definition is one step away, in a <details>.
    loaded = Technique.objects.get(slug="loaded-language")
    assert loaded.definition in html


def article_runs(html):
    """Return (data-start, text) of each run of the article, as devices.js reads offsets from them."""
    article = html[html.index('id="devices-article"') :]
    article = article[: article.index("</div>")]
    runs = re.findall(r'<(?:span|mark) [^>]*data-start="(\d+)"[^>]*>([^<]*)</(?:span|mark)>', article)
    return [(int(start), unescape(text)) for start, text in runs]


def test_activity_page_runs_rebuild_the_body_exactly(student_client, assignment, student, body):
    make_mark(assignment, student, body, "historic victory for every young person", "exaggeration")
    make_mark(assignment, student, body, "victory", "loaded-language")
    response = student_client.get(url("devices", assignment))
    html = text_of(response)
    runs = article_runs(html)
    assert "".join(text for _, text in runs) == body
    # Each run's data-start is its offset in the body, in code points.
    assert [start for start, _ in runs] == list(accumulate([0, *(len(text) for _, text in runs[:-1])]))
    assert "dv-overlap" in html  # Overlapping marks render as one striped run.
    assert html.count('<sup class="dv-code') == 2


def test_activity_fragment_for_htmx_is_the_workspace(student_client, assignment):
    response = student_client.get(url("devices", assignment), **HTMX)
    html = text_of(response)
    assert response.status_code == 200
    assert "<html" not in html
    # The count, the article and the list, each swapped in out of band by devices.js.
    for element in ("dv-count", "devices-article", "dv-mark-list", "dv-no-marks"):
        assert re.search(rf'id="{element}"[^>]* hx-swap-oob="true"', html), element


def test_word_picker_fragment_lists_the_words_of_the_sentence(student_client, assignment):
    response = student_client.get(
        url("devices", assignment) + "?sentence=16",
        headers={"HX-Request": "true", "HX-Target": "word-picker"},
    )
    html = text_of(response)
    assert "<html" not in html and 'id="devices-article"' not in html
    assert 'id="word-picker"' in html
    # Sentence 16: “"These 'concerns' are an excuse," Ortiz replied.”
    assert ">1. These</option>" in html and ">3. are</option>" in html


def test_keyboard_path_works_without_javascript(student_client, assignment, body):
    page = student_client.get(url("devices", assignment) + "?sentence=16")
    assert ">2. concerns</option>" in text_of(page)
    client_id = page.context["picker"]["client_id"]
    data = {
        "segment": 16,
        "first_word": 1,
        "last_word": 1,
        "technique": "scare-quotes",
        "client_id": client_id,
    }
    response = student_client.post(url("mark_add", assignment), data)
    assert response.status_code == 302
    assert response["Location"].endswith("?sentence=16#mark-by-words")
    mark = Mark.objects.get()
    assert body[mark.start : mark.end] == "concerns"
    follow = student_client.get(response["Location"])
    assert "Marked “concerns” as Scare quotes." in text_of(follow)


def test_keyboard_path_takes_first_and_last_word_in_either_order(student_client, assignment, body):
    data = {"segment": 16, "first_word": 3, "last_word": 1, "technique": "doubt", "client_id": uuid.uuid4()}
    student_client.post(url("mark_add", assignment), data, **HTMX)
    mark = Mark.objects.get()
    assert body[mark.start : mark.end] == "concerns' are an"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"first_word": 99}, "Choose words from the sentence you picked."),
        ({"segment": 999}, "Choose a sentence from the list."),
        ({"last_word": ""}, "Choose the first and the last word."),
        ({"technique": ""}, "Choose a technique."),
    ],
)
def test_keyboard_path_refuses_bad_choices(student_client, assignment, change, message):
    data = {"segment": 16, "first_word": 1, "last_word": 2, "technique": "doubt", "client_id": uuid.uuid4()}
    response = student_client.post(url("mark_add", assignment), {**data, **change})
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Mark.objects.exists()


# Saving marks -------------------------------------------------------------------


def test_mark_is_snapped_to_whole_words_and_returned_as_fragment(student_client, assignment, body):
    start, end = span_of(body, "istoric victo")  # Inside "historic victory".
    response = post_mark(student_client, assignment, start, end)
    assert response.status_code == 201
    mark = Mark.objects.get()
    assert body[mark.start : mark.end] == "historic victory"
    html = text_of(response)
    assert "<html" not in html
    assert 'id="dv-notice"' in html and "Marked “historic victory” as Loaded language." in html
    assert f'id="mark-{mark.client_id}"' in html
    assert Attempt.objects.get().seconds_spent >= 0


def test_mark_is_trimmed_of_quotes_and_spaces(student_client, assignment, body):
    start, end = span_of(body, ' "endless noise" ')
    post_mark(student_client, assignment, start, end, "exaggeration")
    mark = Mark.objects.get()
    assert body[mark.start : mark.end] == "endless noise"


def test_replayed_save_is_stored_once(student_client, assignment, body):
    start, end = span_of(body, "endless noise")
    client_id = uuid.uuid4()
    first = post_mark(student_client, assignment, start, end, client_id=client_id)
    again = post_mark(student_client, assignment, start, end, client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Mark.objects.count() == 1
    assert "Already saved" in text_of(again)


def test_plain_form_post_redirects_to_the_page_with_a_message(student_client, assignment, body):
    start, end = span_of(body, "endless noise")
    response = post_mark(student_client, assignment, start, end, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == url("devices", assignment) + "#your-marks"


def assert_refused(response, status, message):
    assert response.status_code == status
    assert message in text_of(response)
    assert not Mark.objects.exists()


@pytest.mark.parametrize("start, end", [(0, 10_000), (-5, 4), (30, 30), (40, 20)])
def test_mark_outside_the_body_is_refused(student_client, assignment, start, end):
    response = post_mark(student_client, assignment, start, end)
    assert_refused(response, 400, "is not inside the article")
    # Nothing changes: not even an attempt is started.
    assert not Attempt.objects.exists()


def test_mark_on_punctuation_only_is_refused(student_client, assignment, body):
    start, end = span_of(body, '." "')
    assert_refused(post_mark(student_client, assignment, start, end), 400, "Select at least one word")


def test_mark_with_unknown_technique_is_refused(student_client, assignment, body):
    start, end = span_of(body, "endless noise")
    response = post_mark(student_client, assignment, start, end, technique="mind-control")
    assert_refused(response, 400, "That technique is not in the palette.")


@pytest.mark.parametrize("field, value", [("start", "ten"), ("client_id", "not-a-uuid")])
def test_malformed_mark_is_refused(student_client, assignment, field, value):
    data = {"start": 1, "end": 9, "technique": "doubt", "client_id": uuid.uuid4(), field: value}
    response = student_client.post(url("mark_add", assignment), data, **HTMX)
    assert response.status_code == 400
    assert not Mark.objects.exists()


def test_same_words_and_technique_twice_is_refused(student_client, assignment, body):
    start, end = span_of(body, "endless noise")
    post_mark(student_client, assignment, start, end)
    response = post_mark(student_client, assignment, start, end)
    assert response.status_code == 400
    assert "You have already marked “endless noise” as Loaded language." in text_of(response)
    assert Mark.objects.count() == 1


def test_mark_after_submitting_is_refused(student_client, assignment, student, body):
    make_mark(assignment, student, body, "endless noise")
    submit_attempt(Attempt.objects.get())
    start, end = span_of(body, "Grumble Brigade")
    response = post_mark(student_client, assignment, start, end)
    assert response.status_code == 409
    assert "You have submitted this assignment" in text_of(response)
    assert Mark.objects.count() == 1


def test_mark_after_the_due_time_is_refused(student_client, assignment, body):
    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3),
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    start, end = span_of(body, "endless noise")
    assert_refused(post_mark(student_client, assignment, start, end), 409, "can no longer be changed")


def test_mark_on_an_assignment_of_another_class_is_not_found(client, make_user, assignment, body):
    client.force_login(make_user("outsider"))
    start, end = span_of(body, "endless noise")
    assert post_mark(client, assignment, start, end).status_code == 404
    assert not Mark.objects.exists()


def test_teachers_and_strangers_cannot_open_the_activity(client, teacher, assignment):
    page = url("devices", assignment)
    assert client.get(page).status_code == 302  # To the login page.
    client.force_login(teacher)
    assert client.get(page).status_code == 404


def test_mark_add_only_accepts_post(student_client, assignment):
    assert student_client.get(url("mark_add", assignment)).status_code == 405


# Changing marks -----------------------------------------------------------------


def test_relabel_changes_the_technique_and_returns_the_fragment(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise")
    response = student_client.post(
        url("mark_change", assignment, mark.client_id),
        {"action": "relabel", "technique": "exaggeration"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "<html" not in text_of(response)
    assert "Relabelled “endless noise”: Loaded language → Exaggeration or minimisation." in text_of(response)
    mark.refresh_from_db()
    assert mark.technique.slug == "exaggeration"


def test_remove_as_plain_form_redirects_and_undo_readds_the_same_mark(
    student_client, assignment, student, body
):
    mark = make_mark(assignment, student, body, "endless noise")
    response = student_client.post(url("mark_change", assignment, mark.client_id), {"action": "remove"})
    assert response.status_code == 302
    assert not Mark.objects.exists()
    # Undo re-adds with the same client_id.
    again = post_mark(student_client, assignment, mark.start, mark.end, client_id=mark.client_id)
    assert again.status_code == 201
    assert Mark.objects.get().client_id == mark.client_id


def test_change_needs_a_known_action_and_technique(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise")
    change = url("mark_change", assignment, mark.client_id)
    bad_action = student_client.post(change, {"action": "explode"}, **HTMX)
    no_technique = student_client.post(change, {"action": "relabel"}, **HTMX)
    unknown = student_client.post(change, {"action": "relabel", "technique": "nope"}, **HTMX)
    assert [r.status_code for r in (bad_action, no_technique, unknown)] == [400, 400, 400]
    assert "Choose the technique to relabel it with." in text_of(no_technique)
    mark.refresh_from_db()
    assert mark.technique.slug == "loaded-language"


def test_another_students_mark_cannot_be_changed(student_client, assignment, make_user, body):
    classmate = make_user("classmate")
    Enrollment.objects.create(classroom=assignment.classroom, student=classmate)
    mark = make_mark(assignment, classmate, body, "endless noise")
    change = url("mark_change", assignment, mark.client_id)
    assert student_client.post(change, {"action": "remove"}, **HTMX).status_code == 404
    relabel = {"action": "relabel", "technique": "doubt"}
    assert student_client.post(change, relabel, **HTMX).status_code == 404
    mark.refresh_from_db()
    assert mark.technique.slug == "loaded-language"


def test_changes_after_submitting_are_refused(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise")
    submit_attempt(mark.attempt)
    change = url("mark_change", assignment, mark.client_id)
    removed = student_client.post(change, {"action": "remove"}, **HTMX)
    relabelled = student_client.post(change, {"action": "relabel", "technique": "doubt"})
    assert (removed.status_code, relabelled.status_code) == (409, 409)
    assert "You have submitted this assignment" in text_of(removed)
    mark.refresh_from_db()
    assert mark.technique.slug == "loaded-language"


def test_submitted_attempt_shows_marks_without_controls(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise")
    submit_attempt(mark.attempt)
    html = text_of(student_client.get(url("devices", assignment)))
    assert "Your marks are locked." in html
    assert "endless noise" in html
    assert "dv-apply" not in html and 'name="action"' not in html and "devices.js" not in html
    assert url("devices_feedback", assignment) in html


# What a change is answered with ----------------------------------------------------


def segment_of(assignment, offset):
    return assignment.lesson.segments.get(start__lte=offset, end__gt=offset)


def out_of_band(html):
    """Return the ids of the elements the answer swaps in out of band."""
    return re.findall(r'<\w+ id="([^"]+)"[^>]* hx-swap-oob="true"', html)


def changed_entries(html):
    """Return the ids of the entries for "Your marks" the answer carries."""
    template = re.search(r'<template id="dv-changed-marks">(.*?)</template>', html, re.S).group(1)
    return re.findall(r'<li id="(mark-[^"]+)"', template)


def test_a_new_mark_is_answered_with_only_what_changed(student_client, assignment, student, body):
    earlier = make_mark(assignment, student, body, "Grumble Brigade")
    start, end = span_of(body, "endless noise")
    response = post_mark(student_client, assignment, start, end)
    html = text_of(response)
    mark = Mark.objects.get(start=start)
    assert response.status_code == 201
    # The count (listing every mark), and the one sentence the mark is in, redrawn with it.
    sentence = segment_of(assignment, start)
    assert out_of_band(html) == ["dv-count", f"dv-sentence-{sentence.position}"]
    in_text_order = sorted([earlier, mark], key=lambda m: m.start)
    assert f'data-marks="{in_text_order[0].client_id} {in_text_order[1].client_id}"' in html
    assert "<strong>2</strong> marks" in html
    assert f'data-marks="{mark.client_id}">endless noise</mark>' in html
    # The new entry for "Your marks", for devices.js to put in its place; not the article, nor the list.
    assert changed_entries(html) == [f"mark-{mark.client_id}"]
    assert 'id="devices-article"' not in html and 'id="dv-mark-list"' not in html
    assert len(response.content) < 8_000


def test_a_mark_over_two_sentences_redraws_both(student_client, assignment, body):
    first, second = assignment.lesson.segments.order_by("position")[1:3]
    start = body.rindex(" ", first.start, first.end - 2) + 1  # The last word of one sentence...
    end = body.index(" ", second.start)  # ...to the first of the next.
    html = text_of(post_mark(student_client, assignment, start, end))
    assert out_of_band(html) == [
        "dv-count",
        f"dv-sentence-{first.position}",
        f"dv-sentence-{second.position}",
    ]
    # The code badge follows the mark's last run only.
    assert html.count('<sup class="dv-code') == 1
    assert html.index('<sup class="dv-code') > html.index(f'id="dv-sentence-{second.position}"')


def test_an_overlapping_mark_redraws_the_sentence_with_both(student_client, assignment, student, body):
    wide = make_mark(assignment, student, body, "historic victory for every young person", "exaggeration")
    start, end = span_of(body, "victory")
    html = text_of(post_mark(student_client, assignment, start, end, "loaded-language"))
    narrow = Mark.objects.get(start=start, end=end)
    assert f'data-marks="{wide.client_id} {narrow.client_id}">victory</mark>' in html
    assert "dv-overlap tech2-loaded-language" in html
    assert changed_entries(html) == [f"mark-{narrow.client_id}"]


def test_a_replayed_save_is_answered_with_the_entry_again(student_client, assignment, body):
    # The first answer was lost on the way: the page has no entry yet, so the replay brings it.
    start, end = span_of(body, "endless noise")
    client_id = uuid.uuid4()
    post_mark(student_client, assignment, start, end, client_id=client_id)
    again = post_mark(student_client, assignment, start, end, client_id=client_id)
    assert again.status_code == 200
    assert changed_entries(text_of(again)) == [f"mark-{client_id}"]


def test_relabelling_is_answered_with_the_entry_and_its_sentence(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise")
    response = student_client.post(
        url("mark_change", assignment, mark.client_id), {"action": "relabel", "technique": "doubt"}, **HTMX
    )
    html = text_of(response)
    assert out_of_band(html) == ["dv-count", f"dv-sentence-{segment_of(assignment, mark.start).position}"]
    assert f'class="dv-hl tech-doubt dv-fam-attack" data-start="{mark.start}"' in html
    assert changed_entries(html) == [f"mark-{mark.client_id}"]
    assert 'data-technique="doubt"' in html and '<option value="doubt" selected>' in html


def test_removing_is_answered_without_the_entry(student_client, assignment, student, body):
    kept = make_mark(assignment, student, body, "Grumble Brigade")
    gone = make_mark(assignment, student, body, "endless noise")
    response = student_client.post(
        url("mark_change", assignment, gone.client_id), {"action": "remove"}, **HTMX
    )
    html = text_of(response)
    assert response.status_code == 200
    # The count no longer names it (devices.js drops its entry), and its sentence has no highlight.
    assert f'data-marks="{kept.client_id}"' in html and "<strong>1</strong> mark<" in html
    assert out_of_band(html) == ["dv-count", f"dv-sentence-{segment_of(assignment, gone.start).position}"]
    assert "<mark" not in html
    assert changed_entries(html) == []


def test_a_refused_save_is_answered_with_the_reason_only(student_client, assignment, body):
    start, end = span_of(body, '." "')
    response = post_mark(student_client, assignment, start, end)
    html = text_of(response)
    assert response.status_code == 400
    assert html.startswith('<div id="dv-notice" hidden data-kind="refused">Select at least one word')
    assert out_of_band(html) == []


def test_a_conflict_is_answered_with_the_marks_as_they_are(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise")
    submit_attempt(mark.attempt)
    start, end = span_of(body, "Grumble Brigade")
    response = post_mark(student_client, assignment, start, end)
    html = text_of(response)
    assert response.status_code == 409
    assert out_of_band(html) == ["dv-count", "devices-article", "dv-mark-list", "dv-no-marks"]
    # Locked: the list comes without the forms to change the marks.
    assert f'id="mark-{mark.client_id}"' in html and 'name="action"' not in html


# The parts of the page kept per lesson version ---------------------------------------


def test_the_lesson_and_taxonomy_are_read_once_not_per_page(student_client, assignment, student, body):
    make_mark(assignment, student, body, "endless noise")
    page = url("devices", assignment)
    student_client.get(page)
    with CaptureQueriesContext(connection) as queries:
        again = student_client.get(page)
    read = " ".join(query["sql"] for query in queries)
    assert again.status_code == 200
    assert "teaching_segment" not in read and "teaching_technique" not in read
    assert "endless noise</mark>" in text_of(again)


def test_a_change_to_the_lesson_shows_on_the_next_page(student_client, assignment):
    page = url("devices", assignment)
    before = text_of(student_client.get(page))
    article = assignment.lesson.article
    article.title = "Skate park approved"
    article.body = article.body.replace("councillors", "COUNCILLORS")  # Same length: the sentences stay.
    article.save()
    lesson = assignment.lesson
    lesson.title = "The skate park, revisited"
    lesson.save()
    after = text_of(student_client.get(page))
    assert "COUNCILLORS" not in before and "Skate park approved" not in before
    assert "COUNCILLORS" in after and "Skate park approved" in after
    assert "The skate park, revisited" in after


def test_a_change_to_the_taxonomy_shows_on_the_next_page(student_client, assignment, student, body):
    mark = make_mark(assignment, student, body, "endless noise", "doubt")
    page = url("devices", assignment)
    student_client.get(page)
    doubt = Technique.objects.get(slug="doubt")
    doubt.name = "Sowing doubt"
    doubt.save()
    html = text_of(student_client.get(page))
    assert 'data-name="Sowing doubt"' in html  # The palette,
    assert 'data-technique-name="Sowing doubt"' in html  # the entry for the mark,
    assert '<option value="doubt" selected>Sowing doubt (DO)</option>' in html  # its select,
    assert '<span class="visually-hidden"> (Sowing doubt)</span></sup>' in html  # and its badge.
    assert "Casting doubt" not in html and str(mark.client_id) in html


def test_one_students_marks_never_show_on_anothers_page(client, assignment, student, make_user, body):
    classmate = make_user("classmate")
    Enrollment.objects.create(classroom=assignment.classroom, student=classmate)
    mine = make_mark(assignment, student, body, "endless noise")
    theirs = make_mark(assignment, classmate, body, "Grumble Brigade")
    pages = {}
    for who in (student, classmate, student):  # Every part cached after the first page.
        browser = Client()
        browser.force_login(who)
        pages[who.username] = text_of(browser.get(url("devices", assignment)))
    assert str(mine.client_id) in pages["student"] and str(theirs.client_id) not in pages["student"]
    assert str(theirs.client_id) in pages["classmate"] and str(mine.client_id) not in pages["classmate"]
    for html in pages.values():
        assert "<strong>1</strong> mark<" in html
        # One CSRF token, the page's own, in every form of it.
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert tokens == set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    assert not set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', pages["student"])) & set(
        re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', pages["classmate"])
    )


# Feedback -----------------------------------------------------------------------


def test_feedback_is_closed_before_submitting_and_shows_no_key(student_client, assignment, student, body):
    make_mark(assignment, student, body, "endless noise")
    response = student_client.get(url("devices_feedback", assignment))
    html = text_of(response)
    assert response.status_code == 200
    assert "Your feedback opens as soon as you submit your work." in html
    key = assignment.lesson.key_devices.first()
    assert key.explanation not in html and "Grumble Brigade" not in html


def test_feedback_after_due_policy_says_when_it_opens(student_client, assignment, student, body):
    Assignment.objects.filter(pk=assignment.pk).update(feedback=Assignment.Feedback.AFTER_DUE)
    mark = make_mark(assignment, student, body, "endless noise")
    submit_attempt(mark.attempt)
    html = text_of(student_client.get(url("devices_feedback", assignment)))
    assert "Your feedback opens after the due time" in html
    assert assignment.lesson.key_devices.first().explanation not in html


def test_feedback_lays_the_key_over_the_marks(student_client, assignment, student, body):
    make_mark(assignment, student, body, "endless noise", "exaggeration")  # Found.
    make_mark(assignment, student, body, "Grumble Brigade", "loaded-language")  # Misnamed.
    make_mark(assignment, student, body, "library roof", "doubt")  # Overlaps the red herring: partly.
    make_mark(assignment, student, body, "Building work", "doubt")  # False alarm, in a plain sentence.
    submit_attempt(Attempt.objects.get())
    response = student_client.get(url("devices_feedback", assignment))
    html = text_of(response)
    assert response.status_code == 200
    feedback = response.context["feedback"]
    statuses = {item.device.text: item.status for item in feedback.items}
    assert statuses["endless noise"] == "found"
    assert statuses["Grumble Brigade"] == "misnamed"
    assert (
        statuses[
            "why the council could find money for ramps when the library roof has leaked for three winters"
        ]
        == "partly"
    )
    assert statuses["Kids will be kids"] == "missed"
    assert "you called it Loaded language" in html
    assert [alarm.text for alarm in feedback.false_alarms] == ["Building work"]
    assert "The key calls this sentence a plain statement" in html
    # Whose voice each device is in.
    assert "in Tom Reyes&#x27;s own words, quoted by The Millbrook Courier" in html
    assert "in The Millbrook Courier&#x27;s paraphrase of Tom Reyes" in html
    # Keyboard round trip: each item links to its place in the text, and back.
    assert 'id="key-1"' in html and 'href="#key-1"' in html and 'href="#item-1"' in html
    assert 'id="alarm-at-1"' in html and 'href="#alarm-1"' in html
    assert feedback.score.hits == 1
    assert f'{feedback.score.neutral_clean}<span class="dv-of"> / {feedback.neutral_total}' in html


def test_feedback_opens_after_the_due_time_without_an_attempt(student_client, assignment):
    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3),
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    response = student_client.get(url("devices_feedback", assignment))
    assert response.status_code == 200
    assert "You made no marks this time." in text_of(response)
    assert response.context["feedback"].counts["missed"] == assignment.lesson.key_devices.count()


# The technique stylesheet ---------------------------------------------------------


def test_technique_css_is_generated_from_the_data(client, assignment):
    cache.clear()
    response = client.get(reverse("technique_css"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = text_of(response)
    assert ".tech-loaded-language { --tech: #eae496; }" in css
    assert css.count("--tech:") == Technique.objects.count()


def test_technique_css_skips_values_that_are_not_safe_css(client, assignment):
    cache.clear()
    Technique.objects.filter(slug="doubt").update(colour="red;}a{")
    css = text_of(client.get(reverse("technique_css")))
    assert "red;}" not in css and ".tech-doubt" not in css
    assert ".tech-bandwagon" in css
