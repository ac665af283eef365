"""Orders at agreed prices: one order, or a schedule of orders, on terms a buyer and a cooperative
agreed outside the cart (an accepted quote, a contract signed at a fair).

`place_agreed_order` makes one Purchase (with its own payment code) and one Order for one
cooperative, at the given prices, the way an accepted quote's order is made
(marketplace/services/quotes.py, whose module docstring says why): no stock taken, no payment hold,
no shipping charged, and a "placed" event carrying what the order was agreed under.

`orders_from_terms` checks a buyer's terms (lines of the cooperative's listed products with agreed
unit prices, delivery dates, transfer or cash on delivery, the address) and places one such order
per delivery, each paid on its own: a VietQR transfer to the cooperative's own account under the
order's number, or cash on delivery where the cooperative takes cash. fairs.services turns a fair
agreement into orders through it; marketplace knows nothing of fairs and records only the
`detail` it is given on each order's "placed" event.
"""

from __future__ import annotations

import calendar
import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import CooperativeTerms, ProductPage
from catalog.selectors import listed_products
from marketplace import emails_agreements, pricing
from marketplace.models import Order, OrderEvent, OrderLine, PaymentMethod
from marketplace.permissions import may_check_out
from marketplace.services.checkout import ShippingAddress, check_address, commission_on, new_purchase
from marketplace.services.moves import record_events

MAX_LINES = 20
MAX_DELIVERIES = 24
MAX_DAYS_AHEAD = 2 * 366
MAX_NOTE = 500
PURCHASE_NOTE_LENGTH = 1000
AGREED_METHODS = (PaymentMethod.VIETQR, PaymentMethod.COD)


# --- one order at agreed prices ------------------------------------------------------------------


def place_agreed_order(
    *,
    buyer,
    cooperative,
    method: str,
    lines: list[OrderLine],
    address,
    note: str,
    now,
    detail: dict,
    terms: CooperativeTerms | None = None,
) -> Order:
    """One purchase and its one order for `cooperative`, with `lines` (unsaved, priced) as agreed.

    The caller has checked everything: the lines, the method (a transfer needs the cooperative's
    bank account) and the address (`check_address`). `detail` goes on the "placed" event; `terms`,
    the cooperative's terms when the caller has read them already.
    """
    bank = {"bank_bin": "", "bank_account": "", "bank_account_name": ""}
    if method == PaymentMethod.VIETQR:
        terms = terms or CooperativeTerms.objects.get(cooperative=cooperative)
        bank = {name: getattr(terms, name) for name in bank}
    subtotal = sum(line.line_total_vnd for line in lines)
    purchase = new_purchase(
        buyer=buyer, payment_method=method, total_vnd=subtotal, address=address, note=note, created_at=now
    )
    order = Order.objects.create(
        purchase=purchase,
        cooperative=cooperative,
        number=f"{purchase.payment_code}-1",
        payment_method=method,
        subtotal_vnd=subtotal,
        shipping_vnd=0,
        total_vnd=subtotal,
        commission_vnd=commission_on(subtotal),
        shipping_method=CooperativeTerms.Shipping.FLAT,
        holds_stock=False,
        hold_until=None,
        created_at=now,
        **bank,
    )
    for line in lines:
        line.order = order
        line.stock_tracked = False
    OrderLine.objects.bulk_create(lines)
    record_events(orders=[order], kind="status:placed", actor=OrderEvent.Actor.BUYER, user=buyer, **detail)
    return order


# --- a schedule of orders ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreedLine:
    """One of the cooperative's listed products, how many per delivery, at what unit price (đồng, VAT
    included, as catalogue prices are)."""

    product: ProductPage
    quantity: int
    unit_price_vnd: int


@dataclass(frozen=True)
class AgreedTerms:
    lines: Sequence[AgreedLine]
    deliveries: Sequence[datetime.date]  # one order for each, in this order
    payment_method: str  # vietqr or cod
    shipping: ShippingAddress
    note: str = ""


def monthly(first: datetime.date, *, months: int) -> list[datetime.date]:
    """`months` dates a month apart from `first`, on its day of the month (or the month's last)."""
    dates = []
    for step in range(months):
        index = first.year * 12 + first.month - 1 + step
        year, month = divmod(index, 12)
        day = min(first.day, calendar.monthrange(year, month + 1)[1])
        dates.append(datetime.date(year, month + 1, day))
    return dates


