"""A cart as the buyer sees it: lines grouped by cooperative, at today's prices, with problems named.

Prices and availability are read fresh on every view, and compared with what the buyer last saw
(`CartLine.seen_unit_price_vnd`): a change is shown, never applied silently. The cart costs a fixed
number of queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import CooperativePage, CooperativeTerms, ProductPage, WholesaleTier
from catalog.selectors import PRIVATE_FLAG, in_private_section, listed_among
from marketplace import pricing
from marketplace.models import Cart, CartLine


def terms_of(cooperative: CooperativePage) -> CooperativeTerms:
    """The cooperative's terms of sale, or the defaults (pickup, COD allowed, no bank) when unset."""
    try:
        return cooperative.terms
    except CooperativeTerms.DoesNotExist:
        return CooperativeTerms(cooperative=cooperative)


def shipping_rule(terms: CooperativeTerms) -> pricing.ShippingRule:
    if terms.shipping == CooperativeTerms.Shipping.PICKUP:
        return pricing.ShippingRule(pricing.ShippingMethod.PICKUP)
    if terms.shipping == CooperativeTerms.Shipping.FREE_ABOVE and terms.free_shipping_from_vnd:
        return pricing.ShippingRule(
            pricing.ShippingMethod.FREE_ABOVE, terms.shipping_fee_vnd, terms.free_shipping_from_vnd
        )
    return pricing.ShippingRule(pricing.ShippingMethod.FLAT, terms.shipping_fee_vnd)


def has_tiers(product_id: str = "pk"):
    """SQL: the product whose id is the outer query's `product_id` has wholesale tiers."""
    return Exists(WholesaleTier.objects.filter(page_id=OuterRef(product_id)))


def tiers_by_product(product_ids) -> dict[int, list[pricing.Tier]]:
    """The wholesale tiers of these products, in one query (lighter than prefetching the models)."""
    tiers: dict[int, list[pricing.Tier]] = {}
    rows = (
        WholesaleTier.objects.filter(page_id__in=list(product_ids))
        .order_by("page_id", "min_quantity")
        .values_list("page_id", "min_quantity", "unit_price_vnd")
    )
    for product_id, min_quantity, unit_price_vnd in rows:
        tiers.setdefault(product_id, []).append(pricing.Tier(min_quantity, unit_price_vnd))
    return tiers


def quantity_problems(*, product: ProductPage, quantity: int, purchasable: bool) -> list[str]:
    """Why `quantity` units of `product` cannot be bought now (empty when they can)."""
    if not purchasable:
        return [_("This product is no longer on sale.")]
    problems = []
    if quantity < product.min_order_qty:
        problems.append(
            _("The minimum order is %(count)s %(unit)s.")
            % {"count": product.min_order_qty, "unit": product.unit}
        )
    inventory = getattr(product, "inventory", None)
    if inventory is not None and inventory.stock is not None:
        if quantity > inventory.stock:
            if inventory.stock == 0:
                problems.append(_("Out of stock."))
            else:
                problems.append(
                    ngettext("Only %(count)s unit left.", "Only %(count)s units left.", inventory.stock)
                    % {"count": inventory.stock}
                )
    elif (
        inventory is not None
        and inventory.monthly_capacity is not None
        and quantity > inventory.monthly_capacity
    ):
        problems.append(
            _("The cooperative can supply at most %(count)s %(unit)s a month.")
            % {"count": inventory.monthly_capacity, "unit": product.unit}
        )
    if quantity > pricing.MAX_QUANTITY:
        problems.append(_("This quantity is too large."))
    return problems


def too_large_for_an_order() -> str:
    return _("This line costs more than one order can hold. Lower the quantity.")


def with_stock(product: ProductPage) -> int | None:
    """Units in stock, or None when stock is not tracked."""
    inventory = getattr(product, "inventory", None)
    return None if inventory is None else inventory.stock


@dataclass
class LineView:
    line: CartLine
    product: ProductPage
    unit_price_vnd: int
    line_total_vnd: int
    problems: list[str]

    @property
    def price_changed(self) -> bool:
        return self.unit_price_vnd != self.line.seen_unit_price_vnd

    @property
    def available(self) -> int | None:
        """Units in tracked stock, or None when stock is not tracked."""
        return with_stock(self.product)

    @property
    def short_of_stock(self) -> bool:
        return self.available is not None and self.line.quantity > self.available

    @property
    def seen_unit_price_vnd(self) -> int:
        return self.line.seen_unit_price_vnd


@dataclass
class GroupView:
    cooperative: CooperativePage
    terms: CooperativeTerms
    lines: list[LineView] = field(default_factory=list)
    subtotal_vnd: int = 0
    shipping_vnd: int = 0

    @property
    def total_vnd(self) -> int:
        return self.subtotal_vnd + self.shipping_vnd


