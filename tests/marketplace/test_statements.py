"""Bank statement reconciliation: exact transfers mark orders paid, the rest waits for staff, once only."""

import datetime
import io
import sys
import threading
import time
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections
from openpyxl import Workbook

from marketplace.ledger.models import LedgerTransaction
from marketplace.models import BankStatementLine, Order, OrderEvent
from marketplace.payments import codes
from marketplace.payments.statements import CellError, parse_amount, parse_date
from marketplace.services import statements
from tests import factories
from tests.factories import marketplace as mf
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

Line = BankStatementLine
P = Order.PaymentStatus
HEADER = "date,amount_vnd,description,reference"


@pytest.fixture(autouse=True)
def _cards_offered(monkeypatch):
    """Checkout offers card payment only when a card gateway is configured; these tests never call it."""
    monkeypatch.setattr("marketplace.services.checkout.card_gateway", object)


@pytest.fixture
def shop():
    staff = factories.user()
    cooperative = factories.cooperative(name="HTX Mật ong Mộc Châu", staff=[staff])
    mf.terms(cooperative, shipping="flat", shipping_fee_vnd=30_000)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=50)
    return cooperative, staff, honey


def order_of(shop, quantity=1, method="vietqr"):
    cooperative, _staff, honey = shop
    purchase = mf.purchase(factories.user(), [(honey, quantity)], method=method)
    return purchase.orders.get(cooperative=cooperative)


