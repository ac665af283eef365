"""Demand by province (RFQs and quantities asked) against supply (monthly capacity offered)."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Category
from catalog.places import resolve_province
from marketplace.models import BuyerDemand
from marketplace.selectors.market import demand_and_supply
from tests import factories
from tests.factories import rfqs

pytestmark = pytest.mark.django_db


def rice_rfq(province="01", *, quantity=2, unit="tấn", per_month=True, category="food-rice", **fields):
    rfq = rfqs.rfq(
        quantity=quantity,
        unit=unit,
        per_month=per_month,
        category=Category.objects.get(slug=category),
        delivery_province=resolve_province(province),
    )
    if fields:
        BuyerDemand.objects.filter(pk=rfq.pk).update(**fields)
    return rfq


def offer(province="01", *, capacity=10, unit="tấn", category="food-rice", **product):
    cooperative = product.pop("cooperative", None) or factories.cooperative(province=province)
    return factories.product(
        cooperative=cooperative, category=category, unit=unit, monthly_capacity=capacity, **product
    )


def by_key(rows):
    return {(row.province, row.category, row.unit): row.as_dict() for row in rows}


def test_demand_meets_supply_by_province_category_and_unit():
    long_ago = timezone.now() - datetime.timedelta(days=500)
    rice_rfq(quantity=2)
    rice_rfq(quantity=3, unit=" Tấn ")  # the same unit, spelled differently
    rice_rfq(quantity=50, per_month=False, status="awarded")
    rice_rfq(quantity=7, created_at=long_ago)  # old, but still open: counted
    rice_rfq(quantity=900, created_at=long_ago, status="closed")  # old and closed: not
    rice_rfq(quantity=900, status="cancelled")
    first = offer(capacity=10)
    offer(capacity=5, cooperative=first.cooperative)
    offer(capacity=20)
    offer(capacity=99, publish=False)  # not listed
    offer(capacity=99, cooperative=factories.cooperative(province="01", verified=False))
    offer(capacity=4, province="79", unit="kg")

    rows = by_key(demand_and_supply())

    assert rows[("01", "food-rice", "tấn")] == {
        "province": "01",
        "province_name": "Hà Nội",
        "category": "food-rice",
        "category_name": "Gạo và ngũ cốc",
        "unit": "tấn",
        "rfqs": 4,
        "open_rfqs": 3,
        "monthly_quantity": 12,
        "one_off_quantity": 50,
        "monthly_capacity": 35,
        "products": 3,
        "cooperatives": 2,
    }
    south = rows[("79", "food-rice", "kg")]
    assert (south["rfqs"], south["monthly_capacity"], south["cooperatives"]) == (0, 4, 1)
    assert len(rows) == 2


def test_filters_and_a_demand_without_province_or_category():
    rfqs.rfq(quantity=1, unit="kg")  # names neither a province nor a category
    rice_rfq("01")
    rice_rfq("79", category="food-fruit")
    offer("79", category="handicrafts", unit="cái")
    everything = by_key(demand_and_supply())
    assert set(everything) == {
        ("01", "food-rice", "tấn"),
        ("79", "food-fruit", "tấn"),
        ("79", "handicrafts", "cái"),
        (None, None, "kg"),
    }
    assert list(everything)[-1] == (None, None, "kg")  # the unplaced demand comes last
    south = by_key(demand_and_supply(province=resolve_province("79")))
    assert set(south) == {("79", "food-fruit", "tấn"), ("79", "handicrafts", "cái")}
    food = by_key(demand_and_supply(category=Category.objects.get(slug="food")))
    assert set(food) == {("01", "food-rice", "tấn"), ("79", "food-fruit", "tấn")}


def test_demand_and_supply_reads_in_five_queries(django_assert_num_queries):
    for n in range(5):
        rice_rfq(quantity=n + 1)
        offer(capacity=n + 1)
    with django_assert_num_queries(5):
        demand_and_supply()
