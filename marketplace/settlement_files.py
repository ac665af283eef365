"""A settlement (marketplace/selectors/settlement.py) written out as CSV, XLSX or PDF.

CSV and XLSX hold one table that reads back with any CSV or spreadsheet reader: the first row names
the columns (`COLUMNS`), and each row's `section` says what it is (cooperative, month, sold,
collected, commission, refund, payout, opening_balance, line, closing_balance). Amounts are whole
đồng; dates are ISO in CSV and date cells in XLSX. The PDF is drawn by marketplace/documents.py from
`settlement_context`.
"""

from __future__ import annotations

from marketplace import spreadsheets
from marketplace.selectors.settlement import Settlement, settlement_context

COLUMNS = (
    "section",
    "date",
    "order",
    "method",
    "description",
    "orders",
    "amount_vnd",
    "debit_vnd",
    "credit_vnd",
    "reference",
)
FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PDF_TEMPLATE = "marketplace/documents/settlement_statement.html"


class PdfUnavailable(RuntimeError):
    """marketplace/documents.py (WeasyPrint) is not installed in this build."""


def filename(settlement: Settlement, file_format: str) -> str:
    return f"doi-soat-{settlement.cooperative.tax_code}-{settlement.month:%Y-%m}.{file_format}"


def rows(settlement: Settlement) -> list[dict]:
    """The statement as rows of `COLUMNS` (missing keys are empty cells)."""
    table: list[dict] = [
        {
            "section": "cooperative",
            "description": settlement.cooperative.title,
            "reference": settlement.cooperative.tax_code,
        },
        {"section": "month", "date": settlement.month},
    ]
    for section, totals in (("sold", settlement.sold), ("collected", settlement.collected)):
        table += [
            {
                "section": section,
                "method": row.method,
                "description": row.label,
                "orders": row.orders,
                "amount_vnd": row.amount_vnd,
            }
            for row in totals
        ]
    table.append({"section": "commission", "amount_vnd": settlement.commission_vnd})
    table += [
        {
            "section": "refund",
            "date": row.date,
            "order": row.order,
            "method": row.method,
            "amount_vnd": row.amount_vnd,
            "reference": row.reference,
        }
        for row in settlement.refunds
    ]
    table += [
        {"section": "payout", "date": row.date, "amount_vnd": row.amount_vnd, "reference": row.reference}
        for row in settlement.payouts
    ]
    table.append({"section": "opening_balance", "amount_vnd": settlement.opening_balance_vnd})
    table += [
        {
            "section": "line",
            "date": line.date,
            "order": line.order,
            "description": line.description,
            "debit_vnd": line.debit_vnd,
            "credit_vnd": line.credit_vnd,
            "reference": line.account,
        }
        for line in settlement.lines
    ]
    table.append({"section": "closing_balance", "amount_vnd": settlement.closing_balance_vnd})
    return table


def to_csv(settlement: Settlement) -> str:
    return spreadsheets.to_csv(COLUMNS, rows(settlement))


def to_xlsx(settlement: Settlement) -> bytes:
    return spreadsheets.to_xlsx(
        COLUMNS,
        rows(settlement),
        title=f"{settlement.month:%Y-%m}",
        widths=(16, 12, 18, 10, 48, 8, 16, 16, 16, 20),
        date_columns=("date",),
    )


def to_pdf(settlement: Settlement, *, language: str) -> bytes:
    try:
        from marketplace.documents import render_pdf
    except ImportError as error:
        raise PdfUnavailable("PDF not available: marketplace/documents.py is not in this build.") from error
    try:
        return render_pdf(template=PDF_TEMPLATE, context=settlement_context(settlement), language=language)
    except (ImportError, OSError) as error:  # WeasyPrint or its C libraries (Pango) missing
        raise PdfUnavailable(f"PDF not available: {error}") from error


def render(settlement: Settlement, file_format: str, *, language: str) -> bytes:
    """The statement as bytes in `file_format` (csv, xlsx or pdf)."""
    if file_format == "csv":
        # The byte-order mark makes Excel read the file as UTF-8 (Vietnamese marks intact).
        return to_csv(settlement).encode("utf-8-sig")
    if file_format == "xlsx":
        return to_xlsx(settlement)
    if file_format == "pdf":
        return to_pdf(settlement, language=language)
    raise ValueError(f"Unknown format {file_format!r}; choose one of {', '.join(FORMATS)}.")
