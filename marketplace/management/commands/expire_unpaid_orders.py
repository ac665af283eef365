"""Cancel unpaid card and transfer orders past their hold and give their stock back (run from cron)."""

from background.commands import TaskCommand
from marketplace.tasks import expire_unpaid


class Command(TaskCommand):
    help = "Cancel card and transfer orders still unpaid after their hold, releasing their stock."
    task = expire_unpaid

    def report(self, outcome) -> str:
        return f"expired {outcome['expired']}, carts deleted {outcome['carts_deleted']}"
