"""Checkout: one Purchase the buyer pays, one Order per cooperative, stock taken in one transaction.

The shape follows Saleor's complete_checkout: everything that must hold together (stock, purchase,
orders, lines, events, emptying the cart) is one short transaction; the card processor is called
only after it commits (marketplace/services/card.py), never while rows are locked. Stock is taken
by conditional updates in product-id order (marketplace/services/stock.py), last, so that the rows
other checkouts wait for are locked only for the moment before commit. When any line is short,
the transaction rolls back: nothing is created, the cart is unchanged, and `OutOfStock` names the
lines and what is left.

Its queries are counted (tests/marketplace/test_query_counts.py): a fixed number whatever the number
of lines and cooperatives, except one conditional update per line.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Province, Ward
from marketplace import emails
from marketplace.models import Cart, CartLine, Order, OrderLine, PaymentMethod, Purchase
from marketplace.payments import codes
from marketplace.payments.card import card_gateway
from marketplace.permissions import may_check_out
from marketplace.selectors.carts import CartView, cart_view
from marketplace.services import stock
from marketplace.services.moves import record_events

PHONE = re.compile(r"^(?:\+84|84|0)(?:3|5|7|8|9|2)\d{8,9}$")
CODE_SPACE = 32**7


class OutOfStock(ValidationError):
    """Some lines could not be taken from stock; `shortages` says which and what is left."""

    def __init__(self, message, *, shortages: list[dict]):
        super().__init__(message, code="out_of_stock")
        self.shortages = shortages


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    phone: str
    province: str  # province code
    ward: str  # ward code
    address: str


@dataclass(frozen=True)
class CheckoutData:
    payment_method: str
    shipping: ShippingAddress
    note: str = ""


@dataclass(frozen=True)
class _Address:
    name: str
    phone: str
    province: Province
    ward: Ward
    address: str


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s.\-()]", "", phone or "")


def check_address(shipping: ShippingAddress) -> _Address:
    """The address checked and its places looked up; ValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    name, address = (shipping.name or "").strip(), (shipping.address or "").strip()
    if not name or len(name) > 120 or "\x00" in name:
        errors["name"] = _("Enter the recipient's name (at most 120 characters).")
    phone = normalise_phone(shipping.phone)
    if not PHONE.match(phone):
        errors["phone"] = _("Enter a Vietnamese phone number, e.g. 0912 345 678.")
    if not address or len(address) > 255 or "\x00" in address:
        errors["address"] = _("Enter the house number and street (at most 255 characters).")
    # Place codes are digits; anything else (a NUL byte, which PostgreSQL refuses) names no place.
    province_code, ward_code = str(shipping.province or "")[:2], str(shipping.ward or "")[:5]
    if not province_code.isdigit():
        province_code = ""
    if not ward_code.isdigit():
        ward_code = ""
    # One query when both are right; the province is looked up alone only to name what is wrong.
    ward = (
        Ward.objects.select_related("province").filter(pk=ward_code, province_id=province_code).first()
        if province_code and ward_code
        else None
    )
    province = (
        ward.province
        if ward
        else Province.objects.filter(pk=province_code).first()
        if province_code
        else None
    )
    if province is None:
        errors["province"] = _("Choose a province.")
    elif ward is None:
        errors["ward"] = _("Choose a ward or commune of this province.")
    if errors:
        raise ValidationError(errors, code="address")
    return _Address(name=name, phone=phone, province=province, ward=ward, address=address)


def _check_method(method: str, view: CartView) -> str:
    if method not in PaymentMethod.values:
        raise ValidationError({"payment_method": _("Choose how to pay.")}, code="payment_method")
    if method == PaymentMethod.CARD and card_gateway() is None:
        raise ValidationError({"payment_method": _("Card payment is not available.")}, code="payment_method")
    if method == PaymentMethod.COD and not view.accepts_cash_on_delivery:
        names = ", ".join(g.cooperative.title for g in view.groups if not g.terms.cash_on_delivery)
        raise ValidationError(
            {"payment_method": _("%(names)s do not accept cash on delivery.") % {"names": names}},
            code="payment_method",
        )
    if method == PaymentMethod.VIETQR and not view.accepts_transfer:
        names = ", ".join(g.cooperative.title for g in view.groups if not g.terms.has_bank_account)
        raise ValidationError(
            {"payment_method": _("%(names)s have no bank account for transfers yet.") % {"names": names}},
            code="payment_method",
        )
    return method


def _out_of_stock(details: list[dict]) -> OutOfStock:
    return OutOfStock(
        _("Not enough stock: %(lines)s.")
        % {"lines": "; ".join(_("%(name)s, %(available)s left") % d for d in details)},
        shortages=details,
    )


def _shortage(line, available: int) -> dict:
    return {
        "sku": line.product.sku,
        "name": line.product.title,
        "wanted": line.line.quantity,
        "available": available,
    }


def _check_cart(view: CartView) -> None:
    if view.is_empty:
        raise ValidationError(_("Your cart is empty."), code="empty")
    short = [_shortage(line, line.available) for line in view.lines if line.short_of_stock]
    if short:
        raise _out_of_stock(short)
    problems = [f"{line.product.title}: {' '.join(line.problems)}" for line in view.lines if line.problems]
    if problems:
        raise ValidationError(" ".join(problems), code="rules")
    changed = view.price_changes
    if changed:
        raise ValidationError(
            " ".join(
                _("The price of %(name)s is now %(price)s đ (was %(seen)s đ). Review your cart.")
                % {"name": line.product.title, "price": line.unit_price_vnd, "seen": line.seen_unit_price_vnd}
                for line in changed
            ),
            code="price_changed",
        )


