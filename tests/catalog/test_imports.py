"""Imports of cooperatives and products: the operator commands and the admin upload."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from wagtail.models import WorkflowState
from wagtail.users.models import UserProfile

from catalog import imports, services
from catalog.models import CooperativePage, OcopCertificate, ProductInventory, ProductPage
from tests import factories

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
COOPERATIVE_HEADER = ",".join(imports.COOPERATIVE_COLUMNS)
PRODUCT_HEADER = ",".join(imports.PRODUCT_COLUMNS)
IMPORT_URL = "/admin/catalog/import-products/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the site's default language is Vietnamese."""
    with translation.override("en"):
        yield


def english_user():
    """A user whose admin is in English (Wagtail's admin follows the user's preference)."""
    user = factories.user()
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    return user


def write_csv(tmp_path, header: str, *rows: str, name: str = "import.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def product_row(tax_code: str, sku: str = "SKU-1", *, price: str = "125000", **values) -> str:
    row = {
        "sku": sku,
        "cooperative_tax_code": tax_code,
        "name": "Nước mắm cá cơm",
        "name_en": "Anchovy fish sauce",
        "category": "food-condiments",
        "unit": "chai 500ml",
        "price_vnd": price,
        "min_order_qty": "",
        "stock": "",
        "description": "",
        "ocop_stars": "",
        "ocop_certificate_no": "",
        "ocop_issued_on": "",
        "ocop_authority": "",
    } | values
    return ",".join(f'"{row[column]}"' for column in imports.PRODUCT_COLUMNS)


def cooperative_row(tax_code: str = "0801234567", **values) -> str:
    row = {
        "tax_code": tax_code,
        "name": "HTX Nông nghiệp Thanh Hà",
        "kind": "htx",
        "province": "Hải Dương",
        "ward": "Thanh Hà",
        "address": "",
        "sector": "Vải thiều",
        "members": "126",
        "founded_year": "2016",
        "phone": "",
        "email": "",
        "description": "",
    } | values
    return ",".join(f'"{row[column]}"' for column in imports.COOPERATIVE_COLUMNS)


def run(command: str, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(command: str, *args) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(command, *[str(a) for a in args], stdout=io.StringIO(), stderr=err)
    return excinfo.value, err.getvalue()


@pytest.fixture
def sample_cooperatives():
    run("import_cooperatives", SAMPLES / "cooperatives.csv")
    return {c.tax_code: c for c in CooperativePage.objects.all()}


# --- cooperatives ------------------------------------------------------------------------------


def test_sample_cooperatives_are_published_verified_and_placed_by_former_province_names(
    sample_cooperatives,
):
    assert len(sample_cooperatives) == 5
    assert all(c.live and c.is_verified for c in sample_cooperatives.values())
    thanh_ha = sample_cooperatives["0801234567"]
    # "Hải Dương" became part of Hải Phòng in 2025.
    assert (thanh_ha.province_id, thanh_ha.province.name) == ("31", "Hải Phòng")
    assert thanh_ha.ward.name == "Xã Thanh Hà"
    assert thanh_ha.members == 126
    assert "<p>Vùng trồng 85 ha" in thanh_ha.story
    # "Kien Giang" (no diacritics, former province) → An Giang; "15" → Lào Cai by code.
    assert sample_cooperatives["1701234560"].province.name == "An Giang"
    assert sample_cooperatives["5301234561"].province.name == "Lào Cai"
    assert sample_cooperatives["5301234561"].kind == "tht"
    assert sample_cooperatives["0801234567"].staff_group is not None


def test_cooperative_reimport_updates_without_duplicating(tmp_path, sample_cooperatives):
    out, _ = run("import_cooperatives", SAMPLES / "cooperatives.csv")
    assert "0 created, 0 updated, 5 unchanged" in out

    path = write_csv(tmp_path, COOPERATIVE_HEADER, cooperative_row(members="130", address=""))
    out, _ = run("import_cooperatives", path)

    assert "0 created, 1 updated" in out
    assert CooperativePage.objects.count() == 5
    thanh_ha = CooperativePage.objects.get(tax_code="0801234567")
    assert thanh_ha.members == 130
    # An empty optional cell keeps what the cooperative already has.
    assert thanh_ha.address == "Thôn Thanh Xá, xã Thanh Hà"


def test_bad_tax_code_is_rejected_with_its_line_and_reason(tmp_path):
    path = write_csv(
        tmp_path,
        COOPERATIVE_HEADER,
        cooperative_row("0101234567"),
        cooperative_row("12345", name="HTX Sai mã"),
    )

    error, stderr = run_failing("import_cooperatives", path)

    assert error.returncode == 1
    assert "line 3: tax_code: “12345” is not a tax code" in stderr
    assert "line 2" not in stderr
    assert "Nothing imported: 1 of 2 rows have errors" in str(error)
    assert not CooperativePage.objects.exists()


def test_cooperative_rows_report_every_problem(tmp_path):
    path = write_csv(
        tmp_path,
        COOPERATIVE_HEADER,
        cooperative_row(
            "0801234568", kind="company", province="Atlantis", founded_year="1890", email="not-an-email"
        ),
        cooperative_row("0801234567", ward="Phường Không Có"),
        cooperative_row("0801234567"),
    )

    _, stderr = run_failing("import_cooperatives", path)

    line_2, line_3, line_4 = stderr.strip().splitlines()
    assert line_2.startswith("line 2: ")
    for fragment in ("kind: “company”", "province: “Atlantis” is not a province", "founded_year", "email"):
        assert fragment in line_2
    assert line_3.startswith("line 3: ward: “Phường Không Có” is not a ward or commune of Hải Phòng")
    assert line_4 == "line 4: tax_code: 0801234567 is already on line 3"


def test_suspended_cooperative_is_not_reinstated_by_an_import(tmp_path, sample_cooperatives):
    CooperativePage.objects.filter(tax_code="0801234567").update(
        verification=CooperativePage.Verification.SUSPENDED
    )
    path = write_csv(tmp_path, COOPERATIVE_HEADER, cooperative_row())

    _, stderr = run_failing("import_cooperatives", path)

    assert "line 2: tax_code: cooperative 0801234567 is suspended" in stderr
    assert CooperativePage.objects.get(tax_code="0801234567").verification == "suspended"


# --- products: files and formats --------------------------------------------------------------


def test_sample_product_csv_and_xlsx_hold_the_same_products(sample_cooperatives):
    def checked(name):
        with (SAMPLES / name).open("rb") as handle:
            rows = imports.read_rows(handle, filename=name, columns=imports.PRODUCT_COLUMNS)
        valid, errors = imports.check_products(rows)
        assert errors == []
        return [(item.line, item.cooperative.pk, item.data, item.blank) for item in valid]

    from_csv = checked("products.csv")
    assert len(from_csv) == 12
    assert from_csv == checked("products.xlsx")
    groups = {data.category.group.slug for _line, _coop, data, _blank in from_csv}
    assert groups == {"food", "beverages", "herbal", "textiles", "handicrafts", "tourism"}


def test_xlsx_import_creates_draft_listings_with_stock_and_ocop(sample_cooperatives):
    out, _ = run("import_products", SAMPLES / "products.xlsx")

    assert "12 rows: 12 created, 0 updated, 0 unchanged." in out
    products = ProductPage.objects.filter(cooperative__tax_code="0801234567").order_by("sku")
    assert [p.sku for p in products] == ["VAI-SAY-500", "VAI-TUOI-KG"]
    assert not any(p.live for p in ProductPage.objects.all())
    dried = products[0]
    assert dried.price_vnd == 125_000
    assert dried.min_order_qty == 10
    assert dried.inventory.stock == 1200
    assert dried.get_parent().pk == sample_cooperatives["0801234567"].pk
    certificate = dried.ocop_certificates.get()
    assert (certificate.stars, certificate.decision_number) == (4, "1520/QĐ-UBND")
    assert certificate.issued_on == datetime.date(2025, 6, 18)
    assert certificate.expires_on == datetime.date(2028, 6, 18)
    # Empty stock means "not tracked"; empty minimum order means 1.
    fresh = products[1]
    assert fresh.inventory.stock is None
    assert not fresh.ocop_certificates.exists()


def test_publish_flag_publishes_the_listings(sample_cooperatives):
    run("import_products", SAMPLES / "products.csv", "--publish")

    assert ProductPage.objects.count() == 12
    assert ProductPage.objects.filter(live=True).count() == 12
    assert ProductPage.objects.get(sku="TRANH-LUA-01").price_vnd == 1_250_000


def test_numeric_tax_code_cell_in_xlsx_gets_its_leading_zero_back(tmp_path):
    cooperative = factories.cooperative(tax_code="0101234567")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(imports.PRODUCT_COLUMNS))
    sheet.append(["SKU-1", 101234567, "Khăn lụa", None, "textiles", "chiếc", 350000.0, None, 5])
    sheet.append([])  # an empty row in between still counts as a line
    sheet.append(["SKU-2", "0101234567", "Lụa", None, "textiles", "mét", 12.5])
    path = tmp_path / "products.xlsx"
    workbook.save(path)

    _, stderr = run_failing("import_products", path)
    assert stderr.strip() == (
        "line 4: price_vnd: “12.5” is not a whole number; "
        "thousands separators ('.' or ',') must separate groups of 3 digits"
    )

    error, _ = run_failing("import_products", path, "--skip-invalid")
    assert error.returncode == 2
    assert ProductPage.objects.get(cooperative=cooperative, sku="SKU-1").price_vnd == 350_000


@pytest.mark.parametrize(
    ("text", "amount"),
    [("125000", 125_000), ("125.000", 125_000), ("125,000", 125_000), ("1.250.000", 1_250_000)],
)
def test_prices_accept_thousands_separators(tmp_path, text, amount):
    cooperative = factories.cooperative()
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, price=text))

    run("import_products", path)

    assert ProductPage.objects.get(cooperative=cooperative).price_vnd == amount


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12.5", "is not a whole number"),
        ("12,50", "is not a whole number"),
        ("1.250,000", "is not a whole number"),
        ("-5000", "is negative"),
        ("0", "must be at least 1"),
        ("125000 đ", "is not a whole number"),
        ("", "this column is required"),
    ],
)
def test_prices_that_are_not_whole_dong_are_rejected(tmp_path, text, reason):
    cooperative = factories.cooperative()
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, price=text))

    _, stderr = run_failing("import_products", path)

    assert stderr.startswith("line 2: price_vnd: ")
    assert reason in stderr
    assert not ProductPage.objects.exists()


