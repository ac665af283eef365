"""Races on acceptance: one quote accepted by many requests at once, and different quotes of one RFQ.

Real threads, each with its own database connection, on a file-based SQLite copy or on PostgreSQL
(the `threadable_db` fixture, tests/marketplace/conftest.py). Run on both:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/coop_x .venv/bin/pytest tests/marketplace/quotes/test_races.py`.
"""

from collections import Counter

from marketplace.models import BuyerDemand, Order, OrderEvent, Purchase, Quote
from marketplace.services.quotes import QuoteNotAcceptable, quote_accept
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs
from tests.marketplace.test_races import run_together


def accept(buyer, quote, address):
    return lambda: quote_accept(user=buyer, quote=quote, shipping=address)


def outcome_kinds(outcomes) -> Counter:
    return Counter("ok" if kind == "ok" else type(value).__name__ for kind, value in outcomes)


def test_one_quote_accepted_eight_times_at_once_makes_one_order(threadable_db):
    buyer = factories.user()
    rfq = rfqs.rfq(buyer)
    cooperative = qf.quoting_cooperative()
    quote = qf.quote(rfq, cooperative)
    address = mf.address()

    outcomes = run_together([accept(buyer, quote, address) for _ in range(8)])

    assert outcome_kinds(outcomes) == {"ok": 1, "QuoteNotAcceptable": 7}
    assert {value.code for kind, value in outcomes if kind == "error"} == {"accepted"}
    assert Order.objects.count() == Purchase.objects.count() == 1
    assert OrderEvent.objects.filter(kind="status:placed").count() == 1
    quote.refresh_from_db()
    assert (quote.status, quote.order) == ("accepted", Order.objects.get())
    assert BuyerDemand.objects.get(pk=rfq.pk).status == "awarded"


def test_different_quotes_of_one_rfq_accepted_at_once_make_one_order(threadable_db):
    buyer = factories.user()
    rfq = rfqs.rfq(buyer)
    offers = [qf.quote(rfq, qf.quoting_cooperative()) for _ in range(4)]
    address = mf.address()

    # Each quote twice: the same quote and its rivals race together.
    outcomes = run_together([accept(buyer, quote, address) for quote in offers * 2])

    kinds = outcome_kinds(outcomes)
    assert kinds == {"ok": 1, "QuoteNotAcceptable": 7}
    assert {value.code for kind, value in outcomes if kind == "error"} <= {"accepted", "taken"}
    assert Order.objects.count() == 1
    winner = Quote.objects.get(status="accepted")
    assert winner.order == Order.objects.get()
    assert Order.objects.get().cooperative_id == winner.cooperative_id
    assert sorted(Quote.objects.exclude(pk=winner.pk).values_list("status", flat=True)) == ["declined"] * 3


def test_a_revision_racing_an_acceptance_never_leaves_an_order_at_other_prices(threadable_db):
    """The acceptance names the revision it saw: either it wins at those prices, or the revision does
    and the acceptance is refused as 'revised'."""
    buyer = factories.user()
    rfq = rfqs.rfq(buyer)
    cooperative = qf.quoting_cooperative()
    address = mf.address()
    for round_ in range(5):
        quote = qf.quote(rfqs.rfq(buyer), cooperative, qf.line(unit_price_vnd=1_000))
        outcomes = run_together(
            [
                lambda quote=quote: quote_accept(user=buyer, quote=quote, shipping=address, revision=1),
                lambda quote=quote: qf.quote(quote.rfq, cooperative, qf.line(unit_price_vnd=2_000)),
            ]
        )
        quote.refresh_from_db()
        accepted, revised = outcomes
        if accepted[0] == "ok":
            assert accepted[1].total_vnd == 2 * 1_000, round_
            assert quote.status == "accepted"
            assert isinstance(revised[1], Exception)  # the quote was no longer sent
        else:
            assert isinstance(accepted[1], QuoteNotAcceptable)
            assert accepted[1].code == "revised"
            assert (quote.status, quote.revision) == ("sent", 2)
    assert rfq.quotes.count() == 0