def csv_file(tmp_path, *rows, header=HEADER, name="statement.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path, cooperative=None):
    out, err = io.StringIO(), io.StringIO()
    arguments = [str(path)] + (["--cooperative", cooperative.tax_code] if cooperative else [])
    call_command("import_bank_statement", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *extra):
    with pytest.raises(CommandError) as caught:
        call_command("import_bank_statement", str(path), *extra, stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 2
    return str(caught.value)


def state():
    """Everything an import could change."""
    return (
        sorted(Line.objects.values_list("reference", "status")),
        sorted(Order.objects.values_list("number", "payment_status")),
        LedgerTransaction.objects.count(),
        OrderEvent.objects.count(),
    )


# --- cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1250000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("1,250,000", 1_250_000),
        (" +430.000 ", 430_000),
        ("-50.000", -50_000),
        ("- 1,000", -1_000),
        ("007", 7),
    ],
)
def test_amounts_are_whole_dong_with_or_without_separators(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1250000.50", "decimal"),
        ("1.250.000,00", "decimal"),
        ("1,25", "decimal"),
        ("12.50.000", "decimal"),
        ("1.250,000", "decimal"),
        ("1e6", "not_a_number"),
        ("", "empty"),
        ("0", "zero"),
        ("-0", "zero"),
        ("9" * 17, "too_large"),
        ("١٢٣", "not_a_number"),
    ],
)
def test_amounts_that_are_not_whole_dong_are_refused(text, code):
    with pytest.raises(CellError) as caught:
        parse_amount(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("05/03/2025", datetime.date(2025, 3, 5)),
        ("5/3/2025", datetime.date(2025, 3, 5)),
        ("2025-03-05", datetime.date(2025, 3, 5)),
        ("2025-03-05T10:15:00", datetime.date(2025, 3, 5)),
        ("05/03/2025 10:15:22", datetime.date(2025, 3, 5)),
    ],
)
def test_dates_are_day_first_or_iso(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2025", "2025/03/05", "03-05-2025", "5 March 2025", "13/13/2025"])
def test_other_dates_are_refused(text):
    with pytest.raises(CellError):
        parse_date(text)


def test_find_in_reads_a_code_typed_in_lower_case_with_spaces_and_a_dash():
    code = codes.make(0x1234567)
    typed = f"ck htx {code[3:7].lower()}-{code[7:].lower()} tra tien"
    assert codes.find_in(typed) == [code]


# --- matching -----------------------------------------------------------------------------------


def test_exact_transfer_marks_the_order_paid(shop, tmp_path):
    cooperative = shop[0]
    order = order_of(shop)
    path = csv_file(tmp_path, f"05/03/2025,{order.total_vnd},CK {order.purchase.payment_code} cam on,FT001")

    out, err = run(path, cooperative)

    assert out == "matched 1, review 0, duplicate 0\n"
    assert err == ""
    order.refresh_from_db()
    assert order.payment_status == P.PAID
    event = order.events.get(kind="payment:paid")
    assert (event.actor, event.detail) == ("bank", {"reference": "FT001"})
    line = Line.objects.get()
    assert (line.status, line.problem, line.order, line.cooperative) == ("matched", "", order, cooperative)
    assert line.account == f"{mf.BANK['bank_bin']}:{mf.BANK['bank_account']}"
    assert (line.booked_on, line.amount_vnd) == (datetime.date(2025, 3, 5), 230_000)


def test_a_matched_transfer_posts_the_commission_to_the_ledger(shop, tmp_path, settings):
    settings.PLATFORM_COMMISSION_PERCENT = "5"
    cooperative = shop[0]
    order = order_of(shop)  # subtotal 200,000: commission 10,000
    path = csv_file(tmp_path, f"2025-03-05,{order.total_vnd},{order.purchase.payment_code},FT001")

    run(path, cooperative)

    entry = LedgerTransaction.objects.get(kind="order_paid")
    postings = sorted((p.account.code, p.amount_vnd) for p in entry.postings.select_related("account"))
    assert postings == [(f"coop:{cooperative.tax_code}:receivable", 10_000), ("platform_commission", -10_000)]


@pytest.mark.parametrize(
    ("delta", "problem"),
    [(-1, "short"), (1, "over")],
)
def test_short_or_over_transfer_goes_to_review(shop, tmp_path, delta, problem):
    order = order_of(shop)
    path = csv_file(tmp_path, f"05/03/2025,{order.total_vnd + delta},{order.purchase.payment_code},FT001")

    out, _ = run(path, shop[0])

    assert out == "matched 0, review 1, duplicate 0\n"
    line = Line.objects.get()
    assert (line.status, line.problem, line.order) == ("review", problem, order)
    order.refresh_from_db()
    assert order.payment_status == P.UNPAID


def test_unknown_code_goes_to_review_without_an_order(shop, tmp_path):
    order_of(shop)
    stranger = codes.make(424242)
    path = csv_file(
        tmp_path,
        f"05/03/2025,230000,{stranger},FT001",
        "05/03/2025,230000,chuyen tien hang thang,FT002",
    )

    out, _ = run(path, shop[0])

    assert out == "matched 0, review 2, duplicate 0\n"
    assert set(Line.objects.values_list("problem", "order")) == {("unknown", None)}


def test_a_code_of_another_cooperatives_order_is_unknown_here(shop, tmp_path):
    other = factories.cooperative(staff=[factories.user()])
    mf.terms(other, bank_account="0071000999999")
    order = order_of(shop)
    path = csv_file(tmp_path, f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001")

    out, _ = run(path, other)

    assert out == "matched 0, review 1, duplicate 0\n"
    assert Line.objects.get().problem == "unknown"
    order.refresh_from_db()
    assert order.payment_status == P.UNPAID


def test_card_orders_and_paid_orders_are_not_payable_by_transfer(shop, tmp_path):
    card = order_of(shop, method="card")
    order = order_of(shop)
    path = csv_file(
        tmp_path,
        f"05/03/2025,{card.total_vnd},{card.purchase.payment_code},FT001",
        f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT002",
        f"06/03/2025,{order.total_vnd},{order.purchase.payment_code} lan 2,FT003",
    )

    out, _ = run(path, shop[0])

    assert out == "matched 1, review 2, duplicate 0\n"
    problems = dict(Line.objects.values_list("reference", "problem"))
    assert problems == {"FT001": "not_payable", "FT002": "", "FT003": "not_payable"}
    card.refresh_from_db()
    assert card.payment_status == P.UNPAID


def test_reimporting_the_same_statement_changes_nothing(shop, tmp_path, django_capture_on_commit_callbacks):
    order = order_of(shop)
    short = order_of(shop)
    path = csv_file(
        tmp_path,
        f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001",
        f"05/03/2025,1000,{short.purchase.payment_code},FT002",
    )
    assert run(path, shop[0])[0] == "matched 1, review 1, duplicate 0\n"
    before = state()

    with django_capture_on_commit_callbacks() as callbacks:
        out, _ = run(path, shop[0])

    assert out == "matched 0, review 0, duplicate 2\n"
    assert state() == before
    assert callbacks == []


def test_the_same_reference_in_another_account_is_another_line(shop, tmp_path):
    other = factories.cooperative()
    mf.terms(other, bank_account="0071000999999")
    path = csv_file(tmp_path, "05/03/2025,1000,phi,FT001")
    run(path, shop[0])
    out, _ = run(path, other)
    assert out == "matched 0, review 1, duplicate 0\n"
    assert Line.objects.count() == 2


@pytest.mark.parametrize(
    "mangle",
    [
        str.lower,
        lambda code: f"{code[:3]} {code[3:7]}-{code[7:]}".lower(),
        lambda code: ".".join(code),
        lambda code: f"{code[:3]}–{code[3:]}",
        lambda code: code.replace("D", "đ").replace("A", "Á"),
    ],
)
def test_the_code_is_found_however_the_description_mangles_it(shop, tmp_path, mangle):
    order = order_of(shop)
    code = order.purchase.payment_code
    description = f'"Thanh toán đơn hàng {mangle(code)}, cảm ơn"'
    path = csv_file(tmp_path, f"05/03/2025,{order.total_vnd},{description},FT001")

    assert run(path, shop[0])[0] == "matched 1, review 0, duplicate 0\n"
    order.refresh_from_db()
    assert order.payment_status == P.PAID


def test_thousand_separators_and_an_xlsx_statement(shop, tmp_path):
    first, second = order_of(shop), order_of(shop, quantity=2)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["reference", "description", "amount_vnd", "date"])  # any order of columns
    sheet.append(["FT001", first.purchase.payment_code, "230.000", datetime.date(2025, 3, 5)])
    sheet.append(["FT002", second.purchase.payment_code, 430000, "06/03/2025"])
    sheet.append(["FT003", "phi quan ly tai khoan", -11000, "06/03/2025"])
    path = tmp_path / "statement.xlsx"
    workbook.save(path)

    out, err = run(path, shop[0])

    assert out == "matched 2, review 0, duplicate 0\n"
    assert err == "skipped 1 debit line(s)\n"
    assert not Line.objects.filter(reference="FT003").exists()


def test_without_a_cooperative_the_amount_picks_the_purchases_order(tmp_path):
    first = factories.cooperative()
    second = factories.cooperative(province="79")
    mf.terms(first, shipping="pickup")
    mf.terms(second, shipping="pickup", bank_account="0071000999999")
    honey = factories.product(cooperative=first, price_vnd=200_000, stock=5)
    sauce = factories.product(cooperative=second, price_vnd=150_000, stock=5)
    purchase = mf.purchase(factories.user(), [(honey, 1), (sauce, 1)])
    path = csv_file(
        tmp_path,
        f"05/03/2025,150000,{purchase.payment_code},PL001",
        f"05/03/2025,1000,{purchase.payment_code},PL002",
    )

    out, _ = run(path)

    assert out == "matched 1, review 1, duplicate 0\n"
    paid = Order.objects.get(payment_status=P.PAID)
    assert paid.cooperative == second
    matched, review = Line.objects.get(reference="PL001"), Line.objects.get(reference="PL002")
    assert (matched.account, matched.cooperative) == ("platform", second)
    assert (review.problem, review.order, review.cooperative) == ("unknown", None, None)


def test_a_transfer_after_expiry_puts_the_order_back(shop, tmp_path):
    order = order_of(shop)
    Order.objects.filter(pk=order.pk).update(hold_until=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    from marketplace.services.payments import expire_unpaid_orders

    assert expire_unpaid_orders() == 1
    path = csv_file(tmp_path, f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001")

    assert run(path, shop[0])[0] == "matched 1, review 0, duplicate 0\n"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (Order.Status.PLACED, P.PAID)


# --- malformed files ----------------------------------------------------------------------------

# Each file has a good line first (paying an order); `mention` is what the message must quote.
BAD_ROWS = {
    "bad header": (("date,amount,description,reference", "05/03/2025,230000,x,FT001"), "amount_vnd"),
    "extra column": (("date,amount_vnd,description,reference,note", "05/03/2025,1,x,FT1,"), "note"),
    "bad date": ((HEADER, "05/03/2025,230000,x,FT001", "32/03/2025,230000,y,FT002"), "32/03/2025"),
    "future date": ((HEADER, "05/03/2099,230000,x,FT001"), "05/03/2099"),
    "decimal amount": ((HEADER, "05/03/2025,230000,x,FT001", "05/03/2025,230000.50,y,FT002"), "230000.50"),
    "words for an amount": ((HEADER, "05/03/2025,hai tram,x,FT001"), "hai tram"),
    "no reference": ((HEADER, "05/03/2025,230000,x,"), "reference"),
    "reference twice": ((HEADER, "05/03/2025,230000,x,FT001", "06/03/2025,1000,y,FT001"), "FT001"),
    "values without a heading": ((HEADER, "05/03/2025,230000,x,FT001,extra"), ""),
    "header only": ((HEADER,), ""),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_malformed_file_exits_2_and_writes_nothing(shop, tmp_path, case):
    order = order_of(shop)
    rows, mention = BAD_ROWS[case]
    good = f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT000"
    header, *rest = rows
    lines = [good, *rest] if rest else []
    path = csv_file(tmp_path, *lines, header=header)
    before = state()

    message = run_failing(path, "--cooperative", shop[0].tax_code)

    assert mention in message
    assert state() == before
    assert Line.objects.count() == 0


def test_a_malformed_file_writes_nothing_even_after_good_lines(shop, tmp_path):
    order = order_of(shop)
    path = csv_file(
        tmp_path,
        f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001",
        *[f"05/03/2025,{1000 + n},x,R{n}" for n in range(30)],
        "05/03/2025,oops,x,FT999",
    )
    run_failing(path, "--cooperative", shop[0].tax_code)
    order.refresh_from_db()
    assert (order.payment_status, Line.objects.count()) == (P.UNPAID, 0)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("statement.pdf", b"%PDF-1.4"),
        ("statement.xlsx", b"PK\x03\x04 not a workbook"),
        ("statement.csv", "date,amount_vnd\n".encode("utf-16")),
    ],
)
def test_a_file_of_the_wrong_kind_exits_2(shop, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    run_failing(path, "--cooperative", shop[0].tax_code)
    assert Line.objects.count() == 0


def test_too_big_a_file_is_refused_before_reading(shop, tmp_path, monkeypatch):
    monkeypatch.setattr(statements, "MAX_BYTES", 100)
    path = csv_file(tmp_path, *[f"05/03/2025,1000,x,R{n}" for n in range(10)])
    assert "MB" in run_failing(path, "--cooperative", shop[0].tax_code)


def test_too_many_rows_are_refused(shop, tmp_path, monkeypatch):
    monkeypatch.setattr(statements, "MAX_ROWS", 5)
    path = csv_file(tmp_path, *[f"05/03/2025,1000,x,R{n}" for n in range(6)])
    run_failing(path, "--cooperative", shop[0].tax_code)
    assert Line.objects.count() == 0


def test_unknown_tax_code_or_missing_file_exits_2(shop, tmp_path):
    path = csv_file(tmp_path, "05/03/2025,1000,x,R1")
    assert "0000000000" in run_failing(path, "--cooperative", "0000000000")
    run_failing(tmp_path / "missing.csv")
    assert Line.objects.count() == 0


def test_a_cooperative_without_a_bank_account_exits_2(tmp_path):
    cooperative = factories.cooperative()
    path = csv_file(tmp_path, "05/03/2025,1000,x,R1")
    run_failing(path, "--cooperative", cooperative.tax_code)


def test_the_command_line_exits_with_status_2_and_says_why_on_stderr(shop, tmp_path, capsys, monkeypatch):
    path = csv_file(tmp_path, "05/03/2025,oops,x,R1")
    monkeypatch.setattr(sys, "argv", ["manage.py"])
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["manage.py", "import_bank_statement", str(path)])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "oops" in captured.err


# --- settling by hand ---------------------------------------------------------------------------


def review_line(shop, tmp_path, amount=1000, reference="FT001"):
    order = order_of(shop)
    path = csv_file(tmp_path, f"05/03/2025,{amount},{order.purchase.payment_code},{reference}")
    run(path, shop[0])
    return Line.objects.get(reference=reference), order


def test_staff_settle_a_short_transfer_as_the_orders_payment(shop, tmp_path):
    _cooperative, staff, _honey = shop
    line, order = review_line(shop, tmp_path)

    statements.statement_line_settle(line=line, order=order, user=staff, note="phần còn lại nhận tiền mặt")

    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.status, line.settled_by, line.order) == ("settled", staff, order)
    assert line.staff_note == "phần còn lại nhận tiền mặt"
    assert order.payment_status == P.PAID
    event = order.events.get(kind="payment:paid")
    assert (event.actor, event.user, event.detail) == ("cooperative", staff, {"reference": "FT001"})


def test_a_line_is_settled_once(shop, tmp_path):
    _cooperative, staff, _honey = shop
    line, order = review_line(shop, tmp_path)
    statements.statement_line_ignore(line=line, user=staff, note="chuyển nhầm")
    with pytest.raises(ValidationError):
        statements.statement_line_settle(line=line, order=order, user=staff)
    order.refresh_from_db()
    assert order.payment_status == P.UNPAID
    assert Line.objects.get().status == "ignored"


def test_settling_refuses_a_paid_or_foreign_order(shop, tmp_path):
    _cooperative, staff, _honey = shop
    line, _order = review_line(shop, tmp_path)
    card = order_of(shop, method="card")
    other = factories.cooperative()
    mf.terms(other)
    foreign = mf.purchase(factories.user(), [(factories.product(cooperative=other, stock=5), 1)]).orders.get()
    for order in (card, foreign):
        with pytest.raises((ValidationError, PermissionDenied)):
            statements.statement_line_settle(line=line, order=order, user=staff)
    assert Line.objects.get().status == "review"


def test_other_people_cannot_settle(shop, tmp_path):
    line, order = review_line(shop, tmp_path)
    overseer = factories.user()
    factories.alliance(staff=[overseer])
    strangers = [factories.user(), overseer, factories.cooperative(staff=[factories.user()]).staff_group]
    strangers[2] = strangers[2].user_set.get()
    for user in strangers:
        with pytest.raises(PermissionDenied):
            statements.statement_line_settle(line=line, order=order, user=user)
        with pytest.raises(PermissionDenied):
            statements.statement_line_ignore(line=line, user=user)
    assert Line.objects.get().status == "review"


def test_platform_lines_are_settled_by_superusers_only(shop, tmp_path):
    path = csv_file(tmp_path, "05/03/2025,1000,khong co ma,PL001")
    run(path)
    line = Line.objects.get()
    order = order_of(shop)
    with pytest.raises(PermissionDenied):
        statements.statement_line_settle(line=line, order=order, user=shop[1])
    admin = factories.superuser()
    statements.statement_line_settle(line=line, order=order, user=admin)
    line.refresh_from_db()
    assert (line.status, line.cooperative) == ("settled", shop[0])


# --- the admin ----------------------------------------------------------------------------------

IMPORT_URL = "/admin/marketplace/statements/import/"
REVIEW_URL = "/admin/marketplace/statements/review/"


def line_url(line):
    return f"/admin/marketplace/statements/{line.pk}/"


def upload(client, cooperative, data: bytes, name="statement.csv"):
    return client.post(IMPORT_URL, {"cooperative": cooperative.pk, "file": SimpleUploadedFile(name, data)})


def test_staff_upload_a_statement_in_the_admin(shop, client):
    cooperative, staff, _honey = shop
    order = order_of(shop)
    short = order_of(shop)
    data = (
        f"{HEADER}\n05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001\n"
        f"05/03/2025,1000,{short.purchase.payment_code},FT002\n"
    ).encode()
    client.force_login(staff)

    assert client.get(IMPORT_URL).status_code == 200
    response = upload(client, cooperative, data)

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.matched, report.review, report.duplicate) == (1, 1, 0)
    order.refresh_from_db()
    assert order.payment_status == P.PAID
    assert upload(client, cooperative, data).context["report"].duplicate == 2


