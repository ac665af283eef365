"""One table of rows written as CSV or as an XLSX sheet, safe to open in a spreadsheet.

The first row names the columns; each row is a dict (a missing key is an empty cell). Whole numbers
stay numbers, dates are ISO in CSV and date cells in XLSX. A text cell that a spreadsheet would run
as a formula is written with a leading apostrophe: in CSV one starting with = + - @, a tab or a
carriage return (CSV injection); in XLSX one starting with =, which openpyxl would store as a
formula. Used by the settlement statement and the market reports.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _xlsx_cell(value):
    if isinstance(value, str) and value[:1] == "=":
        return "'" + value
    return value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if not isinstance(value, int) and text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def to_csv(columns: Sequence[str], rows: Iterable[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def to_xlsx(
    columns: Sequence[str],
    rows: Iterable[dict],
    *,
    title: str,
    widths: Sequence[int] = (),
    date_columns: Sequence[str] = (),
) -> bytes:
    """One sheet named `title`; `widths` in characters, column by column; `date_columns` as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_xlsx_cell(row.get(column)) for column in columns])
    for column in date_columns:
        index = columns.index(column) + 1
        for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            for cell in cells:
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
