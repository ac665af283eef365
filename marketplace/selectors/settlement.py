"""A cooperative's monthly settlement (đối soát): what it sold and collected, and what it is owed.

`settlement_for(cooperative=, month=)` reads one calendar month, in the site's time zone, in a fixed
number of queries however many orders the month holds:

- sold: orders created in the month and not cancelled, by payment method;
- collected: orders whose payment arrived in the month (the time of their "payment:paid" event),
  by payment method, and the platform's commission on them;
- refunds: those done in the month (the time of the refund's payment event), with their reference;
- payouts: those recorded in the month (the time they entered the ledger; the bank date is shown);
- the balance: what the platform owes the cooperative, before and after the month. It is the
  cooperative's payable account (card sales less commission, card refunds and payouts) less its
  receivable one (commission on sales it was paid for directly, by transfer or in cash);
- the ledger lines of the month on those two accounts, so closing = opening + credits − debits.

Debit and credit are the ledger's: a credit is in the cooperative's favour.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Alliance, CooperativePage
from catalog.permissions import staffing
from marketplace.ledger.models import LedgerPosting
from marketplace.ledger.selectors import transactions_for
from marketplace.models import Order, OrderEvent, PaymentMethod, Payout

REFUND_EVENTS = ("payment:refunded", "payment:partly_refunded")


@dataclass(frozen=True)
class MethodTotal:
    method: str
    label: str
    orders: int
    amount_vnd: int


@dataclass(frozen=True)
class RefundRow:
    date: datetime.date
    order: str
    method: str
    amount_vnd: int
    reference: str


@dataclass(frozen=True)
class PayoutRow:
    date: datetime.date  # the bank's date of the transfer
    amount_vnd: int
    reference: str


@dataclass(frozen=True)
class LedgerLine:
    date: datetime.date
    order: str
    description: str
    account: str  # "payable" or "receivable"
    debit_vnd: int
    credit_vnd: int


@dataclass(frozen=True)
class Settlement:
    cooperative: CooperativePage
    month: datetime.date  # the first day
    sold: list[MethodTotal]
    collected: list[MethodTotal]
    commission_vnd: int
    refunds: list[RefundRow]
    payouts: list[PayoutRow]
    # Owed to the cooperative on its payable account, and owed by it on its receivable one.
    payable_opening_vnd: int
    payable_closing_vnd: int
    receivable_opening_vnd: int
    receivable_closing_vnd: int
    lines: list[LedgerLine]

    @property
    def opening_balance_vnd(self) -> int:
        """What the platform owed the cooperative when the month began (negative: it owed the platform)."""
        return self.payable_opening_vnd - self.receivable_opening_vnd

    @property
    def closing_balance_vnd(self) -> int:
        return self.payable_closing_vnd - self.receivable_closing_vnd

    @property
    def by_method(self) -> list[tuple[MethodTotal, MethodTotal]]:
        """(sold, collected) for each payment method; both lists hold every method in the same order."""
        return list(zip(self.sold, self.collected, strict=True))

    @property
    def sold_vnd(self) -> int:
        return sum(row.amount_vnd for row in self.sold)

    @property
    def collected_vnd(self) -> int:
        return sum(row.amount_vnd for row in self.collected)

    @property
    def refunds_vnd(self) -> int:
        return sum(row.amount_vnd for row in self.refunds)

    @property
    def payouts_vnd(self) -> int:
        return sum(row.amount_vnd for row in self.payouts)

    @property
    def debits_vnd(self) -> int:
        return sum(line.debit_vnd for line in self.lines)

    @property
    def credits_vnd(self) -> int:
        return sum(line.credit_vnd for line in self.lines)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month containing `month`, from its first instant to the next month's, in the site's zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=zone)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


def _by_method(rows) -> list[MethodTotal]:
    found = {row["method"]: row for row in rows}
    return [
        MethodTotal(
            method=method,
            label=str(label),
            orders=found.get(method, {}).get("orders") or 0,
            amount_vnd=found.get(method, {}).get("amount") or 0,
        )
        for method, label in PaymentMethod.choices
    ]


def _line_description(kind: str, account: str, memo: str) -> str:
    if kind == "order_paid":
        if account == "receivable":
            return _("Commission on an order paid to the cooperative directly")
        return _("Card payment of an order, less commission")
    descriptions = {
        "refund_requested": _("Card refund to the buyer"),
        "refund_failed": _("Card refund failed, given back"),
        "payout": _("Payout to the cooperative, bank reference %(reference)s") % {"reference": memo},
        "reversal": _("Correction (reversal)"),
    }
    return descriptions.get(kind, kind)


def settlement_for(*, cooperative: CooperativePage, month: datetime.date) -> Settlement:
    """The cooperative's settlement for the calendar month containing `month` (8 queries)."""
    start, end = month_bounds(month)
    in_month = {"created_at__gte": start, "created_at__lt": end}

    sold = (
        Order.objects.filter(cooperative=cooperative, **in_month)
        .exclude(status=Order.Status.CANCELLED)
        .values(method=F("payment_method"))
        .annotate(orders=Count("id"), amount=Sum("total_vnd"))
        .order_by()
    )
    paid = OrderEvent.objects.filter(
        order__cooperative=cooperative, kind="payment:paid", at__gte=start, at__lt=end
    )
    collected = list(
        paid.values(method=F("order__payment_method"))
        .annotate(
            orders=Count("order", distinct=True),
            amount=Sum("order__total_vnd"),
            commission=Sum("order__commission_vnd"),
        )
        .order_by()
    )
    refund_events = (
        OrderEvent.objects.filter(
            order__cooperative=cooperative, kind__in=REFUND_EVENTS, at__gte=start, at__lt=end
        )
        .select_related("order")
        .order_by("at", "id")
    )
    payouts = Payout.objects.filter(cooperative=cooperative, **in_month).order_by("created_at", "id")
    balances = LedgerPosting.objects.filter(account__cooperative=cooperative).aggregate(
        payable_opening=Sum(
            "amount_vnd", filter=Q(account__code__endswith=":payable", transaction__created_at__lt=start)
        ),
        payable_closing=Sum(
            "amount_vnd", filter=Q(account__code__endswith=":payable", transaction__created_at__lt=end)
        ),
        receivable_opening=Sum(
            "amount_vnd", filter=Q(account__code__endswith=":receivable", transaction__created_at__lt=start)
        ),
        receivable_closing=Sum(
            "amount_vnd", filter=Q(account__code__endswith=":receivable", transaction__created_at__lt=end)
        ),
    )

    lines = []
    for entry in transactions_for(cooperative, start.date()):
        for posting in entry.postings.all():
            if posting.account.cooperative_id != cooperative.pk:
                continue
            account = posting.account.code.rsplit(":", 1)[-1]
            lines.append(
                LedgerLine(
                    date=timezone.localdate(entry.created_at),
                    order=entry.memo if entry.kind != "payout" else "",
                    description=_line_description(entry.kind, account, entry.memo),
                    account=account,
                    debit_vnd=max(posting.amount_vnd, 0),
                    credit_vnd=max(-posting.amount_vnd, 0),
                )
            )
    return Settlement(
        cooperative=cooperative,
        month=start.date(),
        sold=_by_method(sold),
        collected=_by_method(collected),
        commission_vnd=sum(row["commission"] or 0 for row in collected),
        refunds=[
            RefundRow(
                date=timezone.localdate(event.at),
                order=event.order.number,
                method=event.order.payment_method,
                amount_vnd=int(event.detail.get("amount_vnd") or 0),
                reference=str(event.detail.get("reference") or ""),
            )
            for event in refund_events
        ],
        payouts=[PayoutRow(payout.paid_on, payout.amount_vnd, payout.reference) for payout in payouts],
        payable_opening_vnd=-(balances["payable_opening"] or 0),
        payable_closing_vnd=-(balances["payable_closing"] or 0),
        receivable_opening_vnd=balances["receivable_opening"] or 0,
        receivable_closing_vnd=balances["receivable_closing"] or 0,
        lines=lines,
    )


