"""
Demo data a newcomer can click through at once: ``manage.py demo``.

Idempotent: running it again finds what it made before and changes nothing.
"""

import datetime
import random
import re
import uuid

from django.db import transaction
from django.utils import timezone

from teaching.grading import LessonKey
from teaching.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Lesson,
    Mark,
    Technique,
    User,
    VoiceAnswer,
)
from teaching.scoring import snap_to_words

# Demo accounts only; the password is printed for the newcomer on purpose.
DEMO_PASSWORD = "lens-demo"  # noqa: S105  # nosec B105
DEMO_CLASS = "Year 10 Media Studies"
# Pseudonyms, as a class would choose them: no real names are needed anywhere.
DEMO_STUDENT_NAMES = [
    "Amber Fox",
    "Blue Heron",
    "Cedar Owl",
    "Dune Lark",
    "Ember Wolf",
    "Fern Otter",
    "Glacier Elk",
    "Harbor Seal",
    "Iris Moth",
    "Juniper Hare",
    "Kestrel",
    "Lichen Toad",
    "Maple Wren",
    "Nimbus Crow",
    "Onyx Lynx",
    "Pebble Newt",
    "Quartz Jay",
    "River Mink",
    "Sage Badger",
    "Tundra Finch",
    "Umber Bat",
    "Violet Crane",
    "Willow Vole",
    "Xeno Gecko",
    "Yarrow Robin",
]


def demo_student_username(number):
    return f"student{number:02d}"


@transaction.atomic
def create_demo(*, now=None):
    """Create the demo admin, teacher, class, students and assignments; return the class."""
    now = now or timezone.now()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin", password=DEMO_PASSWORD, display_name="School admin", role=User.Role.TEACHER
        )
    teacher, created = User.objects.get_or_create(
        username="teacher", defaults={"display_name": "Ms Rivera", "role": User.Role.TEACHER}
    )
    if created:
        teacher.set_password(DEMO_PASSWORD)
        teacher.save(update_fields=["password"])
    classroom, _ = Classroom.objects.get_or_create(teacher=teacher, name=DEMO_CLASS)
    for number, name in enumerate(DEMO_STUDENT_NAMES, start=1):
        student, created = User.objects.get_or_create(
            username=demo_student_username(number),
            defaults={"display_name": name, "role": User.Role.STUDENT},
        )
        if created:
            student.set_password(DEMO_PASSWORD)
            student.save(update_fields=["password"])
        Enrollment.objects.get_or_create(classroom=classroom, student=student)
    for slug, opened_days_ago, due_in_days in [
        ("warm-up-skate-park", 7, 3),
        ("tass-lavrov-2025-11-13", 1, 6),
    ]:
        lesson = Lesson.objects.filter(slug=slug).first()
        if lesson is None:
            continue
        assignment, _ = Assignment.objects.get_or_create(
            classroom=classroom,
            lesson=lesson,
            defaults={
                "opens_at": now - datetime.timedelta(days=opened_days_ago),
                "due_at": now + datetime.timedelta(days=due_in_days),
            },
        )
        simulate_class_work(classroom, assignment, now=now)
    return classroom


# Simulated class work -------------------------------------------------------

# The newcomer logs in as the first student: their assignments stay untouched.
UNSIMULATED_STUDENTS = frozenset({demo_student_username(1)})
SIMULATED_NOT_STARTED = 2  # besides the untouched student
SIMULATED_IN_PROGRESS = 2

# Mistakes a real class makes: a partial quote is most often taken for its neighbours.
VOICE_CONFUSIONS = {
    "direct": (("partial", 7), ("paraphrase", 2), ("narration", 1)),
    "partial": (("paraphrase", 6), ("direct", 3), ("narration", 1)),
    "paraphrase": (("partial", 6), ("narration", 3), ("direct", 1)),
    "narration": (("paraphrase", 7), ("partial", 2), ("direct", 1)),
}
# What students tend to call a plain statement they wrongly mark.
FALSE_ALARM_TECHNIQUES = ("loaded-language", "exaggeration", "doubt", "appeal-to-fear", "name-calling")
_WORD = re.compile(r"\w[\w'’-]*")


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _confused_technique(rng, right, techniques):
    """Return a wrong technique, most often one of the right one's family."""
    others = [t for t in techniques if t.pk != right.pk]
    return _weighted(rng, [(t, 4 if t.family == right.family else 1) for t in others])


def _false_alarm_spots(rng, key):
    """Return a few word windows in the key's neutral sentences, the same for the whole class."""
    devices = [(d.start, d.end) for d in key.devices]
    spots = []
    for segment in key.segments:
        if not segment.neutral:
            continue
        words = list(_WORD.finditer(key.body, segment.start, segment.end))
        if len(words) < 2:
            continue
        first = rng.randrange(len(words) - 1)
        last = min(len(words) - 1, first + rng.randint(1, 3))
        start, end = words[first].start(), words[last].end()
        if not any(start < d_end and d_start < end for d_start, d_end in devices):
            spots.append((start, end))
    return spots


