"""Quotes through their services: sending and revising, accepting into an order, withdrawing, expiry."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import ProductInventory
from marketplace.models import BuyerDemand, Order, Purchase, Quote, QuoteRevision
from marketplace.services import quotes
from marketplace.services.quotes import QuoteNotAcceptable, quote_accept, quote_withdraw
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def codes(error: ValidationError) -> list[str]:
    """The fields a ValidationError names, or its code."""
    return sorted(error.message_dict) if hasattr(error, "error_dict") else [error.code]


# --- sending and revising ----------------------------------------------------------------------


def test_a_first_quote_is_revision_one_with_its_lines_from_the_product_and_free_text(trade):
    quote = qf.quote(
        trade.rfq,
        trade.rice,
        qf.line(trade.st25, quantity=8, unit_price_vnd=18_500_000),
        qf.line(quantity=2, unit_price_vnd=17_000_000, description="Gạo ST25 loại 2"),
    )

    assert (quote.status, quote.revision, quote.total_vnd) == ("sent", 1, 8 * 18_500_000 + 2 * 17_000_000)
    revision = quote.revisions.get()
    assert (revision.number, revision.subtotal_vnd, revision.total_vnd) == (
        1,
        quote.total_vnd,
        quote.total_vnd,
    )
    listed, free = revision.lines.order_by("pk")
    assert (listed.product, listed.sku, listed.description, listed.unit, listed.vat_rate) == (
        trade.st25,
        trade.st25.sku,
        "Gạo ST25",
        "tấn",
        trade.st25.vat_rate,
    )
    assert (free.product, free.sku, free.unit, free.vat_rate) == (None, "", "tấn", "kct")  # the RFQ's unit
    assert free.line_total_vnd == 34_000_000


def test_quoting_again_makes_a_new_revision_and_keeps_the_old_one(trade):
    qf.quote(trade.rfq, trade.rice, qf.line(unit_price_vnd=19_000_000), valid_days=10)
    quote = qf.quote(trade.rfq, trade.rice, qf.line(unit_price_vnd=18_000_000), valid_days=20)

    quote.refresh_from_db()
    assert (quote.revision, quote.total_vnd, quote.valid_until) == (2, 36_000_000, days(20))
    history = list(QuoteRevision.objects.filter(quote=quote).values_list("number", "total_vnd"))
    assert history == [(2, 36_000_000), (1, 38_000_000)]
    assert Quote.objects.count() == 1


def test_the_buyer_is_told_of_each_quote_and_revision_after_commit(
    trade, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        qf.quote(trade.rfq, trade.rice)
        qf.quote(trade.rfq, trade.rice, qf.line(unit_price_vnd=1_000))

    assert [mail.to for mail in mailoutbox] == [[trade.buyer.email]] * 2
    # Each links to the RFQ's page, where the buyer compares the quotes.
    assert all(mail.body.endswith(f"/cung-cau/{trade.rfq.pk}/") for mail in mailoutbox)


def test_a_cooperative_not_invited_to_an_invited_only_rfq_cannot_quote(trade):
    rfq = rfqs.rfq(trade.buyer, visibility="invited", invite=[trade.rice])

    qf.quote(rfq, trade.rice)
    with pytest.raises(PermissionDenied):
        qf.quote(rfq, trade.tea)
    # Nor may one cooperative's staff quote in another's name, nor a buyer.
    with pytest.raises(PermissionDenied):
        qf.quote(trade.rfq, trade.rice, user=trade.tea.quoter)
    with pytest.raises(PermissionDenied):
        qf.quote(trade.rfq, trade.rice, user=trade.buyer)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"status": BuyerDemand.Status.CLOSED}, "closed"),
        ({"status": BuyerDemand.Status.AWARDED}, "closed"),
        ({"deadline": datetime.date(2020, 1, 1)}, "closed"),
    ],
)
def test_an_rfq_that_is_closed_or_past_its_deadline_takes_no_quote(trade, change, status):
    BuyerDemand.objects.filter(pk=trade.rfq.pk).update(**change)
    trade.rfq.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        qf.quote(trade.rfq, trade.rice)
    assert refused.value.code == status
    assert not Quote.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"payment_terms": "cheque"}, "payment_terms"),
        ({"payment_terms": "deposit"}, "deposit_percent"),
        ({"payment_terms": "deposit", "deposit_percent": 0}, "deposit_percent"),
        ({"payment_terms": "deposit", "deposit_percent": 100}, "deposit_percent"),
        ({"payment_terms": "transfer", "deposit_percent": 30}, "deposit_percent"),
        ({"valid_days": -1}, "valid_until"),
        ({"valid_days": 366}, "valid_until"),
        ({"lead_time_days": -1}, "lead_time_days"),
        ({"lead_time_days": 366}, "lead_time_days"),
        ({"lead_time_days": True}, "lead_time_days"),
        ({"delivery_terms": "x" * 301}, "delivery_terms"),
        ({"note": "bad \x00 byte"}, "note"),
    ],
)
def test_bad_terms_are_refused_and_change_nothing(trade, terms, field):
    with pytest.raises(ValidationError) as refused:
        qf.quote(trade.rfq, trade.rice, **terms)
    assert codes(refused.value) == [field]
    assert not Quote.objects.exists()


def test_a_deposit_between_1_and_99_percent_and_today_and_a_year_ahead_are_accepted(trade):
    quote = qf.quote(trade.rfq, trade.rice, payment_terms="deposit", deposit_percent=30, valid_days=365)
    assert quote.revisions.get().deposit_percent == 30
    quote = qf.quote(trade.rfq, trade.tea, valid_days=0, lead_time_days=0, payment_terms="cod")
    assert quote.valid_until == days(0)


@pytest.mark.parametrize(
    "bad_line",
    [
        {"quantity": 0},
        {"quantity": 10**9 + 1},
        {"quantity": True},
        {"unit_price_vnd": 0},
        {"unit_price_vnd": -5},
        {"unit_price_vnd": 10**15 + 1},
        {"quantity": 10**9, "unit_price_vnd": 10**7},  # a line total beyond any order
        {"description": ""},
        {"description": "x" * 256},
        {"vat_rate": ""},
        {"vat_rate": "12"},
        {"unit": "u" * 31},
        {"sku": "NO-SUCH-SKU"},
    ],
)
def test_bad_lines_are_refused_and_change_nothing(trade, bad_line):
    fields = {"quantity": 1, "unit_price_vnd": 1_000} | bad_line
    with pytest.raises(ValidationError) as refused:
        qf.quote(trade.rfq, trade.rice, qf.line(**fields))
    assert codes(refused.value) == ["lines"]
    assert not Quote.objects.exists()


def test_a_line_may_name_only_the_cooperatives_own_product_with_its_own_unit_and_vat(trade):
    other_product = factories.product(cooperative=trade.tea, name="Chè Tân Cương", unit="kg")
    for line in (
        qf.line(other_product),  # another cooperative's product
        qf.line(trade.st25, unit="kg"),
        qf.line(trade.st25, vat_rate="0"),
    ):
        with pytest.raises(ValidationError):
            qf.quote(trade.rfq, trade.rice, line)
    assert not Quote.objects.exists()


def test_no_lines_or_too_many_lines_are_refused(trade):
    with pytest.raises(ValidationError):
        qf.quote(trade.rfq, trade.rice, *[qf.line()] * 51)
    no_lines = quotes.QuoteData(lines=[], valid_until=days(3), lead_time_days=1, payment_terms="cod")
    with pytest.raises(ValidationError):
        quotes.quote_submit(user=trade.rice.quoter, rfq=trade.rfq, cooperative=trade.rice, data=no_lines)
    assert not Quote.objects.exists()


def test_transfer_terms_need_the_cooperatives_bank_account(trade):
    no_bank = qf.quoting_cooperative(bank=False)

    with pytest.raises(ValidationError) as refused:
        qf.quote(trade.rfq, no_bank, payment_terms="deposit", deposit_percent=20)
    assert codes(refused.value) == ["payment_terms"]
    assert qf.quote(trade.rfq, no_bank, payment_terms="cod").status == "sent"


# --- accepting ---------------------------------------------------------------------------------


def test_accepting_places_one_order_at_the_quotes_latest_prices_without_taking_stock(
    trade, mailoutbox, django_capture_on_commit_callbacks
):
    qf.quote(trade.rfq, trade.rice, qf.line(trade.st25, quantity=10, unit_price_vnd=19_500_000))
    quote = qf.quote(
        trade.rfq,
        trade.rice,
        qf.line(trade.st25, quantity=8, unit_price_vnd=18_500_000),
        qf.line(quantity=2, unit_price_vnd=17_000_000),
    )
    other = qf.quote(trade.rfq, trade.tea)

    with django_capture_on_commit_callbacks(execute=True):
        order = quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())

    total = 8 * 18_500_000 + 2 * 17_000_000
    assert (order.total_vnd, order.subtotal_vnd, order.shipping_vnd) == (total, total, 0)
    assert (order.status, order.payment_status, order.payment_method) == ("placed", "unpaid", "vietqr")
    assert order.cooperative == trade.rice
    assert (order.bank_bin, order.bank_account) == (mf.BANK["bank_bin"], mf.BANK["bank_account"])
    assert (order.holds_stock, order.hold_until) == (False, None)
    assert order.purchase.buyer == trade.buyer
    assert order.purchase.total_vnd == total
    assert order.number == f"{order.purchase.payment_code}-1"
    lines = list(order.lines.order_by("id").values_list("product", "quantity", "unit_price_vnd", "vat_rate"))
    assert lines == [(trade.st25.pk, 8, 18_500_000, trade.st25.vat_rate), (None, 2, 17_000_000, "kct")]
    assert not order.lines.filter(stock_tracked=True).exists()
    assert ProductInventory.objects.get(product=trade.st25).stock == 5  # quoted goods are made to order
    event = order.events.get()
    assert (event.kind, event.actor, event.detail["quote"], event.detail["revision"]) == (
        "status:placed",
        "buyer",
        quote.pk,
        2,
    )

    quote.refresh_from_db()
    other.refresh_from_db()
    trade.rfq.refresh_from_db()
    assert (quote.status, quote.order, quote.accepted_at is not None) == ("accepted", order, True)
    assert other.status == "declined"
    assert (trade.rfq.status, trade.rfq.closed_at is not None) == ("awarded", True)
    # The buyer's order, the cooperative's new order, and the other cooperative's polite notice.
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([trade.buyer.email, trade.rice.quoter.email, trade.tea.quoter.email])


def test_cash_on_delivery_terms_make_a_cash_order_without_a_bank_account(trade):
    no_bank = qf.quoting_cooperative(bank=False)
    quote = qf.quote(trade.rfq, no_bank, payment_terms="cod")

    order = quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())

    assert (order.payment_method, order.bank_account) == ("cod", "")


def test_a_deposit_is_stated_on_the_order_and_its_qr_asks_for_the_whole_amount(trade):
    quote = qf.quote(
        trade.rfq,
        trade.rice,
        qf.line(quantity=1, unit_price_vnd=10_000_001),
        payment_terms="deposit",
        deposit_percent=30,
    )

    order = quote_accept(user=trade.buyer, quote=quote, shipping=mf.address(), note="Giao buổi sáng")

    assert (order.payment_method, order.total_vnd) == ("vietqr", 10_000_001)
    event = order.events.get()
    assert (event.detail["payment_terms"], event.detail["deposit_percent"], event.detail["deposit_vnd"]) == (
        "deposit",
        30,
        3_000_000,
    )
    note = order.purchase.note
    assert "30%" in note
    assert "3.000.000" in note  # the deposit
    assert "7.000.001" in note  # and the rest, in đồng
    assert note.endswith("Giao buổi sáng")


def test_without_an_address_the_buyers_last_purchase_gives_it_or_acceptance_asks_for_one(trade):
    quote = qf.quote(trade.rfq, trade.rice)

    with pytest.raises(ValidationError) as refused:
        quote_accept(user=trade.buyer, quote=quote)
    assert codes(refused.value) == ["shipping"]
    quote.refresh_from_db()
    assert quote.status == "sent"

    honey = factories.product(cooperative=trade.tea, price_vnd=100_000, stock=3)
    mf.purchase(trade.buyer, [(honey, 1)], province="79", name="Trần Văn Bình")
    order = quote_accept(user=trade.buyer, quote=quote)
    assert (order.purchase.shipping_name, order.purchase.shipping_province_id) == ("Trần Văn Bình", "79")


def test_a_bad_address_is_refused_and_accepts_nothing(trade):
    quote = qf.quote(trade.rfq, trade.rice)

    with pytest.raises(ValidationError):
        quote_accept(user=trade.buyer, quote=quote, shipping=mf.address(phone="12"))
    quote.refresh_from_db()
    assert quote.status == "sent"
    assert not Order.objects.exists()


def test_only_the_rfqs_buyer_accepts(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    for someone in (factories.user(), trade.rice.quoter, trade.tea.quoter):
        with pytest.raises(PermissionDenied):
            quote_accept(user=someone, quote=quote, shipping=mf.address())
    assert not Order.objects.exists()


def test_a_cooperative_that_removed_its_bank_account_cannot_be_paid_by_transfer(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    mf.terms(trade.rice, bank=False)

    with pytest.raises(ValidationError) as refused:
        quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())
    assert refused.value.code == "bank"
    quote.refresh_from_db()
    trade.rfq.refresh_from_db()
    assert (quote.status, trade.rfq.status) == ("sent", "open")
    assert not Purchase.objects.exists()


def test_accepting_twice_or_a_second_quote_is_refused_with_the_reason(trade):
    first = qf.quote(trade.rfq, trade.rice)
    second = qf.quote(trade.rfq, trade.tea)
    quote_accept(user=trade.buyer, quote=first, shipping=mf.address())

    with pytest.raises(QuoteNotAcceptable) as again:
        quote_accept(user=trade.buyer, quote=first, shipping=mf.address())
    assert again.value.code == "accepted"
    with pytest.raises(QuoteNotAcceptable) as other:
        quote_accept(user=trade.buyer, quote=second, shipping=mf.address())
    assert other.value.code == "taken"
    assert Order.objects.count() == 1


def test_an_expired_withdrawn_or_revised_quote_or_a_closed_rfq_is_not_acceptable(trade):
    expired = qf.quote(trade.rfq, trade.rice)
    Quote.objects.filter(pk=expired.pk).update(valid_until=days(-1))
    with pytest.raises(QuoteNotAcceptable) as refused:
        quote_accept(user=trade.buyer, quote=expired, shipping=mf.address())
    assert refused.value.code == "expired"

    withdrawn = qf.quote(trade.rfq, trade.tea)
    quote_withdraw(user=trade.tea.quoter, quote=withdrawn)
    with pytest.raises(QuoteNotAcceptable) as refused:
        quote_accept(user=trade.buyer, quote=withdrawn, shipping=mf.address())
    assert refused.value.code == "withdrawn"

    third = qf.quoting_cooperative()
    revised = qf.quote(trade.rfq, third)
    qf.quote(trade.rfq, third, qf.line(unit_price_vnd=1_000))
    with pytest.raises(QuoteNotAcceptable) as refused:
        quote_accept(user=trade.buyer, quote=revised, shipping=mf.address(), revision=1)
    assert refused.value.code == "revised"

    BuyerDemand.objects.filter(pk=trade.rfq.pk).update(status="cancelled")
    with pytest.raises(QuoteNotAcceptable) as refused:
        quote_accept(user=trade.buyer, quote=revised, shipping=mf.address())
    assert refused.value.code == "closed"
    assert not Order.objects.exists()
    assert not Quote.objects.filter(status="accepted").exists()


def test_a_quote_still_valid_is_accepted_after_the_deadline_closed_the_rfq(trade):
    """The deadline ends the sending of quotes, not the buyer's choice among those still valid."""
    quote = qf.quote(trade.rfq, trade.rice)
    BuyerDemand.objects.filter(pk=trade.rfq.pk).update(status="closed")

    order = quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())

    assert order.total_vnd == quote.total_vnd
    assert BuyerDemand.objects.get(pk=trade.rfq.pk).status == "awarded"


