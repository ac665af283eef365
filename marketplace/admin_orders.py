"""The cooperative staff's order screens in the Wagtail admin: the list and one order with its actions.

A cooperative's staff see and move their own orders; alliance staff see the orders of the
cooperatives they oversee and may refund them; superusers see everything
(marketplace/permissions.py decides, marketplace/selectors/orders_admin.py reads). An order the
user may not see is a 404, as if it did not exist. Every action is a POST form whose input is
checked here and whose change is made by a service; the service's refusal becomes a message.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from catalog.models import CooperativeTerms
from marketplace import admin_forms, permissions
from marketplace.documents import qr_png_data_uri
from marketplace.models import Order, OrderEvent, PaymentMethod, Refund
from marketplace.selectors import orders_admin as selectors
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.payments import order_refund, refund_record_reference, refund_retry

S = Order.Status
A = OrderEvent.Actor


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or gettext("You may not make this change to the order.")


def staff_actor(user, order: Order) -> str | None:
    """How `user` acts on `order` from the admin: its cooperative's staff, an overseer, or not at all."""
    if permissions.may_fulfil(user, order.cooperative):
        return A.COOPERATIVE
    if permissions.oversees(user, order.cooperative):
        return A.ALLIANCE
    return None


def _shipping_label(method: str) -> str:
    shipping = CooperativeTerms.Shipping
    return shipping(method).label if method in shipping.values else method


