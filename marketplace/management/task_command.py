"""A command that runs one periodic django-tasks task now, or queues it for the worker (for cron).

A failure exits non-zero with a one-line message, so that cron mails it and monitors see it.
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

    def report(self, outcome) -> str:
        """One line saying what the task did, from what it returned."""
        raise NotImplementedError

    def handle(self, *args, enqueue=False, **options):
        try:
            if enqueue:
                self.stdout.write(f"queued {self.task.enqueue().id}")
                return
            outcome = self.task.call()
        except Exception as error:  # cron reads the exit status: say what failed and exit non-zero
            raise CommandError(f"{self.task.name} failed: {error}") from error
        self.stdout.write(self.report(outcome))
