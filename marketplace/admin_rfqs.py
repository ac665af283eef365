"""The admin's screens of requests for quotation (RFQs), and the dashboard's notice of invitations.

**Cooperative staff** list the RFQs their cooperatives are invited to, the open public ones and
those they quoted on, and answer one with a quote: lines (one of their listed products, or goods
described in free text), validity, lead time, delivery and payment terms. Sending again makes a
new revision; the page shows every revision and what changed. They may withdraw a quote still
waiting for the buyer, and write to the buyer in the RFQ's message thread. A member of several
cooperatives chooses which one they act for (the `cooperative` parameter). **Alliance staff**
see the open public RFQs and, on each, the cooperatives they oversee that best answer it
(marketplace.matching), to invite. **Superusers** see every RFQ and every quote, read-only.

Who sees and does what is decided in marketplace/permissions.py; reads are in
marketplace/selectors/admin_rfqs.py, writes are the services' (marketplace/services/quotes.py,
rfqs.py). An RFQ the user may not see, or a cooperative they do not act for, is a 404. Every
action is a POST form: bad input re-renders the page with the form's errors, a service's refusal
is a message, and neither changes anything. The buyer stays anonymous (`may_see_buyer`) until
they accept a quote of the user's cooperative.

The dashboard panel: the project has no notification inbox in the Wagtail admin (its notices are
emails), so an invitation shows where staff land when they sign in, listing the invitations of
their cooperatives to RFQs still open, newest first, each linking to its RFQ. It costs no query
for anyone who staffs no cooperative, and one for those who do (marketplace.selectors.rfqs).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin

from catalog.localization import vnd
from catalog.models import CooperativePage
from catalog.permissions import staffing
from marketplace import admin_rfq_forms, permissions
from marketplace.matching import quantity_text
from marketplace.models import BuyerDemand, PaymentTerms, Quote
from marketplace.selectors import admin_rfqs as selectors
from marketplace.selectors import rfqs as rfq_selectors
from marketplace.selectors.api import MAX_ID
from marketplace.selectors.rfqs import invitations_for_staff
from marketplace.services import rfqs as rfq_services
from marketplace.services.quotes import has_bank_account, quote_submit, quote_withdraw, rfq_message_post

DEFAULT_VALID_DAYS = 30


class InvitationsToQuotePanel(Component):
    name = "marketplace_invitations_to_quote"
    template_name = "marketplace/admin/invitations_to_quote_panel.html"
    order = 50  # above Wagtail's own panels: it asks for an answer by a deadline

    def __init__(self, invitations):
        self.invitations = invitations

    def get_context_data(self, parent_context=None):
        several = len({invitation.cooperative_id for invitation in self.invitations}) > 1
        rows = [
            {
                "invitation": invitation,
                "rfq": invitation.rfq,
                "quantity": _quantity(invitation.rfq),
                # The cooperative is named only for a member of several (one is chosen by default).
                "url": detail_url(invitation.rfq, invitation.cooperative if several else None),
            }
            for invitation in self.invitations
        ]
        list_url = f"{reverse('marketplace_rfqs')}?{urlencode({'show': selectors.Show.INVITED})}"
        return {"rows": rows, "several_cooperatives": several, "list_url": list_url}


def add_invitations_panel(request, panels) -> None:
    invitations = invitations_for_staff(request.user)
    if invitations:
        panels.append(InvitationsToQuotePanel(invitations))


# --- the list ----------------------------------------------------------------------------------


class RfqFilterSet(WagtailFilterSet):
    show = django_filters.ChoiceFilter(
        label=_("Show"), choices=(), empty_label=_("All"), method="filter_show", widget=forms.RadioSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=BuyerDemand.Status.choices, empty_label=_("All"), widget=forms.RadioSelect
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=(), empty_label=_("All"), method="filter_category"
    )
    delivery_province = django_filters.ChoiceFilter(label=_("Deliver to"), choices=(), empty_label=_("All"))

    class Meta:
        model = BuyerDemand
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = request.user
        tabs = selectors.show_choices(request.user)
        if tabs:
            self.filters["show"].extra["choices"] = tabs
        else:
            del self.filters["show"]
        self.filters["category"].extra["choices"] = selectors.category_choices
        self.filters["delivery_province"].extra["choices"] = selectors.province_choices

    def filter_show(self, queryset, name, value):
        return selectors.in_tab(queryset, self.user, value)

    def filter_category(self, queryset, name, value):
        return selectors.of_category(queryset, value)


class RfqTitleColumn(TitleColumn):
    cell_template_name = "marketplace/admin/cells/rfq.html"


class TemplateColumn(Column):
    """A column drawn by its own cell template, which may compare dates with `today`."""

    def __init__(self, name, *, template: str, **kwargs):
        super().__init__(name, **kwargs)
        self.cell_template_name = template

    def get_cell_context_data(self, instance, parent_context):
        return super().get_cell_context_data(instance, parent_context) | {"today": timezone.localdate()}


def _quantity(rfq: BuyerDemand) -> str:
    return quantity_text(rfq.quantity, rfq.unit, rfq.per_month)


class RfqIndexView(BaseListingView):
    page_title = _("Requests for quotation")
    header_icon = "clipboard-list"
    index_url_name = "marketplace_rfqs"
    index_results_url_name = "marketplace_rfqs_results"
    results_template_name = "marketplace/admin/rfq_index_results.html"
    paginate_by = 20
    is_searchable = True
    filterset_class = RfqFilterSet
    default_ordering = ("-created_at", "-pk")
    verbose_name = _("request for quotation")
    verbose_name_plural = _("requests for quotation")

    def dispatch(self, request, *args, **kwargs):
        if not permissions.may_see_rfq_screens(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def columns(self):
        user = self.request.user
        columns = [
            RfqTitleColumn(
                "title",
                label=_("Request for quotation"),
                get_url=lambda rfq: reverse("marketplace_rfq", args=[rfq.pk]),
            ),
            Column("quantity", label=_("Quantity"), accessor=_quantity),
            Column("delivery_province", label=_("Deliver to"), accessor="delivery_province"),
            TemplateColumn(
                "deadline",
                label=_("Quotes until"),
                sort_key="deadline",
                template="marketplace/admin/cells/deadline.html",
            ),
            TemplateColumn("status", label=_("Status"), template="marketplace/admin/cells/rfq_status.html"),
        ]
        if user.is_superuser or staffing(user).cooperative_ids:
            label = _("Quotes") if user.is_superuser else _("Your quote")
            columns.append(
                TemplateColumn("own_quotes", label=label, template="marketplace/admin/cells/own_quotes.html")
            )
        return columns

    def get_base_queryset(self):
        return selectors.admin_rfqs(self.request.user)

    def search_queryset(self, queryset):
        return selectors.search_rfqs(queryset, self.search_query) if self.is_searching else queryset

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        tabs = selectors.show_choices(self.request.user)
        current = self.request.GET.get("show", "")
        context.update(
            tabs=[("", gettext("All"), not current or current not in dict(tabs))]
            + [(value, label, value == current) for value, label in tabs],
            tab=current if current in dict(tabs) else "",
            alliance_only=not self.request.user.is_superuser
            and not staffing(self.request.user).cooperative_ids,
            # Searching, or filtering beyond the tab: an empty list is then the filters' doing.
            narrowed=self.is_searching
            or bool(self.is_filtering and set(self.filters.form.changed_data) - {"show"}),
        )
        return context


# --- one RFQ -----------------------------------------------------------------------------------


def detail_url(rfq: BuyerDemand, cooperative=None, *, action: str = "") -> str:
    if action:
        url = reverse("marketplace_rfq_action", args=[rfq.pk, action])
    else:
        url = reverse("marketplace_rfq", args=[rfq.pk])
    return f"{url}?{urlencode({'cooperative': cooperative.pk})}" if cooperative is not None else url


def _an_id(text) -> int | None:
    text = str(text)
    if text.isascii() and text.isdigit() and len(text) < 20 and 1 <= int(text) <= MAX_ID:
        return int(text)
    return None


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or gettext("You may not do this on this request for quotation.")


class RfqMixin:
    """Finds the RFQ in the URL among those the user may see, and the cooperative the user acts for
    on it (the `cooperative` parameter, among their own taking part; 404 for any other)."""

    def dispatch(self, request, *args, rfq_id: int = 0, **kwargs):
        user = request.user
        if not permissions.may_see_rfq_screens(user):
            raise PermissionDenied
        try:
            self.rfq = rfq_selectors.rfq_for(user, rfq_id)
        except BuyerDemand.DoesNotExist as error:
            raise Http404 from error
        self.cooperatives = list(permissions.rfq_cooperatives(user, self.rfq).order_by("title", "pk"))
        self.invitations = selectors.invited_among(self.rfq, self.cooperatives)
        self.cooperative = self.choose_cooperative(request.GET.get("cooperative"))
        return super().dispatch(request, *args, rfq_id=rfq_id, **kwargs)

    def choose_cooperative(self, asked):
        if asked is not None:
            pk = _an_id(asked)
            chosen = next((c for c in self.cooperatives if c.pk == pk), None)
            if chosen is None:
                raise Http404
            return chosen
        quoted = {view.quote.cooperative_id for view in self.quote_views}
        for wanted in (quoted, self.invitations):
            chosen = next((c for c in self.cooperatives if c.pk in wanted), None)
            if chosen is not None:
                return chosen
        return self.cooperatives[0] if self.cooperatives else None

    @cached_property
    def quote_views(self) -> list:
        if not self.cooperatives and not self.request.user.is_superuser:
            return []
        return selectors.quote_views(self.request.user, self.rfq)

    @cached_property
    def own_quote(self):
        if self.cooperative is None:
            return None
        return next((v for v in self.quote_views if v.quote.cooperative_id == self.cooperative.pk), None)

    @cached_property
    def products(self):
        return selectors.quotable_products(self.cooperative) if self.cooperative else []

    @cached_property
    def may_send_quote(self) -> bool:
        if self.cooperative is None or not rfq_selectors.is_open(self.rfq):
            return False
        if not permissions.may_quote(self.request.user, self.rfq, self.cooperative):
            return False
        return self.own_quote is None or self.own_quote.quote.status == Quote.Status.SENT

    @cached_property
    def may_invite(self) -> bool:
        return bool(staffing(self.request.user).alliance_ids) and rfq_selectors.is_open(self.rfq)

    def redirect_back(self):
        return redirect(detail_url(self.rfq, self.cooperative if len(self.cooperatives) > 1 else None))


class RfqDetailView(RfqMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/rfq_detail.html"
    header_icon = "clipboard-list"
    http_method_names = ["get", "head"]

    def get_page_title(self):
        return self.rfq.title

    def get_page_subtitle(self):
        return gettext("Request for quotation no. %(id)s") % {"id": self.rfq.pk}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("marketplace_rfqs"), "label": gettext("Requests for quotation")},
            {"url": "", "label": self.rfq.title},
        ]

    def quote_forms(self):
        latest = self.own_quote.latest if self.own_quote else None
        products = self.products
        if latest is not None:
            terms = admin_rfq_forms.QuoteTermsForm(
                initial=admin_rfq_forms.QuoteTermsForm.initial_from(latest), prefix="quote"
            )
            lines_initial = admin_rfq_forms.lines_initial(latest)
        else:
            terms = admin_rfq_forms.QuoteTermsForm(
                initial={
                    "valid_until": timezone.localdate() + datetime.timedelta(days=DEFAULT_VALID_DAYS),
                    "payment_terms": PaymentTerms.TRANSFER if self.has_bank else PaymentTerms.COD,
                },
                prefix="quote",
            )
            lines_initial = []
        lines = admin_rfq_forms.QuoteLineFormSet(
            initial=lines_initial, prefix="lines", products=products, rfq_unit=self.rfq.unit
        )
        return terms, lines

    @cached_property
    def has_bank(self) -> bool:
        return self.cooperative is not None and has_bank_account(self.cooperative)

    def get_context_data(self, bound: dict | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = bound or {}
        rfq, user, cooperative = self.rfq, self.request.user, self.cooperative
        context.update(
            rfq=rfq,
            is_open=rfq_selectors.is_open(rfq),
            quantity=_quantity(rfq),
            certifications=selectors.certification_labels(rfq.required_certifications or []),
            buyer=rfq.buyer if permissions.may_see_buyer(user, rfq) else None,
            cooperatives=self.cooperatives,
            cooperative=cooperative,
            invitation=self.invitations.get(cooperative.pk) if cooperative else None,
            today=timezone.localdate(),
            action_urls={
                action: detail_url(rfq, cooperative, action=action) for action in RfqActionView.ACTIONS
            },
            all_quotes=None,
            matches=None,
        )
        if cooperative is not None:
            view = self.own_quote
            context.update(
                quote=view,
                history=selectors.revision_history(view.revisions) if view else [],
                order_url=reverse("marketplace_order", args=[view.quote.order.number])
                if view and view.quote.order
                else "",
                may_withdraw=view is not None and view.quote.status == Quote.Status.SENT,
                thread=selectors.thread(rfq, cooperative),
                message_form=bound.get("message") or admin_rfq_forms.MessageForm(prefix="message"),
                has_bank=self.has_bank,
                terms_url=reverse("marketplace_cooperative_terms", args=[cooperative.pk]),
                products=self.products,
                products_json={
                    p.sku: {
                        "facts": gettext("Unit: %(unit)s · VAT %(vat)s")
                        % {"unit": p.unit, "vat": p.vat_label}
                    }
                    for p in self.products
                },
            )
            if self.may_send_quote:
                terms, lines = bound.get("quote") or self.quote_forms()
                context.update(terms_form=terms, lines_formset=lines)
        elif user.is_superuser:
            context["all_quotes"] = [
                (view, selectors.revision_history(view.revisions)) for view in self.quote_views
            ]
        if staffing(user).alliance_ids:
            context.update(matches=selectors.overseen_matches(user, rfq), may_invite=self.may_invite)
        return context


class RfqActionView(RfqDetailView):
    """POST an answer to the RFQ: send or revise the quote, withdraw it, write to the buyer (for the
    cooperative acted for), or invite cooperatives (alliance staff). Bad input re-renders the page
    with the form's errors; a service's refusal is a message, and nothing changes."""

    http_method_names = ["post"]
    ACTIONS = ("quote", "withdraw", "message", "invite")

    def dispatch(self, request, *args, action: str = "", **kwargs):
        if action not in self.ACTIONS:
            raise Http404
        self.action = action
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.action != "invite" and self.cooperative is None:
            raise Http404
        return getattr(self, f"do_{self.action}")(request)

    def attempt(self, write, success: str = ""):
        """Run the service call `write`: its refusal becomes an error message (nothing changed)."""
        try:
            result = write()
        except (ValidationError, PermissionDenied) as error:
            messages.error(self.request, _error_text(error))
            return self.redirect_back()
        if success:
            messages.success(self.request, success)
        return result

    def invalid(self, bound: dict):
        messages.error(self.request, gettext("Nothing was sent: correct the form below."))
        return self.render_to_response(self.get_context_data(bound=bound))

    def do_quote(self, request):
        if not self.may_send_quote:
            messages.error(request, gettext("Your cooperative cannot send a quote on this request now."))
            return self.redirect_back()
        terms = admin_rfq_forms.QuoteTermsForm(request.POST, prefix="quote")
        lines = admin_rfq_forms.QuoteLineFormSet(
            request.POST, prefix="lines", products=self.products, rfq_unit=self.rfq.unit
        )
        if not (terms.is_valid() and lines.is_valid()):
            return self.invalid({"quote": (terms, lines)})
        try:
            quote = quote_submit(
                user=request.user,
                rfq=self.rfq,
                cooperative=self.cooperative,
                data=admin_rfq_forms.quote_data(terms, lines),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, _error_text(error))
                return self.redirect_back()
            for field, errors in error.error_dict.items():
                if field == "lines":
                    lines.non_form_errors().extend(message for item in errors for message in item.messages)
                else:
                    terms.add_error(field if field in terms.fields else None, errors)
            return self.invalid({"quote": (terms, lines)})
        except PermissionDenied as error:
            messages.error(request, _error_text(error))
            return self.redirect_back()
        messages.success(
            request,
            gettext("Quote sent (revision %(revision)s, %(total)s).")
            % {"revision": quote.revision, "total": vnd(quote.total_vnd)},
        )
        return self.redirect_back()

    def do_withdraw(self, request):
        if self.own_quote is None:
            raise Http404
        self.attempt(
            lambda: quote_withdraw(user=request.user, quote=self.own_quote.quote),
            gettext("Your quote is withdrawn; the buyer has been told."),
        )
        return self.redirect_back()

    def do_message(self, request):
        form = admin_rfq_forms.MessageForm(request.POST, prefix="message")
        if not form.is_valid():
            return self.invalid({"message": form})
        self.attempt(
            lambda: rfq_message_post(
                user=request.user, rfq=self.rfq, cooperative=self.cooperative, body=form.cleaned_data["body"]
            ),
            gettext("Message sent to the buyer."),
        )
        return self.redirect_back()

    def do_invite(self, request):
        """Alliance staff invite cooperatives they oversee: naming any other is refused (403)."""
        if not staffing(request.user).alliance_ids:
            raise PermissionDenied
        form = admin_rfq_forms.InviteForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return self.redirect_back()
        ids = form.cleaned_data["cooperatives"]
        chosen = list(CooperativePage.objects.filter(pk__in=ids))
        if len(chosen) != len(ids) or not permissions.may_invite_all(request.user, self.rfq, chosen):
            raise PermissionDenied
        done = self.attempt(
            lambda: rfq_services.rfq_invite(user=request.user, rfq=self.rfq, cooperatives=chosen)
        )
        if isinstance(done, list):
            new = [item.invitation.cooperative.title for item in done if item.new]
            if new:
                messages.success(request, gettext("Invited to quote: %(names)s.") % {"names": ", ".join(new)})
            else:
                messages.info(request, gettext("These cooperatives were invited already."))
        return self.redirect_back()


rfq_index_view = RfqIndexView.as_view()
rfq_index_results_view = RfqIndexView.as_view(results_only=True)
rfq_detail_view = RfqDetailView.as_view()
rfq_action_view = RfqActionView.as_view()


class RfqsMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_see_rfq_screens(request.user)


def menu_item() -> RfqsMenuItem:
    return RfqsMenuItem(
        _("Requests for quotation"),
        reverse("marketplace_rfqs"),
        name="marketplace-rfqs",
        icon_name="clipboard-list",
        order=155,
    )
