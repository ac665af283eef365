"""Reads for the cooperative staff's order screens in the Wagtail admin.

Who sees which orders is decided in marketplace/permissions.py (`order_cooperatives`); these
functions only turn that answer into querysets that fetch everything a screen shows in a fixed
number of queries, however many orders, lines, events or refunds there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from catalog.localization import vnd
from catalog.models import CooperativePage
from marketplace import permissions
from marketplace.models import Order, OrderEvent, PaymentMethod, Refund
from marketplace.payments import vietqr
from marketplace.payments.banks import bank_name
from marketplace.payments.words import vnd_in_words
from marketplace.services.checkout import normalise_phone

S = Order.Status
P = Order.PaymentStatus
MAX_NUMBER_LENGTH = Order._meta.get_field("number").max_length


def admin_orders(user) -> QuerySet[Order]:
    """The orders `user` may see in the admin, newest first, with what the list shows."""
    orders = Order.objects.select_related("cooperative", "purchase").order_by("-created_at", "-id")
    scope = permissions.order_cooperatives(user)
    if scope is not None:
        orders = orders.filter(cooperative__in=scope)
    return orders


def search_orders(orders: QuerySet[Order], query: str) -> QuerySet[Order]:
    """Orders whose number, recipient's name or phone contains `query` (phone ignoring spaces and dots)."""
    query = (query or "").strip()[:100]
    if not query:
        return orders
    matches = Q(number__icontains=query) | Q(purchase__shipping_name__icontains=query)
    phone = normalise_phone(query)
    if phone.lstrip("+").isdigit():
        matches |= Q(purchase__shipping_phone__contains=phone)
    return orders.filter(matches)


def admin_order_cooperatives(user) -> list[tuple[int, str]]:
    """(id, name) of the cooperatives whose orders `user` may see and that have orders, for a filter."""
    cooperatives = CooperativePage.objects.filter(pk__in=admin_orders(user).values("cooperative_id"))
    return list(cooperatives.order_by("title").values_list("pk", "title"))


def admin_order(user, number: str) -> Order | None:
    """The order numbered `number` with everything its admin page shows, or None when there is no
    such order or `user` may not see it (the two look alike from outside)."""
    if not isinstance(number, str) or not 0 < len(number) <= MAX_NUMBER_LENGTH:
        return None
    order = (
        admin_orders(user)
        .select_related(
            "cooperative__province",
            "purchase__buyer",
            "purchase__shipping_province",
            "purchase__shipping_ward",
        )
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=OrderEvent.objects.select_related("user").order_by("at", "id")),
            Prefetch("refunds", queryset=Refund.objects.select_related("user").order_by("created_at", "id")),
        )
        .filter(number=number)
        .first()
    )
    return order


@dataclass(frozen=True)
class Transfer:
    """Where and how a VietQR order's buyer was asked to transfer the money."""

    bank_bin: str
    bank: str
    account: str
    account_name: str
    amount_vnd: int
    amount_in_words: str
    purpose: str
    payload: str


def order_transfer(order: Order) -> Transfer | None:
    """The transfer details of a VietQR order (the account snapshot taken at checkout)."""
    if order.payment_method != PaymentMethod.VIETQR or not (order.bank_bin and order.bank_account):
        return None
    try:
        payload = vietqr.build(
            bank_bin=order.bank_bin, account=order.bank_account, amount=order.total_vnd, purpose=order.number
        )
    except ValueError:
        payload = ""
    return Transfer(
        bank_bin=order.bank_bin,
        bank=bank_name(order.bank_bin),
        account=order.bank_account,
        account_name=order.bank_account_name,
        amount_vnd=order.total_vnd,
        amount_in_words=vnd_in_words(order.total_vnd),
        purpose=order.number,
        payload=payload,
    )


@dataclass(frozen=True)
class TimelineEntry:
    event: OrderEvent
    label: str
    facts: list[tuple[str, str]] = field(default_factory=list)


def _event_label(event: OrderEvent) -> str:
    kind, _sep, value = event.kind.partition(":")
    if kind == "status" and value in S.values:
        return _("Status: %(status)s") % {"status": S(value).label}
    if kind == "payment" and value in P.values:
        return _("Payment: %(status)s") % {"status": P(value).label}
    if event.kind == "refund:requested":
        return _("Refund requested")
    if event.kind == "refund:failed":
        return _("Refund failed")
    if kind == "note":
        return _("Note")
    return event.kind


def _event_facts(event: OrderEvent) -> list[tuple[str, str]]:
    """The event's details worth showing, as (label, text); amounts as plain whole đồng."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    labels = {
        "carrier": _("Carrier"),
        "tracking_number": _("Tracking number"),
        "reason": _("Reason"),
        "reference": _("Bank reference"),
        "amount_vnd": _("Amount"),
        "error": _("Error"),
    }
    facts = []
    for key, label in labels.items():
        value = detail.get(key)
        if value in (None, ""):
            continue
        if key == "amount_vnd" and isinstance(value, int) and not isinstance(value, bool):
            value = vnd(value)
        facts.append((label, str(value)))
    if detail.get("message") == "paid_after_cancel":
        facts.append((_("Note"), _("Paid after the order was cancelled.")))
    if detail.get("reinstated"):
        facts.append((_("Note"), _("The payment arrived after expiry; the stock was taken again.")))
    if detail.get("retry"):
        facts.append((_("Note"), _("Sent again")))
    return facts


def order_timeline(order: Order) -> list[TimelineEntry]:
    """The order's events, oldest first, with a readable label (uses the prefetched events)."""
    return [TimelineEntry(event, _event_label(event), _event_facts(event)) for event in order.events.all()]


def refundable_vnd(order: Order) -> int:
    """What can still be refunded: the total less every refund not failed (uses the prefetched refunds)."""
    asked = sum(refund.amount_vnd for refund in order.refunds.all() if refund.status != Refund.Status.FAILED)
    return max(order.total_vnd - asked, 0)
