"""Filling a cart: adding, changing and removing lines, and merging a visitor's cart at sign-in.

Every write checks the line against the catalogue as it is now (published, minimum quantity,
stock or monthly capacity) and records the unit price the buyer was shown, so that a later price
change is shown to them rather than applied silently (marketplace/selectors/carts.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import ProductPage
from catalog.selectors import listed_among, with_private_flag
from marketplace import pricing
from marketplace.models import Cart, CartLine
from marketplace.selectors.carts import has_tiers, quantity_problems, tiers_by_product, too_large_for_an_order

MAX_LINES = 100
# What pricing, the quantity rules and `listed_among` read of a product.
PRICING_FIELDS = [
    "price_vnd",
    "min_order_qty",
    "unit",
    "live",
    "path",
    "archived_at",
    "cooperative__live",
    "cooperative__verification",
    "inventory__stock",
    "inventory__monthly_capacity",
]


def _check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError({"quantity": _("Enter a whole number of units.")}, code="quantity")
    if quantity < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1.")}, code="quantity")
    if quantity > pricing.MAX_QUANTITY:
        raise ValidationError({"quantity": _("This quantity is too large.")}, code="quantity")
    return quantity


def _fresh_product(product_id: int) -> ProductPage | None:
    """The product if it is on sale now, with only what pricing and the quantity rules read."""
    product = (
        with_private_flag(ProductPage.objects.filter(pk=product_id))
        .annotate(has_tiers=has_tiers())
        .select_related("cooperative", "inventory")
        .only(*PRICING_FIELDS)
        .first()
    )
    return product if product is not None and listed_among([product]) else None


def _price_and_check(product_id: int, quantity: int) -> int:
    product = _fresh_product(product_id)
    problems = quantity_problems(product=product, quantity=quantity, purchasable=product is not None)
    if problems:
        raise ValidationError({"quantity": problems}, code="rules")
    try:
        price = pricing.unit_price(
            quantity=quantity,
            list_price_vnd=product.price_vnd,
            tiers=tiers_by_product([product_id]).get(product_id, []) if product.has_tiers else [],
        )
    except ValueError:
        price = None
    if price is None or price * quantity > pricing.MAX_AMOUNT:
        raise ValidationError({"quantity": too_large_for_an_order()}, code="rules")
    return price


@transaction.atomic
def cart_for_user(*, user) -> Cart:
    """The signed-in user's cart, created on first use."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to keep a cart."))
    try:
        with transaction.atomic():
            cart, _created = Cart.objects.get_or_create(user=user)
    except IntegrityError:
        cart = Cart.objects.get(user=user)
    return cart


@transaction.atomic
def cart_for_visitor(*, cart_id: int | None = None) -> Cart:
    """An anonymous visitor's cart: the one whose id their session keeps, or a new one."""
    if isinstance(cart_id, int) and not isinstance(cart_id, bool) and 0 < cart_id < 2**63:
        cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
        if cart is not None:
            return cart
    return Cart.objects.create()


@transaction.atomic
def cart_add(*, cart: Cart, product: ProductPage, quantity: int) -> CartLine:
    """Add `quantity` units of `product` (to the line already there, if any)."""
    _check_quantity(quantity)
    # All the cart's lines at once (at most MAX_LINES): the one for this product, and how many there are.
    lines = list(CartLine.objects.select_for_update().filter(cart=cart).order_by())
    line = next((line for line in lines if line.product_id == product.pk), None)
    total = quantity + (line.quantity if line else 0)
    _check_quantity(total)
    if line is None and len(lines) >= MAX_LINES:
        raise ValidationError(
            _("A cart holds at most %(count)s products.") % {"count": MAX_LINES}, code="too_many_lines"
        )
    price = _price_and_check(product.pk, total)
    if line is None:
        line = CartLine.objects.create(cart=cart, product=product, quantity=total, seen_unit_price_vnd=price)
    else:
        line.quantity, line.seen_unit_price_vnd = total, price
        line.save(update_fields=["quantity", "seen_unit_price_vnd"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, line: CartLine, quantity: int) -> CartLine:
    """Change a line's quantity; the buyer sees the price for the new quantity."""
    _check_quantity(quantity)
    price = _price_and_check(line.product_id, quantity)
    line.quantity, line.seen_unit_price_vnd = quantity, price
    line.save(update_fields=["quantity", "seen_unit_price_vnd"])
    return line


@transaction.atomic
def cart_remove(*, line: CartLine) -> None:
    line.delete()


@transaction.atomic
def cart_accept_prices(*, cart: Cart, prices: dict[int, int]) -> int:
    """Record that the buyer has seen today's prices (`{line id: unit price shown}`); returns lines updated."""
    updated = 0
    for line in CartLine.objects.filter(cart=cart, pk__in=list(prices)):
        if line.seen_unit_price_vnd != prices[line.pk]:
            line.seen_unit_price_vnd = prices[line.pk]
            line.save(update_fields=["seen_unit_price_vnd"])
            updated += 1
    return updated


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move a visitor's lines into the buyer's cart at sign-in, then delete the visitor's cart.

    A product in both keeps the larger quantity (the buyer did not mean to double it); lines
    that break the rules now are still moved, and the cart shows their problems.
    """
    if source.pk == target.pk:
        return target
    existing = {line.product_id: line for line in CartLine.objects.select_for_update().filter(cart=target)}
    for line in CartLine.objects.filter(cart=source):
        mine = existing.get(line.product_id)
        if mine is None:
            if len(existing) >= MAX_LINES:
                break
            line.cart = target
            line.save(update_fields=["cart"])
            existing[line.product_id] = line
        elif line.quantity > mine.quantity:
            mine.quantity, mine.seen_unit_price_vnd = line.quantity, line.seen_unit_price_vnd
            mine.save(update_fields=["quantity", "seen_unit_price_vnd"])
    source.delete()
    return target


@transaction.atomic
def cart_create_for_visitor() -> Cart:
    """A cart for an anonymous visitor; the views keep its id in the visitor's session."""
    return Cart.objects.create(user=None)
