"""Races on an RFQ: the same invitation sent at once, and an invitation against a cancellation.

Real threads, each with its own connection, on a file-based SQLite copy or on PostgreSQL
(`threadable_db`, tests/marketplace/conftest.py).
"""

from django.core.exceptions import ValidationError

from marketplace.models import BuyerDemand, RfqInvitation
from marketplace.services import rfqs as services
from tests import factories
from tests.factories import rfqs
from tests.marketplace.test_races import run_together


def test_the_same_invitation_sent_four_times_at_once_makes_one(threadable_db):
    buyer = factories.user()
    cooperative = factories.cooperative()
    request = rfqs.rfq(buyer)

    def invite():
        [invited] = services.rfq_invite(user=buyer, rfq=request, cooperatives=[cooperative])
        return invited.new

    outcomes = run_together([invite] * 4)

    assert sorted(outcomes) == [("ok", False)] * 3 + [("ok", True)]
    assert RfqInvitation.objects.filter(rfq=request, cooperative=cooperative).count() == 1


def test_an_invitation_racing_a_cancellation_either_lands_first_or_is_refused(threadable_db):
    buyer = factories.user()
    cooperative = factories.cooperative()
    request = rfqs.rfq(buyer)

    outcomes = run_together(
        [
            lambda: services.rfq_invite(user=buyer, rfq=request, cooperatives=[cooperative]),
            lambda: services.rfq_cancel(user=buyer, rfq=request),
        ]
    )

    (invite_kind, invite_value), (cancel_kind, _cancelled) = outcomes
    assert cancel_kind == "ok"
    assert BuyerDemand.objects.get(pk=request.pk).status == BuyerDemand.Status.CANCELLED
    if invite_kind == "error":
        assert isinstance(invite_value, ValidationError)
        assert invite_value.code == "conflict"
        assert not RfqInvitation.objects.exists()
    else:
        assert RfqInvitation.objects.count() == 1
