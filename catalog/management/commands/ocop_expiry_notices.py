"""Daily: tell cooperatives about OCOP certificates entering their last 90 days.

Run it once a day (cron or a systemd timer: background/periodic.py). Each certificate is
notified once; running it twice on the same day, or every day, sends nothing new. With
`--enqueue` the task worker does it. A failure exits non-zero.
"""

import datetime

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from background.commands import TaskCommand
from catalog.tasks import ocop_expiry_notices


class Command(TaskCommand):
    help = "Email cooperatives about OCOP certificates that expire within the notice period."
    task = ocop_expiry_notices

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send and mark nothing."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=getattr(settings, "OCOP_EXPIRY_NOTICE_DAYS", 90),
            help="Notice period in days (default: %(default)s).",
        )
        parser.add_argument(
            "--date", help="Run as if today were this date (YYYY-MM-DD), e.g. to catch up a missed day."
        )

    def task_kwargs(self, options: dict) -> dict:
        if options["days"] < 0:
            raise CommandError("--days cannot be negative.")
        if options["dry_run"] and options["enqueue"]:
            raise CommandError("--dry-run lists what would be sent here and now; it cannot be queued.")
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        return {"today": today.isoformat(), "within_days": options["days"], "dry_run": options["dry_run"]}

    def report(self, outcome) -> str:
        prefix = "[dry run] " if outcome["dry_run"] else ""
        for email in outcome["emails"]:
            self.stdout.write(f"{prefix}{', '.join(email['to'])}: {email['subject']}")
        for cooperative in outcome["without_address"]:
            self.stderr.write(f"{prefix}No email address for {cooperative}; will retry tomorrow.")
        verb = "would notify" if outcome["dry_run"] else "notified"
        return self.style.SUCCESS(
            f"{prefix}{outcome['expiring']} certificate(s) expiring by {outcome['until']}: {verb} "
            f"{len(outcome['notified_cooperatives'])} cooperative(s) about {outcome['notified_certificates']}; "
            f"{len(outcome['without_address'])} without an email address."
        )
