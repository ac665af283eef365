"""The "Failed background tasks" report in the Wagtail admin (Reports menu).

Every failed attempt of a background task (an email, an index update, a scheduling run, a
statement import, a periodic job) is recorded by background/retry.py; this report lists them,
newest first: the task, when, which attempt of how many, whether it will be tried again and when,
and the error. Administrators also see the traceback. Only administrators and alliance staff may
open it (catalog.permissions.may_see_task_failures); it lives in catalog because that question does.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from background import selectors
from background.models import TaskFailure

from .permissions import may_see_task_failures


class TaskFailureFilterSet(WagtailFilterSet):
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[("retry", _("Will be tried again")), ("gave_up", _("Not tried again"))],
        empty_label=_("All"),
        method="filter_outcome",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = TaskFailure
        fields = []

    def filter_outcome(self, queryset, name, value):
        if value == "retry":
            return queryset.filter(retry_at__isnull=False)
        if value == "gave_up":
            return queryset.filter(retry_at__isnull=True)
        return queryset


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i:s") if moment else ""


def _next_attempt(failure: TaskFailure) -> str:
    return _when(failure.retry_at) if failure.retry_at else str(_("Not tried again"))


class ErrorColumn(Column):
    cell_template_name = "catalog/admin/cells/task_error.html"


class TaskFailuresView(ReportView):
    page_title = _("Failed background tasks")
    header_icon = "warning"
    index_url_name = "catalog_task_failures"
    index_results_url_name = "catalog_task_failures_results"
    filterset_class = TaskFailureFilterSet
    paginate_by = 50
    columns = [
        Column("failed_at", label=_("Failed at"), accessor=lambda failure: _when(failure.failed_at)),
        Column("task", label=_("Task"), accessor="short_name"),
        Column("attempt", label=_("Attempt"), accessor=lambda f: f"{f.attempt} / {f.attempts}"),
        Column("retry_at", label=_("Next attempt"), accessor=_next_attempt),
        ErrorColumn("error", label=_("Error")),
    ]
    list_export = ["failed_at", "task_name", "attempt", "attempts", "retry_at", "error_class", "error"]
    export_headings = {
        "failed_at": _("Failed at"),
        "task_name": _("Task"),
        "attempt": _("Attempt"),
        "attempts": _("Attempts allowed"),
        "retry_at": _("Next attempt"),
        "error_class": _("Error"),
        "error": _("Error message"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not may_see_task_failures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.task_failures()

    def get_filename(self):
        return f"failed-background-tasks-{timezone.localdate():%Y-%m-%d}"


task_failures_view = TaskFailuresView.as_view()
task_failures_results_view = TaskFailuresView.as_view(results_only=True)


class TaskFailuresMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_task_failures(request.user)


def menu_item() -> TaskFailuresMenuItem:
    return TaskFailuresMenuItem(
        _("Failed background tasks"),
        reverse("catalog_task_failures"),
        name="task-failures",
        icon_name="warning",
        order=1300,
    )
