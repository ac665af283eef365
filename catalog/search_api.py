"""Search API: /api/v1/search and /api/v1/search/suggest.

Thin, as the rest of the API: the query parameters arrive as text, the search
service checks them (`SearchQuery.clean()`), and its SearchQueryError becomes a
400 with the service's message. Only the shape of the answer is decided here.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from . import search
from .localization import localize_path
from .schemas import ErrorOut

router = Router(tags=["search"])

# Longer than any query the service accepts, so the service (not the schema) gives the message.
MAX_PARAMETER_LENGTH = 1000
SUGGESTIONS = 8
_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


class CooperativeHitOut(Schema):
    tax_code: str
    name: str


class ProvinceHitOut(Schema):
    code: str
    name: str


class HitOut(Schema):
    sku: str
    name: str
    name_en: str
    url: str
    category: str
    price_vnd: int
    unit: str
    ocop_stars: int | None
    cooperative: CooperativeHitOut
    province: ProvinceHitOut
    highlight: str


class FacetOut(Schema):
    value: str
    label: str
    count: int


class FacetsOut(Schema):
    category: list[FacetOut]
    province: list[FacetOut]
    ocop_stars: list[FacetOut]


class CooperativeOut(Schema):
    name: str
    url: str
    province: ProvinceHitOut


class SearchOut(Schema):
    total: int = Field(description="Listings found; at least this many when total_exact is false.")
    total_exact: bool = Field(
        description="False past the search's counting limit: the total is then a lower bound (10000 means 10,000+)."
    )
    facets_exact: bool = Field(
        description="False past the counting limit: the facet counts are then estimates from a sample."
    )
    page: int
    engine: str
    took_ms: float
    hits: list[HitOut]
    facets: FacetsOut
    suggestion: str | None
    cooperatives: list[CooperativeOut] = Field(
        description="On the first page: the cooperatives whose names hold the words, best match first "
        "(a listing matches through its own words only, never its cooperative's name)."
    )


class SuggestionOut(Schema):
    text: str
    url: str
    kind: str = Field(description="product or cooperative.")


class SuggestionsOut(Schema):
    suggestions: list[SuggestionOut]


def _text(description: str):
    return Query(None, max_length=MAX_PARAMETER_LENGTH, description=description)


def _yes_or_no(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in _YES:
        return True
    if value.lower() in _NO:
        return False
    raise search.SearchQueryError(_("“in stock” is yes or no."))


def _absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(localize_path(url)) if url else ""


def _hit_out(request: HttpRequest, hit: search.Hit) -> dict:
    return {
        "sku": hit.sku,
        "name": hit.name,
        "name_en": hit.name_en,
        "url": _absolute(request, hit.url),
        "category": hit.category,
        "price_vnd": hit.price_vnd,
        "unit": hit.unit,
        "ocop_stars": hit.ocop_stars,
        "cooperative": {"tax_code": hit.cooperative_tax_code, "name": hit.cooperative_name},
        "province": {"code": hit.province_code, "name": hit.province_name},
        "highlight": hit.highlight,
    }


def _cooperative_out(request: HttpRequest, cooperative: search.CooperativeHit) -> dict:
    return {
        "name": cooperative.name,
        "url": _absolute(request, cooperative.url),
        "province": {"code": cooperative.province_code, "name": cooperative.province_name},
    }


def _facet_out(facet: search.FacetCount) -> dict:
    return {"value": str(facet.value), "label": facet.label, "count": facet.count}


@router.get(
    "/search",
    url_name="search",
    response={200: SearchOut, 400: ErrorOut},
    summary="Search the catalogue (no q: browse it), with facet counts",
)
def search_products(
    request,
    q: str | None = _text("Words to find, with or without marks."),
    category: str | None = _text("Category slug (a group includes its subcategories)."),
    province: str | None = _text("Province code (08 or 8) or name."),
    stars_min: str | None = _text("Only valid OCOP certificates of at least this many stars."),
    price_min: str | None = _text("Lowest price in đồng."),
    price_max: str | None = _text("Highest price in đồng."),
    kind: str | None = _text("htx, lhhtx or tht."),
    in_stock: str | None = _text("true: only listings in stock."),
    sort: str | None = _text(f"One of {', '.join(search.SORTS)}."),
    page: str | None = _text("Page number, from 1."),
    page_size: str | None = _text("Hits per page, 1–100 (20 by default)."),
):
    try:
        result = search.search(
            search.SearchQuery(
                text=q or "",
                category=category,
                province=province,
                stars_min=stars_min,
                price_min=price_min,
                price_max=price_max,
                kind=kind,
                in_stock=_yes_or_no(in_stock),
                sort=sort or "relevance",
                page=page or 1,
                page_size=page_size or 20,
            )
        )
    except search.SearchQueryError as error:
        raise HttpError(400, str(error)) from error
    return {
        "total": result.total,
        "total_exact": result.total_exact,
        "facets_exact": result.facets_exact,
        "page": result.page,
        "engine": result.engine,
        "took_ms": result.took_ms,
        "hits": [_hit_out(request, hit) for hit in result.hits],
        "facets": {name: [_facet_out(f) for f in result.facets.get(name, ())] for name in search.FACETS},
        "suggestion": result.suggestion,
        "cooperatives": [_cooperative_out(request, c) for c in result.cooperatives],
    }


@router.get(
    "/search/suggest",
    url_name="search_suggest",
    response={200: SuggestionsOut, 400: ErrorOut},
    summary="Listing names, then cooperative names, starting as typed, for autocomplete",
)
def suggest_products(request, q: str | None = _text("What has been typed so far.")):
    try:
        suggestions = search.suggest(q or "", limit=SUGGESTIONS)
    except search.SearchQueryError as error:
        raise HttpError(400, str(error)) from error
    return {
        "suggestions": [
            {"text": s.text, "url": _absolute(request, s.url), "kind": s.kind} for s in suggestions
        ]
    }