def test_csv_with_byte_order_mark_and_semicolons_is_read(tmp_path):
    cooperative = factories.cooperative()
    path = tmp_path / "excel.csv"
    row = product_row(cooperative.tax_code, price="125.000").replace('","', '";"')
    path.write_bytes(("\ufeff" + PRODUCT_HEADER.replace(",", ";") + "\r\n" + row + "\r\n").encode())

    run("import_products", path)

    assert ProductPage.objects.get(cooperative=cooperative).price_vnd == 125_000


# --- products: validation ----------------------------------------------------------------------


def test_bad_row_reports_its_line_number_and_nothing_is_imported(tmp_path):
    cooperative = factories.cooperative()
    path = write_csv(
        tmp_path,
        PRODUCT_HEADER,
        product_row(cooperative.tax_code, "SKU-1"),
        product_row(cooperative.tax_code, "SKU-2", category="vegetables"),
        product_row(cooperative.tax_code, "SKU-3"),
    )

    error, stderr = run_failing("import_products", path)

    assert error.returncode == 1
    assert stderr.startswith("line 3: category: “vegetables” is not a category; use one of beverages,")
    assert len(stderr.strip().splitlines()) == 1
    assert not ProductPage.objects.exists()


def test_skip_invalid_imports_the_good_rows_and_still_exits_non_zero(tmp_path):
    cooperative = factories.cooperative()
    path = write_csv(
        tmp_path,
        PRODUCT_HEADER,
        product_row(cooperative.tax_code, "SKU-1"),
        product_row(cooperative.tax_code, "SKU-2", price="12.5"),
        product_row(cooperative.tax_code, "SKU-3"),
    )

    error, stderr = run_failing("import_products", path, "--skip-invalid")

    assert error.returncode == 2
    assert "3 rows: 2 created, 0 updated, 0 unchanged, 1 skipped because of errors." in str(error)
    assert stderr.startswith("line 3: price_vnd:")
    assert set(ProductPage.objects.values_list("sku", flat=True)) == {"SKU-1", "SKU-3"}


