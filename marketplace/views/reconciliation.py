"""Bank statement reconciliation in the Wagtail admin, for cooperative staff (superusers: everything).

- Upload: a statement of one of the user's cooperatives' accounts, reconciled at once
  (marketplace/services/statements.py); the page shows what was matched and what needs review.
  A statement above settings.STATEMENT_IMPORT_BACKGROUND_BYTES is imported by the task worker
  instead: the page lists the background imports of the user's accounts, and refreshes itself
  until they are done.
- "Transfers to review" (Giao dịch cần xem xét): the lines of the user's cooperatives in review.
- One line: settle it as the payment of an order, or mark it as not an order payment.

Lines of other cooperatives answer 404, as if they did not exist; someone who staffs no cooperative
gets 403 on every page.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from background import selectors as background_selectors
from catalog import imports
from catalog.permissions import staffed_cooperatives
from marketplace.models import BankStatementLine, Order
from marketplace.permissions import may_reconcile, may_reconcile_any
from marketplace.services import statements

PAGE_SIZE = 50


class StaffOnlyMixin:
    """403 for anyone who staffs no cooperative (Wagtail would turn PermissionDenied into a redirect)."""

    def dispatch(self, request, *args, **kwargs):
        if not may_reconcile_any(request.user):
            return HttpResponseForbidden(
                _("Only the staff of a cooperative can reconcile its bank statements.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class StatementUploadForm(forms.Form):
    cooperative = forms.ModelChoiceField(label=gettext_lazy("Cooperative"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=gettext_lazy("Bank statement"),
        help_text=gettext_lazy("A CSV (UTF-8) or Excel (.xlsx) file, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = staffed_cooperatives(user).order_by("title")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            imports.check_extension(upload.name)
        except imports.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        if upload.size > statements.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 10 MB; split the statement into smaller files.")
            )
        return upload


class StatementUploadView(StaffOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "marketplace/admin/statement_upload.html"
    form_class = StatementUploadForm
    page_title = gettext_lazy("Import a bank statement")
    header_icon = "upload"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = statements.COLUMNS
        context["max_rows"] = statements.MAX_ROWS
        jobs = [BackgroundImport(job) for job in background_imports(self.request.user)]
        context["background_imports"] = jobs
        context["refresh"] = any(item.job.is_active for item in jobs)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        later = upload.size > settings.STATEMENT_IMPORT_BACKGROUND_BYTES
        service = statements.statement_import_later if later else statements.statement_import
        try:
            report = service(
                file=upload,
                filename=upload.name,
                cooperative=form.cleaned_data["cooperative"],
                user=self.request.user,
            )
        except PermissionDenied:
            return HttpResponseForbidden(_("You may not import statements for this cooperative."))
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        if not later:
            return self.render_to_response(self.get_context_data(form=form, report=report))
        messages.success(
            self.request,
            _(
                "The statement is large, so it is imported in the background. Its result appears below when it is done."
            ),
        )
        return redirect("marketplace_statement_import")


def background_imports(user, *, limit: int = 10):
    """The latest background imports of the accounts `user` may reconcile (every one for a superuser)."""
    if user.is_superuser:
        return background_selectors.recent_jobs(kind=statements.STATEMENT_JOB, subjects=None, limit=limit)
    subjects = [
        statements.statement_job_subject(cooperative) for cooperative in staffed_cooperatives(user).only("pk")
    ]
    return background_selectors.recent_jobs(kind=statements.STATEMENT_JOB, subjects=subjects, limit=limit)


class BackgroundImport:
    """A background import as the upload page lists it: the job, and its counts as a sentence."""

    def __init__(self, job):
        self.job = job
        self.filename = job.params.get("filename", "")
        counts = {key: job.result.get(key, 0) for key in ("matched", "review", "duplicate", "debits")}
        self.summary = statements.StatementReport(**counts).summary() if job.status == job.Status.DONE else ""
        self.review = counts["review"]


class ReviewListView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/statement_review.html"
    page_title = gettext_lazy("Transfers to review")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = reviewable_lines(self.request.user).filter(status=BankStatementLine.Status.REVIEW)
        page = Paginator(lines, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context["page"] = page
        context["lines"] = page.object_list
        return context


def reviewable_lines(user):
    """The statement lines `user` may see and settle, with their order and cooperative."""
    lines = BankStatementLine.objects.select_related("order", "cooperative", "settled_by")
    if user.is_superuser:
        return lines
    return lines.filter(cooperative__in=staffed_cooperatives(user))


class SettleForm(forms.Form):
    order = forms.CharField(label=gettext_lazy("Order number"), max_length=20)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class IgnoreForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("What the transfer was, for whoever reads this later."),
    )


class LineView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "marketplace/admin/statement_line.html"
    page_title = gettext_lazy("Bank statement line")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if may_reconcile_any(request.user):
            self.line = reviewable_lines(request.user).filter(pk=kwargs["pk"]).first()
            if self.line is None or not may_reconcile(request.user, self.line.cooperative):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("marketplace_statement_review"), "label": _("Transfers to review")},
            {"url": "", "label": self.line.reference},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        line = self.line
        context["line"] = line
        context.setdefault(
            "settle_form", SettleForm(initial={"order": line.order.number if line.order else ""})
        )
        context.setdefault("ignore_form", IgnoreForm())
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "settle":
            form = SettleForm(request.POST)
            if form.is_valid():
                order = self._order(form.cleaned_data["order"])
                if order is None:
                    form.add_error("order", _("This cooperative has no order with that number."))
                else:
                    return self._apply(
                        form,
                        "settle_form",
                        lambda: statements.statement_line_settle(
                            line=self.line, order=order, user=request.user, note=form.cleaned_data["note"]
                        ),
                        _("Order %(number)s is marked paid.") % {"number": order.number},
                    )
            return self.render_to_response(self.get_context_data(settle_form=form))
        if action == "ignore":
            form = IgnoreForm(request.POST)
            if form.is_valid():
                return self._apply(
                    form,
                    "ignore_form",
                    lambda: statements.statement_line_ignore(
                        line=self.line, user=request.user, note=form.cleaned_data["note"]
                    ),
                    _("The transfer is marked as not an order payment."),
                )
            return self.render_to_response(self.get_context_data(ignore_form=form))
        return self.render_to_response(self.get_context_data(), status=400)

    def _order(self, number: str) -> Order | None:
        orders = Order.objects.filter(number=number.strip().upper())
        if self.line.cooperative_id is not None:
            orders = orders.filter(cooperative_id=self.line.cooperative_id)
        return orders.first()

    def _apply(self, form, name, action, done):
        try:
            action()
        except PermissionDenied:
            return HttpResponseForbidden(_("You may not settle this statement line."))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(**{name: form}))
        messages.success(self.request, done)
        return redirect("marketplace_statement_review")


statement_upload_view = StatementUploadView.as_view()
review_list_view = ReviewListView.as_view()
line_view = LineView.as_view()
