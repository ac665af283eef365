"""The RFQ model: BuyerDemand lives in marketplace on its old table; fairs link demands to registrations;
who may see, quote on and invite to an RFQ (marketplace.permissions)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from fairs.models import FairDemand, participant_of
from marketplace import permissions
from marketplace.models import BuyerDemand
from tests import factories
from tests.factories import rfqs

pytestmark = pytest.mark.django_db


def test_the_demand_kept_its_table_and_an_rfq_has_no_fair_registration():
    assert BuyerDemand._meta.db_table == "fairs_buyerdemand"
    rfq = rfqs.rfq()
    assert rfq.kind == BuyerDemand.Kind.RFQ
    assert rfq.status == BuyerDemand.Status.OPEN
    assert participant_of(rfq) is None
    assert not FairDemand.objects.exists()


@pytest.fixture
def sides():
    buyer, other_buyer = factories.user(), factories.user()
    invited_staff, other_staff = factories.user(), factories.user()
    invited = factories.cooperative(staff=[invited_staff])
    other = factories.cooperative(staff=[other_staff])
    return {
        "buyer": buyer,
        "other_buyer": other_buyer,
        "invited_staff": invited_staff,
        "other_staff": other_staff,
        "invited": invited,
        "other": other,
    }


def test_an_invited_only_rfq_is_seen_by_its_buyer_and_invited_staff_only(sides):
    rfq = rfqs.rfq(sides["buyer"], visibility="invited", invite=[sides["invited"]])

    assert permissions.may_view_rfq(sides["buyer"], rfq)
    assert permissions.may_view_rfq(sides["invited_staff"], rfq)
    for outsider in (sides["other_buyer"], sides["other_staff"], AnonymousUser()):
        assert not permissions.may_view_rfq(outsider, rfq)
    assert permissions.may_quote(sides["invited_staff"], rfq, sides["invited"])
    assert not permissions.may_quote(sides["other_staff"], rfq, sides["other"])
    # Staff of one cooperative never quote in another's name.
    assert not permissions.may_quote(sides["other_staff"], rfq, sides["invited"])


def test_a_public_rfq_is_seen_by_anyone_and_quoted_by_any_cooperative(sides):
    rfq = rfqs.rfq(sides["buyer"])

    for anyone in (sides["other_buyer"], sides["other_staff"], AnonymousUser()):
        assert permissions.may_view_rfq(anyone, rfq)
    assert permissions.may_quote(sides["other_staff"], rfq, sides["other"])
    assert not permissions.may_quote(sides["other_buyer"], rfq, sides["other"])
    assert permissions.may_invite(sides["buyer"], rfq, sides["other"])
    assert not permissions.may_invite(sides["other_buyer"], rfq, sides["other"])
    assert permissions.may_read_thread(sides["invited_staff"], rfq, sides["invited"])
    assert not permissions.may_read_thread(sides["other_staff"], rfq, sides["invited"])
