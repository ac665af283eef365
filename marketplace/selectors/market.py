"""Market information (thông tin thị trường): prices learned from what actually traded, and demand
by province against supply.

Prices are never typed in. Each observation is one line that traded:

- an accepted quote: the lines of its latest revision (`QuoteRevision.number == Quote.revision`),
  dated by `Quote.accepted_at`; the category is the line's product's, else the RFQ's;
- a paid order: lines of orders whose payment status is paid or partly refunded (a fully refunded
  order did not trade), dated by its "payment:paid" event (the order's creation if it has none); the
  category is the product's. An order made from an accepted quote is left out here, because the
  quote already counts it.

An observation is recorded in the province of the cooperative that sold, and in its month in the
site's time zone. Lines without a category or a unit are left out.

`market_prices` groups observations per category (a product group aggregates its subcategories
and the products filed under the group itself), per unit of measure, per province and for the
whole country, per month. Units are compared after folding case, Unicode form and spaces ("Kg",
" kg ", "chai 500 ml" = "chai 500ml"); they are never converted ("tấn" stays apart from "kg").

**The three-cooperative rule.** An item is shown only where at least `MIN_COOPERATIVES` distinct
cooperatives contributed to it, so that no one cooperative's price can be read off. Its min and max
are real prices and are shown under the same rule. The rule holds item by item; comparing a
national item with its province items (or a group with its subcategories) can still narrow down
where the extremes came from when only one or two cooperatives lie outside the items shown. No
complementary suppression is done.

**The median is weighted by quantity.** It is the unit price at which half the quantity traded in
the item changed hands: a tonne sold to a wholesaler counts a thousand times a kilogram sold to a
household, so a few small retail orders do not pull a wholesale market's price. When exactly half
the quantity lies at or below one price, the median is the midpoint of that price and the next
one; with every quantity 1 this is the ordinary median. Rounded half up to whole đồng.

**Cost.** A fixed number of queries: `market_prices` makes 3 (categories, quote lines, order lines),
`demand_and_supply` 5 (categories, provinces, RFQs grouped, Wagtail's private sections,
listed capacity grouped). The price
rows are read one per traded line in the window and grouped in Python, so time and memory grow
with the lines traded in the window (a few hundred thousand lines is a few seconds); medians
cannot be computed portably in SQL on SQLite. Should that ever be too slow, the monthly items can
be kept in a table filled by a periodic task; the rule and the sums would not change.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from catalog.models import Category, Province
from catalog.selectors import listed_products
from marketplace.models import BuyerDemand, Order, OrderEvent, OrderLine, Quote, QuoteLine

MIN_COOPERATIVES = 3
MAX_MONTHS = 36
DEFAULT_MONTHS = 12
PAID = (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTLY_REFUNDED)


def unit_key(unit: str) -> str:
    """What makes two spellings of a unit the same unit: case, Unicode form and spaces ignored."""
    return "".join(unicodedata.normalize("NFC", unit or "").casefold().split())


def unit_label(unit: str) -> str:
    """A unit as shown: lower case, one space between words."""
    return " ".join(unicodedata.normalize("NFC", unit or "").lower().split())


def weighted_median(prices: Iterable[tuple[int, int]]) -> int:
    """The quantity-weighted median of (unit price, quantity) pairs, rounded half up (module docstring)."""
    pairs = sorted((price, quantity) for price, quantity in prices if quantity > 0)
    if not pairs:
        raise ValueError("No prices to take the median of.")
    total = sum(quantity for _, quantity in pairs)
    seen = 0
    for index, (price, quantity) in enumerate(pairs):
        seen += quantity
        if 2 * seen == total:
            return (price + pairs[index + 1][0] + 1) // 2
        if 2 * seen > total:
            return price
    raise AssertionError("unreachable")


def window_start(months: int, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The first instant of the month `months - 1` before this one, in the site's time zone."""
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be a whole number from 1 to {MAX_MONTHS}, not {months!r}.")
    today = timezone.localtime(now).date()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return datetime.datetime(index // 12, index % 12 + 1, 1, tzinfo=timezone.get_current_timezone())


def month_of(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m}"


@dataclass(frozen=True)
class Observation:
    category_id: int
    unit: str
    province: str
    month: str
    cooperative_id: int
    unit_price_vnd: int
    quantity: int


def _quote_lines(start):
    """Lines of the latest revision of quotes accepted since `start`."""
    return QuoteLine.objects.filter(
        revision__quote__status=Quote.Status.ACCEPTED,
        revision__quote__accepted_at__gte=start,
        revision__number=F("revision__quote__revision"),
    ).annotate(
        market_category=Coalesce("product__category_id", "revision__quote__rfq__category_id"),
        market_province=F("revision__quote__cooperative__province_id"),
        market_cooperative=F("revision__quote__cooperative_id"),
        market_at=F("revision__quote__accepted_at"),
    )


def _order_lines(start):
    """Lines of orders paid since `start`, but for orders made from an accepted quote."""
    paid_at = OrderEvent.objects.filter(order=OuterRef("order"), kind="payment:paid").order_by("at", "pk")
    return (
        OrderLine.objects.filter(order__payment_status__in=PAID, product__isnull=False)
        .exclude(order__quote__status=Quote.Status.ACCEPTED)
        .annotate(
            market_category=F("product__category_id"),
            market_province=F("order__cooperative__province_id"),
            market_cooperative=F("order__cooperative_id"),
            market_at=Coalesce(Subquery(paid_at.values("at")[:1]), F("order__created_at")),
        )
        .filter(market_at__gte=start)
    )


def observations(
    *, months: int = DEFAULT_MONTHS, category_ids=None, province: Province | None = None
) -> list[Observation]:
    """Every traded line of the window (2 queries), optionally only of these categories and province."""
    start = window_start(months)
    found = []
    for lines in (_quote_lines(start), _order_lines(start)):
        if category_ids is not None:
            lines = lines.filter(market_category__in=category_ids)
        if province is not None:
            lines = lines.filter(market_province=province.pk)
        rows = lines.values_list(
            "market_category",
            "unit",
            "market_province",
            "market_at",
            "market_cooperative",
            "unit_price_vnd",
            "quantity",
        ).order_by()
        found += [
            Observation(category, unit, place, month_of(at), cooperative, price, quantity)
            for category, unit, place, at, cooperative, price, quantity in rows
        ]
    return [o for o in found if o.category_id is not None and unit_key(o.unit) and o.province]


@dataclass
class _Bucket:
    prices: list[tuple[int, int]] = field(default_factory=list)
    cooperatives: set[int] = field(default_factory=set)


def _categories() -> dict[int, Category]:
    return {
        c.pk: c for c in Category.objects.only("pk", "slug", "name", "name_en", "parent_id", "sort_order")
    }


def _family(categories: dict[int, Category], category: Category) -> set[int]:
    """The category's id and, for a product group, its subcategories' ids."""
    return {category.pk} | {c.pk for c in categories.values() if c.parent_id == category.pk}


def _category_order(categories: dict[int, Category]):
    """Groups in their order, each followed by its subcategories."""

    def key(category_id: int):
        category = categories[category_id]
        group = categories.get(category.parent_id, category)
        is_sub = category.parent_id is not None
        return (group.sort_order, group.name, is_sub, category.sort_order if is_sub else 0, category.name)

    return key


def _labels(units: Iterable[str]) -> dict[str, str]:
    """The label of each unit: its most common spelling (ties: the first in alphabetical order)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for unit in units:
        spellings[unit_key(unit)][unit_label(unit)] += 1
    return {
        key: min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
        for key, counter in spellings.items()
    }


def market_prices(
    *,
    category: Category | None = None,
    province: Province | None = None,
    months: int = DEFAULT_MONTHS,
    nationwide: bool = False,
) -> list[dict]:
    """Median, min and max unit price per category and product group, unit, province (and the whole
    country, `province` None) and month, for the last `months` months (this one included).

    `category` narrows to that category (a product group: its aggregate); `province` to that
    province's items; `nationwide` to the whole-country items. Only items with at least
    `MIN_COOPERATIVES` contributing cooperatives are returned (module docstring). 3 queries.
    """
    if nationwide and province is not None:
        raise ValueError("Ask for one province or for the whole country, not both.")
    categories = _categories()
    wanted_ids = _family(categories, category) if category is not None else None
    found = observations(months=months, category_ids=wanted_ids, province=province)
    labels = _labels(o.unit for o in found)

    buckets: dict[tuple[int, str, str | None, str], _Bucket] = defaultdict(_Bucket)
    for observation in found:
        own = categories.get(observation.category_id)
        if own is None:
            continue
        targets = {own.parent_id or own.pk, own.pk}  # the product group, and the subcategory
        if category is not None:
            targets &= {category.pk}
        if nationwide:
            places: tuple[str | None, ...] = (None,)
        elif province is not None:
            places = (observation.province,)
        else:
            places = (observation.province, None)
        unit = unit_key(observation.unit)
        for category_id in targets:
            for place in places:
                bucket = buckets[(category_id, unit, place, observation.month)]
                bucket.prices.append((observation.unit_price_vnd, observation.quantity))
                bucket.cooperatives.add(observation.cooperative_id)

    language = get_language() or "vi"
    order = _category_order(categories)
    items = []
    for (category_id, unit, place, month), bucket in buckets.items():
        if len(bucket.cooperatives) < MIN_COOPERATIVES:
            continue
        shown = categories[category_id]
        prices = [price for price, _ in bucket.prices]
        items.append(
            {
                "category": shown.slug,
                "category_name": shown.label(language),
                "group": shown.parent_id is None,
                "unit": labels[unit],
                "province": place,
                "month": month,
                "median_vnd": weighted_median(bucket.prices),
                "min_vnd": min(prices),
                "max_vnd": max(prices),
                "cooperatives": len(bucket.cooperatives),
                "observations": len(bucket.prices),
                "_order": (order(category_id), labels[unit], place is not None, place or "", month),
            }
        )
    items.sort(key=lambda item: item["_order"])
    for item in items:
        del item["_order"]
    return items


def most_common_unit(items: list[dict]) -> str | None:
    """The unit with the most observations among `items` (ties: alphabetical), or None."""
    totals: Counter = Counter()
    for item in items:
        totals[item["unit"]] += item["observations"]
    if not totals:
        return None
    return min(totals.items(), key=lambda pair: (-pair[1], pair[0]))[0]


# --- demand by province against supply ---------------------------------------------------------


@dataclass
class DemandSupplyRow:
    """One province, category and unit: what buyers ask for in RFQs against what is offered."""

    province: str | None  # None: RFQs that name no delivery province
    province_name: str
    category: str | None  # None: RFQs that name no category
    category_name: str
    unit: str
    rfqs: int = 0
    open_rfqs: int = 0
    monthly_quantity: int = 0  # asked every month (RFQs "every month")
    one_off_quantity: int = 0  # asked once
    monthly_capacity: int = 0  # offered per month by listed products
    products: int = 0
    cooperatives: set[int] = field(default_factory=set)

    @property
    def cooperative_count(self) -> int:
        return len(self.cooperatives)

    def as_dict(self) -> dict:
        return {
            "province": self.province,
            "province_name": self.province_name,
            "category": self.category,
            "category_name": self.category_name,
            "unit": self.unit,
            "rfqs": self.rfqs,
            "open_rfqs": self.open_rfqs,
            "monthly_quantity": self.monthly_quantity,
            "one_off_quantity": self.one_off_quantity,
            "monthly_capacity": self.monthly_capacity,
            "products": self.products,
            "cooperatives": self.cooperative_count,
        }


def demand_and_supply(
    *, months: int = DEFAULT_MONTHS, category: Category | None = None, province: Province | None = None
) -> list[DemandSupplyRow]:
    """Demand by delivery province (RFQs open now or posted in the last `months` months, cancelled
    ones left out: how many, and the quantities asked, monthly and one-off) against supply (the
    monthly capacity of listed products of cooperatives seated in that province), per category and
    unit, as each RFQ and product names them (no roll-up into groups). `category` narrows both sides
    to it and, for a product group, its subcategories; `province` to that province. Units fold as in
    `market_prices`. 5 queries.
    """
    start = window_start(months)
    categories = _categories()
    names = dict(Province.objects.values_list("code", "name"))
    rfqs = BuyerDemand.objects.filter(kind=BuyerDemand.Kind.RFQ).exclude(status=BuyerDemand.Status.CANCELLED)
    rfqs = rfqs.filter(Q(status=BuyerDemand.Status.OPEN) | Q(created_at__gte=start))
    offers = listed_products().filter(inventory__monthly_capacity__gt=0)
    if category is not None:
        rfqs = rfqs.filter(category__in=_family(categories, category))
        offers = offers.filter(category__in=_family(categories, category))
    if province is not None:
        rfqs = rfqs.filter(delivery_province=province)
        offers = offers.filter(cooperative__province=province)
    demand = (
        rfqs.values("delivery_province_id", "category_id", "unit", "per_month")
        .annotate(
            count=Count("pk"),
            open=Count("pk", filter=Q(status=BuyerDemand.Status.OPEN)),
            quantity=Sum("quantity"),
        )
        .order_by()
    )
    supply = (
        offers.values("cooperative__province_id", "category_id", "unit", "cooperative_id")
        .annotate(capacity=Sum("inventory__monthly_capacity"), products=Count("pk"))
        .order_by()
    )
    demand, supply = list(demand), list(supply)
    spellings = [row["unit"] for row in demand] + [row["unit"] for row in supply]
    labels = _labels(spellings)
    language = get_language() or "vi"
    rows: dict[tuple, DemandSupplyRow] = {}

    def row_for(province_code, category_id, unit) -> DemandSupplyRow | None:
        key_unit = unit_key(unit)
        if not key_unit:
            return None
        key = (province_code, category_id, key_unit)
        if key not in rows:
            category = categories.get(category_id)
            rows[key] = DemandSupplyRow(
                province=province_code,
                province_name=names.get(province_code, ""),
                category=category.slug if category else None,
                category_name=category.label(language) if category else "",
                unit=labels[key_unit],
            )
        return rows[key]

    for entry in demand:
        row = row_for(entry["delivery_province_id"], entry["category_id"], entry["unit"])
        if row is None:
            continue
        row.rfqs += entry["count"]
        row.open_rfqs += entry["open"]
        if entry["per_month"]:
            row.monthly_quantity += entry["quantity"] or 0
        else:
            row.one_off_quantity += entry["quantity"] or 0
    for entry in supply:
        row = row_for(entry["cooperative__province_id"], entry["category_id"], entry["unit"])
        if row is None:
            continue
        row.monthly_capacity += entry["capacity"] or 0
        row.products += entry["products"]
        row.cooperatives.add(entry["cooperative_id"])

    order = _category_order(categories)
    return [
        rows[key]
        for key in sorted(
            rows,
            key=lambda key: (
                key[0] is None,
                key[0] or "",
                key[1] is None,
                order(key[1]) if key[1] in categories else (),
                rows[key].unit,
            ),
        )
    ]
