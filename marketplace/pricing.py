"""What a cart line and a cooperative's share of a cart cost: wholesale tiers and shipping.

Plain rules with no Django imports, like marketplace/payments/ and fairs/scheduling/: the cart
and checkout will hand these functions numbers read from the catalogue (a product's list price
and its `WholesaleTier` rows, a cooperative's shipping settings) and store what they return as
the order's price snapshot. Amounts are whole đồng (`int`), never floats.

- A product costs its list price per unit; from a tier's quantity up, each unit costs the tier's
  price (the tier with the highest quantity not above the ordered quantity wins).
- Shipping is per cooperative: pickup at the cooperative (free), a flat fee, or a flat fee that
  is waived when the cooperative's subtotal reaches an amount.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

MAX_QUANTITY = 1_000_000_000
MAX_AMOUNT = 10**15  # a thousand thousand billion đồng: far beyond any order, within 64-bit columns


def _whole(value, *, name: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {type(value).__name__}.")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}.")
    return value


@dataclass(frozen=True)
class Tier:
    """From `min_quantity` units up, each unit costs `unit_price_vnd`."""

    min_quantity: int
    unit_price_vnd: int


def unit_price(*, quantity: int, list_price_vnd: int, tiers: Iterable[Tier] = ()) -> int:
    """The price of one unit when `quantity` units are bought."""
    _whole(quantity, name="quantity", minimum=1, maximum=MAX_QUANTITY)
    price = _whole(list_price_vnd, name="list price", minimum=0, maximum=MAX_AMOUNT)
    reached = [tier for tier in tiers if tier.min_quantity <= quantity]
    if reached:
        best = max(reached, key=lambda tier: (tier.min_quantity, -tier.unit_price_vnd))
        price = _whole(best.unit_price_vnd, name="tier price", minimum=0, maximum=MAX_AMOUNT)
    return price


def line_total(*, quantity: int, list_price_vnd: int, tiers: Iterable[Tier] = ()) -> int:
    """What `quantity` units cost together, at the tier price that quantity reaches."""
    total = quantity * unit_price(quantity=quantity, list_price_vnd=list_price_vnd, tiers=tiers)
    return _whole(total, name="line total", minimum=0, maximum=MAX_AMOUNT)


class ShippingMethod(StrEnum):
    PICKUP = "pickup"  # the buyer collects at the cooperative
    FLAT = "flat"  # one fee per order
    FREE_ABOVE = "free_above"  # the flat fee, waived from a subtotal up


@dataclass(frozen=True)
class ShippingRule:
    """A cooperative's shipping: the method, its flat fee and, for FREE_ABOVE, the threshold."""

    method: ShippingMethod
    fee_vnd: int = 0
    free_from_vnd: int | None = None

    def __post_init__(self):
        method = ShippingMethod(self.method)
        object.__setattr__(self, "method", method)
        _whole(self.fee_vnd, name="shipping fee", minimum=0, maximum=MAX_AMOUNT)
        if method is ShippingMethod.PICKUP and self.fee_vnd:
            raise ValueError("Pickup at the cooperative has no shipping fee.")
        if method is ShippingMethod.FREE_ABOVE:
            if self.free_from_vnd is None:
                raise ValueError("Free shipping needs the subtotal from which it applies.")
            _whole(self.free_from_vnd, name="free-shipping threshold", minimum=1, maximum=MAX_AMOUNT)
        elif self.free_from_vnd is not None:
            raise ValueError("Only free-above shipping has a threshold.")


def shipping_fee(*, rule: ShippingRule, subtotal_vnd: int) -> int:
    """The shipping a cooperative charges on an order of `subtotal_vnd`."""
    _whole(subtotal_vnd, name="subtotal", minimum=0, maximum=MAX_AMOUNT)
    if rule.method is ShippingMethod.PICKUP:
        return 0
    if rule.method is ShippingMethod.FREE_ABOVE and subtotal_vnd >= rule.free_from_vnd:
        return 0
    return rule.fee_vnd


def deposit(*, total_vnd: int, percent: int) -> int:
    """`percent` % of `total_vnd` in whole đồng, rounded half up: a quote's deposit terms."""
    _whole(total_vnd, name="total", minimum=0, maximum=MAX_AMOUNT)
    _whole(percent, name="deposit percentage", minimum=0, maximum=100)
    return (total_vnd * percent + 50) // 100
