"""The order confirmation PDF, for the order's buyer and the cooperative's staff (and overseers)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import get_language

from marketplace.documents import render_pdf
from marketplace.permissions import is_buyer_of, may_refund
from marketplace.selectors.documents import order_confirmation_context, order_for_document


@login_required
def order_confirmation_pdf(request, number: str):
    order = order_for_document(number[:20])
    if order is None or not (is_buyer_of(request.user, order) or may_refund(request.user, order.cooperative)):
        raise Http404
    language = "en" if get_language() == "en" else "vi"
    pdf = render_pdf(
        template="marketplace/documents/order_confirmation.html",
        context=order_confirmation_context(order),
        language=language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