def test_the_review_list_shows_the_users_cooperatives_only(shop, tmp_path, client):
    line, _order = review_line(shop, tmp_path)
    other_staff = factories.user()
    other = factories.cooperative(staff=[other_staff])
    mf.terms(other, bank_account="0071000999999")
    run(csv_file(tmp_path, "05/03/2025,5000,khong ro,OTHER1", name="other.csv"), other)

    client.force_login(shop[1])
    shown = list(client.get(REVIEW_URL).context["lines"])
    assert shown == [line]
    client.force_login(other_staff)
    assert [shown.reference for shown in client.get(REVIEW_URL).context["lines"]] == ["OTHER1"]
    client.force_login(factories.superuser())
    assert len(client.get(REVIEW_URL).context["lines"]) == 2


def test_staff_settle_and_ignore_in_the_admin(shop, tmp_path, client):
    _cooperative, staff, _honey = shop
    line, order = review_line(shop, tmp_path)
    other_line, _other_order = review_line(shop, tmp_path, reference="FT002")
    client.force_login(staff)

    page = client.get(line_url(line))
    assert page.status_code == 200
    assert page.context["settle_form"].initial["order"] == order.number
    response = client.post(line_url(line), {"action": "settle", "order": order.number.lower(), "note": "đủ"})
    assert response.status_code == 302
    response = client.post(line_url(other_line), {"action": "ignore", "note": "chuyển nhầm"})
    assert response.status_code == 302

    line.refresh_from_db()
    other_line.refresh_from_db()
    order.refresh_from_db()
    assert (line.status, line.settled_by, order.payment_status) == ("settled", staff, P.PAID)
    assert (other_line.status, other_line.staff_note) == ("ignored", "chuyển nhầm")