def commission_on(subtotal_vnd: int) -> int:
    percent = Decimal(str(settings.PLATFORM_COMMISSION_PERCENT or "0"))
    return int((Decimal(subtotal_vnd) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hold_deadline(method: str, now: datetime.datetime) -> datetime.datetime | None:
    if method == PaymentMethod.CARD:
        return now + datetime.timedelta(minutes=settings.CARD_PAYMENT_HOLD_MINUTES)
    if method == PaymentMethod.VIETQR:
        return now + datetime.timedelta(hours=settings.TRANSFER_PAYMENT_HOLD_HOURS)
    return None


def new_purchase(*, address: _Address, **fields) -> Purchase:
    """A purchase delivered to `address` under a fresh payment code (retried on the rare collision):
    for checkout and for accepted quotes."""
    shipping = {
        "shipping_name": address.name,
        "shipping_phone": address.phone,
        "shipping_province": address.province,
        "shipping_ward": address.ward,
        "shipping_address": address.address,
    }
    for _attempt in range(10):
        code = codes.make(secrets.randbelow(CODE_SPACE))
        try:
            with transaction.atomic():
                return Purchase.objects.create(payment_code=code, **shipping, **fields)
        except IntegrityError:
            if not Purchase.objects.filter(payment_code=code).exists():
                raise
    raise RuntimeError("Could not find a free payment code.")


def _record_tracking(orders: list[Order], taken: set[int]) -> None:
    """Stock tracking was switched on or off for a product while its buyer checked out: the order
    lines and orders say what was really taken, so a release gives back exactly that."""
    lines = OrderLine.objects.filter(order__in=orders)
    lines.filter(product_id__in=taken).update(stock_tracked=True)
    lines.exclude(product_id__in=taken).update(stock_tracked=False)
    for order in orders:
        order.holds_stock = OrderLine.objects.filter(order=order, stock_tracked=True).exists()
        Order.objects.filter(pk=order.pk).update(holds_stock=order.holds_stock)


def _insert_orders(orders: list[Order]) -> None:
    Order.objects.bulk_create(orders)
    if any(order.pk is None for order in orders):
        # A database that cannot return the new ids from a bulk insert (SQLite before 3.35).
        ids = dict(Order.objects.filter(number__in=[o.number for o in orders]).values_list("number", "pk"))
        for order in orders:
            order.pk = ids[order.number]


@transaction.atomic
def checkout(*, buyer, cart: Cart, data: CheckoutData) -> Purchase:
    """Turn the buyer's cart into a purchase and its orders, taking stock; empty the cart."""
    if not may_check_out(buyer):
        raise PermissionDenied(_("Confirm your email address before you place an order."))
    if cart.user_id != buyer.pk:
        raise PermissionDenied(_("This is not your cart."))
    address = check_address(data.shipping)
    note = (data.note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": _("The note is too long (at most 1000 characters).")}, code="note")
    if "\x00" in note:
        raise ValidationError({"note": _("The note holds a character that cannot be saved.")}, code="note")
    # Lock the cart so two checkouts of the same cart (a double click) cannot both succeed.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    view = cart_view(cart, lean=True)
    _check_cart(view)
    method = _check_method(data.payment_method, view)

    # Products whose stock is tracked, as the cart read them; stock.allocate below has the last word.
    tracked = {line.product.pk for line in view.lines if line.available is not None}
    now = timezone.now()
    deadline = hold_deadline(method, now)
    purchase = new_purchase(
        buyer=buyer,
        payment_method=method,
        total_vnd=view.total_vnd,
        address=address,
        note=note,
        created_at=now,
    )
    groups = sorted(view.groups, key=lambda g: g.cooperative.pk)
    orders = [
        Order(
            purchase=purchase,
            cooperative=group.cooperative,
            number=f"{purchase.payment_code}-{index}",
            payment_method=method,
            subtotal_vnd=group.subtotal_vnd,
            shipping_vnd=group.shipping_vnd,
            total_vnd=group.total_vnd,
            commission_vnd=commission_on(group.subtotal_vnd),
            shipping_method=group.terms.shipping,
            bank_bin=group.terms.bank_bin,
            bank_account=group.terms.bank_account,
            bank_account_name=group.terms.bank_account_name,
            holds_stock=any(line.product.pk in tracked for line in group.lines),
            hold_until=deadline,
            created_at=now,
        )
        for index, group in enumerate(groups, start=1)
    ]
    # Three inserts whatever the number of cooperatives: orders, then all lines, then all events.
    _insert_orders(orders)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product=line.product,
                sku=line.product.sku,
                name=line.product.title,
                name_en=line.product.name_en,
                unit=line.product.unit,
                quantity=line.line.quantity,
                unit_price_vnd=line.unit_price_vnd,
                line_total_vnd=line.line_total_vnd,
                vat_rate=line.product.vat_rate,
                stock_tracked=line.product.pk in tracked,
            )
            for order, group in zip(orders, groups, strict=True)
            for line in group.lines
        ]
    )
    record_events(orders=orders, kind="status:placed", actor="buyer", user=buyer)
    CartLine.objects.filter(cart=cart).delete()
    emails.purchase_placed(purchase, orders)

    # Stock last: its row locks are what concurrent checkouts of the same products wait for, so
    # they are taken just before commit. A shortage rolls everything above back.
    taken, shortages = stock.allocate((line.product.pk, line.line.quantity) for line in view.lines)
    if shortages:
        by_product = {line.product.pk: line for line in view.lines}
        raise _out_of_stock([_shortage(by_product[s.product_id], s.available) for s in shortages])
    if taken != tracked:
        _record_tracking(orders, taken)
    return purchase
