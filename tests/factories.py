"""Build classes, assignments and student work directly with the ORM, fast enough for 200 students."""

import datetime
import itertools
import uuid

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from teaching.models import (
    Article,
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    KeyDevice,
    Lesson,
    Mark,
    Segment,
    Technique,
    User,
    VoiceAnswer,
)

_numbers = itertools.count(1)

# A lesson small enough to reason about by hand:
#   0         1         2         3         4         5         6
#   0123456789012345678901234567890123456789012345678901234567890123456
TINY_BODY = 'Alpha "beta gamma" rises. Delta said epsilon falls. Eta theta iota.'
TINY_SEGMENTS = [  # (start, end, voice, neutral)
    (0, 26, "partial", False),
    (26, 52, "paraphrase", False),
    (52, 67, "narration", True),
]
TINY_DEVICES = [  # (start, end, technique slug): "beta gamma", "epsilon"
    (7, 17, "loaded"),
    (37, 44, "labels"),
]


def make_technique(slug, *, family="wording", code=None):
    """Return a technique with every required field filled in."""
    technique, _ = Technique.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.replace("-", " ").title(),
            "family": family,
            "definition": f"What {slug} means.",
            "example": f"An example of {slug}.",
            "colour": "#ffcc00",
            "code": code or slug[:2].upper(),
        },
    )
    return technique


def make_tiny_lesson(slug="tiny"):
    """Return a three-sentence lesson with two key devices (see TINY_BODY)."""
    techniques = {
        "loaded": make_technique("loaded", code="LL"),
        "labels": make_technique("labels", family="attack", code="NC"),
        "fear": make_technique("fear", family="justification", code="AF"),
    }
    lesson = Lesson.objects.create(slug=slug, title=f"Tiny lesson {slug}")
    Article.objects.create(lesson=lesson, title="Tiny", outlet="Test", published="2025-01-01", body=TINY_BODY)
    for position, (start, end, voice, neutral) in enumerate(TINY_SEGMENTS):
        Segment.objects.create(
            lesson=lesson, position=position, start=start, end=end, voice=voice, neutral=neutral
        )
    for position, (start, end, slug_) in enumerate(TINY_DEVICES):
        KeyDevice.objects.create(
            lesson=lesson,
            position=position,
            start=start,
            end=end,
            technique=techniques[slug_],
            text=TINY_BODY[start:end],
        )
    return lesson


def make_students(count, *, prefix="pupil"):
    """Create ``count`` students in one query (with an unusable password) and return them."""
    run = next(_numbers)
    users = [
        User(
            username=f"{prefix}{run}-{index:03d}",
            display_name=f"{prefix.title()} {run}-{index:03d}",
            role=User.Role.STUDENT,
            password=make_password(None),
        )
        for index in range(count)
    ]
    User.objects.bulk_create(users)
    return list(User.objects.filter(username__startswith=f"{prefix}{run}-").order_by("username"))


def make_class(teacher, lesson, *, students=0, name=None, opened_ago=None, due_in=None, now=None):
    """Return (classroom, assignment, students): a class of new students with ``lesson`` assigned."""
    now = now or timezone.now()
    classroom = Classroom.objects.create(teacher=teacher, name=name or f"Class {next(_numbers)}")
    pupils = make_students(students) if students else []
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=s) for s in pupils)
    assignment = Assignment.objects.create(
        classroom=classroom,
        lesson=lesson,
        opens_at=now - (opened_ago or datetime.timedelta(days=1)),
        due_at=now + (due_in if due_in is not None else datetime.timedelta(days=3)),
    )
    return classroom, assignment, pupils


def give_work(assignment, student, *, voices=None, marks=(), submitted=True, seconds=600, now=None):
    """
    Create ``student``'s attempt with voice answers and marks; return the attempt.

    ``voices`` maps segment position to a voice (``"key"`` answers every segment
    as the key does); ``marks`` are (technique slug, start, end).
    """
    now = now or timezone.now()
    attempt = Attempt.objects.create(assignment=assignment, student=student)
    Attempt.objects.filter(pk=attempt.pk).update(
        seconds_spent=seconds, submitted_at=now if submitted else None
    )
    attempt.refresh_from_db()
    segments = list(assignment.lesson.segments.order_by("position"))
    if voices == "key":
        voices = {s.position: s.voice for s in segments}
    VoiceAnswer.objects.bulk_create(
        VoiceAnswer(attempt=attempt, segment=segments[position], voice=voice)
        for position, voice in (voices or {}).items()
    )
    techniques = {t.slug: t for t in Technique.objects.filter(slug__in={m[0] for m in marks})}
    Mark.objects.bulk_create(
        Mark(attempt=attempt, technique=techniques[slug], start=start, end=end, client_id=uuid.uuid4())
        for slug, start, end in marks
    )
    return attempt


BETA_GAMMA = (7, 17)  # key item 1 of the tiny lesson, "loaded"
EPSILON = (37, 44)  # key item 2, "labels"
THETA = (56, 61)  # a word in the neutral sentence


def make_tiny_class(teacher, *, lesson=None, **class_options):
    """
    Return (classroom, assignment, students): five students on the tiny lesson.

    In roster order: all right; misnamed + partly + a false alarm; a false alarm only;
    still working; not started.
    """
    lesson = lesson or make_tiny_lesson()
    classroom, assignment, students = make_class(teacher, lesson, students=5, **class_options)
    a, b, c, d, _ = students
    give_work(
        assignment, a, voices="key", marks=[("loaded", *BETA_GAMMA), ("labels", *EPSILON)], seconds=1500
    )
    give_work(
        assignment,
        b,
        voices={0: "paraphrase", 1: "paraphrase", 2: "paraphrase"},
        marks=[("fear", *BETA_GAMMA), ("labels", 37, 39), ("loaded", *THETA)],
        seconds=900,
    )
    give_work(assignment, c, voices={0: "direct"}, marks=[("fear", 55, 62)], seconds=300)
    give_work(assignment, d, marks=[("loaded", 6, 18)], submitted=False, seconds=120)
    return classroom, assignment, students
