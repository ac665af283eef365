"""The double-entry ledger: balanced postings, idempotent keys, reversals, balances, races."""

import datetime
import itertools
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.ledger import selectors, services
from marketplace.ledger.balancing import UnbalancedPostings, check_balanced
from marketplace.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from tests import factories

_keys = itertools.count()


def key(prefix: str = "test") -> str:
    return f"{prefix}:{next(_keys)}"


@pytest.fixture
def accounts(db):
    cooperative = factories.cooperative()
    return {
        "clearing": services.card_clearing(),
        "commission": services.platform_commission(),
        "payable": services.cooperative_payable(cooperative),
        "cooperative": cooperative,
    }


def sale(accounts, amount=100_000, commission=10_000):
    return [
        (accounts["clearing"], amount),
        (accounts["payable"], -(amount - commission)),
        (accounts["commission"], -commission),
    ]


def test_check_balanced_accepts_postings_that_sum_to_zero():
    check_balanced([("a", 5), ("b", -3), ("c", -2)])


@pytest.mark.parametrize(
    ("postings", "code"),
    [
        ([], "empty"),
        ([("a", 5), ("b", -4)], "unbalanced"),
        ([("a", 0)], "zero"),
        ([("a", 5.0), ("b", -5.0)], "amount_type"),
        ([("a", True), ("b", -1)], "amount_type"),
        ([("a", 2**63), ("b", -(2**63))], "out_of_range"),
    ],
)
def test_check_balanced_refuses(postings, code):
    with pytest.raises(UnbalancedPostings) as raised:
        check_balanced(postings)
    assert raised.value.code == code


def test_balanced_transaction_is_posted(accounts):
    entry, created = services.ledger_post(
        idempotency_key="payment:1:captured", kind="sale", postings=sale(accounts)
    )
    assert created
    assert sorted(entry.postings.values_list("amount_vnd", flat=True)) == [-90_000, -10_000, 100_000]
    assert selectors.account_balance(accounts["payable"]) == -90_000


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        ([100, -99], "unbalanced"),
        ([100, 0, -100], "zero"),
        ([100.0, -100.0], "amount_type"),
        ([True, -1], "amount_type"),
        ([], "empty"),
    ],
)
def test_bad_postings_write_nothing(accounts, amounts, code):
    pool = [accounts["clearing"], accounts["payable"], accounts["commission"]]
    with pytest.raises(ValidationError) as raised:
        services.ledger_post(
            idempotency_key=key(), kind="sale", postings=list(zip(pool, amounts, strict=False))
        )
    assert raised.value.code == code
    assert not LedgerTransaction.objects.exists()
    assert not LedgerPosting.objects.exists()


def test_database_refuses_a_zero_posting(accounts):
    entry, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    with pytest.raises(IntegrityError):
        LedgerPosting.objects.create(transaction=entry, account=accounts["clearing"], amount_vnd=0)


