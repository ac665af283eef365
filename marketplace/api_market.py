"""Market information API under /api/v1/market/: prices learned from what actually traded.

Public: anyone may read market prices, because only aggregates are shown, each where at least
three cooperatives contributed (marketplace/selectors/market.py). Bad input is a 400
`{"detail": ...}` (config/api.py), as an unknown province is elsewhere in the API; so is an
unknown category.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from catalog.places import UnknownProvince, resolve_province
from catalog.selectors import category_by_slug
from marketplace.schemas import ErrorOut
from marketplace.selectors.market import DEFAULT_MONTHS, MAX_MONTHS, market_prices

router = Router(tags=["market"])

CATEGORY_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


class MarketPriceOut(Schema):
    category: str = Field(description="The category's slug.")
    category_name: str
    group: bool = Field(description="A product group, aggregating its subcategories.")
    unit: str = Field(description="Unit of measure; spellings differing in case or spaces are one unit.")
    province: str | None = Field(description="Province code, or null for the whole country.")
    month: str = Field(description="YYYY-MM, in Vietnam's time zone.")
    median_vnd: int = Field(description="Median unit price weighted by quantity, whole đồng.")
    min_vnd: int
    max_vnd: int
    cooperatives: int = Field(description="Distinct cooperatives that contributed (3 or more).")
    observations: int = Field(description="Traded lines (quote lines and order lines).")


class MarketPricesOut(Schema):
    items: list[MarketPriceOut]


@router.get(
    "/market/prices",
    response={200: MarketPricesOut, 400: ErrorOut},
    summary="Market prices from accepted quotes and paid orders, where 3 or more cooperatives traded",
)
def prices(
    request,
    category: str | None = Query(None, max_length=100, description="Category slug, e.g. food-rice or food."),
    province: str | None = Query(
        None,
        max_length=100,
        description="Code (08 or 8) or name of a province; all provinces and the country when empty.",
    ),
    months: int = Query(
        DEFAULT_MONTHS, ge=1, le=MAX_MONTHS, description="This month and the ones before it."
    ),
):
    chosen_category = None
    if category:
        chosen_category = category_by_slug(category) if CATEGORY_SLUG_RE.match(category) else None
        if chosen_category is None:
            raise HttpError(400, _("“%(slug)s” is not a category.") % {"slug": category[:50]})
    chosen_province = None
    if province:
        try:
            chosen_province = resolve_province(province)
        except UnknownProvince as error:
            raise HttpError(400, str(error)) from error
    return {"items": market_prices(category=chosen_category, province=chosen_province, months=months)}
