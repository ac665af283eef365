"""Races: many checkouts for the last units, opposite lock orders, double payments, expiry against payment.

Each test runs real threads, each with its own database connection, on a file-based SQLite copy
or on PostgreSQL (the `threadable_db` fixture). Run them on both:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/coop_x .venv/bin/pytest tests/marketplace/test_races.py`.
"""

import datetime
import fcntl
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import ProductInventory
from marketplace.ledger.models import LedgerTransaction
from marketplace.models import CartLine, Order, OrderEvent, OrderLine, Purchase
from marketplace.services import checkout
from marketplace.services.payments import expire_unpaid_orders, order_mark_paid
from tests import factories
from tests.factories import marketplace as mf

A = OrderEvent.Actor


@pytest.fixture
def one_at_a_time(tmp_path_factory):
    """Fifty buyers hold up to fifty-one connections; two such tests at once on the two xdist workers
    ask PostgreSQL for more than its 100. A CI run on 2026-12-06 had two checkouts fail with
    OperationalError, as they do when the server's connections run out (reproduced by holding 55
    others). A file lock in the directory the workers share runs them one after the other. (Not an
    xdist group: that ran them ahead of other tests of their worker, which then found the database
    flushed.)"""
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "fifty-connections.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_together(tasks: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run every task in its own thread, released at once; return ("ok", value) or ("error", exception).

    Each thread closes its own database connection when done, as a request would.
    """
    start = threading.Barrier(len(tasks))

    def run(task):
        try:
            start.wait(timeout=30)
            return "ok", task()
        except Exception as error:  # the test inspects every outcome
            return "error", error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))


def stock_of(product) -> int:
    return ProductInventory.objects.get(product=product).stock


def place(buyer, lines, method="vietqr"):
    cart = mf.cart(buyer, lines)

    def go():
        data = checkout.CheckoutData(payment_method=method, shipping=mf.address())
        return checkout.checkout(buyer=buyer, cart=cart, data=data)

    return go


def test_fifty_buyers_for_ten_units_give_ten_orders_and_forty_out_of_stock(one_at_a_time, threadable_db):
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=10)
    buyers = [factories.user() for _ in range(50)]
    attempts = [place(buyer, [(honey, 1)]) for buyer in buyers]

    outcomes = run_together(attempts)

    errors = [value for kind, value in outcomes if kind == "error"]
    out_of_stock = [error for error in errors if isinstance(error, checkout.OutOfStock)]
    others = [error for error in errors if not isinstance(error, checkout.OutOfStock)]
    assert others == []
    assert len(out_of_stock) == 40
    assert all(error.shortages[0]["available"] == 0 for error in out_of_stock)
    assert sum(kind == "ok" for kind, _value in outcomes) == 10
    assert stock_of(honey) == 0
    assert Order.objects.count() == Purchase.objects.count() == 10
    assert OrderLine.objects.filter(product=honey).count() == 10
    assert OrderEvent.objects.filter(kind="status:placed").count() == 10
    # The losers' carts are unchanged; the winners' are empty.
    assert CartLine.objects.filter(product=honey).count() == 40


def test_fifty_cash_buyers_for_ten_units_oversell_nothing(one_at_a_time, threadable_db):
    """Cash on delivery takes the same path without a hold deadline; and the ledger stays empty."""
    cooperative = factories.cooperative()
    mf.terms(cooperative, bank=False, cash_on_delivery=True)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=10)
    attempts = [place(factories.user(), [(honey, 1)], method="cod") for _ in range(50)]

    outcomes = run_together(attempts)

    kinds = Counter("ok" if kind == "ok" else type(value).__name__ for kind, value in outcomes)
    assert kinds == {"ok": 10, "OutOfStock": 40}
    assert ProductInventory.objects.filter(stock__lt=0).count() == 0
    assert stock_of(honey) == 0
    assert Order.objects.filter(payment_method="cod").count() == 10
    assert not LedgerTransaction.objects.exists()


def test_carts_holding_the_same_products_in_opposite_orders_never_deadlock(threadable_db):
    first, second = factories.cooperative(), factories.cooperative()
    mf.terms(first)
    mf.terms(second)
    tea = factories.product(cooperative=first, price_vnd=50_000, stock=1_000)
    rice = factories.product(cooperative=second, price_vnd=30_000, stock=1_000)
    one, other = factories.user(), factories.user()
    rounds = 20

    for _ in range(rounds):
        outcomes = run_together([place(one, [(tea, 1), (rice, 2)]), place(other, [(rice, 2), (tea, 1)])])
        assert [kind for kind, _value in outcomes] == ["ok", "ok"], outcomes

    assert (stock_of(tea), stock_of(rice)) == (1_000 - 2 * rounds, 1_000 - 4 * rounds)
    assert Purchase.objects.count() == 2 * rounds
    assert Order.objects.count() == 4 * rounds


def test_a_payment_reported_ten_times_at_once_is_counted_once(threadable_db):
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=10)
    order = mf.purchase(factories.user(), [(honey, 1)]).orders.get()

    outcomes = run_together(
        [
            lambda: order_mark_paid(order=order, actor=A.BANK, reference="FT2601", quiet=True)
            for _ in range(10)
        ]
    )

    assert [value for kind, value in outcomes if kind == "error"] == []
    assert sorted(value for _kind, value in outcomes) == [False] * 9 + [True]
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID
    assert order.events.filter(kind="payment:paid").count() == 1
    # A transfer goes straight to the cooperative: one transaction for the commission, if any.
    assert LedgerTransaction.objects.filter(idempotency_key=f"order:{order.pk}:paid").count() <= 1


def test_a_payment_with_commission_reported_ten_times_at_once_posts_one_ledger_transaction(
    threadable_db, settings
):
    settings.PLATFORM_COMMISSION_PERCENT = "5"
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=10)
    order = mf.purchase(factories.user(), [(honey, 1)]).orders.get()

    outcomes = run_together(
        [lambda: order_mark_paid(order=order, actor=A.BANK, quiet=True) for _ in range(10)]
    )

    assert sorted(value for _kind, value in outcomes) == [False] * 9 + [True]
    assert OrderEvent.objects.filter(order=order, kind="payment:paid").count() == 1
    assert LedgerTransaction.objects.filter(idempotency_key=f"order:{order.pk}:paid").count() == 1
    assert LedgerTransaction.objects.count() == 1


def test_expiry_racing_a_payment_never_leaves_a_cancelled_paid_order_unrefunded(threadable_db):
    cooperative = factories.cooperative()
    mf.terms(cooperative)
    honey = factories.product(cooperative=cooperative, price_vnd=200_000, stock=100)
    later = timezone.now() + datetime.timedelta(hours=25)

    for _ in range(8):
        order = mf.purchase(factories.user(), [(honey, 1)]).orders.get()
        outcomes = run_together(
            [
                lambda: expire_unpaid_orders(now=later),
                lambda order=order: order_mark_paid(order=order, actor=A.BANK, reference="FT", quiet=True),
            ]
        )
        assert [value for kind, value in outcomes if kind == "error"] == []
        order.refresh_from_db()
        # Paid before the expiry (which then leaves it), or expired first and put back by the
        # payment since stock allows; a cancelled order that was paid must carry its refund.
        if order.status == Order.Status.CANCELLED:
            assert not order.paid or order.refunds.count() == 1
        else:
            assert (order.status, order.payment_status) == ("placed", "paid")
            assert order.holds_stock
        assert order.events.filter(kind="payment:paid").count() == 1

    # Every order that holds stock holds exactly its one unit; the rest went back.
    assert stock_of(honey) == 100 - Order.objects.filter(holds_stock=True).count()
    assert not ProductInventory.objects.filter(stock__lt=0).exists()
