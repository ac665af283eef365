"""The market reports as CSV and XLSX: the market_report command, read back."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from marketplace import market_files, spreadsheets
from tests.marketplace.market.conftest import month_label, paid_order
from tests.marketplace.market.test_demand import offer, rice_rfq

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(seller):
    for price in (10_000, 20_000, 30_000):
        paid_order(seller("01", price_vnd=price).product, 1)
    rice_rfq("01", quantity=3)
    offer("01", capacity=8)


def report(*arguments) -> str:
    out = io.StringIO()
    call_command("market_report", *arguments, stdout=out)
    return out.getvalue()


def sheet_rows(file) -> tuple[tuple, list[dict]]:
    sheet = load_workbook(file, read_only=True).worksheets[0]
    header, *data = list(sheet.iter_rows(values_only=True))
    return tuple(header), [dict(zip(header, row, strict=True)) for row in data]


def check_prices(rows):
    hanoi = next(r for r in rows if (r["category"], r["province"]) == ("food-rice", "01"))
    assert (hanoi["province_name"], hanoi["unit"], hanoi["month"]) == ("Hà Nội", "kg", month_label(0))
    assert [int(hanoi[k]) for k in ("median_vnd", "min_vnd", "max_vnd", "cooperatives")] == [
        20_000,
        10_000,
        30_000,
        3,
    ]
    assert {(r["category"], r["province"] or None) for r in rows} == {
        ("food-rice", "01"),
        ("food-rice", None),
        ("food", "01"),
        ("food", None),
    }


def check_demand(rows):
    [row] = rows
    assert (row["province"], row["category"], row["unit"]) == ("01", "food-rice", "tấn")
    assert [int(row[k]) for k in ("rfqs", "monthly_quantity", "monthly_capacity")] == [1, 3, 8]


def test_prices_as_csv_on_standard_output(market):
    rows = list(csv.DictReader(io.StringIO(report("--format", "csv"))))
    assert tuple(rows[0]) == market_files.PRICE_COLUMNS
    check_prices(rows)


def test_demand_as_csv_to_a_file(market, tmp_path):
    target = tmp_path / "demand.csv"
    report("--format", "csv", "--report", "demand", "--months", "3", "--output", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert tuple(rows[0]) == market_files.DEMAND_COLUMNS
    check_demand(rows)


def test_prices_and_demand_as_xlsx(market, tmp_path):
    target = tmp_path / "prices.xlsx"
    report("--format", "xlsx", "--output", str(target))
    header, rows = sheet_rows(target)
    assert header == market_files.PRICE_COLUMNS
    check_prices(rows)
    assert all(isinstance(row["median_vnd"], int) for row in rows)
    report("--format", "xlsx", "--report", "demand", "--output", str(target))
    header, rows = sheet_rows(target)
    assert header == market_files.DEMAND_COLUMNS
    check_demand(rows)


@pytest.mark.parametrize(
    "arguments",
    [
        ("--format", "pdf"),
        ("--format", "csv", "--months", "0"),
        ("--format", "csv", "--months", "37"),
        ("--format", "csv", "--months", "twelve"),
        ("--format", "csv", "--months", "-1"),
        ("--format", "csv", "--months", "١٢"),  # Arabic-Indic digits are digits to Python, not to us
        ("--format", "csv", "--report", "gossip"),
        ("--months", "12"),
    ],
)
def test_bad_input_exits_non_zero_and_writes_nothing(market, tmp_path, arguments):
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError) as caught:
        report(*arguments, "--output", str(target))
    assert caught.value.returncode != 0
    assert str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_target_leaves_nothing_behind(market, tmp_path):
    with pytest.raises(CommandError, match="Cannot write") as caught:
        report("--format", "csv", "--output", str(tmp_path / "missing" / "out.csv"))
    assert caught.value.returncode == 2
    (tmp_path / "taken").mkdir()
    with pytest.raises(CommandError, match="Cannot write"):
        report("--format", "csv", "--output", str(tmp_path / "taken"))  # a folder, not a file
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]
    assert list((tmp_path / "taken").iterdir()) == []


def test_a_text_cell_is_never_a_formula():
    text = spreadsheets.to_csv(("a", "b"), [{"a": "=HYPERLINK(1)", "b": -5}])
    assert text.splitlines()[1] == "'=HYPERLINK(1),-5"
    header, rows = sheet_rows(io.BytesIO(spreadsheets.to_xlsx(("a",), [{"a": "=1+1"}], title="t")))
    assert header == ("a",)
    assert rows == [{"a": "'=1+1"}]
