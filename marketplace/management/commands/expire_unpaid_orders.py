"""Cancel unpaid card and transfer orders past their hold and give their stock back (run from cron)."""

from django.core.management.base import BaseCommand

from marketplace.tasks import expire_unpaid


class Command(BaseCommand):
    help = "Cancel card and transfer orders still unpaid after their hold, releasing their stock."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of doing it now.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = expire_unpaid.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        outcome = expire_unpaid.call()
        self.stdout.write(f"expired {outcome['expired']}, carts deleted {outcome['carts_deleted']}")
