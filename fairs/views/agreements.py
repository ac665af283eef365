"""Agreements' own pages: the signed document, and the buyer's orders under an agreement.

The one way to read a signed agreement's document is `agreement_document`, after fairs.permissions
says yes. The documents are in the private storage (catalog/storage.py) under random names and have
no URL of their own. The file is streamed from the storage as an attachment, never cached
by a browser or a proxy, and never sniffed into something a browser would run.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import verified_email_required
from marketplace.models import PaymentMethod
from marketplace.selectors.orders import last_shipping_address, province_choices, ward_choices

from .. import permissions, services
from ..forms_agreements import AgreedLineFormSet, AgreementOrdersForm
from ..models import Agreement
from ..selectors import follow_up
from ..selectors import public as selectors


@login_required
@require_GET
def agreement_document(request, fair_id: int, agreement_id: int):
    agreement = get_object_or_404(
        Agreement.objects.select_related("fair", "buyer", "supplier__cooperative"),
        fair_id=fair_id,
        pk=agreement_id,
    )
    if not permissions.can_view_agreement_document(request.user, agreement):
        raise PermissionDenied(_("Only the agreement's parties and the fair's organisers can read it."))
    document = agreement.document
    if not document or not document.storage.exists(document.name):
        raise Http404("This agreement has no document")
    filename = agreement.document_name or document.name.rsplit("/", 1)[-1]
    response = FileResponse(document.storage.open(document.name, "rb"), as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


# --- orders under an agreement ------------------------------------------------------------------


def _put_errors(form, line_problems: list[str], error: ValidationError) -> None:
    """A service's refusal onto the form: a field's message by its field, the lines' above them."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for name, field_errors in by_field.items():
        for message in ValidationError(field_errors).messages:
            if name == "lines":
                line_problems.append(message)
            else:
                form.add_error(name if name in form.fields else None, message)


@login_required
@verified_email_required
@require_http_methods(["GET", "POST"])
def agreement_orders(request, fair_id: int, agreement_id: int):
    """The agreement's buyer places its orders with the cooperative: once, or every month."""
    fair = selectors.live_fair(fair_id)
    agreement = follow_up.agreement_for_buyer_page(fair, agreement_id) if fair else None
    if agreement is None:
        raise Http404("No such agreement at this fair")
    if not permissions.may_order_under(request.user, agreement):
        raise PermissionDenied(_("Only the buyer of this agreement can place orders under it."))
    products = follow_up.orderable_products(agreement)
    posted = request.POST if request.method == "POST" else None
    form = AgreementOrdersForm(
        posted,
        initial={**last_shipping_address(request.user), "payment_method": PaymentMethod.VIETQR},
        provinces=province_choices(),
        wards_of=ward_choices,
    )
    lines = AgreedLineFormSet(
        posted,
        prefix="line",
        form_kwargs={"products": products},
        initial=[{"product": product.pk} for product in agreement.products.all()][:3] or None,
    )
    line_problems: list[str] = []
    status = 200
    if posted is not None:
        status = 400
        if all([form.is_valid(), lines.is_valid()]):
            try:
                orders = services.agreement_place_orders(
                    agreement=agreement, user=request.user, data=form.data_for_service(lines)
                )
            except ValidationError as error:
                _put_errors(form, line_problems, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s order placed with %(name)s. Pay it as its page shows.",
                        "%(count)s orders placed with %(name)s, one for each delivery. Pay each as its page shows.",
                        len(orders),
                    )
                    % {"count": len(orders), "name": agreement.supplier.name},
                )
                return redirect("fairs:agreement_orders", fair_id=fair.pk, agreement_id=agreement.pk)
    return render(
        request,
        "fairs/participant/agreement_orders.html",
        {
            "fair": fair,
            "agreement": agreement,
            "form": form,
            "lines": lines,
            "line_problems": line_problems,
            "has_products": products.exists(),
        },
        status=status,
    )
