"""Daily: tell cooperatives about OCOP certificates entering their last 90 days.

Run it once a day (cron or a scheduled task). Each certificate is notified once;
running it twice on the same day, or every day, sends nothing new.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from catalog import page_cache
from catalog.notifications import send_ocop_expiry_notices


class Command(BaseCommand):
    help = "Email cooperatives about OCOP certificates that expire within the notice period."

    def add_arguments(self, parser):
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

    def handle(self, *args, dry_run: bool, days: int, date: str | None, **options):
        if days < 0:
            raise CommandError("--days cannot be negative.")
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error

        run = send_ocop_expiry_notices(today=today, within_days=days, dry_run=dry_run)
        if not dry_run:
            # A certificate expires by the date passing, not by a write. Cached pages already turn
            # over at midnight (their key holds the date); the daily run retires them as well.
            page_cache.invalidate()

        prefix = "[dry run] " if dry_run else ""
        for message in run.emails:
            self.stdout.write(f"{prefix}{', '.join(message.to)}: {message.subject}")
        for cooperative in run.without_address:
            self.stderr.write(f"{prefix}No email address for {cooperative}; will retry tomorrow.")
        verb = "would notify" if dry_run else "notified"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{run.expiring} certificate(s) expiring by "
                f"{today + datetime.timedelta(days=days):%Y-%m-%d}: {verb} "
                f"{len(run.notified_cooperatives)} cooperative(s) about {run.notified_certificates}; "
                f"{len(run.without_address)} without an email address."
            )
        )
