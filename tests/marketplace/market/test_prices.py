"""Market prices learned from what traded: the three-cooperative rule, the median, groups,
provinces, the months window, and what counts (accepted quotes, paid orders, each once)."""

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Category
from catalog.places import resolve_province
from marketplace.selectors.market import (
    MIN_COOPERATIVES,
    market_prices,
    most_common_unit,
    unit_key,
    weighted_median,
)
from marketplace.services.payments import order_refund
from tests.marketplace.market.conftest import accepted_quote, month_label, months_ago, order_of, paid_order

pytestmark = pytest.mark.django_db


def national(items, category="food-rice", unit="kg", month=None):
    """The nation-wide items of `category` and `unit` in `month` (a label; this month if None)."""
    month = month or month_label(0)
    return [
        i
        for i in items
        if (i["category"], i["unit"], i["province"], i["month"]) == (category, unit, None, month)
    ]


def test_the_rule_is_three_cooperatives():
    assert MIN_COOPERATIVES == 3


def test_two_cooperatives_give_no_item_and_a_third_gives_one(seller):
    rice = [seller(price_vnd=price) for price in (30_000, 20_000, 26_000)]
    paid_order(rice[0].product, 10)
    paid_order(rice[0].product, 5)  # the same cooperative twice is still one cooperative
    accepted_quote(rice[1].cooperative, [(rice[1].product, "kg", 20_000, 10)])
    assert market_prices() == []

    paid_order(rice[2].product, 10)

    [item] = national(market_prices())
    assert item == {
        "category": "food-rice",
        "category_name": "Gạo và ngũ cốc",
        "group": False,
        "unit": "kg",
        "province": None,
        "month": month_label(0),
        # 35 kg in all: 10 at 20,000, 10 at 26,000, 15 at 30,000; the 17.5th kg is at 26,000.
        "median_vnd": 26_000,
        "min_vnd": 20_000,
        "max_vnd": 30_000,
        "cooperatives": 3,
        "observations": 4,
    }


def test_min_and_max_are_never_shown_for_fewer_than_three_cooperatives(seller):
    """Two cooperatives in one province and one elsewhere: the nation has an item, the province none."""
    a, b = seller("01", price_vnd=10_000), seller("01", price_vnd=90_000)
    c = seller("79", price_vnd=50_000)
    for one in (a, b, c):
        paid_order(one.product, 1)
    items = market_prices()
    assert {item["province"] for item in items} == {None}
    assert all(item["cooperatives"] >= MIN_COOPERATIVES for item in items)
    assert market_prices(province=resolve_province("01")) == []


def test_a_group_aggregates_its_subcategories_and_its_own_products(seller):
    rice = seller(price_vnd=20_000)
    fruit = seller(price_vnd=40_000, category="food-fruit")
    plain = seller(price_vnd=60_000, category="food")
    for one in (rice, fruit, plain):
        paid_order(one.product, 1)
    items = market_prices()
    # No subcategory has three cooperatives; the group "food" has.
    assert [(i["category"], i["group"], i["province"]) for i in items] == [
        ("food", True, None),
        ("food", True, "01"),
    ]
    assert (items[0]["median_vnd"], items[0]["min_vnd"], items[0]["max_vnd"]) == (40_000, 20_000, 60_000)
    assert items[0]["category_name"] == "Thực phẩm"


def test_province_items_and_the_national_item(seller):
    north = [seller("01", price_vnd=p) for p in (10_000, 12_000, 14_000)]
    south = [seller("79", price_vnd=p) for p in (20_000, 22_000, 24_000)]
    for one in north + south:
        paid_order(one.product, 1)
    rice = market_prices(category=Category.objects.get(slug="food-rice"))
    by_place = {i["province"]: (i["median_vnd"], i["min_vnd"], i["max_vnd"], i["cooperatives"]) for i in rice}
    # Six prices, each 1 kg: the median is the midpoint of 14,000 and 20,000.
    assert by_place == {
        None: (17_000, 10_000, 24_000, 6),
        "01": (12_000, 10_000, 14_000, 3),
        "79": (22_000, 20_000, 24_000, 3),
    }
    assert [i["province"] for i in rice] == [None, "01", "79"]
    south_only = market_prices(province=resolve_province("79"))
    assert {(i["category"], i["province"]) for i in south_only} == {("food-rice", "79"), ("food", "79")}
    assert {i["province"] for i in market_prices(nationwide=True)} == {None}


def test_the_months_window(seller):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    for one in three:
        paid_order(one.product, 1, when=months_ago(2))
        paid_order(one.product, 1, when=months_ago(14))
    months = lambda n: sorted({i["month"] for i in market_prices(months=n)})  # noqa: E731
    assert months(2) == []
    assert months(3) == [month_label(2)]
    assert months(12) == [month_label(2)]
    assert months(15) == [month_label(14), month_label(2)]
    for bad in (0, 37, -1, "12", 2.5, True):
        with pytest.raises(ValueError, match="months"):
            market_prices(months=bad)


