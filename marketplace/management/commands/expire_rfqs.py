"""Close requests for quotation past their deadline and expire quotes past their validity (run from cron)."""

from background.commands import TaskCommand
from marketplace.tasks import expire_rfqs_and_quotes


class Command(TaskCommand):
    help = "Close open requests for quotation past their deadline and expire quotes past their validity."
    task = expire_rfqs_and_quotes

    def report(self, outcome) -> str:
        return f"RFQs closed {outcome['rfqs_closed']}, quotes expired {outcome['quotes_expired']}"