# --- the list ----------------------------------------------------------------------------------


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=S.choices, empty_label=_("All"), widget=forms.RadioSelect
    )
    payment_status = django_filters.ChoiceFilter(
        label=_("Payment status"),
        choices=Order.PaymentStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    payment_method = django_filters.ChoiceFilter(
        label=_("Payment method"),
        choices=PaymentMethod.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    cooperative = django_filters.ChoiceFilter(label=_("Cooperative"), choices=(), empty_label=_("All"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Placed on"), widget=DateRangePickerWidget)

    class Meta:
        model = Order
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the user's own cooperatives (that have orders) are offered, and no choice for one.
        choices = selectors.admin_order_cooperatives(request.user) if request else []
        if len(choices) > 1:
            self.filters["cooperative"].extra["choices"] = [(str(pk), title) for pk, title in choices]
        else:
            del self.filters["cooperative"]


class OrderColumn(TitleColumn):
    cell_template_name = "marketplace/admin/cells/order.html"


class TotalColumn(Column):
    cell_template_name = "marketplace/admin/cells/total.html"


class StatusColumn(Column):
    cell_template_name = "marketplace/admin/cells/statuses.html"


class OrderIndexView(BaseListingView):
    page_title = _("Orders")
    header_icon = "list-ul"
    index_url_name = "marketplace_orders"
    index_results_url_name = "marketplace_orders_results"
    results_template_name = "marketplace/admin/order_index_results.html"
    paginate_by = 25
    is_searchable = True
    filterset_class = OrderFilterSet
    verbose_name = _("order")
    verbose_name_plural = _("orders")

    def dispatch(self, request, *args, **kwargs):
        if not permissions.may_see_orders(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def several_cooperatives(self) -> bool:
        return self.filters is not None and "cooperative" in self.filters.filters

    @cached_property
    def columns(self):
        columns = [
            OrderColumn(
                "number",
                label=_("Order"),
                get_url=lambda order: reverse("marketplace_order", args=[order.number]),
            ),
            TotalColumn("total_vnd", label=pgettext_lazy("amount", "Total")),
            StatusColumn("status", label=_("Status")),
            DateColumn("created_at", label=_("Placed on")),
        ]
        if self.several_cooperatives:
            columns.insert(1, Column("cooperative", label=_("Cooperative"), accessor="cooperative.title"))
        return columns

    def get_base_queryset(self):
        return selectors.admin_orders(self.request.user)

    def order_queryset(self, queryset):
        return queryset  # newest first, as the selector orders them

    def search_queryset(self, queryset):
        return selectors.search_orders(queryset, self.search_query) if self.is_searching else queryset

    def get_header_buttons(self):
        buttons = list(super().get_header_buttons())
        if permissions.may_change_any_terms(self.request.user):
            buttons.append(
                HeaderButton(_("Terms of sale"), url=reverse("marketplace_terms"), icon_name="cog")
            )
        return buttons


# --- one order ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form_class: type
    label: str
    who: str  # "fulfil" or "refund"


ACTIONS = {
    "confirm": Action(admin_forms.ConfirmForm, _("Confirm the order"), "fulfil"),
    "ship": Action(admin_forms.ShipForm, _("Mark as shipped"), "fulfil"),
    "deliver": Action(admin_forms.DeliverForm, _("Mark as delivered"), "fulfil"),
    "cancel": Action(admin_forms.CancelForm, _("Cancel the order"), "fulfil"),
    "refund": Action(admin_forms.RefundForm, _("Refund"), "refund"),
}


class OrderMixin:
    """Finds the order in the URL among those the user may see (404 otherwise)."""

    def dispatch(self, request, *args, number: str = "", **kwargs):
        self.order = selectors.admin_order(request.user, number)
        # The selector only finds orders the user may see; asked again here, so that a mistake
        # in one of the two cannot show another cooperative's order.
        if self.order is None or not permissions.may_see_order(request.user, self.order):
            raise Http404
        self.find_target(**kwargs)
        return super().dispatch(request, *args, number=number, **kwargs)

    def find_target(self, **kwargs) -> None:
        """Check the rest of the URL (404 when it names nothing of this order)."""

    @cached_property
    def may_fulfil(self) -> bool:
        return permissions.may_fulfil(self.request.user, self.order.cooperative)

    @cached_property
    def may_refund(self) -> bool:
        return permissions.may_refund(self.request.user, self.order.cooperative)

    @cached_property
    def refundable_vnd(self) -> int:
        return selectors.refundable_vnd(self.order)

    def allowed_actions(self) -> list[str]:
        """The actions that make sense now and that this user may take."""
        order, allowed = self.order, []
        if self.may_fulfil:
            if order.status == S.PLACED and (order.payment_method == PaymentMethod.COD or order.paid):
                allowed.append("confirm")
            if order.status == S.CONFIRMED:
                allowed.append("ship")
            if order.status == S.SHIPPED:
                allowed.append("deliver")
            if order.status in (S.PLACED, S.CONFIRMED):
                allowed.append("cancel")
        if self.may_refund and order.paid and self.refundable_vnd > 0:
            allowed.append("refund")
        return allowed

    def redirect_to_order(self):
        return redirect("marketplace_order", self.order.number)


class OrderDetailView(OrderMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/order_detail.html"
    header_icon = "list-ul"
    http_method_names = ["get", "head"]

    def get_page_title(self):
        return gettext("Order %(number)s") % {"number": self.order.number}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("marketplace_orders"), "label": gettext("Orders")},
            {"url": "", "label": self.order.number},
        ]

    def action_forms(self, bound: dict | None = None) -> dict:
        forms_ = {}
        for name in self.allowed_actions():
            if bound and name in bound:
                forms_[name] = bound[name]
                continue
            forms_[name] = ACTIONS[name].form_class(
                order=self.order, refundable_vnd=self.refundable_vnd, prefix=name
            )
        return forms_

    def refund_rows(self, bound_reference=None):
        rows = []
        for refund in self.order.refunds.all():
            row = {"refund": refund, "reference_form": None, "retry": False}
            if (
                self.may_refund
                and refund.status == Refund.Status.REQUESTED
                and refund.method != PaymentMethod.CARD
            ):
                if bound_reference is not None and bound_reference[0] == refund.pk:
                    row["reference_form"] = bound_reference[1]
                else:
                    row["reference_form"] = admin_forms.RefundReferenceForm(prefix=f"refund-{refund.pk}")
            if (
                self.may_refund
                and refund.method == PaymentMethod.CARD
                and refund.status != Refund.Status.SUCCEEDED
            ):
                row["retry"] = True
            rows.append(row)
        return rows

    def get_context_data(self, bound: dict | None = None, bound_reference=None, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.order
        transfer = selectors.order_transfer(order)
        context.update(
            order=order,
            purchase=order.purchase,
            lines=order.lines.all(),
            timeline=selectors.order_timeline(order),
            refunds=self.refund_rows(bound_reference),
            refundable_vnd=self.refundable_vnd,
            transfer=transfer,
            transfer_qr=qr_png_data_uri(transfer.payload) if transfer and transfer.payload else "",
            actions=[(name, ACTIONS[name], form) for name, form in self.action_forms(bound).items()],
            may_fulfil=self.may_fulfil,
            read_only=not (self.may_fulfil or self.may_refund),
            pdf_url=reverse("marketplace:order_pdf", args=[order.number]),
            shipping_label=_shipping_label(order.shipping_method),
        )
        return context


class OrderActionView(OrderDetailView):
    """POST one of ACTIONS for the order; bad input re-renders the order with the form's errors."""

    http_method_names = ["post"]

    def find_target(self, *, action: str = "", **kwargs) -> None:
        if action not in ACTIONS:
            raise Http404

    def post(self, request, *args, action: str = "", **kwargs):
        spec = ACTIONS[action]
        if not (self.may_fulfil if spec.who == "fulfil" else self.may_refund):
            raise PermissionDenied
        form = spec.form_class(
            request.POST, order=self.order, refundable_vnd=self.refundable_vnd, prefix=action
        )
        if not form.is_valid():
            return self.invalid(form, action)
        try:
            message = getattr(self, f"do_{action}")(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError) and self.attach(form, error):
                return self.invalid(form, action)
            messages.error(request, _error_text(error))
            return self.redirect_to_order()
        if message:
            messages.success(request, message)
        return self.redirect_to_order()

    def invalid(self, form, action):
        if action not in self.allowed_actions():
            # Not offered now (e.g. already shipped): no form on the page to show the errors in.
            errors = [str(error) for errors in form.errors.values() for error in errors]
            messages.error(self.request, " ".join(errors))
            return self.redirect_to_order()
        messages.error(self.request, gettext("The change was not made: correct the form below."))
        context = self.get_context_data(bound={action: form})
        return self.render_to_response(context)

    @staticmethod
    def attach(form, error: ValidationError) -> bool:
        """Show a service's field errors on the form when the form has those fields."""
        if not hasattr(error, "error_dict") or not set(error.error_dict) <= set(form.fields):
            return False
        for field, errors in error.error_dict.items():
            form.add_error(field, errors)
        return True

    def change(self, to: str, **fields) -> None:
        order_change_status(order=self.order, user=self.request.user, change=StatusChange(to=to, **fields))

    def do_confirm(self, data):
        self.change(S.CONFIRMED)
        return gettext("Order %(number)s confirmed.") % {"number": self.order.number}

    def do_ship(self, data):
        self.change(S.SHIPPED, carrier=data["carrier"], tracking_number=data["tracking_number"])
        return gettext("Order %(number)s marked as shipped.") % {"number": self.order.number}

    def do_deliver(self, data):
        self.change(S.DELIVERED, cash_collected=bool(data.get("cash_collected")))
        return gettext("Order %(number)s marked as delivered.") % {"number": self.order.number}

    def do_cancel(self, data):
        self.change(S.CANCELLED, reason=data["reason"])
        return gettext("Order %(number)s cancelled.") % {"number": self.order.number}

    def do_refund(self, data):
        refund = order_refund(
            order=self.order,
            amount_vnd=data["amount_vnd"],
            actor=staff_actor(self.request.user, self.order),
            user=self.request.user,
            reference=data.get("reference", ""),
            reason=data["reason"],
        )
        return _refund_message(self.request, refund)


def _refund_message(request, refund: Refund) -> str:
    refund.refresh_from_db()
    if refund.status == Refund.Status.FAILED:
        messages.warning(
            request, gettext("The card processor did not take the refund; you can send it again below.")
        )
        return ""
    if refund.status == Refund.Status.REQUESTED:
        return gettext("Refund of %(amount)s đ requested.") % {"amount": refund.amount_vnd}
    return gettext("Refund of %(amount)s đ recorded.") % {"amount": refund.amount_vnd}


class RefundActionView(OrderDetailView):
    """POST on one of the order's refunds: record its bank reference, or send a card refund again."""

    http_method_names = ["post"]

    def find_target(self, *, refund_id: int = 0, action: str = "", **kwargs) -> None:
        self.refund = next((r for r in self.order.refunds.all() if r.pk == refund_id), None)
        if self.refund is None or action not in ("reference", "retry"):
            raise Http404

    def post(self, request, *args, action: str = "", **kwargs):
        refund = self.refund
        if not self.may_refund:
            raise PermissionDenied
        actor = staff_actor(request.user, self.order)
        try:
            if action == "reference":
                form = admin_forms.RefundReferenceForm(request.POST, prefix=f"refund-{refund.pk}")
                if not form.is_valid():
                    messages.error(request, gettext("The change was not made: correct the form below."))
                    return self.render_to_response(self.get_context_data(bound_reference=(refund.pk, form)))
                refund_record_reference(
                    refund=refund, reference=form.cleaned_data["reference"], user=request.user, actor=actor
                )
                messages.success(request, gettext("The refund's bank reference is recorded."))
            else:
                message = _refund_message(
                    request, refund_retry(refund=refund, actor=actor, user=request.user)
                )
                if message:
                    messages.success(request, message)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        return self.redirect_to_order()


order_index_view = OrderIndexView.as_view()
order_index_results_view = OrderIndexView.as_view(results_only=True)
order_detail_view = OrderDetailView.as_view()
order_action_view = OrderActionView.as_view()
refund_action_view = RefundActionView.as_view()


class OrdersMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_see_orders(request.user)


def menu_item() -> OrdersMenuItem:
    return OrdersMenuItem(
        _("Orders"), reverse("marketplace_orders"), name="marketplace-orders", icon_name="list-ul", order=150
    )
