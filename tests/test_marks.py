"""teaching.marks: adding, relabelling and removing marks, and the feedback built on them."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from teaching.grading import LessonKey
from teaching.marks import (
    MarkRefused,
    add_mark,
    feedback_on_marks,
    relabel_mark,
    remove_mark,
    segment_at,
    voice_phrase,
    words_in,
)
from teaching.models import Assignment, Attempt, Classroom, Lesson, Mark, Segment, Technique
from teaching.work import submit_attempt

WARM_UP = "warm-up-skate-park"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash the fixtures' passwords quickly; no test here logs in with one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def attempt(db, teacher, student):
    call_command("loaddata", "techniques", f"lesson-{WARM_UP}", verbosity=0)
    classroom = Classroom.objects.create(teacher=teacher, name="Year 10")
    now = timezone.now()
    assignment = Assignment.objects.create(
        classroom=classroom,
        lesson=Lesson.objects.get(slug=WARM_UP),
        opens_at=now - datetime.timedelta(days=1),
        due_at=now + datetime.timedelta(days=1),
    )
    return Attempt.objects.create(assignment=assignment, student=student)


@pytest.fixture
def body(attempt):
    return attempt.assignment.lesson.article.body


def technique(slug):
    return Technique.objects.get(slug=slug)


def add(attempt, body, phrase, slug="loaded-language", client_id=None, *, cut=0):
    """Mark ``phrase``, with ``cut`` characters left off each end as a sloppy drag would."""
    start = body.index(phrase)
    return add_mark(
        attempt=attempt,
        start=start + cut,
        end=start + len(phrase) - cut,
        technique=technique(slug),
        client_id=client_id or uuid.uuid4(),
    )


# Adding -------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_mark_snaps_a_sloppy_selection_to_whole_words(attempt, body):
    mark, created = add(attempt, body, "historic victory", cut=2)
    assert created
    assert body[mark.start : mark.end] == "historic victory"


@pytest.mark.django_db
def test_add_mark_trims_quotation_marks_and_spaces(attempt, body):
    mark, _ = add(attempt, body, ' "endless noise" ')
    assert body[mark.start : mark.end] == "endless noise"


@pytest.mark.django_db
def test_replaying_a_save_returns_the_stored_mark(attempt, body):
    client_id = uuid.uuid4()
    first, created = add(attempt, body, "endless noise", client_id=client_id)
    # A replay returns what is stored, even if the browser resends something else.
    again, created_again = add(attempt, body, "Grumble Brigade", "doubt", client_id=client_id)
    assert (created, created_again) == (True, False)
    assert again == first and again.technique.slug == "loaded-language"
    assert Mark.objects.count() == 1


@pytest.mark.django_db
def test_the_same_client_id_in_another_attempt_is_another_mark(attempt, body, make_user):
    other = Attempt.objects.create(assignment=attempt.assignment, student=make_user("classmate"))
    client_id = uuid.uuid4()
    add(attempt, body, "endless noise", client_id=client_id)
    _, created = add(other, body, "endless noise", client_id=client_id)
    assert created and Mark.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("start, end", [(-1, 5), (5, 5), (9, 3), (0, 100_000)])
def test_add_mark_refuses_a_stretch_outside_the_body(attempt, start, end):
    with pytest.raises(MarkRefused, match="is not inside the article"):
        add_mark(attempt=attempt, start=start, end=end, technique=technique("doubt"), client_id=uuid.uuid4())
    assert not Mark.objects.exists()


@pytest.mark.django_db
def test_add_mark_refuses_punctuation_only(attempt, body):
    with pytest.raises(MarkRefused, match="at least one word"):
        add(attempt, body, '." "')


@pytest.mark.django_db
def test_add_mark_refuses_an_exact_duplicate_but_allows_overlaps(attempt, body):
    add(attempt, body, "endless noise")
    add(attempt, body, "endless noise", "exaggeration")  # Another technique: fine.
    add(attempt, body, "endless", cut=0)  # Overlapping: fine.
    with pytest.raises(MarkRefused, match="already marked “endless noise” as Loaded language"):
        add(attempt, body, "endless noise", cut=1)  # Snaps onto the first mark.
    assert Mark.objects.count() == 3


@pytest.mark.django_db
def test_add_mark_refuses_a_submitted_attempt(attempt, body):
    submit_attempt(attempt)
    with pytest.raises(MarkRefused, match="submitted"):
        add(attempt, body, "endless noise")


# Relabelling and removing ----------------------------------------------------------


@pytest.mark.django_db
def test_relabel_mark_changes_only_the_technique(attempt, body):
    mark, _ = add(attempt, body, "endless noise")
    relabel_mark(mark=mark, technique=technique("exaggeration"))
    mark.refresh_from_db()
    assert (body[mark.start : mark.end], mark.technique.slug) == ("endless noise", "exaggeration")


@pytest.mark.django_db
def test_relabel_mark_refuses_to_make_a_twin(attempt, body):
    mark, _ = add(attempt, body, "endless noise")
    add(attempt, body, "endless noise", "exaggeration")
    with pytest.raises(MarkRefused, match="already marked these words as Exaggeration"):
        relabel_mark(mark=mark, technique=technique("exaggeration"))
    mark.refresh_from_db()
    assert mark.technique.slug == "loaded-language"


@pytest.mark.django_db
def test_remove_then_add_with_the_same_client_id_restores_the_mark(attempt, body):
    mark, _ = add(attempt, body, "endless noise")
    remove_mark(mark=mark)
    assert not Mark.objects.exists()
    again, created = add_mark(
        attempt=attempt, start=mark.start, end=mark.end, technique=mark.technique, client_id=mark.client_id
    )
    assert created and (again.start, again.end, again.client_id) == (mark.start, mark.end, mark.client_id)


@pytest.mark.django_db
def test_relabel_and_remove_refuse_a_submitted_attempt(attempt, body):
    mark, _ = add(attempt, body, "endless noise")
    submit_attempt(attempt)
    mark.attempt.refresh_from_db()
    with pytest.raises(MarkRefused):
        relabel_mark(mark=mark, technique=technique("doubt"))
    with pytest.raises(MarkRefused):
        remove_mark(mark=mark)
    assert Mark.objects.get().technique.slug == "loaded-language"


# Words and voices -------------------------------------------------------------------


def test_words_in_keeps_apostrophes_and_hyphens_inside_words():
    body = "He said: “Russia’s so-called ‘friends’ — 212 of them!”"
    assert [body[a:b] for a, b in words_in(body, 0, len(body))] == [
        "He",
        "said",
        "Russia’s",
        "so-called",
        "friends",
        "212",
        "of",
        "them",
    ]


def test_words_in_counts_from_the_start_of_the_body():
    body = "One two. Three four."
    assert words_in(body, 9, len(body)) == [(9, 14), (15, 19)]


def segment(voice, *, start=0, end=200, speaker="Sergey Lavrov", quote_source=""):
    return Segment(start=start, end=end, voice=voice, speaker=speaker, quote_source=quote_source)


@pytest.mark.parametrize(
    "voice, quote_source, phrase, expected",
    [
        ("narration", "", "frenzy", "in TASS's own narration"),
        ("paraphrase", "", "frenzy", "in TASS's paraphrase of Sergey Lavrov"),
        ("direct", "speaker", "frenzy", "in Sergey Lavrov's own words, quoted by TASS"),
        # A partly quoted sentence: inside the quotation marks or outside them.
        ("partial", "speaker", "frenzy", "in Sergey Lavrov's own words, quoted by TASS"),
        ("partial", "speaker", "Europe", "in TASS's paraphrase of Sergey Lavrov"),
        ("partial", "quoted-other", "frenzy", "in words Sergey Lavrov quotes from someone else"),
        ("partial", "mixed", "frenzy", "in Sergey Lavrov's quoted words, which also quote someone else"),
    ],
)
def test_voice_phrase_says_whose_words_a_device_is_in(voice, quote_source, phrase, expected):
    body = 'As for Europe, he said it ends its "russophobic frenzy" soon.'
    start = body.index(phrase)
    result = voice_phrase(
        segment=segment(voice, quote_source=quote_source), start=start, body=body, outlet="TASS"
    )
    assert result == expected


def test_voice_phrase_reads_curly_quotes_too():
    body = "He warned of “a new big war” and left."
    phrase = voice_phrase(
        segment=segment("partial", quote_source="speaker"), start=17, body=body, outlet="TASS"
    )
    assert phrase == "in Sergey Lavrov's own words, quoted by TASS"
    after = voice_phrase(segment=segment("partial"), start=body.index("left"), body=body, outlet="TASS")
    assert after == "in TASS's paraphrase of Sergey Lavrov"


def test_segment_at_finds_the_segment_holding_an_offset():
    segments = [Segment(start=0, end=10), Segment(start=10, end=20)]
    assert segment_at(segments, 10) is segments[1]
    assert segment_at(segments, 25) is None


# Feedback -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_feedback_explains_each_key_item_and_false_alarm(attempt, body):
    add(attempt, body, "endless noise", "exaggeration")
    add(attempt, body, "Grumble Brigade", "loaded-language")
    add(attempt, body, "Building work", "doubt")
    lesson = attempt.assignment.lesson
    key = LessonKey.load(lesson)
    feedback = feedback_on_marks(
        key=key, marks=attempt.marks.select_related("technique"), outlet="The Courier"
    )
    by_text = {item.device.text: item for item in feedback.items}
    assert by_text["endless noise"].status == "found"
    misnamed = by_text["Grumble Brigade"]
    assert (misnamed.status, misnamed.named_as.slug) == ("misnamed", "loaded-language")
    assert misnamed.voice == "in Dana Ortiz's own words, quoted by The Courier"
    assert feedback.counts == {"found": 1, "misnamed": 1, "partly": 0, "missed": len(key.devices) - 2}
    assert [a.text for a in feedback.false_alarms] == ["Building work"]
    assert feedback.false_alarms[0].in_neutral
    assert feedback.neutral_total == sum(s.neutral for s in key.segments)
    assert feedback.score.neutral_clean == feedback.neutral_total - 1
    assert [item.number for item in feedback.items] == list(range(1, len(key.devices) + 1))
