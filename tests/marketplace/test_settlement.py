"""Settlement: payouts, a month's figures that add up, and the statement as CSV, XLSX and PDF."""

import csv
import datetime
import importlib.util
import io
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from marketplace import settlement_files
from marketplace.ledger.models import LedgerTransaction
from marketplace.models import Order, OrderEvent, Payout, Purchase, Refund
from marketplace.selectors.settlement import month_bounds, settlement_context, settlement_for
from marketplace.services import orders as order_services
from marketplace.services.payments import order_refund, purchase_card_paid
from marketplace.services.payouts import payout_record
from marketplace.services.statements import statement_import
from tests import factories
from tests.factories import marketplace as mf
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

# marketplace/documents.py (branch `pdf`) and WeasyPrint draw the PDF; without them it is refused.
PDF_BUILT = all(importlib.util.find_spec(name) for name in ("marketplace.documents", "weasyprint"))
S = Order.Status


def this_month() -> datetime.date:
    """The first day of the site's month, read when the test runs (not when it is collected)."""
    return timezone.localdate().replace(day=1)


class FakeGateway:
    """The card processor, as far as refunds go: every refund succeeds."""

    def refund(self, *, intent_id, amount_vnd, idempotency_key):
        return types.SimpleNamespace(id=f"re_{idempotency_key}")


@pytest.fixture(autouse=True)
def _cards(monkeypatch):
    monkeypatch.setattr("marketplace.services.checkout.card_gateway", FakeGateway)
    monkeypatch.setattr("marketplace.services.payments.card_gateway", FakeGateway)


@pytest.fixture
def shop(settings):
    settings.PLATFORM_COMMISSION_PERCENT = "10"
    staff, overseer = factories.user(), factories.user()
    cooperative = factories.cooperative(name="HTX Chè Tân Cương", staff=[staff], province="01")
    factories.alliance(provinces=("01",), staff=[overseer])
    mf.terms(cooperative, shipping="pickup")
    tea = factories.product(cooperative=cooperative, price_vnd=100_000, stock=100)
    return types.SimpleNamespace(cooperative=cooperative, staff=staff, overseer=overseer, tea=tea)


def buy(shop, quantity, method):
    return mf.purchase(factories.user(), [(shop.tea, quantity)], method=method)


def card_paid(shop, quantity):
    purchase = buy(shop, quantity, "card")
    purchase_card_paid(purchase=purchase, amount_vnd=purchase.total_vnd, currency="vnd")
    return purchase.orders.get()


def transfer_paid(shop, quantity, reference):
    purchase = buy(shop, quantity, "vietqr")
    data = f"date,amount_vnd,description,reference\n01/01/2025,{purchase.total_vnd},{purchase.payment_code},{reference}\n"
    statement_import(file=io.BytesIO(data.encode()), filename="s.csv", cooperative=shop.cooperative)
    return purchase.orders.get()


def cod_delivered(shop, quantity):
    order = buy(shop, quantity, "cod").orders.get()
    for to in (S.CONFIRMED, S.SHIPPED, S.DELIVERED):
        change = order_services.StatusChange(
            to=to, carrier="VNPost", tracking_number="VN1", cash_collected=True
        )
        order = order_services.order_change_status(order=order, user=shop.staff, change=change)
    return order


def age_everything(when: datetime.datetime):
    """Move every row made so far to `when`: what the services did, as if done that day."""
    Purchase.objects.update(created_at=when)
    Order.objects.update(created_at=when)
    OrderEvent.objects.update(at=when)
    LedgerTransaction.objects.update(created_at=when)
    Refund.objects.update(created_at=when)
    Payout.objects.update(created_at=when)