def test_an_accepted_or_withdrawn_quote_cannot_be_revised_or_withdrawn_again(trade):
    quote = qf.quote(trade.rfq, trade.rice)
    quote_withdraw(user=trade.rice.quoter, quote=quote)

    with pytest.raises(ValidationError) as refused:
        qf.quote(trade.rfq, trade.rice)
    assert refused.value.code == "not_sent"
    with pytest.raises(ValidationError) as refused:
        quote_withdraw(user=trade.rice.quoter, quote=quote)
    assert refused.value.code == "not_sent"
    assert QuoteRevision.objects.filter(quote=quote).count() == 1


def test_only_the_quoting_cooperatives_staff_withdraw(trade, mailoutbox, django_capture_on_commit_callbacks):
    quote = qf.quote(trade.rfq, trade.rice)
    for someone in (trade.buyer, trade.tea.quoter, factories.user()):
        with pytest.raises(PermissionDenied):
            quote_withdraw(user=someone, quote=quote)

    with django_capture_on_commit_callbacks(execute=True):
        quote_withdraw(user=trade.rice.quoter, quote=quote)
    quote.refresh_from_db()
    assert quote.status == "withdrawn"
    assert [mail.to for mail in mailoutbox] == [[trade.buyer.email]]


# --- expiry ------------------------------------------------------------------------------------