@dataclass
class CartView:
    cart: Cart | None
    groups: list[GroupView]

    @property
    def lines(self) -> list[LineView]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total_vnd(self) -> int:
        return sum(group.total_vnd for group in self.groups)

    @property
    def count(self) -> int:
        return sum(line.line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def has_problems(self) -> bool:
        return any(line.problems for line in self.lines)

    @property
    def price_changes(self) -> list[LineView]:
        return [line for line in self.lines if line.price_changed]

    @property
    def accepts_cash_on_delivery(self) -> bool:
        return all(group.terms.cash_on_delivery for group in self.groups)

    @property
    def accepts_transfer(self) -> bool:
        return all(group.terms.has_bank_account for group in self.groups)


# What checkout reads of a line's product and cooperative, and what `listed_among` needs.
CHECKOUT_FIELDS = [
    "cart_id",
    "product_id",
    "quantity",
    "seen_unit_price_vnd",
    "added_at",
    "product__title",
    "product__sku",
    "product__name_en",
    "product__unit",
    "product__vat_rate",
    "product__price_vnd",
    "product__min_order_qty",
    "product__live",
    "product__path",
    "product__archived_at",
    "product__cooperative_id",
    "product__inventory__stock",
    "product__inventory__monthly_capacity",
    "product__cooperative__title",
    "product__cooperative__live",
    "product__cooperative__verification",
    "product__cooperative__staff_group_id",
    "product__cooperative__terms",
]


def cart_lines(cart: Cart, *, lean: bool = False):
    """The cart's lines with their product, cooperative, terms and stock; `lean`: only CHECKOUT_FIELDS."""
    if lean:
        lines = CartLine.objects.select_related("product__cooperative__terms", "product__inventory")
        lines = lines.only(*CHECKOUT_FIELDS)
    else:
        lines = CartLine.objects.select_related(
            "product__cooperative__terms", "product__cooperative__province", "product__inventory"
        )
    # Whether each product is in a private section, and has tiers, ride along as subqueries.
    lines = lines.annotate(
        product_private=in_private_section("product__path"), product_has_tiers=has_tiers("product_id")
    )
    return lines.filter(cart=cart).order_by("product__cooperative__title", "added_at", "id")


def cart_view(cart: Cart | None, *, lean: bool = False) -> CartView:
    """The cart grouped by cooperative, priced now, with each line's problems (1 query, 2 with tiers).

    `lean` loads only what checkout reads (CHECKOUT_FIELDS): not for pages, whose links and
    pictures need the rest.
    """
    if cart is None or cart.pk is None:
        return CartView(cart=cart, groups=[])
    lines = list(cart_lines(cart, lean=lean))
    for line in lines:
        setattr(line.product, PRIVATE_FLAG, line.product_private)
    purchasable = listed_among(line.product for line in lines)
    tiered = [line.product_id for line in lines if line.product_has_tiers]
    tiers = tiers_by_product(tiered) if tiered else {}
    groups: dict[int, GroupView] = {}
    for line in lines:
        product = line.product
        cooperative = product.cooperative
        group = groups.get(cooperative.pk)
        if group is None:
            group = groups[cooperative.pk] = GroupView(cooperative=cooperative, terms=terms_of(cooperative))
        quantity = min(line.quantity, pricing.MAX_QUANTITY)
        try:
            price = pricing.unit_price(
                quantity=quantity, list_price_vnd=product.price_vnd, tiers=tiers.get(product.pk, [])
            )
        except ValueError:
            price = product.price_vnd  # beyond what an order holds: the line's problem says so
        problems = quantity_problems(
            product=product, quantity=line.quantity, purchasable=product.pk in purchasable
        )
        if price * line.quantity > pricing.MAX_AMOUNT:
            problems.append(too_large_for_an_order())
        group.lines.append(
            LineView(
                line=line,
                product=product,
                unit_price_vnd=price,
                line_total_vnd=price * line.quantity,
                problems=problems,
            )
        )
    for group in groups.values():
        group.subtotal_vnd = sum(line.line_total_vnd for line in group.lines)
        # A subtotal beyond MAX_AMOUNT has a line with a problem, which checkout refuses.
        group.shipping_vnd = pricing.shipping_fee(
            rule=shipping_rule(group.terms), subtotal_vnd=min(group.subtotal_vnd, pricing.MAX_AMOUNT)
        )
    return CartView(cart=cart, groups=list(groups.values()))


def cart_count(cart: Cart | None) -> int:
    """Number of lines, for the header badge (one query)."""
    if cart is None or cart.pk is None:
        return 0
    return CartLine.objects.filter(cart=cart).count()


def user_cart(user) -> Cart | None:
    """The signed-in user's cart, if they have one (no row is made just to look)."""
    if user is None or not user.is_authenticated:
        return None
    return Cart.objects.filter(user=user).first()


def visitor_cart(cart_id) -> Cart | None:
    """An anonymous visitor's cart by the id kept in their session; never a signed-in user's cart."""
    if isinstance(cart_id, bool) or not isinstance(cart_id, int):
        return None
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first()


def header_cart_count(*, user=None, visitor_cart_id=None) -> int:
    """Lines in the cart the site header shows: one query, none when there is no cart to count."""
    if user is not None and user.is_authenticated:
        return CartLine.objects.filter(cart__user=user).count()
    if isinstance(visitor_cart_id, int) and not isinstance(visitor_cart_id, bool):
        return CartLine.objects.filter(cart_id=visitor_cart_id, cart__user__isnull=True).count()
    return 0


def cart_line(cart: Cart | None, line_id: int) -> CartLine | None:
    """One line of this cart (None for a line of any other cart)."""
    if cart is None or cart.pk is None:
        return None
    return CartLine.objects.filter(cart=cart, pk=line_id).select_related("product").first()


def cart_line_ids(cart: Cart | None, line_ids) -> set[int]:
    """Which of these line ids belong to this cart."""
    if cart is None or cart.pk is None:
        return set()
    return set(CartLine.objects.filter(cart=cart, pk__in=list(line_ids)).values_list("pk", flat=True))
