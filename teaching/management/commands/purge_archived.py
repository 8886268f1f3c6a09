from django.conf import settings
from django.core.management.base import BaseCommand

from teaching.privacy import purge_archived
from teaching.security_log import log_event

COUNTED = ["classes", "assignments", "attempts", "voice_answers", "marks", "enrollments", "student_accounts"]


class Command(BaseCommand):
    help = (
        "Delete classes archived longer than LENS_RETENTION_DAYS, with all their work, "
        "and student accounts left in no class. Run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run, **options):
        days = settings.LENS_RETENTION_DAYS
        counts = purge_archived(retention_days=days, dry_run=dry_run)
        if not dry_run:
            log_event("privacy.purge", retention_days=days, **{name: counts[name] for name in COUNTED})
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} (archived more than {days} days ago):")
        for name in COUNTED:
            self.stdout.write(f"  {name.replace('_', ' ')}: {counts[name]}")
