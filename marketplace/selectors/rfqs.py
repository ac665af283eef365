"""Reads for requests for quotation (RFQs): the public board, one RFQ as a viewer may see it, the
cooperatives invited, and the invitations waiting for a cooperative's staff.

An RFQ is open while its status is "open" and its deadline has not passed (the expiry task may
not have closed it yet): `open_rfqs` and `is_open` are that one rule, for querysets and for a row.
The board never shows who the buyer is; `rfq_for` shows it only to those `may_see_buyer` allows.
Its text filter is the catalogue's search service (entries of kind "rfq", marketplace/rfq_index.py):
marks optional, best match first; the board's own filters are applied again here, so an entry
the index has not yet dropped is never shown.
A lookup the viewer may not make raises DoesNotExist, as for an RFQ that does not exist, so a
guessed id reveals nothing (config/api.py answers 404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import search
from catalog.models import Category, CooperativePage, Province
from catalog.models.pages import TAX_CODE_RE
from catalog.permissions import staffing
from catalog.search.query import MAX_ENTRY_PAGE_SIZE
from marketplace import permissions
from marketplace.models import BuyerDemand, RfqInvitation
from marketplace.selectors.api import MAX_ID

# Search hits the board's text filter reads at most: the best this many matches.
RFQ_SEARCH_HITS = MAX_ENTRY_PAGE_SIZE
# The kind of the RFQs' search entries (marketplace/rfq_index.py).
RFQ_KIND = "rfq"
MAX_STAFF_INVITATIONS = 20


def open_rfqs() -> QuerySet:
    """RFQs still taking quotes: open, and their deadline today or later."""
    return BuyerDemand.objects.filter(
        kind=BuyerDemand.Kind.RFQ, status=BuyerDemand.Status.OPEN, deadline__gte=timezone.localdate()
    )


def is_open(rfq: BuyerDemand) -> bool:
    """`open_rfqs` for one RFQ in hand."""
    return (
        rfq.kind == BuyerDemand.Kind.RFQ
        and rfq.status == BuyerDemand.Status.OPEN
        and rfq.deadline is not None
        and rfq.deadline >= timezone.localdate()
    )


def _with_facts(rfqs: QuerySet) -> QuerySet:
    """What an RFQ shows (category, delivery province) and what matching reads (the category's group)."""
    return rfqs.select_related("category", "category__parent", "delivery_province")


def _ids_for_text(
    text: str, category: Category | None, province: Province | None, min_quantity: int | None
) -> list[int] | None:
    """The ids of the RFQs the search service finds for `text`, best first (None: no text; none
    for text search cannot take, such as its operators, which the API refuses before this)."""
    if not text.strip():
        return None
    query = search.EntryQuery(
        kind=RFQ_KIND,
        text=text,
        category=category.slug if category else None,
        province=province.code if province else None,
        quantity_min=min_quantity or None,
        page_size=RFQ_SEARCH_HITS,
    )
    try:
        return [hit.key for hit in search.search_entries(query).hits]
    except search.SearchQueryError:
        return []


def board(
    *,
    category: Category | None = None,
    province: Province | None = None,
    text: str = "",
    min_quantity: int | None = None,
) -> QuerySet:
    """Public, open RFQs of a category (its subcategories included), delivered to a province, asking
    for `min_quantity` units or more. With `text`, those the search service finds for it (every
    word, in the title, details or category, marks optional), best match first; else newest first.
    The buyer is not loaded."""
    rfqs = open_rfqs().filter(visibility=BuyerDemand.Visibility.PUBLIC)
    if category is not None:
        rfqs = rfqs.filter(Q(category=category) | Q(category__parent=category))
    if province is not None:
        rfqs = rfqs.filter(delivery_province=province)
    if min_quantity:
        rfqs = rfqs.filter(quantity__gte=min_quantity)
    order = ["-created_at", "-pk"]
    ids = _ids_for_text(text, category, province, min_quantity)
    if ids is not None:
        rfqs = rfqs.filter(pk__in=ids)
        rank = [When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)]
        if rank:
            order = [Case(*rank, default=Value(len(ids)), output_field=IntegerField()), *order]
    return _with_facts(rfqs).order_by(*order)


@dataclass
class RfqView:
    """One RFQ as a viewer sees it: the buyer only when they may see who it is, the invitations
    only for the buyer (None otherwise)."""

    rfq: BuyerDemand
    buyer: object | None
    invitations: list[RfqInvitation] | None


def _not_found(rfq_id) -> BuyerDemand.DoesNotExist:
    return BuyerDemand.DoesNotExist(_("No request for quotation %(id)s.") % {"id": str(rfq_id)[:40]})


def rfq_for(user, rfq_id: int) -> BuyerDemand:
    """An RFQ `user` may see (`may_view_rfq`), with its category and delivery province."""
    rfq = None
    if isinstance(rfq_id, int) and not isinstance(rfq_id, bool) and 1 <= rfq_id <= MAX_ID:
        rfq = _with_facts(BuyerDemand.objects.filter(pk=rfq_id, kind=BuyerDemand.Kind.RFQ)).first()
    if rfq is None or not permissions.may_view_rfq(user, rfq):
        raise _not_found(rfq_id)
    return rfq


def rfq_view(user, rfq_id: int) -> RfqView:
    """`rfq_for`, with the buyer's identity and the invitations where `user` may see them."""
    rfq = rfq_for(user, rfq_id)
    buyer = rfq.buyer if permissions.may_see_buyer(user, rfq) else None
    owner = permissions.owns_rfq(user, rfq)
    return RfqView(rfq=rfq, buyer=buyer, invitations=invitations(rfq) if owner else None)


def invitations(rfq: BuyerDemand) -> list[RfqInvitation]:
    """The cooperatives invited to quote on `rfq`, first invited first."""
    return list(rfq.invitations.select_related("cooperative").order_by("created_at", "pk"))


def invitable_cooperatives(tax_codes: list[str]) -> dict[str, CooperativePage]:
    """The listed cooperatives (published and verified) among these tax codes, by tax code."""
    codes = [code for code in tax_codes if isinstance(code, str) and TAX_CODE_RE.match(code)]
    if not codes:
        return {}
    cooperatives = CooperativePage.objects.live().filter(
        verification=CooperativePage.Verification.VERIFIED, tax_code__in=codes
    )
    return {cooperative.tax_code: cooperative for cooperative in cooperatives}


def invitations_for_staff(user, *, limit: int = MAX_STAFF_INVITATIONS) -> list[RfqInvitation]:
    """The invitations to quote on open RFQs of the cooperatives `user` staffs, newest first (for
    the admin dashboard). Superusers staff no cooperative by this measure and get none."""
    cooperatives = staffing(user).cooperative_ids
    if not cooperatives:
        return []
    found = RfqInvitation.objects.filter(cooperative_id__in=cooperatives, rfq__in=open_rfqs())
    found = found.select_related("cooperative", "rfq", "rfq__delivery_province")
    return list(found.order_by("-created_at", "-pk")[:limit])
