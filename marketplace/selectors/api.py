"""Reads for the marketplace API (marketplace/api.py): carts, purchasable products by SKU, orders.

A lookup that finds nothing the caller may see raises the model's DoesNotExist with a message
for them; config/api.py answers it with a 404 `{"detail": ...}`. Another buyer's order and an
order of a cooperative the caller does not staff are "not found" alike, so that a guessed number
reveals nothing. Identifiers are checked for shape before they reach the database.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from catalog.models import CooperativePage, ProductPage
from catalog.models.pages import TAX_CODE_RE
from catalog.permissions import staffed_cooperatives
from catalog.selectors import public_products
from marketplace.models import Cart, CartLine, Order, OrderEvent, OrderLine, Purchase

MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL hold
PAYMENT_CODE_RE = re.compile(r"^HTX[0-9A-Z]{8}$")
ORDER_NUMBER_RE = re.compile(r"^HTX[0-9A-Z]{8}-\d{1,4}$")


def _an_id(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return value


# --- carts -------------------------------------------------------------------------------------


def cart_of_user(user) -> Cart | None:
    """The signed-in user's cart, if they have one (reading never creates it)."""
    if not user.is_authenticated:
        return None
    return Cart.objects.filter(user=user).first()


def visitor_cart(cart_id) -> Cart | None:
    """The anonymous cart whose id a visitor's session holds, if it still exists."""
    cart_id = _an_id(cart_id)
    if cart_id is None:
        return None
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first()


def cart_line(cart: Cart | None, line_id: int) -> CartLine:
    """A line of this cart; a line of any other cart is not found."""
    line = None
    if cart is not None and _an_id(line_id) is not None:
        line = CartLine.objects.filter(pk=line_id, cart=cart).first()
    if line is None:
        raise CartLine.DoesNotExist(_("Your cart has no line %(id)s.") % {"id": line_id})
    return line


def purchasable_by_sku(sku: str, cooperative_tax_code: str | None = None) -> list[ProductPage]:
    """The products on sale now with this SKU (of one cooperative when its tax code is given)."""
    products = public_products().filter(sku=sku)
    if cooperative_tax_code is not None:
        if not TAX_CODE_RE.match(cooperative_tax_code):
            return []
        products = products.filter(cooperative__tax_code=cooperative_tax_code)
    return list(products.order_by("cooperative__tax_code")[:20])


# --- orders ------------------------------------------------------------------------------------


def _order_list(orders: QuerySet) -> QuerySet:
    return orders.select_related("cooperative", "purchase").order_by("-created_at", "-id")


def _order_details(orders: QuerySet) -> QuerySet:
    return orders.select_related(
        "cooperative",
        "purchase__shipping_province",
        "purchase__shipping_ward",
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("at", "id")),
    )


def _not_found(number) -> Order.DoesNotExist:
    return Order.DoesNotExist(_("No order %(number)s.") % {"number": str(number)[:40]})


def orders_of_buyer(user) -> QuerySet:
    """The orders of the user's own purchases, newest first."""
    return _order_list(Order.objects.filter(purchase__buyer=user))


def order_of_buyer(user, number: str) -> Order:
    """One order of the user's own purchases, with its lines and events."""
    if not isinstance(number, str) or not ORDER_NUMBER_RE.match(number):
        raise _not_found(number)
    order = _order_details(Order.objects.filter(number=number, purchase__buyer=user)).first()
    if order is None:
        raise _not_found(number)
    return order


def purchase_of_buyer(user, payment_code: str) -> Purchase:
    """One of the user's own purchases, by its payment code."""
    code = payment_code.upper() if isinstance(payment_code, str) else ""
    purchase = None
    if PAYMENT_CODE_RE.match(code):
        purchase = Purchase.objects.filter(payment_code=code, buyer=user).first()
    if purchase is None:
        raise Purchase.DoesNotExist(_("No purchase %(code)s.") % {"code": str(payment_code)[:40]})
    return purchase


def purchase_orders(purchase: Purchase) -> list[Order]:
    return list(purchase.orders.select_related("cooperative").order_by("id"))


def staffed_cooperatives_of(user) -> QuerySet:
    """The cooperatives whose orders the user fulfils (every cooperative for a superuser)."""
    if not user.is_authenticated:
        return CooperativePage.objects.none()
    return staffed_cooperatives(user)


def cooperative_orders(user, *, status: str | None = None, cooperative: CooperativePage | None = None):
    """Orders of the cooperatives the user staffs, newest first; of one of them, at one status."""
    orders = Order.objects.filter(cooperative__in=staffed_cooperatives_of(user))
    if cooperative is not None:
        orders = orders.filter(cooperative=cooperative)
    if status:
        orders = orders.filter(status=status)
    return _order_list(orders)


def staffed_cooperative(user, tax_code: str) -> CooperativePage:
    """A cooperative the user staffs, by tax code; any other is not found."""
    cooperative = None
    if isinstance(tax_code, str) and TAX_CODE_RE.match(tax_code):
        cooperative = staffed_cooperatives_of(user).filter(tax_code=tax_code).first()
    if cooperative is None:
        raise CooperativePage.DoesNotExist(
            _("You do not staff a cooperative with tax code %(code)s.") % {"code": str(tax_code)[:20]}
        )
    return cooperative


def cooperative_order(user, number: str) -> Order:
    """One order of a cooperative the user staffs, with its lines and events."""
    if not isinstance(number, str) or not ORDER_NUMBER_RE.match(number):
        raise _not_found(number)
    orders = Order.objects.filter(number=number, cooperative__in=staffed_cooperatives_of(user))
    order = _order_details(orders).first()
    if order is None:
        raise _not_found(number)
    return order
