"""The buyer's orders: the "My orders" list, one order with its lines and timeline, a purchase to pay.

Every read here costs a fixed number of queries whatever the number of orders, lines or events:
lists select their cooperative, and an order's lines and events are prefetched. Whose order it is
is asked of marketplace/permissions.py by the views; these only read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from catalog.localization import vnd
from catalog.models import Province, Ward
from marketplace.models import Order, OrderEvent, OrderLine, Purchase

ORDERS_PER_PAGE = 20
ORDER_NUMBER = re.compile(r"[0-9A-Za-z-]{1,20}")
PROVINCE_CODE = re.compile(r"[0-9]{2}")


def buyer_orders(user) -> QuerySet[Order]:
    """The buyer's orders, newest first, each with its cooperative and number of lines."""
    return (
        Order.objects.filter(purchase__buyer=user)
        .select_related("cooperative", "purchase")
        .annotate(line_count=Count("lines"))
        .order_by("-created_at", "-id")
    )


def order_by_number(number: str) -> Order | None:
    """One order with everything its page shows: cooperative, purchase and address, lines, events."""
    # Order numbers are "<payment code>-<n>": anything else (a NUL byte, which PostgreSQL refuses
    # outright, or an overlong string) cannot name an order and is not sent to the database.
    if not isinstance(number, str) or not ORDER_NUMBER.fullmatch(number):
        return None
    return (
        Order.objects.filter(number=number)
        .select_related(
            "cooperative",
            "purchase__buyer",
            "purchase__shipping_province",
            "purchase__shipping_ward",
        )
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.select_related("user").order_by("at", "id")),
        )
        .first()
    )


def purchase_orders(purchase: Purchase) -> list[Order]:
    """The purchase's orders with their cooperatives, in the order they were numbered."""
    return list(purchase.orders.select_related("cooperative").order_by("id"))


def last_shipping_address(user) -> dict:
    """The address of the buyer's latest purchase, to fill in the checkout form again (or {})."""
    last = (
        Purchase.objects.filter(buyer=user)
        .order_by("-created_at", "-id")
        .values("shipping_name", "shipping_phone", "shipping_province", "shipping_ward", "shipping_address")
        .first()
    )
    if last is None:
        return {}
    return {
        "name": last["shipping_name"],
        "phone": last["shipping_phone"],
        "province": last["shipping_province"],
        "ward": last["shipping_ward"],
        "address": last["shipping_address"],
    }


# --- the timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    actor: str
    details: list[str]
    kind: str


def event_label(kind: str) -> str:
    """What an OrderEvent's kind means, in the buyer's words."""
    labels = {
        "status:placed": _("Order placed"),
        "status:confirmed": _("Confirmed by the cooperative"),
        "status:shipped": _("Shipped"),
        "status:delivered": _("Delivered"),
        "status:completed": _("Received by the buyer"),
        "status:cancelled": _("Cancelled"),
        "payment:pending": _("Card payment started"),
        "payment:unpaid": _("Card payment not completed"),
        "payment:paid": _("Payment received"),
        "payment:partly_refunded": _("Partly refunded"),
        "payment:refunded": _("Refunded"),
        "refund:requested": _("Refund requested"),
        "refund:failed": _("Refund failed; it will be tried again"),
        "note": _("Note"),
    }
    return labels.get(kind, kind)


def _details(event: OrderEvent) -> list[str]:
    detail = event.detail if isinstance(event.detail, dict) else {}
    lines = []
    if detail.get("carrier"):
        lines.append(_("Carrier: %(carrier)s") % {"carrier": detail["carrier"]})
    if detail.get("tracking_number"):
        lines.append(_("Tracking number: %(number)s") % {"number": detail["tracking_number"]})
    if isinstance(detail.get("amount_vnd"), int):
        lines.append(_("Amount: %(amount)s") % {"amount": vnd(detail["amount_vnd"])})
    if detail.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": detail["reason"]})
    if detail.get("reinstated"):
        lines.append(_("The payment arrived after the deadline; the order was put back."))
    if detail.get("message") == "paid_after_cancel":
        lines.append(_("The payment arrived after the order was cancelled, so it is refunded."))
    return lines


def timeline(order: Order) -> list[TimelineEntry]:
    """The order's events in time order, labelled (from the prefetched events: no query)."""
    return [
        TimelineEntry(
            at=event.at,
            label=event_label(event.kind),
            actor=event.get_actor_display(),
            details=_details(event),
            kind=event.kind,
        )
        for event in order.events.all()
    ]


# --- the checkout form's places ----------------------------------------------------------------------


def province_choices() -> list[tuple[str, str]]:
    """The 34 provinces and cities, by name, for the checkout's province list."""
    return list(Province.objects.order_by("name").values_list("code", "name"))


def ward_choices(province_code) -> list[tuple[str, str]]:
    """The wards and communes of one province, by name (none for no or an unknown province)."""
    # Province codes are two digits; anything else (a NUL byte included) names no province.
    if not isinstance(province_code, str) or not PROVINCE_CODE.fullmatch(province_code):
        return []
    return list(Ward.objects.filter(province_id=province_code).order_by("name").values_list("code", "name"))