def test_ocop_columns_are_all_required_once_one_is_filled_in(tmp_path):
    cooperative = factories.cooperative()
    path = write_csv(
        tmp_path,
        PRODUCT_HEADER,
        product_row(cooperative.tax_code, "SKU-1", ocop_stars="4"),
        product_row(
            cooperative.tax_code,
            "SKU-2",
            ocop_stars="2",
            ocop_certificate_no="12/QĐ-UBND",
            ocop_issued_on="15/03/2025",
            ocop_authority="UBND tỉnh",
        ),
    )

    _, stderr = run_failing("import_products", path)

    line_2, line_3 = stderr.strip().splitlines()
    assert line_2 == (
        "line 2: ocop_certificate_no: required when any OCOP column is filled in; "
        "ocop_issued_on: required when any OCOP column is filled in; "
        "ocop_authority: required when any OCOP column is filled in"
    )
    assert "ocop_stars: 2 is not 3, 4 or 5" in line_3
    assert "ocop_issued_on: “15/03/2025” is not a date as YYYY-MM-DD" in line_3


def test_duplicate_sku_and_unknown_cooperative_are_errors(tmp_path):
    cooperative = factories.cooperative()
    other = factories.cooperative()
    path = write_csv(
        tmp_path,
        PRODUCT_HEADER,
        product_row(cooperative.tax_code, "SKU-1"),
        product_row(other.tax_code, "SKU-1"),  # the same SKU at another cooperative is fine
        product_row(cooperative.tax_code, "SKU-1"),
        product_row("0999999999", "SKU-9"),
    )

    _, stderr = run_failing("import_products", path)

    assert stderr.strip().splitlines() == [
        f"line 4: sku: SKU-1 of cooperative {cooperative.tax_code} is already on line 2",
        "line 5: cooperative_tax_code: no cooperative has tax code 0999999999; import the cooperative first",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("products.csv", "sku,name\nA,B\n", "missing column(s): cooperative_tax_code, name_en"),
        ("products.csv", PRODUCT_HEADER + ",colour\n", "unknown column(s): colour"),
        ("products.csv", "", "The file is empty"),
        ("products.txt", PRODUCT_HEADER + "\n", "is not a CSV or XLSX file"),
        ("products.xlsx", PRODUCT_HEADER + "\n", "could not be read as an Excel workbook"),
    ],
)
def test_unusable_files_get_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    error, stderr = run_failing("import_products", path)

    assert message in str(error)
    assert stderr == ""


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(
        (PRODUCT_HEADER + "\nSKU-1,0101234567,Cà phê Đà Lạt\n").encode("cp1258", errors="replace")
    )

    error, _ = run_failing("import_products", path)

    assert "not UTF-8 text (first problem on line 2)" in str(error)


