"""The periodic jobs, with their schedules: the one list that cron lines and systemd timers follow.

Each job is a management command (background/commands.py) that does the work now and exits
non-zero when it fails, or with `--enqueue` hands it to the task worker. `manage.py periodic_jobs`
prints this list, as a table, as crontab lines (`--cron`) or as systemd units (`--systemd DIR`);
deploy/ holds the generated examples, and a test keeps them equal to this list.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    command: str  # the manage.py command
    task: str  # the django-tasks task it runs (dotted path), for reference
    cron: str  # crontab schedule (minute hour day month weekday), in the server's time zone
    on_calendar: str  # the same schedule as a systemd OnCalendar= expression (a daily one in Vietnam time)
    every: str  # the schedule in words
    description: str


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        command="expire_unpaid_orders",
        task="marketplace.tasks.expire_unpaid",
        cron="*/5 * * * *",
        on_calendar="*:0/5",
        every="every 5 minutes",
        description="Cancel card and transfer orders unpaid after their hold (stock back); delete abandoned visitors' carts.",
    ),
    PeriodicJob(
        command="expire_rfqs",
        task="marketplace.tasks.expire_rfqs_and_quotes",
        cron="10 * * * *",
        on_calendar="*:10",
        every="hourly, at :10",
        description="Close requests for quotation past their deadline; expire quotes past their validity.",
    ),
    PeriodicJob(
        command="ocop_expiry_notices",
        task="catalog.tasks.ocop_expiry_notices",
        cron="30 7 * * *",
        on_calendar="*-*-* 07:30:00 Asia/Ho_Chi_Minh",
        every="daily at 07:30 (Vietnam time)",
        description="Email cooperatives about OCOP certificates entering their last 90 days (once each).",
    ),
)
