"""Template filters and tags of the marketplace: sums for the PDF documents, and the market price
chart that the catalogue's category pages load (catalog cannot import marketplace; a template may)."""

from django import template
from django.utils.translation import get_language

from catalog.localization import vnd
from marketplace.charts import price_chart
from marketplace.selectors.market import DEFAULT_MONTHS, market_prices, most_common_unit, window_start

register = template.Library()


@register.filter
def sum_of(rows, key: str) -> int:
    """The whole-đồng total of `row[key]` over a list of dicts; a missing or empty amount counts 0.

    A float is refused, not rounded: statements add up exactly or not at all.
    """
    total = 0
    for row in rows or ():
        amount = row.get(key) or 0
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"An amount in đồng is a whole number, not {type(amount).__name__}.")
        total += amount
    return total


def _months(count: int) -> list[str]:
    start = window_start(count).date()
    index = start.year * 12 + start.month - 1
    return [f"{(index + n) // 12}-{(index + n) % 12 + 1:02d}" for n in range(count)]


@register.inclusion_tag("marketplace/charts/price_chart.html")
def market_price_chart(category, months: int = DEFAULT_MONTHS):
    """The category's nationwide monthly median price, with its lowest–highest band, in its most
    traded unit, over the last `months` months; nothing when no month has three cooperatives'
    trade. 3 queries (marketplace.selectors.market.market_prices)."""
    if category is None:
        return {"chart": None}
    items = market_prices(category=category, nationwide=True, months=months)
    unit = most_common_unit(items)
    chart = price_chart([i for i in items if i["unit"] == unit], months=_months(months))
    return {
        "chart": chart,
        "category_name": category.label(get_language() or "vi"),
        "tick_labels": [(tick, vnd(tick.value)) for tick in chart.ticks] if chart else [],
        "months": months,
    }
