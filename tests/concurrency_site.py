"""
Set up, and read back, the database of tests/test_concurrency.py's app server.

Run in that server's environment (its DATABASE_URL and settings), not in pytest's:
``python -m tests.concurrency_site setup 30`` migrates, loads the warm-up lesson and
makes a class of thirty students; ``python -m tests.concurrency_site dump PK`` prints
every answer and mark of assignment PK. Both print JSON.
"""

import datetime
import json
import sys

PASSWORD = "correct-horse-battery"
LESSON = "warm-up-skate-park"


def setup(students: int) -> dict:
    """Return the assignment, its segments and the article body, after making a class of ``students``."""
    from django.core.management import call_command
    from django.utils import timezone

    from teaching.models import Assignment, Classroom, Enrollment, Lesson, User

    call_command("migrate", verbosity=0)
    call_command("loaddata", "techniques", f"lesson-{LESSON}", verbosity=0)
    teacher = User.objects.create_user("load-teacher", password=PASSWORD, role=User.Role.TEACHER)
    classroom = Classroom.objects.create(teacher=teacher, name="Load test")
    for number in range(students):
        student = User.objects.create_user(
            f"load-{number:02d}", password=PASSWORD, display_name=f"Load {number:02d}"
        )
        Enrollment.objects.create(classroom=classroom, student=student)
    lesson = Lesson.objects.get(slug=LESSON)
    now = timezone.now()
    assignment = Assignment.objects.create(
        classroom=classroom,
        lesson=lesson,
        opens_at=now - datetime.timedelta(hours=1),
        due_at=now + datetime.timedelta(days=1),
    )
    return {
        "assignment": assignment.pk,
        "segments": list(lesson.segments.order_by("position").values_list("pk", flat=True)),
        "body": lesson.article.body,
    }


def dump(assignment_pk: int) -> dict:
    """Return every stored answer and mark of the assignment, with their student's username."""
    from teaching.models import Mark, VoiceAnswer

    answers = VoiceAnswer.objects.filter(attempt__assignment_id=assignment_pk)
    marks = Mark.objects.filter(attempt__assignment_id=assignment_pk)
    return {
        "answers": [
            list(row)
            for row in answers.values_list("attempt__student__username", "segment_id", "voice", "revision")
        ],
        "marks": [
            [username, str(client_id), start, end, technique]
            for username, client_id, start, end, technique in marks.values_list(
                "attempt__student__username", "client_id", "start", "end", "technique__slug"
            )
        ],
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command, argument = argv[1], int(argv[2])
    result = setup(argument) if command == "setup" else dump(argument)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