def test_replaying_a_key_returns_the_same_transaction_without_writing(accounts):
    first, created = services.ledger_post(
        idempotency_key="payment:7:captured", kind="sale", postings=sale(accounts)
    )
    again, created_again = services.ledger_post(
        idempotency_key="payment:7:captured", kind="sale", postings=list(reversed(sale(accounts)))
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1
    assert LedgerPosting.objects.count() == 3


@pytest.mark.parametrize(
    "change",
    [
        lambda accounts: {"postings": sale(accounts, amount=200_000)},
        lambda accounts: {"postings": sale(accounts, commission=5_000)},
        lambda accounts: {"kind": "refund"},
    ],
)
def test_reusing_a_key_for_a_different_transaction_is_refused(accounts, change):
    services.ledger_post(idempotency_key="payment:8:captured", kind="sale", postings=sale(accounts))
    arguments = {"idempotency_key": "payment:8:captured", "kind": "sale", "postings": sale(accounts)}
    arguments.update(change(accounts))
    with pytest.raises(ValidationError) as raised:
        services.ledger_post(**arguments)
    assert raised.value.code == "idempotency_conflict"
    assert LedgerPosting.objects.count() == 3


def test_reversal_negates_the_postings_and_links_back(accounts):
    entry, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    reversal, created = services.ledger_reverse(
        transaction=entry, idempotency_key="payment:9:voided", memo="void"
    )
    assert created
    assert reversal.reverses == entry
    assert reversal.kind == services.REVERSAL_KIND
    assert sorted(reversal.postings.values_list("amount_vnd", flat=True)) == [-100_000, 10_000, 90_000]
    assert all(balance == 0 for balance in selectors.balances(LedgerAccount.objects.all()).values())

    replay, created_again = services.ledger_reverse(
        transaction=entry, idempotency_key="payment:9:voided", memo="void"
    )
    assert (replay.pk, created_again) == (reversal.pk, False)


def test_a_transaction_is_reversed_only_once(accounts):
    entry, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    services.ledger_reverse(transaction=entry, idempotency_key=key("void"), memo="")
    with pytest.raises(ValidationError) as raised:
        services.ledger_reverse(transaction=entry, idempotency_key=key("void"), memo="")
    assert raised.value.code == "already_reversed"
    assert LedgerTransaction.objects.count() == 2


def test_account_kind_cannot_change(accounts):
    with pytest.raises(ValidationError):
        services.ledger_account_get_or_create(code="card_clearing", kind=LedgerAccount.Kind.REVENUE, name="x")
    assert services.card_clearing().pk == accounts["clearing"].pk


def test_balances_in_one_query(accounts, django_assert_num_queries):
    services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    services.ledger_post(
        idempotency_key=key(), kind="sale", postings=sale(accounts, amount=50_000, commission=5_000)
    )
    refunds = services.refunds()
    everything = list(LedgerAccount.objects.all())
    with django_assert_num_queries(1):
        result = selectors.balances(everything)
    assert result[accounts["clearing"]] == 150_000
    assert result[accounts["payable"]] == -135_000
    assert result[accounts["commission"]] == -15_000
    assert result[refunds] == 0
    with django_assert_num_queries(1):
        assert selectors.account_balance(accounts["commission"]) == -15_000


def test_balance_until_counts_only_earlier_transactions(accounts):
    early, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    LedgerTransaction.objects.filter(pk=early.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    services.ledger_post(
        idempotency_key=key(), kind="sale", postings=sale(accounts, amount=50_000, commission=5_000)
    )
    yesterday = timezone.now() - datetime.timedelta(days=1)
    assert selectors.account_balance(accounts["clearing"], until=yesterday) == 100_000
    assert selectors.account_balance(accounts["clearing"]) == 150_000


def test_transactions_for_a_cooperative_and_month(accounts, django_assert_num_queries):
    mine, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    last_month, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    LedgerTransaction.objects.filter(pk=last_month.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    other = services.cooperative_payable(factories.cooperative())
    services.ledger_post(
        idempotency_key=key(), kind="sale", postings=[(accounts["clearing"], 5_000), (other, -5_000)]
    )
    with django_assert_num_queries(3):
        found = list(selectors.transactions_for(accounts["cooperative"], timezone.localdate()))
        assert [posting.account.code for posting in found[0].postings.all()]
    assert found == [mine]


@given(
    amounts=st.lists(st.integers(min_value=-(10**12), max_value=10**12), max_size=5), balance=st.booleans()
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_accepted_transaction_sums_to_zero(accounts, amounts, balance):
    pool = [accounts["clearing"], accounts["payable"], accounts["commission"]]
    if balance and amounts:
        amounts = [*amounts, -sum(amounts)]
    postings = [(pool[index % len(pool)], amount) for index, amount in enumerate(amounts)]
    try:
        entry, _ = services.ledger_post(idempotency_key=key("property"), kind="sale", postings=postings)
    except ValidationError:
        assert sum(amounts) != 0 or 0 in amounts or not amounts
    else:
        assert sum(entry.postings.values_list("amount_vnd", flat=True)) == 0
    assert sum(selectors.balances(LedgerAccount.objects.all()).values()) == 0


def test_two_processes_posting_the_same_key_make_one_transaction(threadable_db):
    cooperative = factories.cooperative()
    postings = [(services.card_clearing(), 70_000), (services.cooperative_payable(cooperative), -70_000)]
    start = threading.Barrier(2)
    results, errors, in_memory = [], [], []

    def post():
        try:
            start.wait(timeout=10)
            in_memory.append(connection.vendor == "sqlite" and connection.is_in_memory_db())
            results.append(
                services.ledger_post(idempotency_key="payment:99:captured", kind="sale", postings=postings)
            )
        except Exception as error:  # the assertion below reports it
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert in_memory == [False, False]
    assert sorted(created for _, created in results) == [False, True]
    assert len({entry.pk for entry, _ in results}) == 1
    assert LedgerTransaction.objects.filter(idempotency_key="payment:99:captured").count() == 1
    assert LedgerPosting.objects.count() == 2


def test_losing_the_insert_race_returns_the_winners_transaction(accounts, monkeypatch):
    """The row appears between the look-up and the insert, as when another process commits first."""
    winner, _ = services.ledger_post(
        idempotency_key="payment:5:captured", kind="sale", postings=sale(accounts)
    )
    real_existing = services._existing
    calls = []

    def not_yet_visible(**arguments):
        calls.append(arguments["idempotency_key"])
        return None if len(calls) == 1 else real_existing(**arguments)

    monkeypatch.setattr(services, "_existing", not_yet_visible)
    entry, created = services.ledger_post(
        idempotency_key="payment:5:captured", kind="sale", postings=sale(accounts)
    )
    assert (entry.pk, created) == (winner.pk, False)
    assert len(calls) == 2
    assert LedgerPosting.objects.count() == 3
    # The savepoint kept the surrounding transaction usable.
    assert LedgerTransaction.objects.count() == 1


def test_losing_a_reversal_race_is_refused(accounts, monkeypatch):
    entry, _ = services.ledger_post(idempotency_key=key(), kind="sale", postings=sale(accounts))
    services.ledger_reverse(transaction=entry, idempotency_key="void:1", memo="")
    monkeypatch.setattr(
        LedgerTransaction.objects, "filter", _hide_reversals(LedgerTransaction.objects.filter)
    )
    with pytest.raises(ValidationError) as raised:
        services.ledger_reverse(transaction=entry, idempotency_key="void:2", memo="")
    assert raised.value.code == "already_reversed"
    assert LedgerTransaction.objects.count() == 2


def _hide_reversals(real_filter):
    def hidden(*args, **kwargs):
        if "reverses" in kwargs:
            return LedgerTransaction.objects.none()
        return real_filter(*args, **kwargs)

    return hidden
