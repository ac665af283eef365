"""Reads for quotes on requests for quotation: who sees which quote, the side-by-side comparison, and
the message threads.

An RFQ's buyer sees every quote on it with its revision history; a cooperative's staff see only
their cooperative's own; anyone else sees nothing, and a lookup for them raises the model's
DoesNotExist (the API answers 404, so a guessed id reveals nothing). A list of quotes costs the
same few queries whatever its length (tests/marketplace/quotes/test_selectors.py counts them).

Distance is between the cooperative's province and the RFQ's delivery province, from the
provinces' administrative centres (marketplace.matching.distance_km, as the ranking uses).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import CooperativeCertification, CooperativePage, OcopCertificate, ProductPage
from catalog.models.pages import TAX_CODE_RE
from catalog.permissions import staffed_cooperatives
from catalog.selectors import listed_products, with_valid_stars
from marketplace import pricing
from marketplace.matching import distance_km
from marketplace.models import BuyerDemand, Quote, QuoteLine, QuoteRevision, RfqMessage
from marketplace.permissions import may_message, may_see_quote, may_view_rfq, owns_rfq

MAX_ID = 2**63 - 1
# --- RFQs and quotes ---------------------------------------------------------------------------


def _an_id(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= MAX_ID


def rfq_for(user, rfq_id: int) -> BuyerDemand:
    """An RFQ the user may see (a public one, or one they are part of); any other is not found."""
    rfq = None
    if _an_id(rfq_id):
        rfq = BuyerDemand.objects.filter(pk=rfq_id, kind=BuyerDemand.Kind.RFQ).first()
    if rfq is None or not may_view_rfq(user, rfq):
        raise BuyerDemand.DoesNotExist(_("No request for quotation %(id)s.") % {"id": str(rfq_id)[:20]})
    return rfq


def quote_for(user, quote_id: int) -> Quote:
    """A quote the user may see: the RFQ's buyer or the quoting cooperative's staff."""
    quote = None
    if _an_id(quote_id):
        quote = Quote.objects.select_related("rfq", "cooperative").filter(pk=quote_id).first()
    if quote is None or not may_see_quote(user, quote):
        raise Quote.DoesNotExist(_("No quote %(id)s.") % {"id": str(quote_id)[:20]})
    return quote


def visible_quotes(user, rfq: BuyerDemand) -> QuerySet | None:
    """The quotes on `rfq` the user may see, or None when they may see none at all (neither its buyer
    nor the staff of a cooperative)."""
    quotes = Quote.objects.filter(rfq=rfq)
    if owns_rfq(user, rfq):
        return quotes
    staffed = staffed_cooperatives(user) if user.is_authenticated else CooperativePage.objects.none()
    if not may_view_rfq(user, rfq) or not staffed.exists():
        return None
    return quotes.filter(cooperative__in=staffed)


def _with_history(quotes: QuerySet) -> QuerySet:
    today = timezone.localdate()
    valid_certifications = CooperativeCertification.objects.filter(valid_from__lte=today).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    products = with_valid_stars(ProductPage.objects.only("pk", "sku", "title", "name_en"))
    lines = QuoteLine.objects.order_by("pk").prefetch_related(Prefetch("product", queryset=products))
    revisions = QuoteRevision.objects.order_by("-number").prefetch_related(Prefetch("lines", queryset=lines))
    return quotes.select_related("cooperative__province", "order").prefetch_related(
        Prefetch("revisions", queryset=revisions),
        Prefetch("cooperative__certifications", queryset=valid_certifications.order_by("scheme")),
    )


@dataclass(frozen=True)
class QuoteView:
    """A quote with its revisions (newest first) and what the buyer compares it by."""

    quote: Quote
    revisions: list[QuoteRevision]
    unit: str | None  # the one unit of all its lines, if they share one
    per_unit_vnd: int | None  # total over quantity, in that unit
    within_target: bool | None  # per unit at or below the RFQ's target price (same unit only)
    quoted_stars: int | None  # best valid OCOP stars among the quoted products
    cooperative_stars: int | None  # best valid OCOP stars among the cooperative's listed products
    certifications: list[str]  # schemes of the cooperative's certifications valid today
    distance_km: int | None

    @property
    def latest(self) -> QuoteRevision:
        return self.revisions[0]


def _per_unit(revision: QuoteRevision) -> tuple[str | None, int | None]:
    lines = list(revision.lines.all())
    units = {line.unit for line in lines}
    if len(units) != 1:
        return None, None
    quantity = sum(line.quantity for line in lines)
    per_unit = (Decimal(revision.total_vnd) / quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return units.pop(), int(per_unit)


def _cooperative_stars(cooperative_ids: set[int]) -> dict[int, int]:
    if not cooperative_ids:
        return {}
    listed = listed_products().filter(cooperative__in=cooperative_ids)
    rows = (
        OcopCertificate.objects.valid_on(timezone.localdate())
        .filter(product__in=listed.values("pk"))
        .values("product__cooperative")
        .annotate(best=Max("stars"))
    )
    return {row["product__cooperative"]: row["best"] for row in rows}


def quote_views(user, rfq: BuyerDemand) -> list[QuoteView]:
    """The quotes the user may see on `rfq`, cheapest first, each with its history and comparison;
    BuyerDemand.DoesNotExist when they may see none at all."""
    quotes = visible_quotes(user, rfq)
    if quotes is None:
        raise BuyerDemand.DoesNotExist(_("No request for quotation %(id)s.") % {"id": rfq.pk})
    quotes = list(_with_history(quotes).order_by("total_vnd", "pk"))
    stars = _cooperative_stars({quote.cooperative_id for quote in quotes})
    views = []
    for quote in quotes:
        revisions = list(quote.revisions.all())
        if not revisions:
            continue  # a quote is written with its first revision; none here would be a broken row
        unit, per_unit = _per_unit(revisions[0])
        quoted = [line.product.valid_stars for line in revisions[0].lines.all() if line.product is not None]
        quoted = [value for value in quoted if value]
        km = distance_km(quote.cooperative.province_id, rfq.delivery_province_id)
        target = rfq.target_price_vnd
        views.append(
            QuoteView(
                quote=quote,
                revisions=revisions,
                unit=unit,
                per_unit_vnd=per_unit,
                within_target=per_unit <= target if target and per_unit and unit == rfq.unit else None,
                quoted_stars=max(quoted) if quoted else None,
                cooperative_stars=stars.get(quote.cooperative_id),
                certifications=[c.scheme for c in quote.cooperative.certifications.all()],
                distance_km=round(km) if km is not None else None,
            )
        )
    return views


# --- message threads ---------------------------------------------------------------------------


def thread_cooperative(user, rfq: BuyerDemand, tax_code: str | None) -> CooperativePage:
    """The cooperative on the other side of the user's thread about `rfq`.

    The buyer names it by tax code; a cooperative's staff may leave it out when they staff one
    cooperative only (ValidationError when it is needed and missing). CooperativePage.DoesNotExist
    when there is no such thread for the user.
    """
    if tax_code is not None:
        cooperative = None
        if isinstance(tax_code, str) and TAX_CODE_RE.match(tax_code):
            cooperative = CooperativePage.objects.filter(tax_code=tax_code).first()
    elif owns_rfq(user, rfq):
        raise ValidationError(
            _("Name the cooperative (its tax code) whose conversation you want."), code="cooperative"
        )
    else:
        staffed = list(staffed_cooperatives(user)[:2]) if user.is_authenticated else []
        cooperative = staffed[0] if len(staffed) == 1 else None
        if len(staffed) > 1:
            raise ValidationError(
                _("You staff several cooperatives: name one by its tax code."), code="cooperative"
            )
    if cooperative is None or not may_message(user, rfq, cooperative):
        raise CooperativePage.DoesNotExist(_("No conversation with this cooperative about this request."))
    return cooperative


def thread_messages(rfq: BuyerDemand, cooperative: CooperativePage) -> QuerySet:
    """The messages between the RFQ's buyer and `cooperative`, oldest first (the caller has checked
    who asks, with `thread_cooperative`)."""
    return RfqMessage.objects.filter(rfq=rfq, cooperative=cooperative).order_by("created_at", "pk")


# --- the quote as a document -------------------------------------------------------------------


def quote_document_context(quote: Quote) -> dict:
    """What the quote PDF says (marketplace/templates/marketplace/documents/quote.html), from the
    quote as it stands (its latest revision). Build it in the document's language: the labels are
    read here. The cooperative's phone and email appear only once the quote is accepted, and the
    buyer is named by their kind of business only (a public RFQ hides them until then)."""
    quote = Quote.objects.select_related("rfq__delivery_province", "cooperative__province", "order").get(
        pk=quote.pk
    )
    revision = quote.revisions.prefetch_related(
        Prefetch("lines", queryset=QuoteLine.objects.order_by("pk"))
    ).get(number=quote.revision)
    rfq, cooperative = quote.rfq, quote.cooperative
    accepted = quote.status == Quote.Status.ACCEPTED
    deposit = pricing.deposit(total_vnd=revision.total_vnd, percent=revision.deposit_percent or 0)
    return {
        "quote": {
            "id": quote.pk,
            "revision": revision.number,
            "issued_at": revision.created_at,
            "valid_until": revision.valid_until,
            "status_label": quote.get_status_display(),
            "order_number": quote.order.number if accepted and quote.order else "",
            "payment_terms_label": revision.get_payment_terms_display(),
            "deposit_percent": revision.deposit_percent,
            "deposit_vnd": deposit,
            "rest_vnd": revision.total_vnd - deposit,
            "lead_time_days": revision.lead_time_days,
            "delivery_terms": revision.delivery_terms,
            "note": revision.note,
            "total_vnd": revision.total_vnd,
        },
        "cooperative": {
            "name": cooperative.title,
            "tax_code": cooperative.tax_code,
            "address": cooperative.address,
            "province": cooperative.province.name if cooperative.province else "",
            "phone": cooperative.phone if accepted else "",
            "email": cooperative.email if accepted else "",
        },
        "rfq": {
            "title": rfq.title,
            "quantity": rfq.quantity,
            "unit": rfq.unit,
            "per_month": rfq.per_month,
            "delivery_province": rfq.delivery_province.name if rfq.delivery_province else "",
            "buyer_kind": rfq.get_company_kind_display() if rfq.company_kind else "",
        },
        "lines": [
            {
                "sku": line.sku,
                "name": line.description,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price_vnd": line.unit_price_vnd,
                "line_total_vnd": line.line_total_vnd,
                "vat_label": line.get_vat_rate_display(),
            }
            for line in revision.lines.all()
        ],
    }