def test_settling_with_a_bad_order_number_is_a_form_error(shop, tmp_path, client):
    line, _order = review_line(shop, tmp_path)
    other = factories.cooperative()
    mf.terms(other)
    foreign = mf.purchase(factories.user(), [(factories.product(cooperative=other, stock=5), 1)]).orders.get()
    card = order_of(shop, method="card")
    client.force_login(shop[1])
    for number in ("HTX-NOPE", foreign.number, card.number):
        response = client.post(line_url(line), {"action": "settle", "order": number})
        assert response.status_code == 200
        assert response.context["settle_form"].errors
    assert client.post(line_url(line), {"action": "dance"}).status_code == 400
    line.refresh_from_db()
    assert line.status == "review"
    foreign.refresh_from_db()
    assert foreign.payment_status == P.UNPAID


def outsiders():
    """Everyone who must not touch the shop's statements: name -> user (None: anonymous)."""
    other_staff = factories.user()
    factories.cooperative(staff=[other_staff])
    overseer_elsewhere = factories.user()
    factories.alliance(provinces=("79",), staff=[overseer_elsewhere])
    overseer_here = factories.user()
    factories.alliance(provinces=("01",), staff=[overseer_here])
    return {
        "another cooperative's staff": other_staff,
        "a buyer": factories.user(),
        "alliance staff of another province": overseer_elsewhere,
        "alliance staff overseeing it": overseer_here,
        "anonymous": None,
    }