@pytest.fixture
def month(shop, django_capture_on_commit_callbacks):
    """Last month a card sale; this month card, transfer and cash sales, a cancelled and an unpaid order,
    a card refund, a cash refund and a payout. Commission 10%, no shipping."""
    card_paid(shop, 2)  # 200,000: owed 180,000
    age_everything(month_bounds(this_month())[0] - datetime.timedelta(days=10))

    card = card_paid(shop, 1)  # 100,000: owed +90,000
    refunded = card_paid(shop, 3)  # 300,000: owed +270,000
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=refunded, amount_vnd=50_000, actor="cooperative", user=shop.staff)
    transfer = transfer_paid(shop, 4, "FT100")  # 400,000 to the cooperative: it owes 40,000
    cash = cod_delivered(shop, 1)  # 100,000 in cash: it owes 10,000
    order_refund(order=cash, amount_vnd=20_000, actor="cooperative", user=shop.staff, reference="TM-01")
    cancelled = buy(shop, 1, "vietqr").orders.get()
    order_services.order_change_status(
        order=cancelled, user=cancelled.purchase.buyer, change=order_services.StatusChange(to=S.CANCELLED)
    )
    unpaid = buy(shop, 1, "vietqr").orders.get()
    payout = payout_record(
        cooperative=shop.cooperative,
        amount_vnd=100_000,
        reference="VCB-PAYOUT-1",
        paid_on=timezone.localdate(),
        user=shop.overseer,
    )
    return types.SimpleNamespace(
        card=card, refunded=refunded, transfer=transfer, cash=cash, unpaid=unpaid, payout=payout
    )


def totals(rows):
    return {row.method: (row.orders, row.amount_vnd) for row in rows}


def test_a_months_figures_add_up(shop, month):
    settlement = settlement_for(cooperative=shop.cooperative, month=this_month())

    assert totals(settlement.sold) == {"card": (2, 400_000), "vietqr": (2, 500_000), "cod": (1, 100_000)}
    assert totals(settlement.collected) == {"card": (2, 400_000), "vietqr": (1, 400_000), "cod": (1, 100_000)}
    assert settlement.commission_vnd == 10_000 + 30_000 + 40_000 + 10_000
    refunds = {(row.order, row.amount_vnd, row.reference) for row in settlement.refunds}
    card_refund = Refund.objects.get(order=month.refunded)
    assert refunds == {
        (month.refunded.number, 50_000, card_refund.stripe_refund),
        (month.cash.number, 20_000, "TM-01"),
    }
    assert [(row.amount_vnd, row.reference) for row in settlement.payouts] == [(100_000, "VCB-PAYOUT-1")]
    assert settlement.opening_balance_vnd == 180_000
    assert settlement.payable_closing_vnd == 180_000 + 90_000 + 270_000 - 50_000 - 100_000
    assert settlement.receivable_closing_vnd == 40_000 + 10_000
    assert settlement.closing_balance_vnd == 340_000
    assert settlement.closing_balance_vnd == (
        settlement.opening_balance_vnd + settlement.credits_vnd - settlement.debits_vnd
    )
    assert (settlement.credits_vnd, settlement.debits_vnd) == (360_000, 200_000)


def test_the_next_month_opens_where_this_one_closed(shop, month):
    following = (this_month() + datetime.timedelta(days=32)).replace(day=1)
    settlement = settlement_for(cooperative=shop.cooperative, month=following)
    assert settlement.opening_balance_vnd == settlement.closing_balance_vnd == 340_000
    assert settlement.lines == []
    assert settlement.sold_vnd == settlement.collected_vnd == 0


def test_another_cooperatives_sales_stay_out(shop, month):
    other = factories.cooperative()
    mf.terms(other, shipping="pickup")
    assert settlement_for(cooperative=other, month=this_month()).lines == []
    assert settlement_for(cooperative=shop.cooperative, month=this_month()).closing_balance_vnd == 340_000


def test_settlement_reads_in_a_fixed_number_of_queries(shop):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            settlement_for(cooperative=shop.cooperative, month=this_month())
        return len(captured)

    card_paid(shop, 1)
    few = queries()
    for _ in range(5):
        card_paid(shop, 1)
        transfer_paid(shop, 1, f"FT{_}")
    assert queries() == few <= 8


