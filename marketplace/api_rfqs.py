"""Requests for quotation under /api/v1/rfqs: the public board, one RFQ, posting one, the buyer's
matches and invitations.

Thin, as marketplace/api.py: routes parse input, read through marketplace.selectors.rfqs and write
through marketplace.services.rfqs. config/api.py answers a service's ValidationError with 400,
PermissionDenied with 403 and an RFQ the caller may not see (DoesNotExist) with 404, so an
invited-only RFQ is "not found" to outsiders, as one that does not exist. Inviting to an RFQ that
no longer takes quotes is 409. Session authentication with the CSRF check on writes, as the
other marketplace routes; the board and public RFQs are open to anonymous visitors, without the
buyer's identity.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from catalog.places import UnknownProvince, resolve_province
from catalog.search import SearchQueryError
from catalog.search.query import clean_text
from catalog.selectors import category_by_slug
from marketplace import permissions
from marketplace.api import SIGNED_IN_ANSWERS, anyone, state_conflicts
from marketplace.matching import rank_cooperatives
from marketplace.models import BuyerDemand, RfqInvitation
from marketplace.schemas import ErrorOut
from marketplace.schemas_rfqs import (
    InvitationsIn,
    InvitedListOut,
    MatchListOut,
    RfqDetailOut,
    RfqIn,
    RfqListOut,
)
from marketplace.selectors import rfqs as selectors
from marketplace.selectors.api import MAX_ID
from marketplace.services import rfqs as services

router = Router(tags=["requests for quotation"])

PAGE_SIZE = 20
MAX_PAGE = 10_000
MATCHES = 10
PUBLIC_ANSWERS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
RfqId = Path(..., ge=1, le=MAX_ID, description="The request's id.")


def _category(slug: str | None):
    if not slug:
        return None
    category = category_by_slug(slug) if SLUG_RE.match(slug) else None
    if category is None:
        raise HttpError(400, _("No category “%(slug)s”.") % {"slug": slug[:100]})
    return category


def _province(value: str | None):
    if not value:
        return None
    try:
        return resolve_province(value)
    except UnknownProvince as error:
        raise HttpError(400, str(error)) from error


def _rfq_out(rfq: BuyerDemand) -> dict:
    province = rfq.delivery_province
    return {
        "id": rfq.pk,
        "title": rfq.title,
        "category": rfq.category.slug if rfq.category_id else None,
        "description": rfq.details,
        "quantity": rfq.quantity,
        "unit": rfq.unit,
        "per_month": rfq.per_month,
        "target_price_vnd": rfq.target_price_vnd,
        "delivery_province": {"code": province.code, "name": province.name} if province else None,
        "deadline": rfq.deadline,
        "visibility": rfq.visibility,
        "status": rfq.status,
        "min_ocop_stars": rfq.min_ocop_stars,
        "certifications": list(rfq.required_certifications or []),
        "company_kind": rfq.company_kind,
        "created_at": rfq.created_at,
    }


def _cooperative_out(cooperative) -> dict:
    return {"tax_code": cooperative.tax_code, "name": cooperative.title}


def _invitation_out(invitation: RfqInvitation) -> dict:
    return {
        "cooperative": _cooperative_out(invitation.cooperative),
        "score": invitation.score,
        "reasons": list(invitation.reasons or []),
        "by_alliance": invitation.by_alliance,
        "invited_at": invitation.created_at,
    }


def _detail_out(view: selectors.RfqView) -> dict:
    buyer = view.buyer
    return {
        **_rfq_out(view.rfq),
        "buyer": {"name": buyer.get_full_name() or "", "organisation": buyer.organisation} if buyer else None,
        "invitations": None
        if view.invitations is None
        else [_invitation_out(invitation) for invitation in view.invitations],
    }


@router.get(
    "/rfqs",
    auth=anyone,
    response={200: RfqListOut, **PUBLIC_ANSWERS},
    summary="The board: open public requests for quotation, newest first, 20 to a page",
    description="Who asked is never shown here. `category` (a slug) takes in its subcategories; "
    "`province` (code or name) is where the goods go; `q` keeps requests holding every word in "
    "their title, description or category, marks optional (“ca phe” finds “cà phê”), best match "
    "first. A page past the last is 404.",
)
def rfq_board(
    request,
    category: str | None = Query(None, max_length=100, description="Category slug, e.g. food-rice."),
    province: str | None = Query(None, max_length=100, description="Delivery province: code or name."),
    q: str | None = Query(None, max_length=200, description="Words in the title or description."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    try:
        clean_text(q)  # search operators and control characters are a 400 with the plain words
    except SearchQueryError as error:
        raise HttpError(400, str(error)) from error
    rfqs = selectors.board(category=_category(category), province=_province(province), text=q or "")
    total = rfqs.count()
    last = max(1, math.ceil(total / PAGE_SIZE))
    if page > last:
        raise HttpError(
            404, _("Page %(page)s is past the last page (%(last)s).") % {"page": page, "last": last}
        )
    start = (page - 1) * PAGE_SIZE
    return {"total": total, "items": [_rfq_out(rfq) for rfq in rfqs[start : start + PAGE_SIZE]]}


@router.get(
    "/rfqs/{rfq_id}",
    auth=anyone,
    response={200: RfqDetailOut, **PUBLIC_ANSWERS},
    summary="One request for quotation",
    description="A public request is seen by anyone, an invited-only one by its buyer and the "
    "invited cooperatives' staff; to anyone else it is 404. `buyer` is shown to the buyer and to "
    "the cooperative whose quote was accepted; `invitations` to the buyer.",
)
def rfq_detail(request, rfq_id: int = RfqId):
    return _detail_out(selectors.rfq_view(request.user, rfq_id))


@router.post(
    "/rfqs",
    auth=django_auth,
    response={201: RfqDetailOut, **SIGNED_IN_ANSWERS},
    summary="Post a request for quotation",
    description="For signed-in buyers with a confirmed email address (403 otherwise). The "
    "deadline is after today and at most 180 days ahead; `category` is a slug, "
    "`delivery_province` a province code or name.",
)
def rfq_post(request, payload: RfqIn):
    data = services.RfqData(
        title=payload.title,
        category=_category(payload.category),
        details=payload.description,
        quantity=payload.quantity,
        unit=payload.unit,
        per_month=payload.per_month,
        target_price_vnd=payload.target_price_vnd,
        required_certifications=payload.certifications,
        min_ocop_stars=payload.min_ocop_stars,
        delivery_province=_province(payload.delivery_province),
        deadline=payload.deadline,
        visibility=payload.visibility,
        company_kind=payload.company_kind or "",
    )
    rfq = services.rfq_create(buyer=request.user, data=data)
    return Status(201, _detail_out(selectors.rfq_view(request.user, rfq.pk)))


def _own_rfq(request, rfq_id: int) -> BuyerDemand:
    rfq = selectors.rfq_for(request.user, rfq_id)
    if not permissions.owns_rfq(request.user, rfq):
        raise HttpError(403, _("Only the buyer who posted this request sees its matches."))
    return rfq


@router.get(
    "/rfqs/{rfq_id}/matches",
    auth=django_auth,
    response={200: MatchListOut, **SIGNED_IN_ANSWERS},
    summary="The cooperatives that best answer your request, with the reasons",
    description="The ten best of the whole catalogue (marketplace/matching.py): the request's "
    "words and category, certifications, valid OCOP stars, capacity, price and distance, scored "
    "0–100. Only the request's buyer (403 for anyone else who may see it, 404 for the rest).",
)
def rfq_matches(request, rfq_id: int = RfqId):
    rfq = _own_rfq(request, rfq_id)
    matches = rank_cooperatives(rfq, limit=MATCHES)
    invited = set(rfq.invitations.values_list("cooperative_id", flat=True))
    return {
        "items": [
            {
                "cooperative": _cooperative_out(match.cooperative),
                "score": match.score,
                "reasons": match.reasons,
                "product": {"sku": match.product.sku, "name": match.product.title},
                "invited": match.cooperative.pk in invited,
            }
            for match in matches
        ]
    }


@router.post(
    "/rfqs/{rfq_id}/invitations",
    auth=django_auth,
    response={201: InvitedListOut, 409: ErrorOut, **SIGNED_IN_ANSWERS},
    summary="Invite cooperatives to quote",
    description="By tax code. The request's buyer invites any listed cooperative; alliance staff "
    "those of their provinces (403 otherwise). Inviting a cooperative again changes nothing "
    "(`new` is false). Each newly invited cooperative's staff are emailed. 409 when the request "
    "no longer takes quotes; an unknown tax code is 400.",
)
def rfq_invitations(request, payload: InvitationsIn, rfq_id: int = RfqId):
    rfq = selectors.rfq_for(request.user, rfq_id)
    codes = list(dict.fromkeys(payload.cooperatives))
    found = selectors.invitable_cooperatives(codes)
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise HttpError(
            400,
            _("No listed cooperative has the tax code %(codes)s.")
            % {"codes": ", ".join(code[:20] for code in unknown[:10])},
        )
    with state_conflicts():
        invited = services.rfq_invite(user=request.user, rfq=rfq, cooperatives=[found[c] for c in codes])
    return Status(201, {"items": [{**_invitation_out(item.invitation), "new": item.new} for item in invited]})