def test_outsiders_cannot_see_or_touch_the_statements(shop, tmp_path, client):
    cooperative = shop[0]
    line, order = review_line(shop, tmp_path)
    fresh = order_of(shop)
    data = f"{HEADER}\n05/03/2025,{fresh.total_vnd},{fresh.purchase.payment_code},FT900\n".encode()
    before = state()

    for name, user in outsiders().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        requests = {
            "import page": client.get(IMPORT_URL),
            "import": upload(client, cooperative, data),
            "line page": client.get(line_url(line)),
            "settle": client.post(line_url(line), {"action": "settle", "order": order.number}),
            "ignore": client.post(line_url(line), {"action": "ignore"}),
        }
        for what, response in requests.items():
            if response.status_code == 200:  # their own upload page, not offering this cooperative
                assert what.startswith("import"), (name, what)
                assert cooperative not in response.context["form"].fields["cooperative"].queryset
            else:
                assert response.status_code in (302, 403, 404), (name, what, response.status_code)
            if user is None:
                assert response.status_code == 302
                assert "/login/" in response["Location"]
        review = client.get(REVIEW_URL)
        assert review.status_code in (302, 403) or not list(review.context["lines"]), name
    assert state() == before


def test_menu_shows_payments_to_cooperative_staff_only(shop, client):
    client.force_login(shop[1])
    assert REVIEW_URL.encode() in client.get("/admin/").content
    overseer = factories.user()
    factories.alliance(staff=[overseer])
    client.force_login(overseer)
    page = client.get("/admin/").content
    assert REVIEW_URL.encode() not in page
    assert b"/admin/marketplace/settlement/" in page


