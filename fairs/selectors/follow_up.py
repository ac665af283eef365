"""After a fair: the request for quotation a follow-up meeting offers its buyer, filled in from the
meeting's demand, and the agreements whose buyer may turn them into marketplace orders.

The RFQ form is marketplace's (`marketplace:rfq_new`, /cung-cau/dang-yeu-cau/); it reads its
initial values from these GET parameters: title, quantity, unit, category (slug), province
(delivery province code), per_month (1/0), target_price_vnd and details.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse

from catalog.selectors import listed_products
from marketplace.models import Order

from ..models import Agreement, AgreementOrder, Meeting

RFQ_NEW_PATH = "/cung-cau/dang-yeu-cau/"
# A URL stays well under the 8 KB that servers and proxies accept for a request line.
MAX_DETAILS_IN_URL = 1000


def rfq_new_path() -> str:
    """Where a buyer posts an RFQ: the marketplace's page, at its fixed path if not routed here."""
    try:
        return reverse("marketplace:rfq_new")
    except NoReverseMatch:
        return RFQ_NEW_PATH


def rfq_prefill(meeting: Meeting) -> dict[str, str]:
    """The RFQ form's initial values from the meeting's demand (else the product it was about).

    Reads `meeting.demand` (with category and delivery province) and `meeting.request.product`
    (with category): load them with `MEETING_RELATED` to keep a page's queries flat.
    """
    demand = meeting.demand
    if demand is not None:
        values = {
            "title": demand.title,
            "quantity": str(demand.quantity),
            "unit": demand.unit,
            "category": demand.category.slug if demand.category else "",
            "province": demand.delivery_province_id or "",
            "per_month": "1" if demand.per_month else "0",
            "target_price_vnd": "" if demand.target_price_vnd is None else str(demand.target_price_vnd),
            "details": demand.details[:MAX_DETAILS_IN_URL],
        }
        return {name: value for name, value in values.items() if value}
    product = meeting.request.product if meeting.request_id and meeting.request else None
    if product is not None:
        values = {"title": product.title, "unit": product.unit, "category": product.category.slug}
        return {name: value for name, value in values.items() if value}
    return {}


def rfq_url(meeting: Meeting) -> str:
    params = rfq_prefill(meeting)
    return f"{rfq_new_path()}?{urlencode(params)}" if params else rfq_new_path()


# What `rfq_prefill` reads, for select_related on a Meeting queryset.
MEETING_RELATED = ("demand__category", "demand__delivery_province", "request__product__category")


def agreement_orders_prefetch(lookup: str = "orders") -> Prefetch:
    """The orders placed under agreements, with what their lists show."""
    return Prefetch(
        lookup, queryset=AgreementOrder.objects.select_related("order").order_by("deliver_on", "pk")
    )


def agreements_prefetch(lookup: str) -> Prefetch:
    """A participant's agreements (`agreements_as_buyer` or `agreements_as_supplier`), with their
    parties, products and the orders placed under them."""
    return Prefetch(
        lookup,
        queryset=Agreement.objects.select_related("buyer", "supplier")
        .prefetch_related("products", agreement_orders_prefetch())
        .order_by("-signed_on", "-pk"),
    )


def agreement_for_buyer_page(fair, agreement_id: int) -> Agreement | None:
    """An agreement of `fair` with its parties, products and orders; None if not of this fair."""
    return (
        Agreement.objects.filter(fair=fair, pk=agreement_id)
        .select_related("fair", "buyer", "supplier__cooperative")
        .prefetch_related("products", agreement_orders_prefetch())
        .first()
    )


def live_orders(agreement: Agreement) -> list[AgreementOrder]:
    """The prefetched orders under the agreement that are not cancelled."""
    return [link for link in agreement.orders.all() if link.order.status != Order.Status.CANCELLED]


def orderable_products(agreement: Agreement):
    """What the buyer may order under the agreement: the cooperative's products on sale, only
    those the agreement names when it names any."""
    products = listed_products().filter(cooperative_id=agreement.supplier.cooperative_id)
    named = [product.pk for product in agreement.products.all()]
    if named:
        products = products.filter(pk__in=named)
    return products.order_by("title", "pk")