def test_missing_file_exits_non_zero(tmp_path):
    error, _ = run_failing("import_products", tmp_path / "nowhere.csv")
    assert "File not found" in str(error)
    assert error.returncode == 1


# --- products: writing -------------------------------------------------------------------------


def test_reimport_is_idempotent_and_updates_changed_values(tmp_path):
    cooperative = factories.cooperative()
    rows = [product_row(cooperative.tax_code, f"SKU-{n}", stock="10") for n in range(3)]
    path = write_csv(tmp_path, PRODUCT_HEADER, *rows)
    run("import_products", path, "--publish")

    out, _ = run("import_products", path, "--publish")
    assert "3 rows: 0 created, 0 updated, 3 unchanged." in out

    rows[1] = product_row(cooperative.tax_code, "SKU-1", price="99.000", stock="10")
    rows[2] = product_row(cooperative.tax_code, "SKU-2", stock="7")
    out, _ = run("import_products", write_csv(tmp_path, PRODUCT_HEADER, *rows), "--publish")

    assert "3 rows: 0 created, 2 updated, 1 unchanged." in out
    assert ProductPage.objects.count() == 3
    assert ProductInventory.objects.count() == 3
    assert ProductPage.objects.get(sku="SKU-1").price_vnd == 99_000
    assert ProductPage.objects.get(sku="SKU-2").inventory.stock == 7


def test_reimported_ocop_certificate_is_corrected_not_duplicated(tmp_path):
    cooperative = factories.cooperative()
    ocop = {"ocop_stars": "3", "ocop_certificate_no": "88/QĐ-UBND", "ocop_issued_on": "2025-01-10"}
    first = product_row(cooperative.tax_code, ocop_authority="UBND tỉnh", **ocop)
    run("import_products", write_csv(tmp_path, PRODUCT_HEADER, first))
    corrected = product_row(cooperative.tax_code, ocop_authority="UBND tỉnh", **(ocop | {"ocop_stars": "4"}))

    out, _ = run("import_products", write_csv(tmp_path, PRODUCT_HEADER, corrected))

    assert "0 created, 1 updated" in out
    assert list(OcopCertificate.objects.values_list("decision_number", "stars")) == [("88/QĐ-UBND", 4)]


