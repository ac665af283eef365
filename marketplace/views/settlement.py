"""The settlement page (Đối soát) in the Wagtail admin: one cooperative, one month.

Cooperative staff see their own cooperatives, alliance staff the cooperatives they oversee,
superusers all (marketplace.permissions.may_view_settlement). The page downloads the statement as
CSV, XLSX or PDF, and, for alliance staff overseeing the cooperative and superusers, records payouts.
A cooperative the user may not see answers 404.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from marketplace import settlement_files
from marketplace.permissions import may_record_payout, may_view_any_settlement, may_view_settlement
from marketplace.selectors.settlement import settlement_cooperatives, settlement_for
from marketplace.services.payouts import payout_record


def parse_month(text: str | None) -> datetime.date | None:
    """A "YYYY-MM" month as its first day, or None."""
    try:
        year, month = (text or "").split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None


class PayoutForm(forms.Form):
    amount_vnd = forms.IntegerField(label=gettext_lazy("Amount (đồng)"), min_value=1, max_value=10**15)
    reference = forms.CharField(label=gettext_lazy("Bank reference"), max_length=100)
    paid_on = forms.DateField(
        label=gettext_lazy("Date of the transfer"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _cooperative_or_404(user, pk):
    cooperative = settlement_cooperatives(user).filter(pk=pk).first()
    if cooperative is None or not may_view_settlement(user, cooperative):
        raise Http404
    return cooperative


class SettlementView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/settlement.html"
    page_title = gettext_lazy("Settlement")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not may_view_any_settlement(request.user):
            return HttpResponseForbidden(_("Only cooperative and alliance staff can see settlements."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, payout_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        choices = settlement_cooperatives(user).order_by("title")
        month = parse_month(self.request.GET.get("month")) or timezone.localdate().replace(day=1)
        chosen = self.request.GET.get("cooperative")
        cooperative = None
        if chosen:
            if not chosen.isdigit():
                raise Http404
            cooperative = _cooperative_or_404(user, int(chosen))
        else:
            only = list(choices[:2])
            cooperative = only[0] if len(only) == 1 else None
        context.update(cooperatives=choices, cooperative=cooperative, month=month)
        if cooperative is not None:
            context["settlement"] = settlement_for(cooperative=cooperative, month=month)
            context["downloads"] = [
                (
                    file_format.upper(),
                    reverse(
                        "marketplace_settlement_download",
                        args=[cooperative.pk, f"{month:%Y-%m}", file_format],
                    ),
                )
                for file_format in settlement_files.FORMATS
            ]
            if may_record_payout(user, cooperative):
                context["payout_form"] = payout_form or PayoutForm(initial={"paid_on": timezone.localdate()})
                context["payout_url"] = reverse("marketplace_settlement_payout", args=[cooperative.pk])
        return context


def settlement_url(cooperative, month: datetime.date) -> str:
    query = urlencode({"cooperative": cooperative.pk, "month": f"{month:%Y-%m}"})
    return f"{reverse('marketplace_settlement')}?{query}"


def download_view(request, pk: int, month: str, file_format: str):
    if not may_view_any_settlement(request.user):
        return HttpResponseForbidden(_("Only cooperative and alliance staff can see settlements."))
    cooperative = _cooperative_or_404(request.user, pk)
    first_day = parse_month(month)
    if first_day is None or file_format not in settlement_files.FORMATS:
        raise Http404
    settlement = settlement_for(cooperative=cooperative, month=first_day)
    language = translation.get_language() or "vi"
    try:
        data = settlement_files.render(settlement, file_format, language=language[:2])
    except settlement_files.PdfUnavailable:
        messages.error(request, _("The PDF statement is not available yet; download CSV or XLSX."))
        return redirect(settlement_url(cooperative, first_day))
    response = HttpResponse(data, content_type=settlement_files.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="{settlement_files.filename(settlement, file_format)}"'
    )
    return response


def payout_view(request, pk: int):
    if not may_view_any_settlement(request.user):
        return HttpResponseForbidden(_("Only cooperative and alliance staff can see settlements."))
    cooperative = _cooperative_or_404(request.user, pk)
    if request.method != "POST":
        return redirect(settlement_url(cooperative, timezone.localdate()))
    if not may_record_payout(request.user, cooperative):
        return HttpResponseForbidden(
            _("Only the alliance overseeing this cooperative may record its payouts.")
        )
    form = PayoutForm(request.POST)
    if form.is_valid():
        try:
            payout = payout_record(cooperative=cooperative, user=request.user, **form.cleaned_data)
        except PermissionDenied:
            return HttpResponseForbidden(
                _("Only the alliance overseeing this cooperative may record its payouts.")
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Payout of %(amount)s đ recorded (reference %(reference)s).")
                % {"amount": f"{payout.amount_vnd:,}".replace(",", "."), "reference": payout.reference},
            )
            return redirect(settlement_url(cooperative, timezone.localdate(payout.created_at)))
    view = SettlementView()
    view.setup(request)
    view.request.GET = view.request.GET.copy()
    view.request.GET["cooperative"] = str(cooperative.pk)
    return view.render_to_response(view.get_context_data(payout_form=form), status=400)


settlement_view = SettlementView.as_view()