def test_context_has_the_pdf_templates_keys(shop, month):
    context = settlement_context(settlement_for(cooperative=shop.cooperative, month=this_month()))
    assert context["cooperative"] == {"name": "HTX Chè Tân Cương", "tax_code": shop.cooperative.tax_code}
    assert context["month"] == this_month()
    assert {row["amount_vnd"] for row in context["sections"]["sold"]} == {400_000, 500_000, 100_000}
    assert set(context["refunds"][0]) == {"date", "order", "amount_vnd", "reference"}
    assert set(context["payouts"][0]) == {"date", "amount_vnd", "reference"}
    assert set(context["lines"][0]) == {"date", "order", "description", "debit_vnd", "credit_vnd"}
    lines = context["lines"]
    assert context["closing_balance_vnd"] == context["opening_balance_vnd"] + sum(
        line["credit_vnd"] - line["debit_vnd"] for line in lines
    )


# --- payouts ------------------------------------------------------------------------------------


def test_a_payout_posts_to_the_ledger_once(shop):
    card_paid(shop, 2)
    payout = payout_record(
        cooperative=shop.cooperative,
        amount_vnd=150_000,
        reference="P1",
        paid_on=timezone.localdate(),
        user=shop.overseer,
    )
    entry = LedgerTransaction.objects.get(idempotency_key=f"payout:{payout.pk}")
    postings = sorted((p.account.code, p.amount_vnd) for p in entry.postings.select_related("account"))
    assert postings == [("card_clearing", -150_000), (f"coop:{shop.cooperative.tax_code}:payable", 150_000)]
    with pytest.raises(ValidationError) as caught:
        payout_record(
            cooperative=shop.cooperative,
            amount_vnd=1_000,
            reference="P1",
            paid_on=timezone.localdate(),
            user=shop.overseer,
        )
    assert "reference" in caught.value.message_dict
    assert Payout.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "reference", "days", "field"),
    [
        (0, "P1", 0, "amount_vnd"),
        (1.5, "P1", 0, "amount_vnd"),
        (True, "P1", 0, "amount_vnd"),
        (200_000, "P1", 0, "amount_vnd"),  # more than the 180,000 owed
        (1_000, "  ", 0, "reference"),
        (1_000, "x" * 101, 0, "reference"),
        (1_000, "P1", -1, "paid_on"),
    ],
)
def test_a_bad_payout_is_refused_and_writes_nothing(shop, amount, reference, days, field):
    card_paid(shop, 2)
    before = LedgerTransaction.objects.count()
    with pytest.raises(ValidationError) as caught:
        payout_record(
            cooperative=shop.cooperative,
            amount_vnd=amount,
            reference=reference,
            paid_on=timezone.localdate() - datetime.timedelta(days=days),
            user=shop.overseer,
        )
    assert field in caught.value.message_dict
    assert (Payout.objects.count(), LedgerTransaction.objects.count()) == (0, before)


def test_only_overseers_and_superusers_record_payouts(shop):
    card_paid(shop, 2)
    elsewhere = factories.user()
    factories.alliance(provinces=("79",), staff=[elsewhere])
    national = factories.user()
    factories.alliance(kind="national", provinces=(), staff=[national])
    for user in (shop.staff, elsewhere, factories.user()):
        with pytest.raises(PermissionDenied):
            payout_record(
                cooperative=shop.cooperative,
                amount_vnd=1_000,
                reference="X",
                paid_on=timezone.localdate(),
                user=user,
            )
    assert not Payout.objects.exists()
    for n, user in enumerate((national, factories.superuser())):
        payout_record(
            cooperative=shop.cooperative,
            amount_vnd=1_000,
            reference=f"OK{n}",
            paid_on=timezone.localdate(),
            user=user,
        )
    assert Payout.objects.count() == 2


# --- files and the command ----------------------------------------------------------------------