def settlement_context(settlement: Settlement) -> dict:
    """The context of the PDF template marketplace/documents/settlement_statement.html (docs/documents.md)."""

    def methods(rows: list[MethodTotal]) -> list[dict]:
        return [
            {"method_label": row.label, "orders": row.orders, "amount_vnd": row.amount_vnd}
            for row in rows
            if row.orders
        ]

    return {
        "cooperative": {"name": settlement.cooperative.title, "tax_code": settlement.cooperative.tax_code},
        "month": settlement.month,
        "sections": {"sold": methods(settlement.sold), "collected": methods(settlement.collected)},
        "commission_vnd": settlement.commission_vnd,
        "refunds": [
            {"date": row.date, "order": row.order, "amount_vnd": row.amount_vnd, "reference": row.reference}
            for row in settlement.refunds
        ],
        "payouts": [
            {"date": row.date, "amount_vnd": row.amount_vnd, "reference": row.reference}
            for row in settlement.payouts
        ],
        "opening_balance_vnd": settlement.opening_balance_vnd,
        "closing_balance_vnd": settlement.closing_balance_vnd,
        "lines": [
            {
                "date": line.date,
                "order": line.order,
                "description": line.description,
                "debit_vnd": line.debit_vnd,
                "credit_vnd": line.credit_vnd,
            }
            for line in settlement.lines
        ],
    }


def settlement_cooperatives(user):
    """The cooperatives whose settlement `user` may see: all for superusers; their own for
    cooperative staff; those seated in their alliances' provinces for alliance staff (national: all)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return CooperativePage.objects.none()
    if user.is_superuser:
        return CooperativePage.objects.all()
    people = staffing(user)
    alliances = Alliance.objects.filter(pk__in=people.alliance_ids)
    if alliances.filter(kind=Alliance.Kind.NATIONAL).exists():
        return CooperativePage.objects.all()
    return CooperativePage.objects.filter(
        Q(pk__in=people.cooperative_ids) | Q(province__in=alliances.values("provinces"))
    ).distinct()
