import json

from django.core.management.base import BaseCommand, CommandError

from teaching.bundles import export_bundle
from teaching.drafting.accuracy import CONFIDENT, measure_draft
from teaching.models import Lesson

SEED_SLUG = "tass-lavrov-2025-11-13"


class Command(BaseCommand):
    help = "Draft a key for a lesson's article and compare it with the lesson's expert key."

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", default=[SEED_SLUG], help=f"Lessons to measure (default: {SEED_SLUG})."
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, slugs, **options):
        results = []
        for slug in slugs:
            try:
                lesson = Lesson.objects.select_related("article").get(slug=slug)
            except Lesson.DoesNotExist:
                raise CommandError(f"No lesson with slug {slug!r}; load the fixtures first.") from None
            results.append(measure_draft(export_bundle(lesson)))
        if options["json"]:
            self.stdout.write(json.dumps(results if len(results) > 1 else results[0], indent=2))
            return
        for result in results:
            self.stdout.write(self._table(result))

    def _table(self, result):
        seg, voices, devices = result["segmentation"], result["voices"], result["devices"]
        rows = [
            ("segments (expert / drafted)", f"{seg['expert_segments']} / {seg['drafted_segments']}"),
            ("boundary recall", f"{seg['boundary_recall']:.3f}"),
            ("boundary precision", f"{seg['boundary_precision']:.3f}"),
            ("voice agreement", f"{voices['agreement']:.3f}"),
            ("voice kappa", f"{voices['kappa']:.3f}"),
            ("voice credit (scorer)", f"{voices['credit']:.3f}"),
            ("speaker agreement", f"{voices['speaker_agreement']:.3f}"),
        ]
        for name, label in (("all", "all"), (f"confidence>={CONFIDENT}", f"conf >= {CONFIDENT}")):
            part = devices[name]
            spotted = part["spotted"]
            rows += [
                (f"suggestions, {label}", f"{part['suggestions']} (key items {devices['key_items']})"),
                (
                    f"  spotted P / R / F1, {label}",
                    f"{spotted['precision']:.3f} / {spotted['recall']:.3f} / {spotted['f1']:.3f}",
                ),
                (f"  named F1, {label}", f"{part['named']['f1']:.3f}"),
            ]
        width = max(len(name) for name, _ in rows)
        lines = [f"Draft vs expert key: {result['lesson']}", "-" * (width + 20)]
        lines += [f"{name.ljust(width)}  {value}" for name, value in rows]
        return "\n".join(lines) + "\n"
