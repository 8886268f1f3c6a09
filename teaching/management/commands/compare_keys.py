import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from teaching.agreement import key_agreement
from teaching.bundles import BundleError, parse_bundle


class Command(BaseCommand):
    help = "Compare two independent keys (bundles) of one article: span F1 and voice agreement."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("first", help="The first annotator's bundle.")
        parser.add_argument("second", help="The second annotator's bundle.")

    def handle(self, *args, first, second, **options):
        try:
            bundles = [parse_bundle(Path(path).read_bytes()) for path in (first, second)]
            result = key_agreement(*bundles)
        except (OSError, BundleError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot compare: {error}") from None
        self.stdout.write(json.dumps(result, indent=2))
