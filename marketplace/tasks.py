"""Periodic housekeeping of the trading floor, as a django-tasks task and a command for cron.

`expire_unpaid` cancels card and transfer orders whose payment hold has passed, giving their
stock back, and deletes visitors' carts untouched for `ANONYMOUS_CART_DAYS`. Run it every few
minutes: from cron (`manage.py expire_unpaid_orders`) or by enqueueing this task from whatever
schedules the worker's jobs (docs/payments.md, "Unpaid orders").

`expire_rfqs_and_quotes` closes requests for quotation past their deadline and expires quotes past
their validity (marketplace/services/quotes.py). Run it daily, or more often: it is idempotent
(`manage.py expire_rfqs`, or enqueue the task).

Their schedules are listed with the other periodic jobs in background/periodic.py
(`manage.py periodic_jobs`, docs/tasks.md).
"""

import datetime

from django.utils import timezone

from background.retry import background_task

ANONYMOUS_CART_DAYS = 30


@background_task
def expire_unpaid() -> dict:
    from marketplace.models import Cart
    from marketplace.services.payments import expire_unpaid_orders

    expired = expire_unpaid_orders()
    cutoff = timezone.now() - datetime.timedelta(days=ANONYMOUS_CART_DAYS)
    carts, _ = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return {"expired": expired, "carts_deleted": carts}


@background_task
def expire_rfqs_and_quotes() -> dict:
    from marketplace.services.quotes import expire_rfqs_and_quotes as expire

    return expire()


@background_task(attempts=3)
def import_statement(job_id: int) -> dict:
    """A large bank statement's import, queued by the admin upload (marketplace/services/statements.py)."""
    from background.services import run_job
    from marketplace.services.statements import statement_import_job

    return run_job(job_id, statement_import_job)
