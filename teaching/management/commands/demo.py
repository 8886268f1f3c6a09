from django.core.management.base import BaseCommand

from teaching.demo import DEMO_PASSWORD, create_demo, demo_student_username


class Command(BaseCommand):
    help = "Create demo accounts, a class and assignments (safe to run again)."

    def handle(self, *args, **options):
        classroom = create_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo ready. Open http://127.0.0.1:8000/ and log in as:")
            + f"\n  teacher      teacher / {DEMO_PASSWORD}   (class “{classroom.name}”)"
            + f"\n  student      {demo_student_username(1)} / {DEMO_PASSWORD}"
            + f"   (… up to {demo_student_username(classroom.students.count())})"
            + f"\n  admin        admin / {DEMO_PASSWORD}   (http://127.0.0.1:8000/admin/)"
            + f"\n  join code    {classroom.join_code}   (students join at /join/)"
        )
