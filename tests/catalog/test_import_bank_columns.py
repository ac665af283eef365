"""The optional bank columns of the cooperative import fill the cooperative's terms of sale."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from catalog import imports, services
from catalog.models import CooperativePage, CooperativeTerms

pytestmark = pytest.mark.django_db

BANK = ("bank_bin", "bank_account", "bank_account_name")
HEADER = ",".join(imports.COOPERATIVE_COLUMNS + BANK)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def row(tax_code="0801234567", bank=("970436", "0071000123456", "HTX Thanh Ha"), **values) -> str:
    cells = {
        "tax_code": tax_code,
        "name": "HTX Nông nghiệp Thanh Hà",
        "kind": "htx",
        "province": "Hải Phòng",
        "ward": "",
        "address": "",
        "sector": "",
        "members": "",
        "founded_year": "",
        "phone": "",
        "email": "",
        "description": "",
        **dict(zip(BANK, bank, strict=True)),
    } | values
    return ",".join(f'"{cells[column]}"' for column in imports.COOPERATIVE_COLUMNS + BANK)


def write(tmp_path, *rows, header=HEADER):
    path = tmp_path / "cooperatives.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path) -> str:
    out = io.StringIO()
    call_command("import_cooperatives", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(path) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_cooperatives", str(path), stdout=io.StringIO(), stderr=err)
    return excinfo.value, err.getvalue()


def terms_of(tax_code) -> CooperativeTerms:
    return CooperativeTerms.objects.get(cooperative__tax_code=tax_code)


def test_bank_columns_give_a_new_cooperative_its_transfer_account(tmp_path):
    run(write(tmp_path, row(bank=("970436", "0071 000 123 456", "htx  thanh hà"))))

    terms = terms_of("0801234567")
    assert (terms.bank_bin, terms.bank_account, terms.bank_account_name) == (
        "970436",
        "0071000123456",
        "HTX THANH HÀ",
    )
    assert terms.has_bank_account


def test_bank_columns_keep_the_other_terms_of_sale(tmp_path):
    run(write(tmp_path, row(bank=("", "", ""))))
    cooperative = CooperativePage.objects.get(tax_code="0801234567")
    services.cooperative_terms_set(
        cooperative=cooperative,
        data=services.TermsData(shipping="flat", shipping_fee_vnd=25_000, cash_on_delivery=False),
    )

    out = run(write(tmp_path, row(bank=("970418", "12345678901", "HTX THANH HA"))))

    assert "1 updated" in out
    terms = terms_of("0801234567")
    assert (terms.bank_bin, terms.bank_account) == ("970418", "12345678901")
    assert (terms.shipping, terms.shipping_fee_vnd, terms.cash_on_delivery) == ("flat", 25_000, False)


def test_empty_bank_cells_keep_the_account_the_cooperative_has(tmp_path):
    run(write(tmp_path, row()))

    out = run(write(tmp_path, row(bank=("", "", ""))))

    assert "1 unchanged" in out
    assert terms_of("0801234567").bank_account == "0071000123456"


def test_reimporting_the_same_account_changes_nothing(tmp_path):
    path = write(tmp_path, row())
    run(path)
    updated_at = terms_of("0801234567").updated_at

    out = run(path)

    assert "0 created, 0 updated, 1 unchanged" in out
    assert terms_of("0801234567").updated_at == updated_at


def test_a_file_without_the_bank_columns_still_imports(tmp_path):
    header = ",".join(imports.COOPERATIVE_COLUMNS)
    line = row().rsplit(",", 3)[0]

    out = run(write(tmp_path, line, header=header))

    assert "1 created" in out
    assert not CooperativeTerms.objects.filter(cooperative__tax_code="0801234567").exists()


@pytest.mark.parametrize(
    ("bank", "message"),
    [
        (("970436", "", ""), "bank_bin, bank_account and bank_account_name go together"),
        (("", "0071000123456", "HTX"), "bank_bin, bank_account and bank_account_name go together"),
        (("97043", "0071000123456", "HTX"), "bank_bin: “97043”"),
        (("VCB", "0071000123456", "HTX"), "bank_bin: “VCB”"),
        (("970436", "007-100", "HTX"), "bank_account: “007-100”"),
        (("970436", "12", "HTX"), "bank_account: “12”"),
        (("970436", "1" * 20, "HTX"), "bank_account: “" + "1" * 20),
        (("970436", "0071000123456", "X" * 71), "bank_account_name: at most 70 characters"),
    ],
)
def test_a_bad_bank_account_is_the_rows_error_and_nothing_is_imported(tmp_path, bank, message):
    path = write(tmp_path, row("0101234567"), row(bank=bank))

    error, stderr = run_failing(path)

    assert error.returncode == 1
    assert stderr.startswith("line 3: ")
    assert message in stderr
    assert "line 2" not in stderr
    assert not CooperativePage.objects.exists()
    assert not CooperativeTerms.objects.exists()


def test_one_bank_column_alone_in_the_header_is_a_row_error_when_filled(tmp_path):
    header = ",".join((*imports.COOPERATIVE_COLUMNS, "bank_bin"))
    line = row().rsplit(",", 2)[0]

    _, stderr = run_failing(write(tmp_path, line, header=header))

    assert "line 2: bank_bin, bank_account and bank_account_name go together" in stderr


def test_a_misspelt_bank_column_is_refused_like_any_unknown_column(tmp_path):
    header = HEADER.replace("bank_account_name", "bank_acount_name")

    error, _ = run_failing(write(tmp_path, row(), header=header))

    assert "unknown column(s): bank_acount_name" in str(error)


def test_an_account_number_typed_as_a_number_in_excel_is_a_row_error(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*imports.COOPERATIVE_COLUMNS, *BANK])
    values = {"tax_code": "0801234567", "name": "HTX Thanh Hà", "kind": "htx", "province": "31"}
    sheet.append([values.get(c, None) for c in imports.COOPERATIVE_COLUMNS] + [970436, 71000123456, "HTX"])
    path = tmp_path / "cooperatives.xlsx"
    workbook.save(path)

    _, stderr = run_failing(path)

    assert "line 2: bank_account: the cell is a number, which loses leading zeros" in stderr
    assert not CooperativePage.objects.exists()


def test_the_command_help_names_the_optional_columns():
    from catalog.management.commands.import_cooperatives import Command

    assert "bank_bin,bank_account,bank_account_name" in Command.help
