"""The voices activity: the page, saving as the student chooses, the no-JavaScript form, feedback."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from teaching.answers import InvalidAnswer, quoted_stretches, save_voice_answer
from teaching.models import Assignment, Attempt, Classroom, Enrollment, Lesson, VoiceAnswer

HTMX = {"HX-Request": "true"}


@pytest.fixture
def classroom(teacher, student):
    classroom = Classroom.objects.create(teacher=teacher, name="9B")
    Enrollment.objects.create(classroom=classroom, student=student)
    return classroom


def assign(classroom, lesson, *, opens=-1, due=7, **extra):
    """Return an assignment that opened ``opens`` days from now and is due ``due`` days from now."""
    now = timezone.now()
    return Assignment.objects.create(
        classroom=classroom,
        lesson=lesson,
        opens_at=now + datetime.timedelta(days=opens),
        due_at=now + datetime.timedelta(days=due),
        **extra,
    )


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


def voices_url(assignment):
    return reverse("voices", args=[assignment.pk])


def save_url(assignment, segment):
    return reverse("voice_save", args=[assignment.pk, segment.pk])


def feedback_url(assignment):
    return reverse("voices_feedback", args=[assignment.pk])


def save(client, assignment, segment, voice, quote_source=None, **headers):
    data = {f"{segment.pk}-voice": voice}
    if quote_source is not None:
        data[f"{segment.pk}-quote_source"] = quote_source
    return client.post(save_url(assignment, segment), data, headers={**HTMX, **headers})


def quoted_segment(segments):
    """Return the first segment with a quotation in it (its key says whose words they are)."""
    return next(s for s in segments if s.quote_source)


# The page -------------------------------------------------------------------


def test_page_shows_the_article_and_a_four_way_choice_per_segment(student_client, assignment, segments):
    response = student_client.get(voices_url(assignment))

    assert response.status_code == 200
    article = assignment.lesson.article
    content = response.content.decode()
    assert article.title in content
    assert article.outlet in content
    assert content.count('type="radio"') == 4 * len(segments)
    assert content.count("<fieldset") == len(segments)
    for label in ("Exact quote", "Partial quote", "Paraphrase", "Narration"):
        assert f"<span>{label}</span>" in content
    # Each choice is described by the glossary's one-line meaning.
    assert 'id="meaning-partial"' in content
    assert 'aria-describedby="meaning-partial"' in content
    assert "0 of 48 answered" in content


def test_headings_are_segments_with_a_choice_too(student_client, assignment, segments):
    heading = next(s for s in segments if s.kind == "heading")

    response = student_client.get(voices_url(assignment))

    assert f'name="{heading.pk}-voice"' in response.content.decode()


def test_quote_question_appears_only_where_the_sentence_has_quotation_marks(
    student_client, assignment, segments
):
    content = student_client.get(voices_url(assignment)).content.decode()

    dateline, quoted = segments[0], quoted_segment(segments)
    assert f'name="{dateline.pk}-quote_source"' not in content
    assert f'name="{quoted.pk}-quote_source"' in content


def test_page_does_not_give_away_the_key(student_client, assignment, segments):
    content = student_client.get(voices_url(assignment)).content.decode()

    explained = next(s for s in segments if s.explanation)
    assert explained.explanation not in content


def test_page_shows_saved_answers_on_return(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    VoiceAnswer.objects.create(attempt=attempt, segment=segments[1], voice="paraphrase")

    content = student_client.get(voices_url(assignment)).content.decode()

    checked = re.findall(r'id="id_(\d+)-voice-(\w+)"[^>]*\bchecked>', content)
    assert checked == [(str(segments[1].pk), "paraphrase")]
    assert "1 of 48 answered" in content


def test_progress_offers_to_submit_once_everything_is_answered(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    VoiceAnswer.objects.bulk_create(
        VoiceAnswer(attempt=attempt, segment=segment, voice="narration") for segment in segments[:-1]
    )
    submit_url = reverse("attempt_submit", args=[assignment.pk])
    assert submit_url not in student_client.get(voices_url(assignment)).content.decode()

    response = save(student_client, assignment, segments[-1], "paraphrase")

    assert "48 of 48 answered" in response.content.decode()
    assert submit_url in response.content.decode()


def test_looking_at_the_page_does_not_start_an_attempt(student_client, student, assignment):
    student_client.get(voices_url(assignment))

    assert not Attempt.objects.filter(student=student).exists()


# Saving one answer (htmx) ---------------------------------------------------


def test_htmx_save_stores_the_answer_and_returns_the_status_fragment(
    student_client, student, assignment, segments
):
    response = save(student_client, assignment, segments[0], "narration")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "Saved" in content
    assert 'id="voice-progress" class="voice-progress" hx-swap-oob="true"' in content
    assert "1 of 48 answered" in content
    answer = VoiceAnswer.objects.get(attempt__student=student)
    assert (answer.segment, answer.voice, answer.quote_source) == (segments[0], "narration", "")


def test_htmx_save_stores_whose_words_are_in_the_quotes(student_client, student, assignment, segments):
    segment = quoted_segment(segments)

    save(student_client, assignment, segment, "partial", "quoted-other")

    answer = VoiceAnswer.objects.get(attempt__student=student)
    assert (answer.voice, answer.quote_source) == ("partial", "quoted-other")


def test_replayed_save_is_stored_once(student_client, student, assignment, segments):
    first = save(student_client, assignment, segments[2], "partial")
    replay = save(student_client, assignment, segments[2], "partial")

    assert first.status_code == replay.status_code == 200
    assert VoiceAnswer.objects.filter(attempt__student=student).count() == 1
    assert "1 of 48 answered" in replay.content.decode()


def test_changing_an_answer_updates_it_in_place(student_client, student, assignment, segments):
    save(student_client, assignment, segments[2], "partial")
    save(student_client, assignment, segments[2], "direct")

    assert list(VoiceAnswer.objects.values_list("voice", flat=True)) == ["direct"]


def test_each_save_adds_to_the_time_spent(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    Attempt.objects.filter(pk=attempt.pk).update(
        last_active_at=timezone.now() - datetime.timedelta(seconds=40)
    )

    save(student_client, assignment, segments[0], "narration")

    attempt.refresh_from_db()
    assert 40 <= attempt.seconds_spent < 60


def test_save_after_submitting_is_refused_and_changes_nothing(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment, submitted_at=timezone.now())
    VoiceAnswer.objects.create(attempt=attempt, segment=segments[0], voice="narration")
    seconds = attempt.seconds_spent

    response = save(student_client, assignment, segments[0], "direct")

    assert response.status_code == 409
    assert "You have submitted this assignment" in response.content.decode()
    assert list(VoiceAnswer.objects.values_list("voice", flat=True)) == ["narration"]
    attempt.refresh_from_db()
    assert attempt.seconds_spent == seconds


def test_save_after_the_due_time_is_refused_and_starts_nothing(
    student_client, classroom, seed_lesson, segments
):
    overdue = assign(classroom, seed_lesson, opens=-7, due=-1)

    response = save(student_client, overdue, segments[0], "narration")

    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    assert not Attempt.objects.exists()


def test_save_for_a_segment_of_another_lesson_is_refused(student_client, assignment):
    other_segment = Lesson.objects.exclude(pk=assignment.lesson_id).get().segments.first()

    response = save(student_client, assignment, other_segment, "narration")

    assert response.status_code == 404
    assert not VoiceAnswer.objects.exists()


@pytest.mark.parametrize("voice", ["quote", "", "DIRECT"])
def test_save_with_an_unknown_voice_is_refused_with_a_message(student_client, assignment, segments, voice):
    response = save(student_client, assignment, segments[0], voice)

    assert response.status_code == 400
    assert "Choose one of the four labels" in response.content.decode()
    assert not VoiceAnswer.objects.exists()


def test_save_with_an_unknown_quote_source_is_refused(student_client, assignment, segments):
    response = save(student_client, assignment, quoted_segment(segments), "partial", "the-outlet")

    assert response.status_code == 400
    assert "answers about the quotes" in response.content.decode()
    assert not VoiceAnswer.objects.exists()


def test_quote_source_before_a_label_asks_for_the_label_first(student_client, assignment, segments):
    segment = quoted_segment(segments)

    response = student_client.post(
        save_url(assignment, segment), {f"{segment.pk}-quote_source": "speaker"}, headers=HTMX
    )

    assert response.status_code == 400
    assert "Choose one of the four labels first" in response.content.decode()
    assert not VoiceAnswer.objects.exists()


def test_save_without_htmx_goes_back_to_the_page(student_client, assignment, segments):
    response = student_client.post(
        save_url(assignment, segments[0]), {f"{segments[0].pk}-voice": "narration"}
    )

    assert response.status_code == 302
    assert response.url == voices_url(assignment)
    assert VoiceAnswer.objects.get().voice == "narration"


def test_save_needs_post(student_client, assignment, segments):
    assert student_client.get(save_url(assignment, segments[0])).status_code == 405


def test_save_voice_answer_refuses_a_segment_of_another_lesson(student, assignment):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    other_segment = Lesson.objects.exclude(pk=assignment.lesson_id).get().segments.first()

    with pytest.raises(InvalidAnswer):
        save_voice_answer(attempt=attempt, segment=other_segment, voice="narration")
    assert not VoiceAnswer.objects.exists()


# The page without JavaScript: one form ---------------------------------------


def test_no_javascript_form_saves_every_answer(student_client, student, assignment, segments):
    quoted = quoted_segment(segments)
    data = {
        f"{segments[0].pk}-voice": "narration",
        f"{segments[1].pk}-voice": "paraphrase",
        f"{quoted.pk}-voice": "partial",
        f"{quoted.pk}-quote_source": "speaker",
    }

    response = student_client.post(voices_url(assignment), data, follow=True)

    assert response.redirect_chain == [(voices_url(assignment), 302)]
    assert "Saved 3 answers." in response.content.decode()
    stored = dict(VoiceAnswer.objects.values_list("segment_id", "voice"))
    assert stored == {segments[0].pk: "narration", segments[1].pk: "paraphrase", quoted.pk: "partial"}
    assert VoiceAnswer.objects.get(segment=quoted).quote_source == "speaker"
    assert Attempt.objects.get(student=student).last_active_at is not None


def test_save_and_submit_saves_then_asks_to_confirm(student_client, student, assignment, segments):
    data = {f"{segments[0].pk}-voice": "narration", "then": "submit"}

    response = student_client.post(voices_url(assignment), data)

    assert response.status_code == 302
    assert response.url == reverse("attempt_submit", args=[assignment.pk])
    assert VoiceAnswer.objects.get().voice == "narration"
    assert Attempt.objects.get(student=student).submitted_at is None


def test_no_javascript_form_leaves_unanswered_sentences_as_they_were(
    student_client, student, assignment, segments
):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    VoiceAnswer.objects.create(attempt=attempt, segment=segments[5], voice="narration")

    student_client.post(voices_url(assignment), {f"{segments[0].pk}-voice": "narration"})

    assert VoiceAnswer.objects.filter(attempt=attempt).count() == 2


def test_no_javascript_form_with_a_bad_answer_saves_nothing_and_says_where(
    student_client, assignment, segments
):
    data = {f"{segments[0].pk}-voice": "narration", f"{segments[3].pk}-voice": "gossip"}

    response = student_client.post(voices_url(assignment), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert "Nothing was saved" in content
    assert f'href="#segment-{segments[3].pk}">Sentence 4</a>' in content
    assert not VoiceAnswer.objects.exists()


def test_no_javascript_form_after_submitting_is_refused(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment, submitted_at=timezone.now())

    response = student_client.post(voices_url(assignment), {f"{segments[0].pk}-voice": "narration"})

    assert response.status_code == 409
    assert "You have submitted this assignment" in response.content.decode()
    assert not attempt.voice_answers.exists()


def test_submitted_attempt_shows_answers_locked(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment, submitted_at=timezone.now())
    VoiceAnswer.objects.create(attempt=attempt, segment=segments[0], voice="narration")

    content = student_client.get(voices_url(assignment)).content.decode()

    assert "Your answers are locked." in content
    assert content.count("<fieldset disabled>") == len(segments)
    assert "hx-post" not in content
    assert "Save answers" not in content
    assert reverse("voices_feedback", args=[assignment.pk]) in content


# Who may see what -----------------------------------------------------------


def test_a_strangers_assignment_is_not_found(client, make_user, assignment, segments):
    client.force_login(make_user("outsider"))

    assert client.get(voices_url(assignment)).status_code == 404
    assert save(client, assignment, segments[0], "narration").status_code == 404
    assert client.get(feedback_url(assignment)).status_code == 404
    assert not Attempt.objects.exists()


def test_an_assignment_not_yet_open_is_not_found(student_client, classroom, seed_lesson):
    later = assign(classroom, seed_lesson, opens=1, due=8)

    assert student_client.get(voices_url(later)).status_code == 404


def test_teachers_get_not_found_and_visitors_the_login_page(client, teacher, assignment):
    assert client.get(voices_url(assignment)).status_code == 302
    client.force_login(teacher)
    assert client.get(voices_url(assignment)).status_code == 404


def test_another_students_answers_are_never_shown(
    student_client, make_user, classroom, student, assignment, segments
):
    classmate = make_user("classmate")
    Enrollment.objects.create(classroom=classroom, student=classmate)
    theirs = Attempt.objects.create(student=classmate, assignment=assignment, submitted_at=timezone.now())
    VoiceAnswer.objects.create(attempt=theirs, segment=segments[0], voice="direct")
    mine = Attempt.objects.create(student=student, assignment=assignment, submitted_at=timezone.now())

    page = student_client.get(voices_url(assignment)).content.decode()
    feedback = student_client.get(feedback_url(assignment)).content.decode()

    assert not re.search(r"\bchecked>", page)
    assert "0 of 48 answered" in page
    assert "0 of 48 answered" in feedback
    assert mine.voice_answers.count() == 0


# Feedback -------------------------------------------------------------------


def test_feedback_before_submitting_is_a_friendly_page_without_the_key(student_client, assignment, segments):
    response = student_client.get(feedback_url(assignment))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Feedback opens once you submit your work." in content
    for segment in segments:
        if segment.explanation:
            assert segment.explanation not in content


def test_feedback_after_due_policy_waits_for_the_due_time(student_client, student, classroom, seed_lesson):
    later = assign(classroom, seed_lesson, feedback=Assignment.Feedback.AFTER_DUE)
    Attempt.objects.create(student=student, assignment=later, submitted_at=timezone.now())

    response = student_client.get(feedback_url(later))

    assert response.status_code == 200
    assert "Feedback opens after the due time" in response.content.decode()
    assert "Your score" not in response.content.decode()


def test_feedback_shows_answer_key_credit_quotes_and_score(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment)
    partial = next(s for s in segments if s.voice == "partial")
    narration = segments[0]
    paraphrase = next(s for s in segments if s.voice == "paraphrase")
    VoiceAnswer.objects.create(attempt=attempt, segment=narration, voice="narration")
    VoiceAnswer.objects.create(attempt=attempt, segment=partial, voice="direct", quote_source="speaker")
    VoiceAnswer.objects.create(attempt=attempt, segment=paraphrase, voice="narration")
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now())

    response = student_client.get(feedback_url(assignment))

    assert response.status_code == 200
    content = response.content.decode()
    assert "1.5 of 48 points" in content
    assert "3 of 48 answered" in content
    assert "Cohen's kappa" in content
    assert "beyond what lucky guessing would give" in content
    assert '<table class="confusion"' in content
    assert '<td class="number agreed">1</td>' in content
    assert content.count('class="feedback-item credit-') == len(segments)
    assert "½ point" in content and "1 point" in content and "0 points" in content
    assert escape(partial.explanation) in content
    assert '<mark class="quoted">' in content


def test_feedback_credit_marks_each_sentence(student_client, student, assignment, segments):
    attempt = Attempt.objects.create(student=student, assignment=assignment, submitted_at=timezone.now())
    VoiceAnswer.objects.create(attempt=attempt, segment=segments[0], voice=segments[0].voice)

    content = student_client.get(feedback_url(assignment)).content.decode()

    first_item = content.split(f'id="segment-{segments[0].pk}"')[0].rsplit("<li", 1)[1]
    assert "credit-full" in first_item


# Finding quotations ---------------------------------------------------------


def quoted(text):
    return [text[q.start : q.end] for q in quoted_stretches(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He called it "a victory" twice.', ['"a victory"']),
        ("He called it “a victory” and “a win”.", ["“a victory”", "“a win”"]),
        ('"We protect people," he said.', ['"We protect people,"']),
        # A quotation closed here but opened in an earlier sentence.
        ('yourself with this publication," Lavrov said.', ['yourself with this publication,"']),
        # A quotation opened here and closed in a later sentence.
        ('"The book collects documents. ', ['"The book collects documents.']),
        ("Russia’s stance and Trump’s view isn’t new.", []),
        ("A residents' group met.", []),
        ("No quotation marks at all.", []),
    ],
)
def test_quoted_stretches(text, expected):
    assert quoted(text) == expected


def test_single_quotes_inside_double_quotes_are_inner_quotations():
    text = 'He said "they ignore ‘non-indigenous peoples’—as Kiev calls them" today.'

    stretches = quoted_stretches(text)

    assert [(text[q.start : q.end], q.inner) for q in stretches] == [
        ('"they ignore ‘non-indigenous peoples’—as Kiev calls them"', False),
        ("‘non-indigenous peoples’", True),
    ]


def test_straight_scare_quotes_inside_a_quotation_are_found():
    assert quoted("\"These 'concerns' are an excuse,\" Ortiz replied.") == [
        "\"These 'concerns' are an excuse,\"",
        "'concerns'",
    ]


def test_quoted_stretches_are_shifted_by_the_offset():
    assert quoted_stretches('a "b"', offset=10)[0].start == 12