def _simulated_marks(rng, key, skill, techniques, *, reach, spots):
    """Return (technique, start, end) marks: most key items found, with jitter, some misnamed."""
    body = key.body
    marks = []
    for device in key.devices:
        if device.start > reach or rng.random() > skill - 0.1:
            continue
        technique = device.technique
        if rng.random() > 0.3 + 0.6 * skill:
            technique = _confused_technique(rng, technique, techniques)
        # Boundaries wander by a few characters, never so far inward that the mark vanishes.
        inward = min(5, (device.end - device.start) // 3)
        start, end = device.start + rng.randint(-8, inward), device.end + rng.randint(-inward, 8)
        if rng.random() < 0.15:
            # Only part of the device: a student who stopped at the first clause.
            end = start + max(3, (end - start) * 2 // 5)
        snapped = snap_to_words(body, max(0, start), min(len(body), end))
        if snapped:
            marks.append((technique, *snapped))
    by_slug = {t.slug: t for t in techniques}
    alarm_techniques = [by_slug[s] for s in FALSE_ALARM_TECHNIQUES if s in by_slug] or techniques
    for _ in range(round((1 - skill) * 4 * rng.random())):
        if spots:
            start, end = rng.choice(spots)
            if start <= reach:
                marks.append((rng.choice(alarm_techniques), start, end))
    return marks


@transaction.atomic
def simulate_class_work(classroom, assignment, *, seed=2025, now=None):
    """
    Give the class realistic attempts at ``assignment``: a spread of skill, a few not started
    or unfinished, most submitted. Deterministic for a seed; students with work are skipped.

    Return the number of attempts made.
    """
    now = now or timezone.now()
    key = LessonKey.load(assignment.lesson)
    techniques = list(Technique.objects.order_by("position", "pk"))
    students = [s for s in classroom.students.order_by("username") if s.username not in UNSIMULATED_STUDENTS]
    # Seeded on purpose: the demo must come out the same on every machine (no secrets here).
    plan = random.Random(f"{seed}:{assignment.lesson.slug}:plan")  # noqa: S311  # nosec B311
    # Fates are drawn over the whole roster, so a second run draws the same ones.
    shuffled = students[:]
    plan.shuffle(shuffled)
    not_started = {s.pk for s in shuffled[:SIMULATED_NOT_STARTED]}
    in_progress = {
        s.pk for s in shuffled[SIMULATED_NOT_STARTED : SIMULATED_NOT_STARTED + SIMULATED_IN_PROGRESS]
    }
    spots = _false_alarm_spots(plan, key)
    has_work = set(Attempt.objects.filter(assignment=assignment).values_list("student_id", flat=True))
    open_for = max(now - assignment.opens_at, datetime.timedelta(minutes=10))
    answers, marks, made = [], [], 0
    for student in students:
        if student.pk in has_work or student.pk in not_started:
            continue
        rng = random.Random(f"{seed}:{assignment.lesson.slug}:{student.username}")  # noqa: S311  # nosec B311
        skill = rng.uniform(0.45, 0.95)
        finished = student.pk not in in_progress
        share_done = 1.0 if finished else rng.uniform(0.3, 0.7)
        started_at = assignment.opens_at + open_for * rng.uniform(0.0, 0.6)
        seconds = int(rng.uniform(900, 2400) * share_done * (1.3 - skill / 2))
        submitted_at = min(started_at + datetime.timedelta(seconds=seconds + rng.randint(30, 600)), now)
        attempt = Attempt.objects.create(assignment=assignment, student=student)
        # started_at and last_active_at are set on creation; backdate them to the simulated session.
        Attempt.objects.filter(pk=attempt.pk).update(
            started_at=started_at,
            last_active_at=started_at + datetime.timedelta(seconds=seconds),
            seconds_spent=seconds,
            submitted_at=submitted_at if finished else None,
        )
        answered = key.segments[: round(len(key.segments) * share_done)]
        for segment in answered:
            voice = segment.voice if rng.random() < skill else _weighted(rng, VOICE_CONFUSIONS[segment.voice])
            answers.append(VoiceAnswer(attempt=attempt, segment=segment, voice=voice))
        reach = len(key.body) if finished else int(len(key.body) * share_done)
        for technique, start, end in _simulated_marks(rng, key, skill, techniques, reach=reach, spots=spots):
            client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            marks.append(
                Mark(attempt=attempt, technique=technique, start=start, end=end, client_id=client_id)
            )
        made += 1
    VoiceAnswer.objects.bulk_create(answers)
    Mark.objects.bulk_create(marks)
    return made