def _whole(value, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def _check_lines(lines: Sequence[AgreedLine], cooperative) -> list[AgreedLine]:
    """The lines with their products as listed now, or every problem at once."""
    lines = list(lines or ())
    if not lines:
        raise ValidationError({"lines": _("Give at least one product to deliver.")}, code="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            {"lines": _("At most %(max)s products per delivery.") % {"max": MAX_LINES}}, code="lines"
        )
    ids = [line.product.pk for line in lines if isinstance(line.product, ProductPage)]
    listed = {
        product.pk: product for product in listed_products().filter(cooperative=cooperative, pk__in=ids)
    }
    problems, checked, seen = [], [], set()
    for index, line in enumerate(lines, start=1):
        product = listed.get(getattr(line.product, "pk", None))
        if product is None:
            problem = _("the product is not one of the cooperative's products on sale.")
        elif product.pk in seen:
            problem = _("%(name)s is already on another line.") % {"name": product.title}
        elif not _whole(line.quantity, 1, pricing.MAX_QUANTITY):
            problem = _("the quantity is a whole number from 1 to %(max)s.") % {"max": pricing.MAX_QUANTITY}
        elif not _whole(line.unit_price_vnd, 1, pricing.MAX_AMOUNT):
            problem = _("the unit price is a whole number of đồng, at least 1.")
        elif line.quantity * line.unit_price_vnd > pricing.MAX_AMOUNT:
            problem = _("the line total is too large.")
        else:
            seen.add(product.pk)
            checked.append(
                AgreedLine(product=product, quantity=line.quantity, unit_price_vnd=line.unit_price_vnd)
            )
            continue
        problems.append(_("Line %(n)s: %(problem)s") % {"n": index, "problem": problem})
    if problems:
        raise ValidationError({"lines": problems}, code="lines")
    return checked


def _order_lines(lines: list[AgreedLine]) -> list[OrderLine]:
    return [
        OrderLine(
            product=line.product,
            sku=line.product.sku,
            name=line.product.title[:255],
            name_en=line.product.name_en,
            unit=line.product.unit,
            quantity=line.quantity,
            unit_price_vnd=line.unit_price_vnd,
            line_total_vnd=line.quantity * line.unit_price_vnd,
            vat_rate=line.product.vat_rate,
        )
        for line in lines
    ]


def _check_deliveries(deliveries: Sequence[datetime.date], today: datetime.date) -> list[datetime.date]:
    dates = list(deliveries or ())
    last = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if not 1 <= len(dates) <= MAX_DELIVERIES:
        raise ValidationError(
            {"deliveries": _("Schedule from 1 to %(max)s deliveries.") % {"max": MAX_DELIVERIES}},
            code="deliveries",
        )
    if any(
        not isinstance(date, datetime.date)
        or isinstance(date, datetime.datetime)
        or not today <= date <= last
        for date in dates
    ):
        raise ValidationError(
            {"deliveries": _("Deliveries fall between today and %(date)s.") % {"date": last.isoformat()}},
            code="deliveries",
        )
    if any(later <= earlier for earlier, later in itertools.pairwise(dates)):
        raise ValidationError(
            {"deliveries": _("Each delivery comes after the one before.")}, code="deliveries"
        )
    return dates


def _check_method(method: str, cooperative) -> str:
    if method not in AGREED_METHODS:
        raise ValidationError(
            {"payment_method": _("Pay by bank transfer (VietQR) or cash on delivery.")}, code="payment_method"
        )
    terms = CooperativeTerms.objects.filter(cooperative=cooperative).first()
    if method == PaymentMethod.VIETQR and not (terms and terms.has_bank_account):
        raise ValidationError(
            {
                "payment_method": _("%(name)s has no bank account for transfers yet.")
                % {"name": cooperative.title}
            },
            code="payment_method",
        )
    if method == PaymentMethod.COD and not (terms and terms.cash_on_delivery):
        raise ValidationError(
            {"payment_method": _("%(name)s does not accept cash on delivery.") % {"name": cooperative.title}},
            code="payment_method",
        )
    return method


def _note(about: str, note: str, *, delivery: int, count: int, date: datetime.date) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # stored once, read by both sides
        when = _("Delivery %(n)s of %(count)s, on %(date)s.") % {
            "n": delivery,
            "count": count,
            "date": date.strftime("%d/%m/%Y"),
        }
    text = "\n".join(part for part in (f"{about} {when}".strip(), note) if part)
    return text if len(text) <= PURCHASE_NOTE_LENGTH else text[: PURCHASE_NOTE_LENGTH - 1] + "…"


@transaction.atomic
def orders_from_terms(
    *, buyer, cooperative, terms: AgreedTerms, about: str = "", detail: dict | None = None
) -> list[Order]:
    """Place one order per delivery of `terms`, each with its own payment code; the buyer and the
    cooperative's staff are told after commit. `about` opens each order's note (what the terms are:
    a contract, its date); `detail` goes on each order's "placed" event with the delivery's number
    and date."""
    if not may_check_out(buyer):
        raise PermissionDenied(_("Confirm your email address before you place an order."))
    note = terms.note if isinstance(terms.note, str) else ""
    note = note.strip()
    if len(note) > MAX_NOTE or "\x00" in note:
        raise ValidationError(
            {"note": _("The note holds at most %(max)s characters of text.") % {"max": MAX_NOTE}}, code="note"
        )
    lines = _check_lines(terms.lines, cooperative)
    deliveries = _check_deliveries(terms.deliveries, timezone.localdate())
    method = _check_method(terms.payment_method, cooperative)
    address = check_address(terms.shipping)
    total = sum(line.quantity * line.unit_price_vnd for line in lines) * len(deliveries)
    if total > pricing.MAX_AMOUNT:
        raise ValidationError({"lines": _("The orders' total is too large.")}, code="lines")
    now = timezone.now()
    orders = []
    for number, date in enumerate(deliveries, start=1):
        orders.append(
            place_agreed_order(
                buyer=buyer,
                cooperative=cooperative,
                method=method,
                lines=_order_lines(lines),
                address=address,
                note=_note(about, note, delivery=number, count=len(deliveries), date=date),
                now=now,
                detail={
                    **(detail or {}),
                    "delivery": number,
                    "deliveries": len(deliveries),
                    "deliver_on": date.isoformat(),
                },
            )
        )
    emails_agreements.orders_placed(orders, deliveries, about=about, total_vnd=total)
    return orders