def test_reimport_keeps_what_the_file_does_not_carry(tmp_path):
    cooperative = factories.cooperative()
    product = factories.product(
        cooperative=cooperative,
        sku="SKU-1",
        packaging="Thùng 12 chai",
        description_en="<p>Aged fifteen months.</p>",
        description="<p>Ủ chượp 15 tháng.</p>",
        stock=40,
    )
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, "SKU-1", price="130.000"))

    run("import_products", path, "--publish")

    product = ProductPage.objects.get(pk=product.pk)
    assert product.price_vnd == 130_000
    assert product.packaging == "Thùng 12 chai"
    assert product.description_en == "<p>Aged fifteen months.</p>"
    # Empty optional cells keep the listing's values.
    assert product.description == "<p>Ủ chượp 15 tháng.</p>"
    assert product.inventory.stock == 40
    # The listing had revisions, so the imported values are in its latest (published) revision too.
    assert product.get_latest_revision_as_object().price_vnd == 130_000
    assert not product.has_unpublished_changes


def test_without_publish_a_live_listing_keeps_its_live_version(tmp_path):
    cooperative = factories.cooperative()
    product = factories.product(cooperative=cooperative, sku="SKU-1", price_vnd=100_000)
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, "SKU-1", price="130.000"))

    out, _ = run("import_products", path)

    assert "0 created, 1 updated" in out
    product = ProductPage.objects.get(pk=product.pk)
    assert product.live
    assert product.price_vnd == 100_000
    assert product.has_unpublished_changes
    assert product.get_latest_revision_as_object().price_vnd == 130_000


def test_failure_midway_rolls_everything_back(tmp_path, monkeypatch):
    first, second = factories.cooperative(), factories.cooperative()
    path = write_csv(
        tmp_path,
        PRODUCT_HEADER,
        product_row(first.tax_code, "SKU-1"),
        product_row(second.tax_code, "SKU-2"),
    )
    real_upsert = services.products_bulk_upsert
    calls = []

    def upsert_then_fail(**kwargs):
        calls.append(kwargs["cooperative"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_upsert(**kwargs)

    monkeypatch.setattr(services, "products_bulk_upsert", upsert_then_fail)

    error, _ = run_failing("import_products", path)

    assert len(calls) == 2
    assert "The import failed and nothing was written (RuntimeError: disk full)" in str(error)
    assert not ProductPage.objects.exists()
    assert not ProductInventory.objects.exists()


def test_archived_product_is_not_brought_back(tmp_path):
    cooperative = factories.cooperative()
    product = factories.product(cooperative=cooperative, sku="SKU-1")
    services.product_archive(product=product)
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, "SKU-1"))

    _, stderr = run_failing("import_products", path, "--publish")

    assert "line 2: sku: product SKU-1 is archived" in stderr
    assert not ProductPage.objects.get(pk=product.pk).live


# --- admin upload by cooperative staff ---------------------------------------------------------


def upload(client, tmp_path, *rows, name="products.csv"):
    path = write_csv(tmp_path, PRODUCT_HEADER, *rows, name=name)
    with path.open("rb") as handle:
        return client.post(IMPORT_URL, {"file": handle})


def test_admin_url_is_named():
    assert reverse("catalog_import_products") == IMPORT_URL


def test_staff_upload_sends_new_listings_to_moderation(client, tmp_path):
    staff = english_user()
    cooperative = factories.cooperative(staff=[staff])
    client.force_login(staff)

    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert cooperative.tax_code in page.content.decode()

    response = upload(
        client,
        tmp_path,
        product_row(cooperative.tax_code, "SKU-1"),
        product_row(cooperative.tax_code, "SKU-2", price="1.250.000"),
    )

    assert response.status_code == 200
    assert "2 rows: 2 created, 0 updated, 0 unchanged." in response.content.decode()
    products = ProductPage.objects.filter(cooperative=cooperative)
    assert products.count() == 2
    for product in products:
        assert not product.live
        assert product.workflow_in_progress
        assert product.owner == staff
        assert product.current_workflow_state.requested_by == staff


