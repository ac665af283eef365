"""The organisers' report on a fair: a page of charts, and the same tables as CSV and XLSX."""

import csv
import io

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from fairs import permissions
from fairs.models import FairPage
from fairs.reports import Table, fair_report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organisers_fair(request, fair_id: int) -> FairPage:
    fair = get_object_or_404(FairPage.objects.select_related("lead_organiser"), pk=fair_id)
    if not permissions.is_organiser(request.user, fair):
        raise PermissionDenied(_("Only the fair's organisers can see its report."))
    return fair


def _needs_login(view):
    def wrapped(request, fair_id: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, _organisers_fair(request, fair_id))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _filename(fair: FairPage, extension: str) -> str:
    return f"{fair.slug}-{fair.starts_on:%Y-%m-%d}-bao-cao.{extension}"


@_needs_login
def report(request, fair: FairPage):
    """The report page: each table as a bar chart with its data table."""
    fair_report_ = fair_report(fair)
    return render(
        request,
        "fairs/report.html",
        {
            "fair": fair,
            "report": fair_report_,
            "tables": fair_report_.tables(),
            "generated_at": timezone.localtime(),
        },
    )


@_needs_login
def report_csv(request, fair: FairPage):
    """The report as CSV: one section per table, UTF-8 with a BOM so Excel reads Vietnamese right."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(fair, "csv"))
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([fair.display_name])
    writer.writerow([_("Generated at"), timezone.localtime().strftime("%d/%m/%Y %H:%M")])
    for table in fair_report(fair).tables():
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        if table.note:
            writer.writerow([table.note])
    return response


def _sheet_title(table: Table, taken: set[str]) -> str:
    # Excel allows 31 characters, and none of []:*?/\ in a sheet's name.
    name = table.short_title or table.title
    title = "".join(c for c in name if c not in "[]:*?/\\")[:31].strip() or table.key[:31]
    while title in taken:
        title = f"{title[:28]}…{len(taken)}"
    taken.add(title)
    return title


@_needs_login
def report_xlsx(request, fair: FairPage):
    """The report as an Excel workbook, one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in fair_report(fair).tables():
        sheet = workbook.create_sheet(_sheet_title(table, taken))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
            for column in table.money_columns:
                sheet.cell(row=sheet.max_row, column=column + 1).number_format = "#,##0"
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        sheet.column_dimensions["A"].width = max(
            14, min(60, max(len(str(r[0])) for r in [table.columns, *table.rows]) + 2)
        )
        for letter in "BCDEFG"[: len(table.columns) - 1]:
            sheet.column_dimensions[letter].width = 16
        sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _filename(fair, "xlsx"))
    return response
