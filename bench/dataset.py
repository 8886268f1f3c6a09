"""
Make the benchmark's school in an empty database, in seconds: ``python -m bench.dataset OUT.json``.

Run with ``DJANGO_SETTINGS_MODULE=bench.settings`` and the runner's ``SECRET_KEY`` and
``DATABASE_URL``. It migrates, loads the lessons, bulk-creates 40 classes of 30 and one
class of 300 with attempts on the seed lesson (voice answers and marks), creates a
logged-in session for every person directly in the session table (so the bench never
goes through the throttled login form), and writes what the load tools need to OUT.json.
"""

import datetime
import json
import random
import sys
import uuid

import django

SEED_SLUG = "tass-lavrov-2025-11-13"
FIXTURES = ["techniques", "lesson-warm-up-skate-park", f"lesson-{SEED_SLUG}"]
CLASSES, CLASS_SIZE, BIG_CLASS_SIZE = 40, 30, 300
# One student whose password is known, for the bench's check that a session made
# by logging in on one app server is honoured by the other.
CHECK_USERNAME = "bench-check"
# And one to lock out, checking that failed logins counted on both servers add up. Named
# afresh each run: the lockout outlives the run in Redis, and must not meet the next one.
THROTTLE_USERNAME = f"bench-throttle-{uuid.uuid4().hex[:8]}"
BATCH = 2000
# Mark combinations (words × technique) kept unused per student: half for the
# simulations, half for the throughput scenario.
FREE_MARKS = 40

# Endpoints the scenarios use: URL keyword → hole in the template the load tools fill in.
# Some are being built in parallel; a missing one is reported, not fatal.
ENDPOINTS = {
    "voices": {"assignment_pk": "assignment"},
    "devices": {"assignment_pk": "assignment"},
    "voice_save": {"assignment_pk": "assignment", "segment_pk": "segment"},
    "mark_add": {"assignment_pk": "assignment"},
    "assignment_results": {"pk": "assignment"},
    "assignment_results_csv": {"pk": "assignment"},
}


def _url_templates():
    """Return each endpoint's URL with ``{assignment}``/``{segment}`` holes, or None if it is not routed."""
    from django.urls import NoReverseMatch, reverse

    templates = {}
    for name, holes in ENDPOINTS.items():
        sentinels = {keyword: 900001 + n for n, keyword in enumerate(holes)}
        try:
            url = reverse(name, kwargs=sentinels)
        except NoReverseMatch:
            templates[name] = None
            continue
        for keyword, hole in holes.items():
            url = url.replace(str(sentinels[keyword]), "{" + hole + "}")
        templates[name] = url
    return templates


