"""Quotes API under /api/v1/: quotes on a request for quotation, accepting one, the message threads.

As marketplace/api.py: routes parse input, read through marketplace.selectors.quotes and write
through marketplace.services.quotes; config/api.py maps a ValidationError to 400, PermissionDenied
to 403 and DoesNotExist to 404, each as {"detail": message}, and no session to 401. 409 means "not
in this state": a quote on an RFQ that takes no more quotes, a revision or withdrawal of a quote
that is no longer sent, and an acceptance that the quote's state refuses (expired, withdrawn,
revised meanwhile, another quote accepted, the RFQ closed).

Who sees what: an RFQ's buyer sees every quote on it and talks with any cooperative that may
quote; a cooperative's staff see their own quote and their own thread; anyone else gets 404, so
an id reveals nothing.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from marketplace.api import SIGNED_IN_ANSWERS, Limit, Offset, state_conflicts
from marketplace.documents import render_pdf
from marketplace.models import Quote, QuoteRevision, RfqMessage
from marketplace.quote_schemas import (
    AcceptedOut,
    AcceptIn,
    MessageIn,
    MessageOut,
    QuoteIn,
    QuoteListOut,
    QuoteSentOut,
    ThreadOut,
)
from marketplace.schemas import ErrorOut
from marketplace.selectors import api as api_selectors
from marketplace.selectors import quotes as selectors
from marketplace.services.checkout import ShippingAddress
from marketplace.services.quotes import (
    QuoteData,
    QuoteLineData,
    QuoteNotAcceptable,
    quote_accept,
    quote_submit,
    quote_withdraw,
    rfq_message_post,
)

router = Router(tags=["quotes"])

QUOTE_CONFLICTS = frozenset({"closed", "not_sent"})
ANSWERS = {409: ErrorOut, **SIGNED_IN_ANSWERS}
RfqId = Path(..., ge=1, le=selectors.MAX_ID, description="The request for quotation's id.")
QuoteId = Path(..., ge=1, le=selectors.MAX_ID, description="The quote's id.")
ThreadOf = Query(
    None,
    max_length=20,
    description="Tax code of the cooperative whose conversation with the buyer this is: required for "
    "the buyer, optional for the staff of a single cooperative.",
)


def _quoting_cooperative(user, tax_code: str | None):
    if tax_code is not None:
        return api_selectors.staffed_cooperative(user, tax_code)
    staffed = list(api_selectors.staffed_cooperatives_of(user).order_by("tax_code")[:2])
    if not staffed:
        raise HttpError(403, _("You do not staff any cooperative."))
    if len(staffed) > 1:
        raise HttpError(400, _("You staff several cooperatives: name the quoting one with “cooperative”."))
    return staffed[0]


def _sent(quote: Quote) -> dict:
    return {"id": quote.pk, "revision": quote.revision, "total_vnd": quote.total_vnd, "status": quote.status}


@router.post(
    "/rfqs/{rfq_id}/quotes",
    auth=django_auth,
    response={201: QuoteSentOut, **ANSWERS},
    summary="Quote on a request for quotation, or revise your quote",
    description="For the staff of a cooperative invited to the RFQ, or of any cooperative when the RFQ "
    "is public. Lines name one of your listed products by `sku` (its name, unit and VAT rate are the "
    "product's), or describe goods not listed with a `description`, a `unit` (the RFQ's by default) "
    "and a `vat_category`. Unit prices are whole đồng, VAT included. Posting again makes a new "
    "revision (the buyer sees every one) while your quote waits for the buyer; 409 once it is "
    "accepted, declined, withdrawn or expired, and when the RFQ takes no more quotes. Transfer and "
    "deposit terms need your bank account in your terms of sale.",
)
def quote_send(request, payload: QuoteIn, rfq_id: int = RfqId):
    rfq = selectors.rfq_for(request.user, rfq_id)
    cooperative = _quoting_cooperative(request.user, payload.cooperative)
    data = QuoteData(
        lines=[
            QuoteLineData(
                quantity=line.quantity,
                unit_price_vnd=line.unit_price_vnd,
                sku=line.sku or "",
                description=line.description or "",
                unit=line.unit or "",
                vat_rate=line.vat_category or "",
            )
            for line in payload.lines
        ],
        valid_until=payload.valid_until,
        lead_time_days=payload.lead_time_days,
        payment_terms=payload.payment_terms,
        deposit_percent=payload.deposit_percent,
        delivery_terms=payload.delivery_terms,
        note=payload.note,
    )
    with state_conflicts(QUOTE_CONFLICTS):
        quote = quote_submit(user=request.user, rfq=rfq, cooperative=cooperative, data=data)
    return Status(201, _sent(quote))


def _revision_out(revision: QuoteRevision) -> dict:
    return {
        "number": revision.number,
        "created_at": revision.created_at,
        "valid_until": revision.valid_until,
        "lead_time_days": revision.lead_time_days,
        "delivery_terms": revision.delivery_terms,
        "payment_terms": revision.payment_terms,
        "deposit_percent": revision.deposit_percent,
        "note": revision.note,
        "subtotal_vnd": revision.subtotal_vnd,
        "total_vnd": revision.total_vnd,
        "lines": [
            {
                "sku": line.sku,
                "description": line.description,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price_vnd": line.unit_price_vnd,
                "line_total_vnd": line.line_total_vnd,
                "vat_rate": line.vat_rate,
                "ocop_stars": line.product.valid_stars if line.product else None,
            }
            for line in revision.lines.all()
        ],
    }


def _quote_out(view: selectors.QuoteView) -> dict:
    quote = view.quote
    return {
        "id": quote.pk,
        "cooperative": {
            "tax_code": quote.cooperative.tax_code,
            "name": quote.cooperative.title,
            "province": quote.cooperative.province.name,
        },
        "status": quote.status,
        "revision": quote.revision,
        "total_vnd": quote.total_vnd,
        "valid_until": quote.valid_until,
        "accepted_at": quote.accepted_at,
        "order": quote.order.number if quote.order else None,
        "comparison": {
            "unit": view.unit,
            "per_unit_vnd": view.per_unit_vnd,
            "within_target": view.within_target,
            "quoted_ocop_stars": view.quoted_stars,
            "cooperative_ocop_stars": view.cooperative_stars,
            "certifications": view.certifications,
            "distance_km": view.distance_km,
        },
        "revisions": [_revision_out(revision) for revision in view.revisions],
    }


@router.get(
    "/rfqs/{rfq_id}/quotes",
    auth=django_auth,
    response={200: QuoteListOut, **SIGNED_IN_ANSWERS},
    summary="The quotes on a request for quotation, side by side, cheapest first",
    description="The RFQ's buyer sees every quote with its revision history and what to compare it "
    "by (price per unit, valid OCOP stars, certifications, distance); a cooperative's staff see "
    "only their own quote. Anyone else gets 404.",
)
def quote_list(request, rfq_id: int = RfqId):
    rfq = selectors.rfq_for(request.user, rfq_id)
    return {"items": [_quote_out(view) for view in selectors.quote_views(request.user, rfq)]}


@router.post(
    "/quotes/{quote_id}/accept",
    auth=django_auth,
    response={201: AcceptedOut, **ANSWERS},
    summary="Accept a quote: it becomes an order at the quote's prices",
    description="For the RFQ's buyer. The body is optional: `shipping` (as at checkout; your most "
    "recent order's address when left out, 400 when you have none), a `note`, and the `revision` you "
    "saw. Transfer and deposit terms are paid by VietQR transfer to the cooperative (the order, "
    "GET /orders/{number}, says where and how much: the whole amount, the deposit term is in its "
    "note), cash on delivery in cash. The other quotes are declined. 409 when the quote is no longer "
    "valid (expired, withdrawn, revised since `revision`), another quote of this RFQ was accepted, "
    "or the RFQ is closed.",
)
def quote_accept_route(request, quote_id: int = QuoteId, payload: AcceptIn | None = None):
    quote = selectors.quote_for(request.user, quote_id)
    payload = payload or AcceptIn()
    shipping = ShippingAddress(**payload.shipping.dict()) if payload.shipping else None
    try:
        order = quote_accept(
            user=request.user, quote=quote, shipping=shipping, note=payload.note, revision=payload.revision
        )
    except QuoteNotAcceptable as error:
        raise HttpError(409, " ".join(error.messages)) from error
    return Status(
        201,
        {
            "order": {
                "number": order.number,
                "total_vnd": order.total_vnd,
                "status": order.status,
                "payment_status": order.payment_status,
                "payment_method": order.payment_method,
            }
        },
    )


@router.post(
    "/quotes/{quote_id}/withdraw",
    auth=django_auth,
    response={200: QuoteSentOut, **ANSWERS},
    summary="Withdraw your cooperative's quote while the buyer has not decided",
    description="For the quoting cooperative's staff (403 for the buyer, 404 for anyone else); 409 "
    "once the quote is no longer waiting for the buyer.",
)
def quote_withdraw_route(request, quote_id: int = QuoteId):
    quote = selectors.quote_for(request.user, quote_id)
    with state_conflicts(QUOTE_CONFLICTS):
        quote = quote_withdraw(user=request.user, quote=quote)
    return _sent(quote)


@router.get(
    "/quotes/{quote_id}/pdf",
    auth=django_auth,
    response={200: None, **SIGNED_IN_ANSWERS},
    summary="The quote as a PDF, in Vietnamese or English",
    description="For the RFQ's buyer and the quoting cooperative's staff (404 for anyone else). The "
    "quote as it stands (its latest revision). Until the quote is accepted the document names "
    "neither the buyer nor the cooperative's phone and email.",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def quote_pdf(request, quote_id: int = QuoteId, language: Literal["vi", "en"] = Query("vi")):
    quote = selectors.quote_for(request.user, quote_id)
    with translation.override(language):  # the labels are read while the context is built
        context = selectors.quote_document_context(quote)
    pdf = render_pdf(template="marketplace/documents/quote.html", context=context, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bao-gia-{quote.pk}-{quote.revision}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- message threads ---------------------------------------------------------------------------


def _message_out(message: RfqMessage) -> dict:
    return {
        "id": message.pk,
        "from_buyer": message.from_buyer,
        "body": message.body,
        "created_at": message.created_at,
    }


@router.get(
    "/rfqs/{rfq_id}/messages",
    auth=django_auth,
    response={200: ThreadOut, **SIGNED_IN_ANSWERS},
    summary="The conversation between the RFQ's buyer and one cooperative, oldest first",
    description="The buyer names the cooperative (`cooperative`, its tax code); a cooperative's staff "
    "read their own. Anyone else, and another cooperative's conversation, is 404.",
)
def thread_read(
    request, rfq_id: int = RfqId, cooperative: str | None = ThreadOf, limit: int = Limit, offset: int = Offset
):
    rfq = selectors.rfq_for(request.user, rfq_id)
    other = selectors.thread_cooperative(request.user, rfq, cooperative)
    messages = selectors.thread_messages(rfq, other)
    return {
        "cooperative": {"tax_code": other.tax_code, "name": other.title},
        "total": messages.count(),
        "limit": limit,
        "offset": offset,
        "items": [_message_out(message) for message in messages[offset : offset + limit]],
    }


@router.post(
    "/rfqs/{rfq_id}/messages",
    auth=django_auth,
    response={201: MessageOut, **SIGNED_IN_ANSWERS},
    summary="Write in the conversation between the RFQ's buyer and one cooperative",
    description="As reading it. Email addresses and phone numbers are masked until a quote of the "
    "cooperative is accepted; the other side is told by email.",
)
def thread_write(request, payload: MessageIn, rfq_id: int = RfqId, cooperative: str | None = ThreadOf):
    rfq = selectors.rfq_for(request.user, rfq_id)
    other = selectors.thread_cooperative(request.user, rfq, cooperative)
    message = rfq_message_post(user=request.user, rfq=rfq, cooperative=other, body=payload.body)
    return Status(201, _message_out(message))
