"""The market reports (marketplace/selectors/market.py) as CSV or XLSX, for alliance staff.

Two reports, one table each, read back with any CSV or spreadsheet reader (marketplace/spreadsheets.py):

- `prices`: `PRICE_COLUMNS`, one row per item of `market_prices` (only items where at least three
  cooperatives contributed), with the province's name; `province` empty is the whole country;
- `demand`: `DEMAND_COLUMNS`, one row per province, category and unit of `demand_and_supply`.

Amounts are whole đồng, quantities whole units; column names are stable English identifiers.
"""

from __future__ import annotations

from django.utils import timezone

from catalog.models import Province
from marketplace import spreadsheets
from marketplace.selectors.market import DEFAULT_MONTHS, demand_and_supply, market_prices

PRICE_COLUMNS = (
    "month",
    "category",
    "category_name",
    "group",
    "unit",
    "province",
    "province_name",
    "median_vnd",
    "min_vnd",
    "max_vnd",
    "cooperatives",
    "observations",
)
DEMAND_COLUMNS = (
    "province",
    "province_name",
    "category",
    "category_name",
    "unit",
    "rfqs",
    "open_rfqs",
    "monthly_quantity",
    "one_off_quantity",
    "monthly_capacity",
    "products",
    "cooperatives",
)
REPORTS = ("prices", "demand")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FILE_NAMES = {"prices": "gia-thi-truong", "demand": "cung-cau"}
_SHEETS = {"prices": "prices", "demand": "demand"}


def price_rows(items: list[dict], province_names: dict[str, str]) -> list[dict]:
    return [{**item, "province_name": province_names.get(item["province"] or "", "")} for item in items]


def report_table(
    report: str, *, months: int = DEFAULT_MONTHS, category=None, province=None
) -> tuple[tuple[str, ...], list[dict]]:
    """The columns and rows of `report` (`prices` or `demand`) for the last `months` months."""
    if report == "prices":
        names = dict(Province.objects.values_list("code", "name"))
        items = market_prices(category=category, province=province, months=months)
        return PRICE_COLUMNS, price_rows(items, names)
    if report == "demand":
        rows = demand_and_supply(months=months, category=category, province=province)
        return DEMAND_COLUMNS, [row.as_dict() for row in rows]
    raise ValueError(f"Unknown report {report!r}; choose one of {', '.join(REPORTS)}.")


def render(report: str, file_format: str, **filters) -> bytes:
    """`report` as bytes in `file_format`; `filters` as for `report_table`."""
    if file_format not in FORMATS:
        raise ValueError(f"Unknown format {file_format!r}; choose one of {', '.join(FORMATS)}.")
    columns, rows = report_table(report, **filters)
    if file_format == "csv":
        # The byte-order mark makes Excel read the file as UTF-8 (Vietnamese marks intact).
        return spreadsheets.to_csv(columns, rows).encode("utf-8-sig")
    return spreadsheets.to_xlsx(columns, rows, title=_SHEETS[report], widths=[14] * len(columns))


def filename(report: str, file_format: str, *, months: int) -> str:
    return f"{_FILE_NAMES[report]}-{timezone.localdate():%Y-%m}-{months}-thang.{file_format}"
