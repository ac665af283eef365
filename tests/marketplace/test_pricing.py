"""Wholesale tiers and per-cooperative shipping (marketplace/pricing.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.pricing import (
    MAX_AMOUNT,
    ShippingMethod,
    ShippingRule,
    Tier,
    line_total,
    shipping_fee,
    unit_price,
)

HONEY_TIERS = (Tier(10, 90_000), Tier(50, 80_000), Tier(200, 72_000))


@pytest.mark.parametrize(
    ("quantity", "price"),
    [
        (1, 100_000),
        (9, 100_000),
        (10, 90_000),
        (49, 90_000),
        (50, 80_000),
        (199, 80_000),
        (200, 72_000),
        (10**6, 72_000),
    ],
)
def test_each_quantity_pays_the_tier_it_reaches(quantity, price):
    assert unit_price(quantity=quantity, list_price_vnd=100_000, tiers=HONEY_TIERS) == price


def test_tiers_may_come_in_any_order():
    assert unit_price(quantity=60, list_price_vnd=100_000, tiers=reversed(HONEY_TIERS)) == 80_000


def test_without_tiers_the_list_price_applies():
    assert line_total(quantity=3, list_price_vnd=125_000) == 375_000


def test_a_line_costs_its_quantity_at_its_tier_price():
    assert line_total(quantity=50, list_price_vnd=100_000, tiers=HONEY_TIERS) == 4_000_000


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "3", True, None, 10**12])
def test_a_quantity_that_is_not_a_sensible_whole_number_is_refused(quantity):
    with pytest.raises(ValueError, match="quantity"):
        unit_price(quantity=quantity, list_price_vnd=1_000)


@pytest.mark.parametrize("price", [-1, 1_000.0, MAX_AMOUNT + 1])
def test_a_price_that_is_not_whole_dong_is_refused(price):
    with pytest.raises(ValueError, match="price"):
        unit_price(quantity=1, list_price_vnd=price)


def test_a_line_total_beyond_the_largest_amount_is_refused():
    with pytest.raises(ValueError, match="line total"):
        line_total(quantity=10**9, list_price_vnd=10**7)


@given(
    quantity=st.integers(1, 10_000),
    list_price=st.integers(0, 10**8),
    tiers=st.lists(st.builds(Tier, st.integers(2, 10_000), st.integers(0, 10**8)), max_size=5),
)
def test_the_price_is_the_list_price_or_a_reached_tier(quantity, list_price, tiers):
    price = unit_price(quantity=quantity, list_price_vnd=list_price, tiers=tiers)
    reached = [t for t in tiers if t.min_quantity <= quantity]
    if not reached:
        assert price == list_price
    else:
        top = max(t.min_quantity for t in reached)
        assert price == min(t.unit_price_vnd for t in reached if t.min_quantity == top)
    assert line_total(quantity=quantity, list_price_vnd=list_price, tiers=tiers) == quantity * price


@pytest.mark.parametrize(
    ("rule", "subtotal", "fee"),
    [
        (ShippingRule(ShippingMethod.PICKUP), 500_000, 0),
        (ShippingRule(ShippingMethod.FLAT, fee_vnd=30_000), 0, 30_000),
        (ShippingRule(ShippingMethod.FLAT, fee_vnd=30_000), 9_000_000, 30_000),
        (ShippingRule("free_above", fee_vnd=30_000, free_from_vnd=500_000), 499_999, 30_000),
        (ShippingRule("free_above", fee_vnd=30_000, free_from_vnd=500_000), 500_000, 0),
    ],
)
def test_shipping_follows_the_cooperatives_rule(rule, subtotal, fee):
    assert shipping_fee(rule=rule, subtotal_vnd=subtotal) == fee


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ShippingRule("teleport"), "not a valid ShippingMethod"),
        (lambda: ShippingRule(ShippingMethod.PICKUP, fee_vnd=10_000), "no shipping fee"),
        (lambda: ShippingRule(ShippingMethod.FLAT, fee_vnd=-1), "shipping fee"),
        (lambda: ShippingRule(ShippingMethod.FLAT, fee_vnd=1.5), "shipping fee"),
        (lambda: ShippingRule(ShippingMethod.FLAT, fee_vnd=30_000, free_from_vnd=100_000), "threshold"),
        (lambda: ShippingRule(ShippingMethod.FREE_ABOVE, fee_vnd=30_000), "needs the subtotal"),
        (lambda: ShippingRule(ShippingMethod.FREE_ABOVE, fee_vnd=30_000, free_from_vnd=0), "threshold"),
    ],
)
def test_a_shipping_rule_that_makes_no_sense_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_negative_subtotal_is_refused():
    with pytest.raises(ValueError, match="subtotal"):
        shipping_fee(rule=ShippingRule(ShippingMethod.PICKUP), subtotal_vnd=-1)
