"""The market-information page (Thông tin thị trường) in the Wagtail admin, for alliance staff.

Prices learned from what traded (median, min and max per category, unit, province and month, only
where three cooperatives contributed), filtered by category, province and months; and demand by
province (RFQs and quantities asked) against supply (capacity offered). Both download as CSV or
XLSX with the same filters. Alliance staff and superusers only (marketplace.permissions.
may_view_market): anyone else signed in to the admin gets 403. A fixed number of queries.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from catalog.models import Category, Province
from marketplace import market_files
from marketplace.permissions import may_view_market
from marketplace.selectors.market import DEFAULT_MONTHS, MAX_MONTHS, MIN_COOPERATIVES


class MarketFilterForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province or city"), required=False)
    months = forms.IntegerField(
        label=gettext_lazy("Months"),
        min_value=1,
        max_value=MAX_MONTHS,
        required=False,
        help_text=gettext_lazy("This month and the ones before it, 1 to 36."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "vi"
        categories = list(Category.objects.select_related("parent").order_by("sort_order", "name"))
        self.categories = {category.slug: category for category in categories}
        groups = [c for c in categories if c.parent_id is None]
        choices = [("", _("All categories"))]
        for group in groups:
            choices.append((group.slug, group.label(language)))
            choices += [(c.slug, f"— {c.label(language)}") for c in categories if c.parent_id == group.pk]
        self.fields["category"].choices = choices
        self.provinces = {p.code: p for p in Province.objects.order_by("name")}
        self.fields["province"].choices = [("", _("Whole country and every province"))] + [
            (code, province.name) for code, province in self.provinces.items()
        ]
        self.fields["months"].widget.attrs.update(min=1, max=MAX_MONTHS, placeholder=DEFAULT_MONTHS)

    def filters(self) -> dict:
        """The chosen category and province (None for all) and months, once the form is valid."""
        data = self.cleaned_data
        return {
            "category": self.categories.get(data["category"]),
            "province": self.provinces.get(data["province"]),
            "months": data["months"] or DEFAULT_MONTHS,
        }


def _refused() -> HttpResponseForbidden:
    return HttpResponseForbidden(_("Only alliance staff can see market information."))


class MarketView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/market.html"
    page_title = gettext_lazy("Market information")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not may_view_market(request.user):
            return _refused()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        form = MarketFilterForm(request.GET)
        context = self.get_context_data(form=form, min_cooperatives=MIN_COOPERATIVES)
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        filters = form.filters()
        _columns, prices = market_files.report_table("prices", **filters)
        _columns, demand = market_files.report_table("demand", **filters)
        query = request.GET.urlencode()
        context.update(
            prices=prices,
            demand=demand,
            months=filters["months"],
            downloads={
                report: [
                    (
                        file_format.upper(),
                        reverse("marketplace_market_download", args=[report, file_format])
                        + (f"?{query}" if query else ""),
                    )
                    for file_format in market_files.FORMATS
                ]
                for report in market_files.REPORTS
            },
        )
        return self.render_to_response(context)


def download_view(request, report: str, file_format: str):
    if not may_view_market(request.user):
        return _refused()
    if report not in market_files.REPORTS or file_format not in market_files.FORMATS:
        return HttpResponse(_("No such report."), status=404, content_type="text/plain; charset=utf-8")
    form = MarketFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            _("Check the filters: %(errors)s") % {"errors": form.errors.as_text()},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = form.filters()
    data = market_files.render(report, file_format, **filters)
    response = HttpResponse(data, content_type=market_files.CONTENT_TYPES[file_format])
    name = market_files.filename(report, file_format, months=filters["months"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


market_view = MarketView.as_view()