def test_expiry_closes_rfqs_past_their_deadline_and_expires_quotes_past_their_validity_once(trade):
    old = rfqs.rfq(trade.buyer, deadline=days(3))
    fresh = qf.quote(trade.rfq, trade.rice, valid_days=5)
    stale = qf.quote(old, trade.tea, valid_days=1)

    assert quotes.expire_rfqs_and_quotes(today=days(2)) == {"rfqs_closed": 0, "quotes_expired": 1}
    assert quotes.expire_rfqs_and_quotes(today=days(4)) == {"rfqs_closed": 1, "quotes_expired": 0}
    assert quotes.expire_rfqs_and_quotes(today=days(4)) == {"rfqs_closed": 0, "quotes_expired": 0}

    old.refresh_from_db()
    trade.rfq.refresh_from_db()
    assert (old.status, old.closed_at is not None) == ("closed", True)
    assert trade.rfq.status == "open"
    assert Quote.objects.get(pk=stale.pk).status == "expired"
    assert Quote.objects.get(pk=fresh.pk).status == "sent"


def test_expiry_leaves_fair_demands_and_decided_quotes_alone(trade):
    accepted = qf.quote(trade.rfq, trade.rice, valid_days=1)
    quote_accept(user=trade.buyer, quote=accepted, shipping=mf.address())
    demand = BuyerDemand.objects.create(
        buyer=trade.buyer, kind="fair", title="Chè", quantity=1, unit="kg", deadline=days(-10)
    )

    quotes.expire_rfqs_and_quotes(today=days(30))

    assert Quote.objects.get(pk=accepted.pk).status == "accepted"
    demand.refresh_from_db()
    assert demand.status == "open"