def test_staff_upload_costs_each_reviewer_one_email(
    client, tmp_path, mailoutbox, django_capture_on_commit_callbacks
):
    staff = english_user()
    reviewer = factories.user(email="duyet@lienminh-hanoi.example.org")
    factories.alliance(name="Liên minh HTX Hà Nội", provinces=["01"], staff=[reviewer])
    cooperative = factories.cooperative(province="01", staff=[staff])
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, tmp_path, *(product_row(cooperative.tax_code, f"SKU-{n}") for n in range(3)))

    assert [email.to for email in mailoutbox] == [[reviewer.email]]
    assert mailoutbox[0].subject == "3 listings to review"
    assert mailoutbox[0].body.count(cooperative.title) == 3


def _submitting_import(tmp_path, staff, *cooperatives):
    """Import one listing per cooperative, submitted for review as the admin upload does."""
    path = write_csv(
        tmp_path, PRODUCT_HEADER, *(product_row(c.tax_code, f"SKU-{n}") for n, c in enumerate(cooperatives))
    )
    with path.open("rb") as handle:
        return imports.import_products(
            handle, filename=path.name, submit=True, managed=cooperatives, user=staff
        )


@pytest.fixture
def review_mail_readers():
    """A reviewer of province 01 (our notice) and an administrator (Wagtail's notice)."""
    reviewer = factories.user(email="duyet@lienminh-hanoi.example.org")
    factories.alliance(name="Liên minh HTX Hà Nội", provinces=["01"], staff=[reviewer])
    return [reviewer.email, factories.superuser(email="root@example.org").email]


def test_an_upload_that_fails_after_submitting_sends_no_review_email(
    tmp_path, monkeypatch, mailoutbox, django_capture_on_commit_callbacks, review_mail_readers
):
    staff = english_user()
    first, second = (factories.cooperative(province="01", staff=[staff]) for _ in range(2))
    real_upsert = services.products_bulk_upsert

    def fail_on_the_second_cooperative(**kwargs):
        if kwargs["cooperative"] == second:
            # The first cooperative's listing has been submitted for review by now.
            assert ProductPage.objects.child_of(first).get().workflow_in_progress
            raise RuntimeError("disk full")
        return real_upsert(**kwargs)

    monkeypatch.setattr(services, "products_bulk_upsert", fail_on_the_second_cooperative)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="disk full"):
        _submitting_import(tmp_path, staff, first, second)

    assert not ProductPage.objects.exists()
    assert mailoutbox == []


def test_an_upload_that_commits_sends_the_review_emails(
    tmp_path, mailoutbox, django_capture_on_commit_callbacks, review_mail_readers
):
    staff = english_user()
    first, second = (factories.cooperative(province="01", staff=[staff]) for _ in range(2))

    with django_capture_on_commit_callbacks(execute=True):
        _submitting_import(tmp_path, staff, first, second)

    assert sorted(address for message in mailoutbox for address in message.to) == sorted(
        [review_mail_readers[0], *[review_mail_readers[1]] * 2]
    )


def test_staff_upload_of_a_change_to_a_live_listing_waits_for_review(client, tmp_path):
    staff = english_user()
    cooperative = factories.cooperative(staff=[staff])
    product = factories.product(cooperative=cooperative, sku="SKU-1", price_vnd=100_000)
    client.force_login(staff)

    upload(client, tmp_path, product_row(cooperative.tax_code, "SKU-1", price="130.000"))

    product = ProductPage.objects.get(pk=product.pk)
    assert product.live
    assert product.price_vnd == 100_000
    assert product.workflow_in_progress
    assert product.get_latest_revision_as_object().price_vnd == 130_000


def test_staff_upload_resubmits_a_listing_sent_back_for_changes(client, tmp_path):
    staff, reviewer = english_user(), factories.superuser()
    cooperative = factories.cooperative(staff=[staff])
    client.force_login(staff)
    upload(client, tmp_path, product_row(cooperative.tax_code, "SKU-1"))
    product = ProductPage.objects.get(cooperative=cooperative)
    product.current_workflow_state.current_task_state.reject(user=reviewer)
    assert product.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES

    upload(client, tmp_path, product_row(cooperative.tax_code, "SKU-1", price="99.000"))

    product = ProductPage.objects.get(pk=product.pk)
    assert product.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert product.workflow_states.count() == 1
    assert product.get_latest_revision_as_object().price_vnd == 99_000


