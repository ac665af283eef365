"""Hostile and malformed import files: refused quickly with one clear error, never a 500.

The crafted workbooks are built here from a small openpyxl workbook whose sheet XML is
edited inside its zip. The time bounds are generous safety bounds (the unguarded reader
took minutes on some of these files), not benchmarks.
"""

import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from catalog import imports
from catalog.models import CooperativePage, ProductPage
from tests import factories
from tests.catalog.test_imports import (
    COOPERATIVE_HEADER,
    IMPORT_URL,
    PRODUCT_HEADER,
    cooperative_row,
    english_user,
    product_row,
    run,
    run_failing,
    write_csv,
)

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
# A crafted sheet once kept a worker busy for minutes. The bound is on this process's CPU time, not
# the wall clock, so a loaded CI machine does not fail it; a regression costs minutes, not seconds.
SECOND = 1.0


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the site's default language is Vietnamese."""
    with translation.override("en"):
        yield


def workbook_bytes(*rows, header=imports.PRODUCT_COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit_sheet(data: bytes, edit) -> bytes:
    """The workbook `data` with its first sheet's XML passed through `edit`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == SHEET:
                body = edit(body.decode()).encode()
            target.writestr(info.filename, body)
    return buffer.getvalue()


def set_dimension(ref: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)


def without_dimension(xml: str) -> str:
    return re.sub(r"<dimension [^>]*/>", "", xml)


def append_row(line: int, column: str = "A", text: str = "x"):
    cell = f'<row r="{line}"><c r="{column}{line}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return lambda xml: xml.replace("</sheetData>", cell + "</sheetData>")


def chain(*edits):
    def edit(xml: str) -> str:
        for step in edits:
            xml = step(xml)
        return xml

    return edit


def product_values(tax_code: str, sku: str = "SKU-1", **values) -> list:
    row = {
        "sku": sku,
        "cooperative_tax_code": tax_code,
        "name": "Nước mắm cá cơm",
        "category": "food-condiments",
        "unit": "chai 500ml",
        "price_vnd": 125000,
    } | values
    return [row.get(column) for column in imports.PRODUCT_COLUMNS]


def errors_in_english(report) -> list[str]:
    with translation.override("en"):  # the request left its own language active
        return [str(error) for error in report.errors]


def upload_bytes(client, data: bytes, name: str = "products.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def staff_client(client):
    staff = english_user()
    cooperative = factories.cooperative(staff=[staff])
    client.force_login(staff)
    client.cooperative = cooperative
    return client


def parts(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: source.read(info) for info in source.infolist()}


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, body in members.items():
            target.writestr(name, body)
    return buffer.getvalue()


BASE = workbook_bytes(product_values("0101234567"))
SPARSE_ROW = 2_000_000
CRAFTED = {
    # One cell at row 2,000,000, the sheet honestly declaring its size.
    "sparse cell, declared": edit_sheet(
        BASE, chain(append_row(SPARSE_ROW), set_dimension(f"A1:N{SPARSE_ROW}"))
    ),
    # The same with no <dimension>: openpyxl then yields an empty row for each missing one.
    "sparse cell, undeclared": edit_sheet(BASE, chain(append_row(SPARSE_ROW), without_dimension)),
    # Excel's largest sheet declared: every row padded to 16,384 cells.
    "whole sheet declared": edit_sheet(
        BASE, chain(append_row(1_048_576, "XFD"), set_dimension("A1:XFD1048576"))
    ),
    "broken XML in the rows": edit_sheet(BASE, lambda xml: xml.replace("</sheetData>", "<row")),
    # Broken before the rows: openpyxl fails while opening the workbook (once a ParseError, a 500).
    "broken XML before the rows": edit_sheet(BASE, lambda xml: xml.replace("<dimension", "<<dimension")),
    "not a zip": b"PK\x03\x04 this is not a workbook",
    "a zip without a workbook": zip_of({}),
    "a missing sheet": zip_of({name: body for name, body in parts(BASE).items() if name != SHEET}),
}


@pytest.mark.parametrize("case", CRAFTED)
def test_crafted_workbook_upload_is_a_quick_form_error(staff_client, case):
    started = time.process_time()
    response = upload_bytes(staff_client, CRAFTED[case])
    elapsed = time.process_time() - started

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "report" not in response.context
    assert not ProductPage.objects.exists()
    assert elapsed < SECOND


COMMAND_CRAFTED = [case for case in CRAFTED if case != "sparse cell, undeclared"]


@pytest.mark.parametrize("case", COMMAND_CRAFTED)
def test_crafted_workbook_stops_the_command_quickly(tmp_path, case):
    cooperative = factories.cooperative(tax_code="0101234567")
    path = tmp_path / "products.xlsx"
    path.write_bytes(CRAFTED[case])

    started = time.process_time()
    error, stderr = run_failing("import_products", path)
    elapsed = time.process_time() - started

    assert error.returncode == 1
    assert "failed and nothing was written" not in str(error)  # a clear message, not a caught crash
    assert stderr == ""
    assert not ProductPage.objects.filter(cooperative=cooperative).exists()
    assert elapsed < SECOND


def test_command_stops_at_excels_last_row_when_the_sheet_declares_no_size(tmp_path):
    """Without a declared size the command reads up to Excel's last row, then refuses the file."""
    path = tmp_path / "products.xlsx"
    path.write_bytes(CRAFTED["sparse cell, undeclared"])

    error, _ = run_failing("import_products", path)

    assert "beyond Excel's last row" in str(error)


def test_cooperative_command_refuses_a_crafted_workbook(tmp_path):
    path = tmp_path / "cooperatives.xlsx"
    data = workbook_bytes(header=imports.COOPERATIVE_COLUMNS)
    path.write_bytes(edit_sheet(data, chain(append_row(SPARSE_ROW), set_dimension(f"A1:L{SPARSE_ROW}"))))

    error, _ = run_failing("import_cooperatives", path)

    assert error.returncode == 1
    assert "beyond Excel's last row" in str(error)
    assert not CooperativePage.objects.exists()


def test_zip_bomb_is_refused_by_its_unpacked_size(staff_client):
    # About 60 MB of spaces in the sheet XML compress to some 60 KB.
    bomb = edit_sheet(BASE, lambda xml: xml.replace("</sheetData>", " " * 60_000_000 + "</sheetData>"))
    assert len(bomb) < 200_000

    started = time.process_time()
    response = upload_bytes(staff_client, bomb)
    elapsed = time.process_time() - started

    assert "unpacks to more than" in str(response.context["form"].errors["file"])
    assert elapsed < SECOND


def test_declared_columns_beyond_the_cap_are_refused(staff_client):
    data = edit_sheet(BASE, set_dimension("A1:DZ2"))

    response = upload_bytes(staff_client, data)

    assert "spans 130 columns, more than 100" in str(response.context["form"].errors["file"])


def test_a_value_far_to_the_right_is_refused_by_its_line(tmp_path):
    path = tmp_path / "products.xlsx"
    path.write_bytes(edit_sheet(BASE, chain(append_row(3, "ZZ"), without_dimension)))

    error, _ = run_failing("import_products", path)

    assert "Line 3 has values beyond column 100" in str(error)


def test_empty_rows_count_toward_the_upload_cap(staff_client, tmp_path):
    tax_code = staff_client.cooperative.tax_code
    # Line 2 and line 502 hold products; the 499 lines between are empty.
    data = edit_sheet(
        workbook_bytes(product_values(tax_code)),
        chain(append_row(502, "A", "SKU-2"), without_dimension),
    )
    assert upload_bytes(staff_client, data).context["form"].errors["file"] == [
        "The file has more than 500 rows; split it into smaller files."
    ]

    csv = write_csv(
        tmp_path, PRODUCT_HEADER, product_row(tax_code, "SKU-1"), *[""] * 499, product_row(tax_code, "SKU-2")
    )
    with csv.open("rb") as handle:
        response = staff_client.post(IMPORT_URL, {"file": handle})
    assert "more than 500 rows" in str(response.context["form"].errors["file"])
    assert not ProductPage.objects.exists()


def test_command_reads_more_rows_than_the_upload_cap():
    """The command's cap is Excel's sheet, not the upload's 500 rows."""
    rows = [product_values("0101234567", f"SKU-{n}") for n in range(1200)]
    data = edit_sheet(workbook_bytes(*rows), set_dimension("A1:N1048576"))

    read = imports.read_rows(io.BytesIO(data), filename="products.xlsx", columns=imports.PRODUCT_COLUMNS)

    assert len(read) == 1200
    assert read[-1].line == 1201
    with pytest.raises(imports.ImportFileError, match="more than 500 rows"):
        imports.read_rows(
            io.BytesIO(data), filename="products.xlsx", columns=imports.PRODUCT_COLUMNS, max_rows=500
        )


def test_rows_beyond_an_understated_size_are_read_not_dropped():
    """A sheet declaring fewer rows than it holds (some exporters write A1) loses none of them."""
    rows = [product_values("0101234567", f"SKU-{n}") for n in range(3)]
    data = edit_sheet(workbook_bytes(*rows), set_dimension("A1:N2"))

    read = imports.read_rows(io.BytesIO(data), filename="products.xlsx", columns=imports.PRODUCT_COLUMNS)

    assert [row.values["sku"] for row in read] == ["SKU-0", "SKU-1", "SKU-2"]


# --- control characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"name": "Nước\x00mắm"}, "name", "U+0000"),
        ({"unit": "chai\x1b[31m"}, "unit", "U+001B"),
        ({"sku": "SKU\x7f"}, "sku", "U+007F"),
        ({"name_en": "Fish\x85sauce"}, "name_en", "U+0085"),
        ({"name": "Nước\tmắm"}, "name", "U+0009"),  # one-line columns take no tab or line break
        ({"description": "Dòng một\x00"}, "description", "U+0000"),
        ({"description": "Chuông\x07"}, "description", "U+0007"),
        ({"ocop_authority": "UBND\x0btỉnh"}, "ocop_authority", "U+000B"),
    ],
)
def test_control_characters_in_a_product_csv_are_row_errors(tmp_path, values, column, code):
    cooperative = factories.cooperative()
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, **values))

    _, stderr = run_failing("import_products", path)

    assert stderr.startswith(f"line 2: {column}: contains the control character {code}")
    assert not ProductPage.objects.exists()


