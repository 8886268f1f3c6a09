"""
A small world for access and privacy tests: two teachers' classes, a student in each, work in each.

Built directly (no fixture files), so a test that needs it pays milliseconds, not seconds.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from teaching.models import (
    Article,
    Assignment,
    Attempt,
    Classroom,
    DraftSuggestion,
    Enrollment,
    Invitation,
    KeyDevice,
    Lesson,
    Mark,
    Segment,
    Technique,
    User,
    VoiceAnswer,
)

PASSWORD = "correct-horse-battery"
BODY = 'Officials said the plan was "a total disaster". The meeting ended at noon.'


@dataclass
class World:
    lesson: Lesson
    technique: Technique
    segments: list
    owner: User
    other_teacher: User
    admin: User
    student: User
    other_student: User
    classroom: Classroom
    other_classroom: Classroom
    assignment: Assignment
    other_assignment: Assignment
    attempt: Attempt
    other_attempt: Attempt
    mark: Mark
    invitation: Invitation
    draft: Lesson  # The owning teacher's lesson in the making (the authoring pages).
    suggestion: DraftSuggestion

    def user(self, role):
        """Return the user who plays ``role`` in the access matrix (None for anonymous)."""
        return {
            "anonymous": None,
            "student_of_class": self.student,
            "student_of_other_class": self.other_student,
            "owning_teacher": self.owner,
            "other_teacher": self.other_teacher,
            "admin": self.admin,
        }[role]


def make_lesson(slug="tiny-lesson", technique=None):
    """Create a published two-sentence lesson with one key device; return (lesson, technique, segments)."""
    technique = technique or Technique.objects.create(
        slug="loaded-language",
        name="Loaded language",
        ptc_label="Loaded_Language",
        family=Technique.Family.WORDING,
        definition="Words chosen for their emotional punch.",
        example="A 'catastrophic' plan.",
        colour="#ffcc00",
        code="LL",
        shortcut="l",
    )
    lesson = Lesson.objects.create(slug=slug, title="Tiny lesson", summary="Two sentences.")
    Article.objects.create(
        lesson=lesson, title="A plan", outlet="Wire", published=datetime.date(2025, 11, 13), body=BODY
    )
    first_end = BODY.index(".") + 1
    segments = [
        Segment.objects.create(
            lesson=lesson, position=0, start=0, end=first_end, voice="partial", speaker="Officials"
        ),
        Segment.objects.create(
            lesson=lesson, position=1, start=first_end + 1, end=len(BODY), voice="narration", neutral=True
        ),
    ]
    start = BODY.index("a total disaster")
    KeyDevice.objects.create(
        lesson=lesson,
        position=0,
        technique=technique,
        start=start,
        end=start + len("a total disaster"),
        text="a total disaster",
        explanation="Emotional words.",
    )
    return lesson, technique, segments


def _work(*, assignment, student, segments, technique):
    attempt = Attempt.objects.create(assignment=assignment, student=student, seconds_spent=120)
    VoiceAnswer.objects.create(attempt=attempt, segment=segments[0], voice="direct")
    start = BODY.index("total disaster")
    mark = Mark.objects.create(
        attempt=attempt, technique=technique, start=start, end=start + 14, client_id=uuid.uuid4()
    )
    return attempt, mark


def build_world(*, now=None):
    """Create the world: each teacher's class has a student, an open assignment and that student's work."""
    now = now or timezone.now()
    lesson, technique, segments = make_lesson()

    def user(username, **extra):
        return User.objects.create_user(username, password=PASSWORD, display_name=username.title(), **extra)

    owner = user("owner", role=User.Role.TEACHER)
    other_teacher = user("other-teacher", role=User.Role.TEACHER)
    admin = user("admin", role=User.Role.TEACHER, is_staff=True, is_superuser=True)
    student = user("student-a")
    other_student = user("student-b")
    classroom = Classroom.objects.create(teacher=owner, name="Class A")
    other_classroom = Classroom.objects.create(teacher=other_teacher, name="Class B")
    Enrollment.objects.create(classroom=classroom, student=student)
    Enrollment.objects.create(classroom=other_classroom, student=other_student)
    dates = {"opens_at": now - datetime.timedelta(days=1), "due_at": now + datetime.timedelta(days=6)}
    assignment = Assignment.objects.create(classroom=classroom, lesson=lesson, **dates)
    other_assignment = Assignment.objects.create(classroom=other_classroom, lesson=lesson, **dates)
    attempt, mark = _work(assignment=assignment, student=student, segments=segments, technique=technique)
    other_attempt, _ = _work(
        assignment=other_assignment, student=other_student, segments=segments, technique=technique
    )
    invitation = Invitation.objects.create(
        created_by=admin, note="A new teacher", expires_at=now + datetime.timedelta(days=7)
    )
    draft, _, _ = make_lesson(slug="owners-draft", technique=technique)
    Lesson.objects.filter(pk=draft.pk).update(status=Lesson.Status.DRAFT, created_by=owner)
    draft.refresh_from_db()
    start = BODY.index("noon")
    suggestion = DraftSuggestion.objects.create(
        lesson=draft, start=start, end=start + 4, technique=technique, reason="A guess.", confidence=0.5
    )
    return World(
        lesson=lesson,
        technique=technique,
        segments=segments,
        owner=owner,
        other_teacher=other_teacher,
        admin=admin,
        student=student,
        other_student=other_student,
        classroom=classroom,
        other_classroom=other_classroom,
        assignment=assignment,
        other_assignment=other_assignment,
        attempt=attempt,
        other_attempt=other_attempt,
        mark=mark,
        invitation=invitation,
        draft=draft,
        suggestion=suggestion,
    )
