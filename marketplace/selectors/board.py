"""Reads for the supply–demand board's pages (/cung-cau/): the board's two lists, a buyer's own
requests for quotation, and the choices the RFQ forms offer.

The board lists open public RFQs (marketplace.selectors.rfqs.board, which never loads the buyer,
and finds them by text through the search service) beside the cooperatives' standing offers: listed products whose stock row states a monthly
capacity. Offers are found by text through the catalogue's search service (marks optional, the
best `OFFER_SEARCH_HITS` hits), never an engine. Every function here costs a fixed number of
queries, whatever the number of rows it returns.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from catalog import search
from catalog.models import Category, CooperativePage, Province
from catalog.permissions import staffing
from catalog.search.query import MAX_PAGE_SIZE
from catalog.selectors import filter_products, listed_products, with_valid_stars
from marketplace import permissions
from marketplace.models import BuyerDemand, Quote
from marketplace.selectors import rfqs

# Search hits an offer's text filter reads at most (the search service's largest page).
OFFER_SEARCH_HITS = MAX_PAGE_SIZE
# Cooperatives whose conversation links an RFQ's page offers one person, at most.
MAX_STAFFED_THREADS = 10


def board_rfqs(
    *,
    category: Category | None = None,
    province: Province | None = None,
    text: str = "",
    min_quantity: int | None = None,
) -> QuerySet:
    """The board's open public RFQs (`rfqs.board`: found by text through the search service, best
    match first), asking for `min_quantity` units or more."""
    return rfqs.board(category=category, province=province, text=text, min_quantity=min_quantity)


def _offer_ids_for_text(text: str, category: Category | None, province: Province | None) -> list[int] | None:
    """The ids of the listings the search service finds for `text`, best first (None: no text)."""
    if not text.strip():
        return None
    query = search.SearchQuery(
        text=text,
        category=category.slug if category else None,
        province=province.code if province else None,
        facets=(),
        page_size=OFFER_SEARCH_HITS,
    )
    try:
        return [hit.product_id for hit in search.search(query).hits]
    except search.SearchQueryError:
        return []


def standing_offers(
    *,
    category: Category | None = None,
    province: Province | None = None,
    text: str = "",
    min_quantity: int | None = None,
) -> QuerySet:
    """Listed products with a monthly capacity (of `min_quantity` or more), of a category (its
    subcategories included) and a cooperative's province, holding `text` (best match first, else
    the largest capacity first). Each comes with its cooperative and province, category, stock row
    and valid stars."""
    offers = filter_products(
        listed_products().filter(inventory__monthly_capacity__gt=0), category=category, province=province
    )
    if min_quantity:
        offers = offers.filter(inventory__monthly_capacity__gte=min_quantity)
    order = ["-inventory__monthly_capacity", "-pk"]
    ids = _offer_ids_for_text(text, category, province)
    if ids is not None:
        offers = offers.filter(pk__in=ids)
        rank = [When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)]
        order = [Case(*rank, default=Value(len(ids)), output_field=IntegerField()), *order] if rank else order
    related = ("cooperative", "cooperative__province", "category", "category__parent", "inventory")
    return with_valid_stars(offers.select_related(*related)).order_by(*order)


def buyer_rfqs(user) -> QuerySet:
    """The requests for quotation `user` posted, newest first, each with its number of quotes
    (withdrawn ones left out) and its category and delivery province."""
    if not user.is_authenticated:
        return BuyerDemand.objects.none()
    return (
        BuyerDemand.objects.filter(buyer=user, kind=BuyerDemand.Kind.RFQ)
        .select_related("category", "category__parent", "delivery_province")
        .annotate(quote_count=Count("quotes", filter=~Q(quotes__status=Quote.Status.WITHDRAWN)))
        .order_by("-created_at", "-pk")
    )


def categories() -> list[Category]:
    """Every category with its group, groups in their order (one query): the forms' choices."""
    return list(Category.objects.select_related("parent").order_by("sort_order", "name"))


def staffed_threads(user, rfq: BuyerDemand) -> list[CooperativePage]:
    """The cooperatives `user` staffs that may talk with the RFQ's buyer (`may_message`), by name:
    where their staff find the conversation. Superusers staff none by this measure."""
    ids = staffing(user).cooperative_ids
    if not ids:
        return []
    staffed = CooperativePage.objects.filter(pk__in=ids).order_by("title")[:MAX_STAFFED_THREADS]
    return [cooperative for cooperative in staffed if permissions.may_message(user, rfq, cooperative)]