def test_prices_are_dated_when_paid_not_when_ordered(seller):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    for one in three:
        order = paid_order(one.product, 1, when=months_ago(0))
        order.__class__.objects.filter(pk=order.pk).update(created_at=months_ago(5))
    assert {i["month"] for i in market_prices()} == {month_label(0)}


def test_a_quote_and_the_order_made_from_it_count_once(seller):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    quotes = [
        accepted_quote(one.cooperative, [(one.product, "kg", one.product.price_vnd, 100)]) for one in three
    ]
    for quote, one in zip(quotes, three, strict=True):
        order = paid_order(one.product, 100)
        quote.order = order
        quote.save(update_fields=["order"])
    [item] = national(market_prices())
    assert (item["observations"], item["cooperatives"]) == (3, 3)


def test_unpaid_and_refunded_orders_do_not_count_partly_refunded_ones_do(seller):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    order_of(three[0].product, 1)  # unpaid
    refunded = paid_order(three[1].product, 1)
    order_refund(order=refunded, amount_vnd=refunded.total_vnd, actor="cooperative", user=None)
    paid_order(three[2].product, 1)
    assert market_prices() == []

    partly = paid_order(three[0].product, 2)
    order_refund(order=partly, amount_vnd=1_000, actor="cooperative", user=None)
    paid_order(three[1].product, 1)
    [item] = national(market_prices())
    assert item["cooperatives"] == 3


def test_only_the_accepted_revision_and_accepted_quotes_count(seller):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    for one in three:
        accepted_quote(
            one.cooperative,
            [(one.product, "kg", one.product.price_vnd, 1)],
            old_lines=[(one.product, "kg", 999_000, 1)],
        )
    sent = accepted_quote(three[0].cooperative.__class__.objects.first(), [(None, "kg", 5, 1)])
    sent.status = "sent"
    sent.save(update_fields=["status"])
    [item] = national(market_prices())
    assert (item["min_vnd"], item["max_vnd"], item["observations"]) == (10_000, 30_000, 3)


def test_a_free_text_quote_line_takes_the_rfqs_category(seller):
    three = [seller() for _ in range(3)]
    for n, one in enumerate(three):
        accepted_quote(one.cooperative, [(None, "Tấn", 20_000_000 + n, 2)], rfq_category="food-rice")
    accepted_quote(three[0].cooperative, [(None, "tấn", 1, 1)], rfq_category=None)  # no category: left out
    [item] = national(market_prices(), unit="tấn")
    assert (item["median_vnd"], item["observations"]) == (20_000_001, 3)


def test_spellings_of_one_unit_are_one_unit_and_units_are_never_converted(seller):
    spellings = ["kg", " KG", "K g"]
    three = [seller(unit=unit) for unit in spellings]
    for one in three:
        paid_order(one.product, 1)
    ton = [seller(unit="tấn") for _ in range(2)]
    for one in ton:
        paid_order(one.product, 1)
    items = market_prices(nationwide=True)
    assert {(i["category"], i["unit"], i["cooperatives"]) for i in items} == {
        ("food-rice", "kg", 3),
        ("food", "kg", 3),
    }
    assert unit_key("Chai 500 ml") == unit_key("chai 500ML") != unit_key("chai 1l")
    assert most_common_unit(items) == "kg"


@given(st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=30))
def test_with_quantities_of_one_the_median_is_the_ordinary_median_rounded_half_up(prices):
    expected = statistics.median(prices)
    assert weighted_median((p, 1) for p in prices) == int(expected) + (expected % 1 >= 0.5)


def test_the_weighted_median_follows_the_quantity():
    assert weighted_median([(10, 1), (20, 1), (30, 100)]) == 30
    assert weighted_median([(10, 5), (20, 5)]) == 15
    assert weighted_median([(10, 1), (11, 1)]) == 11  # 10.5 rounds half up
    with pytest.raises(ValueError, match="No prices"):
        weighted_median([])


def test_prices_read_in_three_queries_however_much_traded(seller, django_assert_num_queries):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    for month in range(3):
        for one in three:
            paid_order(one.product, 1, when=months_ago(month))
            accepted_quote(one.cooperative, [(one.product, "kg", 1_000 + month, 1)], when=months_ago(month))
    with django_assert_num_queries(3):
        items = market_prices(months=36)
    assert len({item["month"] for item in items}) == 3


def test_an_order_without_a_payment_event_is_dated_by_its_creation(seller):
    three = [seller(price_vnd=p) for p in (10_000, 20_000, 30_000)]
    for one in three:
        order = paid_order(one.product, 1)
        order.events.filter(kind="payment:paid").delete()
        order.__class__.objects.filter(pk=order.pk).update(created_at=months_ago(3))
    [item] = national(market_prices(), month=month_label(3))
    assert (item["observations"], item["median_vnd"]) == (3, 20_000)
