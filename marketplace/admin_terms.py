"""The cooperative's terms of sale in the Wagtail admin ("Thiết lập bán hàng").

Staff set where buyers' transfers go (bank BIN, account number, holder's name), how orders are
shipped and whether cash on delivery is accepted. The terms are saved through
catalog.services.cooperative_terms_set, whose model validation supplies the error messages. A
VietQR code for 10.000 đ to the saved account lets staff scan it with their own bank app and see
that the money would reach the right account before any buyer pays.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin

from catalog import services as catalog_services
from catalog.models import CooperativePage
from marketplace import admin_forms, permissions
from marketplace.documents import qr_png_data_uri
from marketplace.payments import vietqr
from marketplace.payments.banks import bank_name
from marketplace.payments.words import vnd_in_words

PREVIEW_AMOUNT_VND = 10_000
PREVIEW_PURPOSE = "KIEM TRA"


def transfer_preview(terms: catalog_services.TermsData) -> dict | None:
    """What a buyer's bank app would show for a 10.000 đ transfer to the cooperative's saved account."""
    if not (terms.bank_bin and terms.bank_account and terms.bank_account_name):
        return None
    try:
        payload = vietqr.build(
            bank_bin=terms.bank_bin,
            account=terms.bank_account,
            amount=PREVIEW_AMOUNT_VND,
            purpose=PREVIEW_PURPOSE,
        )
    except ValueError:
        return None
    return {
        "bank": bank_name(terms.bank_bin),
        "bank_bin": terms.bank_bin,
        "account": terms.bank_account,
        "account_name": terms.bank_account_name,
        "amount_vnd": PREVIEW_AMOUNT_VND,
        "amount_in_words": vnd_in_words(PREVIEW_AMOUNT_VND),
        "purpose": PREVIEW_PURPOSE,
        "payload": payload,
        "qr": qr_png_data_uri(payload),
    }


class TermsIndexView(BaseListingView):
    """The cooperatives whose terms the user may set; a cooperative's staff member with one goes straight to it."""

    page_title = _("Terms of sale")
    header_icon = "cog"
    index_url_name = "marketplace_terms"
    index_results_url_name = "marketplace_terms_results"
    paginate_by = 50
    is_searchable = True
    search_fields = ["title", "tax_code"]
    search_backend_name = None
    verbose_name = _("cooperative")
    verbose_name_plural = _("cooperatives")
    columns = [
        TitleColumn(
            "title",
            label=_("Cooperative"),
            get_url=lambda cooperative: reverse("marketplace_cooperative_terms", args=[cooperative.pk]),
        ),
        Column("tax_code", label=_("Tax code")),
        BooleanColumn("has_bank", label=_("Bank account"), accessor=lambda c: _has_bank(c)),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not permissions.may_change_any_terms(request.user):
            raise PermissionDenied
        if not request.user.is_superuser and not self.results_only:
            ids = list(permissions.terms_cooperatives(request.user).values_list("pk", flat=True)[:2])
            if len(ids) == 1:
                return redirect("marketplace_cooperative_terms", ids[0])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return permissions.terms_cooperatives(self.request.user).select_related("terms").order_by("title")


def _has_bank(cooperative) -> bool:
    terms = getattr(cooperative, "terms", None)
    return bool(terms and terms.has_bank_account)


class TermsView(WagtailAdminTemplateMixin, FormView):
    template_name = "marketplace/admin/terms.html"
    form_class = admin_forms.TermsForm
    page_title = _("Terms of sale")
    header_icon = "cog"

    def dispatch(self, request, *args, cooperative_id: int = 0, **kwargs):
        self.cooperative = CooperativePage.objects.filter(pk=cooperative_id).first()
        if self.cooperative is None:
            raise Http404
        if not permissions.may_change_terms(request.user, self.cooperative):
            raise PermissionDenied
        self.terms = catalog_services.cooperative_terms_of(self.cooperative)
        return super().dispatch(request, *args, cooperative_id=cooperative_id, **kwargs)

    def get_page_subtitle(self):
        return self.cooperative.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("marketplace_terms"), "label": gettext("Terms of sale")},
            {"url": "", "label": self.cooperative.title},
        ]

    def get_initial(self):
        return admin_forms.TermsForm.initial_from(self.terms)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            cooperative=self.cooperative,
            preview=transfer_preview(self.terms),
            orders_url=reverse("marketplace_orders"),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        terms = catalog_services.TermsData(
            bank_bin=data["bank_bin"],
            bank_account=data["bank_account"].strip(),
            bank_account_name=data["bank_account_name"].strip(),
            shipping=data["shipping"],
            shipping_fee_vnd=data["shipping_fee_vnd"] or 0,
            free_shipping_from_vnd=data["free_shipping_from_vnd"],
            cash_on_delivery=data["cash_on_delivery"],
        )
        try:
            catalog_services.cooperative_terms_set(cooperative=self.cooperative, data=terms)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(form.field_for(field), errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Terms of sale of %(cooperative)s saved.") % {"cooperative": self.cooperative.title},
        )
        return redirect("marketplace_cooperative_terms", self.cooperative.pk)

    def form_invalid(self, form):
        messages.error(self.request, gettext("The terms were not saved: correct the form below."))
        return super().form_invalid(form)


terms_index_view = TermsIndexView.as_view()
terms_index_results_view = TermsIndexView.as_view(results_only=True)
terms_view = TermsView.as_view()


class TermsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_change_any_terms(request.user)


def menu_item() -> TermsMenuItem:
    return TermsMenuItem(
        _("Terms of sale"), reverse("marketplace_terms"), name="marketplace-terms", icon_name="cog", order=160
    )
