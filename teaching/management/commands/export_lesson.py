import json

from django.core.management.base import BaseCommand, CommandError

from teaching.bundles import export_bundle, fixture_for_lesson
from teaching.models import Lesson


class Command(BaseCommand):
    help = "Write a lesson to standard output as a lesson-bundle/1 JSON document."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The lesson's slug.")
        parser.add_argument(
            "--fixture",
            action="store_true",
            help="Write a natural-key fixture for `loaddata` instead of a bundle.",
        )

    def handle(self, *args, slug, fixture, **options):
        try:
            lesson = Lesson.objects.select_related("article").get(slug=slug)
        except Lesson.DoesNotExist:
            raise CommandError(f"No lesson with slug {slug!r}.") from None
        document = fixture_for_lesson(lesson) if fixture else export_bundle(lesson)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