def statement(shop, *arguments):
    out = io.StringIO()
    call_command(
        "settlement_statement",
        "--cooperative",
        shop.cooperative.tax_code,
        "--month",
        f"{this_month():%Y-%m}",
        *arguments,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def check_rows(rows, shop, month):
    by_section = {}
    for row in rows:
        by_section.setdefault(row["section"], []).append(row)
    assert by_section["cooperative"][0]["reference"] == shop.cooperative.tax_code
    assert sum(int(row["amount_vnd"]) for row in by_section["sold"]) == 1_000_000
    assert sum(int(row["amount_vnd"]) for row in by_section["collected"]) == 900_000
    assert int(by_section["commission"][0]["amount_vnd"]) == 90_000
    assert {row["reference"] for row in by_section["refund"]} >= {"TM-01"}
    assert [row["reference"] for row in by_section["payout"]] == ["VCB-PAYOUT-1"]
    opening = int(by_section["opening_balance"][0]["amount_vnd"])
    closing = int(by_section["closing_balance"][0]["amount_vnd"])
    credits = sum(int(row["credit_vnd"]) for row in by_section["line"])
    debits = sum(int(row["debit_vnd"]) for row in by_section["line"])
    assert (opening, closing) == (180_000, 340_000)
    assert closing == opening + credits - debits


def sheet_rows(file) -> list[dict]:
    sheet = load_workbook(file, read_only=True).worksheets[0]
    header, *data = list(sheet.iter_rows(values_only=True))
    assert tuple(header) == settlement_files.COLUMNS
    return [
        {column: ("" if value is None else value) for column, value in zip(header, row, strict=True)}
        for row in data
    ]


def test_csv_goes_to_standard_output_and_reads_back(shop, month):
    text = statement(shop)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == settlement_files.COLUMNS
    check_rows(rows, shop, month)


def test_xlsx_reads_back(shop, month, tmp_path):
    target = tmp_path / "statement.xlsx"
    statement(shop, "--format", "xlsx", "--output", str(target))
    rows = sheet_rows(target)
    check_rows(rows, shop, month)
    assert all(isinstance(row["amount_vnd"], int) for row in rows if row["section"] == "sold")


def test_pdf_is_drawn_or_clearly_not_available(shop, month, tmp_path):
    target = tmp_path / "statement.pdf"
    if not PDF_BUILT:
        with pytest.raises(CommandError, match="PDF not available") as caught:
            statement(shop, "--format", "pdf", "--output", str(target))
        assert caught.value.returncode == 2
        assert not target.exists()
    else:
        statement(shop, "--format", "pdf", "--output", str(target))
        assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "arguments",
    [
        ("--cooperative", "0000000000", "--month", "2025-03"),
        ("--cooperative", "{tax_code}", "--month", "2025-13"),
        ("--cooperative", "{tax_code}", "--month", "03/2025"),
        ("--cooperative", "{tax_code}", "--month", "2025-3"),
    ],
)
def test_bad_tax_code_or_month_exits_2_and_writes_nothing(shop, tmp_path, arguments):
    target = tmp_path / "out.csv"
    arguments = [a.format(tax_code=shop.cooperative.tax_code) for a in arguments]
    with pytest.raises(CommandError) as caught:
        call_command("settlement_statement", *arguments, "--output", str(target), stdout=io.StringIO())
    assert caught.value.returncode == 2
    assert not target.exists()


# --- the admin ----------------------------------------------------------------------------------

SETTLEMENT_URL = "/admin/marketplace/settlement/"


def page_url(shop, month=None):
    month = month or this_month()
    return f"{SETTLEMENT_URL}?cooperative={shop.cooperative.pk}&month={month:%Y-%m}"


def download_url(shop, file_format, month=None):
    month = month or this_month()
    return f"{SETTLEMENT_URL}{shop.cooperative.pk}/{month:%Y-%m}.{file_format}"


def payout_url(shop):
    return f"{SETTLEMENT_URL}{shop.cooperative.pk}/payouts/"


