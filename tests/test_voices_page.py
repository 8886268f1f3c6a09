"""
The voices page rendered once per lesson version and filled in per student (teaching/voices_page.py),
and the one-statement answer save behind the htmx save (teaching/answers.py).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from teaching.answers import AnswerChanged, AnswerState, answer_states, save_voice_answer
from teaching.forms.voices import voice_answer_forms
from teaching.models import Article, Attempt, Enrollment, Segment, VoiceAnswer
from teaching.voices_page import _PLACEHOLDERS, lesson_segments, voices_activity
from tests.test_views_voices import assign, quoted_segment, save, voices_url


@pytest.fixture
def classroom(teacher, student):
    from teaching.models import Classroom

    classroom = Classroom.objects.create(teacher=teacher, name="9B")
    Enrollment.objects.create(classroom=classroom, student=student)
    return classroom


@pytest.fixture
def assignment(classroom, seed_lesson):
    return assign(classroom, seed_lesson)


@pytest.fixture
def segments(seed_lesson):
    return list(seed_lesson.segments.order_by("position"))


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def checked(page):
    """Return the (segment id, label) of every checked choice on a page."""
    return {(int(pk), voice) for pk, voice in re.findall(r'id="id_(\d+)-voice-(\w+)"[^>]*\bchecked>', page)}


def revisions(page):
    return {int(pk): int(value) for pk, value in re.findall(r'name="(\d+)-revision" value="(\d+)"', page)}


def selected_quote_sources(page):
    """Return the chosen option of every quote-source select on a page."""
    selects = re.findall(r'(<select name="(\d+)-quote_source".*?</select>)', page, re.S)
    return {int(pk): re.findall(r'<option value="([^"]*)" selected', select) for select, pk in selects}


# What the page shows comes from the cached rendering, filled in right -------------------


def test_each_student_sees_only_their_own_answers(
    client, make_user, classroom, student, assignment, segments
):
    classmate = make_user("classmate")
    Enrollment.objects.create(classroom=classroom, student=classmate)
    quoted = quoted_segment(segments)
    mine = Attempt.objects.create(student=student, assignment=assignment)
    theirs = Attempt.objects.create(student=classmate, assignment=assignment)
    VoiceAnswer.objects.create(attempt=mine, segment=segments[0], voice="narration", revision=3)
    VoiceAnswer.objects.create(attempt=mine, segment=quoted, voice="partial", quote_source="speaker")
    VoiceAnswer.objects.create(attempt=theirs, segment=segments[1], voice="direct", revision=5)
    VoiceAnswer.objects.create(
        attempt=theirs, segment=quoted, voice="direct", quote_source="mixed", revision=2
    )

    client.force_login(student)
    my_page = client.get(voices_url(assignment)).content.decode()
    client.force_login(classmate)
    their_page = client.get(voices_url(assignment)).content.decode()
    client.force_login(student)
    my_page_again = client.get(voices_url(assignment)).content.decode()

    assert checked(my_page) == {(segments[0].pk, "narration"), (quoted.pk, "partial")}
    assert checked(their_page) == {(segments[1].pk, "direct"), (quoted.pk, "direct")}
    assert checked(my_page_again) == checked(my_page)
    assert revisions(my_page)[segments[0].pk] == 3 and revisions(my_page)[segments[1].pk] == 0
    assert revisions(their_page)[segments[0].pk] == 0 and revisions(their_page)[segments[1].pk] == 5
    assert selected_quote_sources(my_page)[quoted.pk] == ["speaker"]
    assert selected_quote_sources(their_page)[quoted.pk] == ["mixed"]
    assert "2 of 48 answered" in my_page and "2 of 48 answered" in their_page


def test_each_assignment_of_a_lesson_saves_to_its_own_urls(student_client, classroom, seed_lesson, segments):
    first, second = assign(classroom, seed_lesson), assign(classroom, seed_lesson)

    pages = {a.pk: student_client.get(voices_url(a)).content.decode() for a in (first, second)}

    for this, other in ((first, second), (second, first)):
        page = pages[this.pk]
        save_urls = set(re.findall(r'hx-post="([^"]+)"', page))
        assert save_urls == {reverse("voice_save", args=[this.pk, segment.pk]) for segment in segments}
        assert f'action="{voices_url(this)}"' in page
        assert reverse("assignment_overview", args=[other.pk]) not in page
        assert str(_PLACEHOLDERS[0]) not in page


def test_a_change_to_the_lesson_shows_on_the_next_page(student_client, assignment, segments):
    before = student_client.get(voices_url(assignment)).content.decode()
    article = Article.objects.get(lesson=assignment.lesson)
    article.title = "A headline written later"
    article.save()
    segment = Segment.objects.get(pk=segments[4].pk)
    segment.kind = Segment.Kind.HEADING
    segment.save()

    after = student_client.get(voices_url(assignment)).content.decode()

    assert "A headline written later" not in before
    assert '<h2 id="article-title">A headline written later</h2>' in after
    assert f'class="voice-item is-heading" id="segment-{segments[4].pk}"' in after


def test_the_segments_are_read_again_only_when_the_lesson_changes(student_client, assignment, segments):
    student_client.get(voices_url(assignment))

    with CaptureQueriesContext(connection) as warm:
        student_client.get(voices_url(assignment))
        save(student_client, assignment, segments[0], "narration")
    Segment.objects.get(pk=segments[1].pk).save()  # Moves the lesson's content version.
    with CaptureQueriesContext(connection) as changed:
        student_client.get(voices_url(assignment))

    assert not [q for q in warm.captured_queries if '"teaching_segment"' in q["sql"]]
    assert [q for q in changed.captured_queries if '"teaching_segment"' in q["sql"]]


def test_a_locked_page_and_an_open_one_never_share_a_rendering(
    client, make_user, classroom, student, assignment, segments
):
    classmate = make_user("classmate")
    Enrollment.objects.create(classroom=classroom, student=classmate)
    Attempt.objects.create(student=classmate, assignment=assignment, submitted_at=timezone.now())
    client.force_login(student)
    open_page = client.get(voices_url(assignment)).content.decode()
    client.force_login(classmate)
    locked_page = client.get(voices_url(assignment)).content.decode()

    assert "hx-post" in open_page and "<fieldset disabled>" not in open_page
    assert "hx-post" not in locked_page and locked_page.count("<fieldset disabled>") == len(segments)
    assert "Your answers are locked." in locked_page and "Your answers are locked." not in open_page


def test_a_lesson_whose_text_holds_the_placeholder_gets_another(student_client, assignment, segments):
    article = Article.objects.get(lesson=assignment.lesson)
    article.title = f"Item {_PLACEHOLDERS[0]} of the register"
    article.save()

    page = student_client.get(voices_url(assignment)).content.decode()

    assert f"Item {_PLACEHOLDERS[0]} of the register" in page
    assert f'hx-post="{reverse("voice_save", args=[assignment.pk, segments[0].pk])}"' in page


def test_each_language_gets_its_own_rendering(seed_lesson):
    english = voices_activity(seed_lesson, locked=False)
    with translation.override("fr"):
        french = voices_activity(seed_lesson, locked=False)

    assert french is not english
    assert voices_activity(seed_lesson, locked=False) is english


@pytest.mark.parametrize("locked", [False, True])
def test_filling_in_answers_matches_rendering_the_forms(seed_lesson, segments, locked):
    quoted = [segment for segment in segments if segment.quote_source][:2]
    answers = {
        segments[0].pk: AnswerState("narration", "", 4),
        quoted[0].pk: AnswerState("partial", "quoted-other", 2),
        quoted[1].pk: AnswerState("direct", "not-a-choice", 1),
    }
    activity = voices_activity(seed_lesson, locked=locked)
    forms = voice_answer_forms(
        segments=lesson_segments(seed_lesson).segments,
        body=seed_lesson.article.body,
        answers=answers,
        disabled=locked,
    )

    filled = activity.for_answers(assignment_pk=7, csrf_token="token", answers=answers)

    assert filled == activity.for_forms(assignment_pk=7, csrf_token="token", forms=forms)
    assert checked("".join(filled)) == {(pk, answer.voice) for pk, answer in answers.items()}


# Saving an answer in one statement -----------------------------------------------------


@pytest.fixture
def attempt(student, assignment):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    attempt.assignment = assignment
    return attempt


def stored(attempt, segment):
    return VoiceAnswer.objects.values_list("voice", "quote_source", "revision", "updated_at").get(
        attempt=attempt, segment=segment
    )


def test_a_first_answer_is_revision_one_and_each_change_the_next(attempt, segments):
    assert save_voice_answer(attempt=attempt, segment=segments[0], voice="direct", revision=0) == 1
    assert save_voice_answer(attempt=attempt, segment=segments[0], voice="partial", revision=1) == 2
    assert save_voice_answer(attempt=attempt, segment=segments[0], voice="narration") == 3
    assert stored(attempt, segments[0])[:3] == ("narration", "", 3)


def test_the_same_answer_again_changes_neither_its_revision_nor_its_time(attempt, segments):
    segment = quoted_segment(segments)
    save_voice_answer(attempt=attempt, segment=segment, voice="partial", quote_source="speaker", revision=0)
    first = stored(attempt, segment)

    again = save_voice_answer(
        attempt=attempt, segment=segment, voice="partial", quote_source="speaker", revision=0
    )

    assert again == 1
    assert stored(attempt, segment) == first


def test_a_changed_quote_source_alone_is_a_change(attempt, segments):
    segment = quoted_segment(segments)
    save_voice_answer(attempt=attempt, segment=segment, voice="partial", quote_source="speaker")

    assert save_voice_answer(attempt=attempt, segment=segment, voice="partial", quote_source="mixed") == 2
    with pytest.raises(AnswerChanged):
        save_voice_answer(attempt=attempt, segment=segment, voice="partial", quote_source="", revision=1)
    assert stored(attempt, segment)[:3] == ("partial", "mixed", 2)


def test_a_refused_save_inside_a_transaction_leaves_it_usable(attempt, segments):
    from django.db import transaction

    save_voice_answer(attempt=attempt, segment=segments[0], voice="direct")
    with transaction.atomic():
        with pytest.raises(AnswerChanged):
            save_voice_answer(attempt=attempt, segment=segments[0], voice="partial", revision=0)
        save_voice_answer(attempt=attempt, segment=segments[1], voice="narration")

    assert answer_states(attempt) == {
        segments[0].pk: ("direct", "", 1),
        segments[1].pk: ("narration", "", 1),
    }


def test_an_htmx_save_reads_no_answer_before_writing_it(student_client, assignment, segments):
    save(student_client, assignment, segments[0], "direct")

    with CaptureQueriesContext(connection) as queries:
        response = save(student_client, assignment, segments[0], "partial")

    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries if '"teaching_voiceanswer"' in q["sql"]]
    assert len(sql) == 2  # The upsert, and the count for the progress bar.
    assert sql[0].startswith("INSERT") and "RETURNING" in sql[0]
    assert not [q for q in queries.captured_queries if '"teaching_segment"' in q["sql"]]