def _session_rows(people, *, now, rng):
    """Return a logged-in Session row and a CSRF secret for each user, as the login view would."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils.crypto import get_random_string

    backend = settings.AUTHENTICATION_BACKENDS[0]
    last_seen_key = _last_seen_key()
    store = SessionStore()
    rows, cookies = [], {}
    for user in people:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": backend,
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        if last_seen_key:
            # People who have been at work for a while: each session's once-a-minute refresh
            # falls at its own moment, as in a lesson under way, not all at once.
            data[last_seen_key] = int(now.timestamp() - rng.uniform(0, 60))
        rows.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE),
            )
        )
        cookies[user.pk] = {"session": key, "csrf": get_random_string(32)}
    Session.objects.bulk_create(rows, batch_size=BATCH)
    return cookies


def _last_seen_key():
    """Return the session key the idle timeout keeps its clock in, if the app has one."""
    try:
        from teaching.middleware import LAST_SEEN_KEY
    except ImportError:
        return None
    return LAST_SEEN_KEY


def generate(*, seed=7):
    """Fill the database and return the description the load tools read."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from teaching.answers import has_quotes
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

    rng = random.Random(seed)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", *FIXTURES, verbosity=0)
    now = timezone.now()
    lesson = Lesson.objects.select_related("article").get(slug=SEED_SLUG)
    body = lesson.article.body
    segments = list(lesson.segments.order_by("position"))
    spans = sorted({(d.start, d.end) for d in lesson.key_devices.all()})
    techniques = list(Technique.objects.order_by("position"))
    # One hash for everybody: hashing 1,500 passwords would take minutes, and nobody logs in.
    password = make_password(uuid.uuid4().hex)
    check_password = uuid.uuid4().hex

    with transaction.atomic():
        sizes = [CLASS_SIZE] * CLASSES + [BIG_CLASS_SIZE]
        teachers = User.objects.bulk_create(
            User(
                username=f"bench-teacher-{n:02d}",
                display_name=f"Teacher {n}",
                role="teacher",
                password=password,
            )
            for n in range(len(sizes))
        )
        students = User.objects.bulk_create(
            (
                User(
                    username=f"bench-s{n:04d}", display_name=f"Student {n}", role="student", password=password
                )
                for n in range(sum(sizes))
            ),
            batch_size=BATCH,
        )
        check = User.objects.create_user(CHECK_USERNAME, password=check_password, role="student")
        User.objects.create_user(THROTTLE_USERNAME, password=check_password, role="student")
        classrooms = Classroom.objects.bulk_create(
            Classroom(
                teacher=t,
                name=f"Class {n:02d}" if size == CLASS_SIZE else "Year group",
                join_code=f"B{n:09d}",
            )
            for n, (t, size) in enumerate(zip(teachers, sizes, strict=True))
        )
        assignments = Assignment.objects.bulk_create(
            Assignment(
                classroom=c,
                lesson=lesson,
                opens_at=now - datetime.timedelta(days=1),
                due_at=now + datetime.timedelta(days=7),
            )
            for c in classrooms
        )
        rosters, offset = [], 0
        for size in sizes:
            rosters.append(students[offset : offset + size])
            offset += size
        Enrollment.objects.bulk_create(
            (
                Enrollment(classroom=c, student=s)
                for c, roster in zip(classrooms, rosters, strict=True)
                for s in [*roster, *([check] if c is classrooms[0] else [])]
            ),
            batch_size=BATCH,
        )
        attempts = Attempt.objects.bulk_create(
            (
                Attempt(assignment=a, student=s)
                for a, roster in zip(assignments, rosters, strict=True)
                for s in roster
            ),
            batch_size=BATCH,
        )
        # Mid-lesson: most sentences labelled, a handful of devices marked.
        answers, marks, free_marks = [], [], {}
        combos = [(start, end, technique) for start, end in spans for technique in techniques]
        for attempt in attempts:
            for segment in rng.sample(segments, rng.randint(len(segments) // 2, len(segments))):
                answers.append(VoiceAnswer(attempt=attempt, segment=segment, voice=rng.choice(VOICES)))
            # The server refuses a second mark of the same words with the same technique, as it
            # should; set aside combinations this student has not used, for the load tools to send.
            chosen = rng.sample(combos, FREE_MARKS + rng.randint(3, 12))
            free_marks[attempt.student_id] = [(s, e, t.slug) for s, e, t in chosen[:FREE_MARKS]]
            for start, end, technique in chosen[FREE_MARKS:]:
                marks.append(
                    Mark(
                        attempt=attempt,
                        technique=technique,
                        start=start,
                        end=end,
                        client_id=uuid.uuid4(),
                    )
                )
        VoiceAnswer.objects.bulk_create(answers, batch_size=BATCH)
        Mark.objects.bulk_create(marks, batch_size=BATCH)
        cookies = _session_rows([*teachers, *students], now=now, rng=rng)

    def person(user):
        return {"id": user.pk, **cookies[user.pk], "free_marks": free_marks.get(user.pk, [])}

    classes = [
        {"assignment": a.pk, "teacher": person(t), "students": [person(s) for s in roster]}
        for a, t, roster in zip(assignments, teachers, rosters, strict=True)
    ]
    return {
        "urls": _url_templates(),
        "lesson": {
            "segments": [{"pk": s.pk, "quotes": has_quotes(body[s.start : s.end])} for s in segments],
            "spans": spans,
            "techniques": [t.slug for t in techniques],
        },
        "classes": classes[:CLASSES],
        "big_class": classes[CLASSES],
        "check_user": {"username": CHECK_USERNAME, "password": check_password},
        "throttle_user": {"username": THROTTLE_USERNAME, "password": check_password},
        "counts": {
            "students": len(students),
            "teachers": len(teachers),
            "voice_answers": len(answers),
            "marks": len(marks),
        },
    }


VOICES = ["direct", "partial", "paraphrase", "narration"]


def main(argv):
    django.setup()
    description = generate()
    with open(argv[1], "w") as out:
        json.dump(description, out)


if __name__ == "__main__":
    main(sys.argv)