def test_descriptions_keep_line_breaks_and_tabs(tmp_path):
    cooperative = factories.cooperative()
    description = "Đoạn một\tcó tab\r\ndòng hai\n\nĐoạn hai"
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, description=description))

    run("import_products", path)

    product = ProductPage.objects.get(cooperative=cooperative)
    assert product.description == "<p>Đoạn một\tcó tab<br/>dòng hai</p><p>Đoạn hai</p>"


def test_control_characters_in_a_product_workbook_are_row_errors(staff_client):
    tax_code = staff_client.cooperative.tax_code
    data = workbook_bytes(
        product_values(tax_code, "SKU-1", name="Khăn\x9blụa"),
        product_values(tax_code, "SKU-2", unit="chiếc\nđôi"),
        product_values(tax_code, "SKU-3", description="Hai\ndòng"),
    )

    report = upload_bytes(staff_client, data).context["report"]

    assert errors_in_english(report) == [
        "line 2: name: contains the control character U+009B, which cannot be imported",
        "line 3: unit: contains the control character U+000A, which cannot be imported",
    ]
    assert not ProductPage.objects.exists()


def test_control_characters_in_cooperative_files_are_row_errors(tmp_path):
    path = write_csv(
        tmp_path,
        COOPERATIVE_HEADER,
        cooperative_row("0801234567", name="HTX\x00Thanh Hà"),
        cooperative_row("0801234568", address="Thôn 1\x1fxã 2", description="Dòng\nhai"),
    )

    _, stderr = run_failing("import_cooperatives", path)

    assert stderr.splitlines() == [
        "line 2: name: contains the control character U+0000, which cannot be imported",
        "line 3: address: contains the control character U+001F, which cannot be imported",
    ]

    data = workbook_bytes(
        ["0801234567", "HTX\x85Thanh Hà", "htx", "Hải Dương"], header=imports.COOPERATIVE_COLUMNS
    )
    (tmp_path / "cooperatives.xlsx").write_bytes(data)
    _, stderr = run_failing("import_cooperatives", tmp_path / "cooperatives.xlsx")
    assert stderr.strip() == "line 2: name: contains the control character U+0085, which cannot be imported"
    assert not CooperativePage.objects.exists()


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["price_vnd", "min_order_qty", "stock"])
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (str(10**30), "must be at most"),
        ("9" * 5000, "must be at most"),  # int() refuses over 4,300 digits: once a ValueError, a 500
        ("-1", "is negative"),
        ("1e5", "is not a whole number"),
        ("NaN", "is not a whole number"),
        ("inf", "is not a whole number"),
        ("１２", "is not a whole number"),  # full-width digits
        ("١٢", "is not a whole number"),  # Arabic-Indic digits
    ],
)
def test_bad_numbers_in_a_csv_are_row_errors(staff_client, tmp_path, column, text, reason):
    path = write_csv(
        tmp_path, PRODUCT_HEADER, product_row(staff_client.cooperative.tax_code, **{column: text})
    )

    with path.open("rb") as handle:
        response = staff_client.post(IMPORT_URL, {"file": handle})

    assert response.status_code == 200
    [error] = errors_in_english(response.context["report"])
    assert error.startswith(f"line 2: {column}: ")
    assert reason in error
    assert not ProductPage.objects.exists()


@pytest.mark.parametrize("column", ["price_vnd", "min_order_qty", "stock"])
@pytest.mark.parametrize(
    ("xml_value", "reason"),
    [
        ("1E30", "must be at most"),
        ("1E400", "is not a whole number"),  # infinity
        ("-1", "is negative"),
        ("12.5", "is not a whole number"),
    ],
)
def test_bad_typed_numbers_in_a_workbook_are_row_errors(tmp_path, column, xml_value, reason):
    cooperative = factories.cooperative(tax_code="0101234567")
    letter = "ABCDEFGHIJKLMN"[imports.PRODUCT_COLUMNS.index(column)]
    data = edit_sheet(
        workbook_bytes(product_values(cooperative.tax_code, **{column: 7})),
        lambda xml: re.sub(
            rf'<c r="{letter}2"[^>]*>.*?</c>', f'<c r="{letter}2"><v>{xml_value}</v></c>', xml
        ),
    )
    path = tmp_path / "products.xlsx"
    path.write_bytes(data)

    _, stderr = run_failing("import_products", path)

    assert stderr.startswith(f"line 2: {column}: ")
    assert reason in stderr
