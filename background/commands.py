"""A management command that runs one periodic task now, or queues it for the worker (cron, systemd).

`manage.py <job>` runs the task in the command's own process and prints one line saying what it
did; `manage.py <job> --enqueue` hands it to the task worker, where a failure is retried with
backoff (background/retry.py). A failure exits non-zero with a one-line message, so that cron
mails it and a systemd timer's unit shows "failed". The periodic jobs and their schedules are
listed in background/periodic.py (`manage.py periodic_jobs`).
"""

from django.core.management.base import BaseCommand, CommandError


class TaskCommand(BaseCommand):
    task = None  # the django-tasks task to run

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of doing it now.",
        )

    def task_kwargs(self, options: dict) -> dict:
        """The task's keyword arguments, from the command's own options (none by default)."""
        return {}

    def report(self, outcome) -> str:
        """One line saying what the task did, from what it returned."""
        raise NotImplementedError

    def handle(self, *args, enqueue=False, **options):
        kwargs = self.task_kwargs({**options, "enqueue": enqueue})
        try:
            if enqueue:
                self.stdout.write(f"queued {self.task.enqueue(**kwargs).id}")
                return
            outcome = self.task.call(**kwargs)
        except Exception as error:  # cron reads the exit status: say what failed and exit non-zero
            raise CommandError(f"{self.task.name} failed: {error}") from error
        self.stdout.write(self.report(outcome))
