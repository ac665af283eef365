"""Reads from the ledger: balances and a cooperative's transactions for a month.

Balances are sums of postings (debit positive, credit negative), computed in the database with
one aggregate query, so they are never stored and can never drift from the postings.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet, Sum
from django.utils import timezone

from catalog.models import CooperativePage
from marketplace.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction


def account_balance(account: LedgerAccount, *, until: datetime.datetime | None = None) -> int:
    """The account's balance in đồng, counting only transactions made before `until` when given."""
    postings = LedgerPosting.objects.filter(account=account)
    if until is not None:
        postings = postings.filter(transaction__created_at__lt=until)
    return postings.aggregate(total=Sum("amount_vnd"))["total"] or 0


def balances(accounts: Iterable[LedgerAccount]) -> dict[LedgerAccount, int]:
    """Every given account's balance in đồng (0 for an account without postings), in one query."""
    accounts = list(accounts)
    totals = dict(
        LedgerPosting.objects.filter(account__in=accounts)
        .values("account_id")
        .annotate(total=Sum("amount_vnd"))
        .values_list("account_id", "total")
        .order_by()
    )
    return {account: totals.get(account.pk, 0) for account in accounts}


def transactions_for(cooperative: CooperativePage, month: datetime.date) -> QuerySet[LedgerTransaction]:
    """Transactions touching any of the cooperative's accounts in the calendar month containing `month`.

    The month runs in the site's time zone; postings and their accounts come prefetched.
    """
    zone = timezone.get_current_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=zone)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    touching = LedgerPosting.objects.filter(account__cooperative=cooperative).values("transaction_id")
    return (
        LedgerTransaction.objects.filter(pk__in=touching, created_at__gte=start, created_at__lt=following)
        .prefetch_related("postings__account")
        .order_by("created_at", "id")
    )
