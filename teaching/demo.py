"""
Demo data a newcomer can click through at once: ``manage.py demo``.

Idempotent: running it again finds what it made before and changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from teaching.models import Assignment, Classroom, Enrollment, Lesson, User

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
        Assignment.objects.get_or_create(
            classroom=classroom,
            lesson=lesson,
            defaults={
                "opens_at": now - datetime.timedelta(days=opened_days_ago),
                "due_at": now + datetime.timedelta(days=due_in_days),
            },
        )
    return classroom