def test_cooperative_staff_see_their_settlement_without_the_payout_form(shop, month, client):
    client.force_login(shop.staff)
    response = client.get(SETTLEMENT_URL)  # their only cooperative is chosen for them
    assert response.status_code == 200
    assert response.context["settlement"].closing_balance_vnd == 340_000
    assert "payout_form" not in response.context
    assert (
        client.post(
            payout_url(shop), {"amount_vnd": 1000, "reference": "X", "paid_on": "2025-01-01"}
        ).status_code
        == 403
    )
    assert Payout.objects.count() == 1


def test_downloads_read_back(shop, month, client):
    client.force_login(shop.staff)
    response = client.get(download_url(shop, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert shop.cooperative.tax_code in response["Content-Disposition"]
    check_rows(list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))), shop, month)
    response = client.get(download_url(shop, "xlsx"))
    check_rows(sheet_rows(io.BytesIO(response.content)), shop, month)
    response = client.get(download_url(shop, "pdf"))
    if not PDF_BUILT:
        assert response.status_code == 302
    else:
        assert response.content.startswith(b"%PDF")


def test_overseers_record_a_payout_in_the_admin(shop, month, client):
    client.force_login(shop.overseer)
    page = client.get(page_url(shop))
    assert "payout_form" in page.context
    response = client.post(
        payout_url(shop),
        {"amount_vnd": "40000", "reference": "VCB-2", "paid_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response.status_code == 302
    assert Payout.objects.filter(reference="VCB-2", amount_vnd=40_000).exists()
    again = client.post(
        payout_url(shop),
        {"amount_vnd": "40000", "reference": "VCB-2", "paid_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert again.status_code == 400
    assert again.context["payout_form"].errors["reference"]
    assert Payout.objects.count() == 2


@pytest.mark.parametrize("bad", ["?cooperative=abc", "?cooperative=999999", "?month=2025-13"])
def test_bad_settlement_queries_never_fail(shop, client, bad):
    client.force_login(factories.superuser())
    assert client.get(SETTLEMENT_URL + bad).status_code in (200, 404)


def test_outsiders_cannot_see_the_settlement_or_record_payouts(shop, month, client):
    other_staff = factories.user()
    factories.cooperative(staff=[other_staff])
    elsewhere = factories.user()
    factories.alliance(provinces=("79",), staff=[elsewhere])
    outsiders = {
        "another cooperative's staff": other_staff,
        "a buyer": factories.user(),
        "alliance staff of another province": elsewhere,
        "anonymous": None,
    }
    before = (Payout.objects.count(), LedgerTransaction.objects.count())
    for name, user in outsiders.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        responses = {
            "page": client.get(page_url(shop)),
            **{
                file_format: client.get(download_url(shop, file_format))
                for file_format in ("csv", "xlsx", "pdf")
            },
            "payout": client.post(
                payout_url(shop), {"amount_vnd": "1000", "reference": "HACK", "paid_on": "2025-01-01"}
            ),
        }
        for what, response in responses.items():
            assert response.status_code in (302, 403, 404), (name, what, response.status_code)
            if user is None:
                assert "/login/" in response["Location"]
            elif response.status_code == 302:  # a non-staff user sent away from the admin
                assert "/login/" in response["Location"] or response["Location"].startswith("/admin/")
        if user is not None:
            listed = client.get(SETTLEMENT_URL)
            assert listed.status_code in (302, 403) or shop.cooperative not in listed.context["cooperatives"]
    assert (Payout.objects.count(), LedgerTransaction.objects.count()) == before


def test_the_settlement_page_costs_the_same_queries_for_few_or_many_orders(shop, client):
    client.force_login(shop.overseer)
    card_paid(shop, 1)
    few = count_queries(client, page_url(shop))
    for n in range(8):
        card_paid(shop, 1)
        transfer_paid(shop, 1, f"FT{n}")
    assert count_queries(client, page_url(shop)) == few
