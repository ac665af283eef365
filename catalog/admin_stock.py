"""Admin screen for a product's stock and monthly capacity.

Stock changes many times a day and must not wait for an alliance's review, so it
is edited here, straight into ProductInventory, rather than on the page (which
would make a revision and send it to moderation). Whoever may edit the page may
change its stock.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import selectors, services
from .models import ProductPage
from .permissions import may_edit_stock

# The largest value a PositiveIntegerField holds on PostgreSQL (SQLite takes more): a larger
# number is a form error here, not an overflow in the database driver (a 500).
MAX_QUANTITY = 2_147_483_647


class ProductStockForm(forms.Form):
    stock = forms.IntegerField(
        label=_("Stock"),
        required=False,
        min_value=0,
        max_value=MAX_QUANTITY,
        help_text=_("Units available now; empty if not tracked."),
    )
    monthly_capacity = forms.IntegerField(
        label=_("Monthly capacity"),
        required=False,
        min_value=0,
        max_value=MAX_QUANTITY,
        help_text=_("Units the cooperative can supply per month."),
    )


class ProductStockView(WagtailAdminTemplateMixin, FormView):
    form_class = ProductStockForm
    template_name = "wagtailadmin/generic/form.html"
    header_icon = "clipboard-list"
    page_title = _("Stock and capacity")

    def dispatch(self, request, page_id, *args, **kwargs):
        self.product = get_object_or_404(ProductPage, pk=page_id)
        if not may_edit_stock(request.user, self.product):
            raise PermissionDenied
        return super().dispatch(request, page_id, *args, **kwargs)

    def get_page_subtitle(self):
        return self.product.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_explore", args=[self.product.get_parent().pk]),
                "label": self.product.get_parent().get_admin_display_title(),
            },
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.product.pk]),
                "label": self.product.get_admin_display_title(),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_initial(self):
        inventory = selectors.inventory_for(product=self.product)
        if inventory is None:
            return {}
        return {"stock": inventory.stock, "monthly_capacity": inventory.monthly_capacity}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse("catalog_product_stock", args=[self.product.pk]),
            submit_button_label=gettext("Save"),
            submit_button_active_label=gettext("Saving…"),
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        services.product_set_stock(
            product=self.product,
            stock=form.cleaned_data["stock"],
            monthly_capacity=form.cleaned_data["monthly_capacity"],
        )
        messages.success(
            self.request,
            gettext("Stock of '%(title)s' updated.") % {"title": self.product.get_admin_display_title()},
        )
        return redirect("wagtailadmin_explore", self.product.get_parent().pk)