HOSTILE = {
    "a PDF": ("statement.pdf", b"%PDF-1.4 not a statement"),
    "an .exe named csv": ("statement.csv", b"MZ\x90\x00\x03\x00\x00\x00\xff\xfe"),
    "UTF-16 text": ("statement.csv", HEADER.encode("utf-16")),
    "not a zip": ("statement.xlsx", b"PK\x03\x04 this is not a workbook"),
    "empty": ("statement.csv", b""),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_uploads_are_form_errors(shop, client, case):
    name, data = HOSTILE[case]
    client.force_login(shop[1])
    response = upload(client, shop[0], data, name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert Line.objects.count() == 0


def test_an_upload_over_the_size_cap_is_refused_unread(shop, client, monkeypatch):
    monkeypatch.setattr(statements, "MAX_BYTES", 1024)
    client.force_login(shop[1])
    data = (HEADER + "\n" + "\n".join(f"05/03/2025,1000,x,R{n}" for n in range(100))).encode()
    response = upload(client, shop[0], data)
    assert response.context["form"].errors["file"]
    assert Line.objects.count() == 0


def test_an_xlsx_bomb_is_refused_quickly(shop, client):
    workbook = Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["05/03/2025", 1000, "x", "R1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b" " * 100_000_000 + b"</sheetData>")
            target.writestr(info.filename, body)
    assert len(bomb.getvalue()) < 500_000
    client.force_login(shop[1])

    started = time.perf_counter()
    response = upload(client, shop[0], bomb.getvalue(), "statement.xlsx")

    assert time.perf_counter() - started < 10
    assert "MB" in response.context["form"].errors["file"][0]
    assert Line.objects.count() == 0


def test_an_upload_over_10_mb_is_refused(shop, client):
    client.force_login(shop[1])
    data = HEADER.encode() + b"\n" + b"x" * (10 * 1024 * 1024)
    response = upload(client, shop[0], data)
    assert response.status_code == 200
    assert "10 MB" in response.context["form"].errors["file"][0]


def test_the_review_list_costs_the_same_queries_for_2_or_20_lines(shop, tmp_path, client):
    order = order_of(shop)

    def import_lines(first, count):
        rows = [
            f"05/03/2025,{1000 + n},{order.purchase.payment_code},R{n}" for n in range(first, first + count)
        ]
        run(csv_file(tmp_path, *rows, name=f"s{first}.csv"), shop[0])

    client.force_login(shop[1])
    import_lines(0, 2)
    few = count_queries(client, REVIEW_URL)
    import_lines(2, 18)
    assert len(client.get(REVIEW_URL).context["lines"]) == 20
    assert count_queries(client, REVIEW_URL) == few


def test_two_imports_of_one_statement_at_once_pay_once(threadable_db, shop, tmp_path):
    order = order_of(shop)
    path = csv_file(tmp_path, f"05/03/2025,{order.total_vnd},{order.purchase.payment_code},FT001")
    results, errors = [], []
    barrier = threading.Barrier(2)

    def import_once():
        try:
            barrier.wait(timeout=10)
            with path.open("rb") as handle:
                report = statements.statement_import(file=handle, filename=path.name, cooperative=shop[0])
            results.append(report.counts())
        except Exception as error:  # reported below, so the test fails with the cause
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results) == ["matched 0, review 0, duplicate 1", "matched 1, review 0, duplicate 0"]
    assert order.events.filter(kind="payment:paid").count() == 1
    assert Line.objects.count() == 1
