import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teaching.bundles import BundleError, import_bundle, parse_bundle


class Command(BaseCommand):
    help = "Load a lesson-bundle/1 JSON file: validated whole, loaded in one transaction, or refused."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the bundle, or - for standard input.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a lesson with the same slug (refused once it is assigned to a class).",
        )

    def handle(self, *args, file, replace, **options):
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            lesson = import_bundle(parse_bundle(raw), replace=replace)
        except BundleError as error:
            raise CommandError(f"Bundle refused, nothing was loaded. {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded lesson {lesson.slug!r}: {lesson.segments.count()} segments, "
                f"{lesson.key_devices.count()} key devices."
            )
        )
