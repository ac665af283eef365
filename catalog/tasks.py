"""Periodic work of the catalogue, as background tasks (the search index's own are in catalog/search/tasks.py).

`ocop_expiry_notices` emails cooperatives about OCOP certificates entering their last 90 days, once
per certificate (catalog/notifications.py). Run it daily: `manage.py ocop_expiry_notices` from cron
or a systemd timer, or with `--enqueue` on the task worker (background/periodic.py, docs/tasks.md).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from background.retry import background_task
from catalog import page_cache


@background_task
def ocop_expiry_notices(
    today: str | None = None, within_days: int | None = None, dry_run: bool = False
) -> dict:
    """Send the notices due on `today` (ISO date; default the local date) and say what was done."""
    from catalog.notifications import send_ocop_expiry_notices

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    days = settings.OCOP_EXPIRY_NOTICE_DAYS if within_days is None else within_days
    run = send_ocop_expiry_notices(today=day, within_days=days, dry_run=dry_run)
    if not dry_run:
        # A certificate expires by the date passing, not by a write. Cached pages already turn
        # over at midnight (their key holds the date); the daily run retires them as well.
        page_cache.invalidate()
    return {
        "today": day.isoformat(),
        "until": (day + datetime.timedelta(days=days)).isoformat(),
        "dry_run": dry_run,
        "expiring": run.expiring,
        "notified_cooperatives": run.notified_cooperatives,
        "notified_certificates": run.notified_certificates,
        "without_address": run.without_address,
        "emails": [{"to": list(message.to), "subject": message.subject} for message in run.emails],
    }