def test_staff_upload_naming_another_cooperative_imports_nothing(client, tmp_path):
    staff = english_user()
    cooperative = factories.cooperative(staff=[staff])
    other = factories.cooperative()
    client.force_login(staff)

    response = upload(
        client,
        tmp_path,
        product_row(cooperative.tax_code, "SKU-1"),
        product_row(other.tax_code, "SKU-2"),
    )

    assert response.status_code == 200
    report = response.context["report"]
    with translation.override("en"):  # the request left its own language active
        assert [str(error) for error in report.errors] == [
            f"line 3: you do not manage cooperative {other.tax_code}"
        ]
    assert f"you do not manage cooperative {other.tax_code}" in response.content.decode()
    assert not ProductPage.objects.exists()


def test_staff_upload_of_an_unusable_file_shows_a_form_error(client, tmp_path):
    staff = english_user()
    factories.cooperative(staff=[staff])
    client.force_login(staff)
    path = tmp_path / "products.pdf"
    path.write_bytes(b"%PDF-1.4")

    with path.open("rb") as handle:
        response = client.post(IMPORT_URL, {"file": handle})

    assert response.status_code == 200
    assert "is not a CSV or XLSX file" in str(response.context["form"].errors["file"])


def test_users_outside_cooperatives_cannot_import(client, tmp_path):
    alliance_staff = english_user()
    factories.alliance(staff=[alliance_staff])  # may use the admin, manages no cooperative
    client.force_login(alliance_staff)
    cooperative = factories.cooperative()

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, tmp_path, product_row(cooperative.tax_code)).status_code == 403
    assert IMPORT_URL not in client.get("/admin/").content.decode()

    buyer = factories.user()
    client.force_login(buyer)
    response = client.get(IMPORT_URL)
    # Without admin access Wagtail sends the user to log in (the site's log-in) before the view runs.
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not ProductPage.objects.exists()


def test_menu_item_is_shown_to_cooperative_staff(client):
    staff = english_user()
    factories.cooperative(staff=[staff])
    client.force_login(staff)

    assert IMPORT_URL in client.get("/admin/").content.decode()


def test_administrator_may_upload_the_xlsx_sample_for_any_cooperative(client, sample_cooperatives):
    client.force_login(factories.superuser())

    with (SAMPLES / "products.xlsx").open("rb") as handle:
        response = client.post(IMPORT_URL, {"file": handle})

    report = response.context["report"]
    assert (report.imported, report.created, report.errors) == (True, 12, [])
    products = ProductPage.objects.all()
    assert len(products) == 12
    assert all(p.workflow_in_progress and not p.live for p in products)


def test_staff_upload_over_the_row_limit_is_refused(client, tmp_path, monkeypatch):
    monkeypatch.setattr("catalog.admin_import.MAX_UPLOAD_ROWS", 1)
    staff = english_user()
    cooperative = factories.cooperative(staff=[staff])
    client.force_login(staff)

    response = upload(
        client,
        tmp_path,
        product_row(cooperative.tax_code, "SKU-1"),
        product_row(cooperative.tax_code, "SKU-2"),
    )

    assert "more than 1 rows" in str(response.context["form"].errors["file"])
    assert not ProductPage.objects.exists()


def test_certificate_added_to_a_listing_with_revisions_survives_publishing(tmp_path):
    cooperative = factories.cooperative()
    product = factories.product(cooperative=cooperative, sku="SKU-1")  # published, with a revision
    ocop = {
        "ocop_stars": "4",
        "ocop_certificate_no": "21/QĐ-UBND",
        "ocop_issued_on": "2025-05-05",
        "ocop_authority": "UBND tỉnh",
    }
    path = write_csv(tmp_path, PRODUCT_HEADER, product_row(cooperative.tax_code, "SKU-1", **ocop))

    run("import_products", path, "--publish")

    # Publishing a revision rewrites the page's child relations from it; the certificate is in it.
    assert list(OcopCertificate.objects.filter(product=product).values_list("stars", flat=True)) == [4]
    latest = ProductPage.objects.get(pk=product.pk).get_latest_revision()
    assert [c["decision_number"] for c in latest.content["ocop_certificates"]] == ["21/QĐ-UBND"]
