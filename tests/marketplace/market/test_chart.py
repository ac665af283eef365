"""The market price chart on category pages: an inline SVG with a table for screen readers, shown
only where three cooperatives traded, in a fixed number of queries."""

import re

import pytest
from django.template import Context, Template

from catalog.models import Category
from marketplace.charts import nice_step, price_chart
from tests.catalog.test_pages import catalogue
from tests.helpers import count_queries
from tests.marketplace.market.conftest import month_label, months_ago, paid_order

pytestmark = pytest.mark.django_db


def category_url(slug="food-rice"):
    return catalogue().url + f"category/{slug}/"


def chart_of(html: str) -> str:
    found = re.search(r'<figure class="market-chart".*?</figure>', html, re.S)
    return found.group(0) if found else ""


def test_the_chart_shows_where_three_cooperatives_traded(client, seller):
    rice = [seller(price_vnd=price) for price in (10_000, 20_000, 30_000)]
    for one in rice:
        paid_order(one.product, 1, when=months_ago(1))
    for one in rice[:2]:
        paid_order(one.product, 1)  # this month: only two cooperatives
    html = client.get(category_url()).content.decode()
    chart = chart_of(html)
    assert "<svg" in chart
    assert 'aria-hidden="true"' in chart  # the table below speaks for it
    table = re.search(r"<div class=\"visually-hidden\">.*?</table>", chart, re.S).group(0)
    month = month_label(1)
    row = f'<th scope="row">{month[5:]}/{month[:4]}</th>'
    assert row in table
    for price in ("20.000 ₫", "10.000 ₫", "30.000 ₫"):
        assert price in table
    assert f"{month_label(0)[5:]}/{month_label(0)[:4]}</th>" not in table  # two cooperatives: no row
    assert table.count("<tr>") == 2  # the header and one month
    assert "Gạo và ngũ cốc" in chart
    assert "/kg" in chart or " kg" in chart
    # The group's page shows the group's chart; the same trade makes it.
    assert "<svg" in chart_of(client.get(category_url("food")).content.decode())


def test_no_chart_without_enough_trade(client, seller):
    rice = [seller(price_vnd=price) for price in (10_000, 20_000)]
    for one in rice:
        paid_order(one.product, 1)
    for url in (category_url(), category_url("food"), category_url("handicrafts"), catalogue().url):
        assert 'class="market-chart"' not in client.get(url).content.decode(), url


def test_the_chart_draws_the_most_traded_unit_in_english_too(client, seller):
    kilos = [seller(price_vnd=price) for price in (10_000, 20_000, 30_000)]
    tonnes = [seller(price_vnd=price, unit="tấn") for price in (9_000_000, 9_500_000, 9_900_000)]
    for one in kilos:
        paid_order(one.product, 1)
    for one in tonnes:
        paid_order(one.product, 1)
        paid_order(one.product, 1)
    chart = chart_of(client.get("/en" + category_url()).content.decode())
    assert "₫9,500,000" in chart
    assert "₫20,000" not in chart
    assert "Rice and grains" in chart


def test_geometry_breaks_at_missing_months_and_draws_a_lone_month_as_a_bar():
    months = [f"2026-{m:02d}" for m in range(1, 7)]
    item = lambda month, median: {  # noqa: E731
        "month": month,
        "median_vnd": median,
        "min_vnd": median - 1_000,
        "max_vnd": median + 1_000,
        "unit": "kg",
    }
    chart = price_chart(
        [item("2026-01", 10_000), item("2026-02", 12_000), item("2026-05", 11_000)], months=months
    )
    assert [[p.month for p in s] for s in chart.segments] == [["2026-01", "2026-02"], ["2026-05"]]
    assert [shape["lone"] for shape in chart.shapes] == [False, True]
    first, second = chart.segments[0]
    assert first.x < second.x
    assert second.median_y < first.median_y  # a higher price is drawn higher
    assert (chart.ticks[0].value, chart.ticks[-1].value) == (9_000, 13_000)
    assert all(p.max_y < p.median_y < p.min_y for p in chart.points)
    assert price_chart([item("2025-12", 10_000)], months=months) is None
    assert chart.months[-1].month == "2026-06"


def test_a_single_price_still_has_room_and_steps_are_round():
    chart = price_chart(
        [{"month": "2026-01", "median_vnd": 5, "min_vnd": 5, "max_vnd": 5, "unit": "kg"}], months=["2026-01"]
    )
    assert chart.ticks[0].value < 5 < chart.ticks[-1].value
    assert [nice_step(span) for span in (4, 30, 70_000, 2_000_000)] == [1, 10, 20_000, 500_000]


def test_the_tag_costs_three_queries_and_the_page_does_not_grow_with_trade(
    client, seller, django_assert_num_queries
):
    rice = [seller(price_vnd=price) for price in (10_000, 20_000, 30_000)]
    for one in rice:
        paid_order(one.product, 1)
    template = Template("{% load marketplace_tags %}{% market_price_chart category %}")
    category = Category.objects.get(slug="food-rice")
    with django_assert_num_queries(3):
        assert "<svg" in template.render(Context({"category": category}))
    with django_assert_num_queries(0):
        assert template.render(Context({"category": None})).strip() == ""

    url = category_url()
    client.get(url)
    little = count_queries(client, url)
    for month in range(1, 6):
        for one in rice:
            paid_order(one.product, 2, when=months_ago(month))
    assert count_queries(client, url) == little