def test_the_expire_command_reports_and_exits_non_zero_on_error(trade, capsys, monkeypatch):
    BuyerDemand.objects.filter(pk=trade.rfq.pk).update(deadline=days(-1))

    call_command("expire_rfqs")
    assert "RFQs closed 1, quotes expired 0" in capsys.readouterr().out

    def broken(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(quotes, "expire_rfqs_and_quotes", broken)
    with pytest.raises(CommandError, match="database unavailable"):
        call_command("expire_rfqs")


def test_a_total_beyond_any_order_is_refused_even_when_each_line_is_not(trade):
    half = qf.line(quantity=1, unit_price_vnd=6 * 10**14)
    with pytest.raises(ValidationError) as refused:
        qf.quote(trade.rfq, trade.rice, half, half)
    assert codes(refused.value) == ["lines"]


def test_sending_and_accepting_cost_the_same_queries_for_one_line_or_twenty(trade):
    def measure(*lines) -> tuple[int, int]:
        rfq = rfqs.rfq(trade.buyer)
        with CaptureQueriesContext(connection) as sent:
            quote = qf.quote(rfq, trade.rice, *lines)
        with CaptureQueriesContext(connection) as accepted:
            quote_accept(user=trade.buyer, quote=quote, shipping=mf.address())
        return len(sent), len(accepted)

    measure(qf.line(trade.st25))  # warms what is remembered per user (their staffing)
    one = measure(qf.line(trade.st25))
    twenty = measure(*[qf.line(trade.st25)] * 10, *[qf.line()] * 10)
    assert twenty == one
