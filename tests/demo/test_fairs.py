"""The fairs demo: the nine-province Ecoop link, one finished fair with real results and one open."""

import pytest
from django.utils import timezone

from demo.build import build_demo
from demo.data.fairs import ECOOP_PROVINCES
from demo.fairs import OPEN_SLUG, PAST_SLUG
from fairs import services
from fairs.models import AgreementOrder, FairPage, Meeting, Participant
from fairs.scheduling import verify

pytestmark = pytest.mark.django_db


def test_the_demo_builds_both_ecoop_fairs_once():
    build_demo(cooperatives_per_province=1, products_per_cooperative=1, images=False, articles=False)

    past = FairPage.objects.get(slug=PAST_SLUG)
    assert past.status == FairPage.Status.CLOSED
    assert past.ends_on < timezone.localdate()
    assert {a.provinces.get().code for a in past.organisers()} == set(ECOOP_PROVINCES)
    assert past.participants.filter(role=Participant.Role.COOPERATIVE).count() >= 50
    assert past.participants.filter(role=Participant.Role.BUYER).count() == 40
    meetings = Meeting.objects.filter(fair=past)
    assert meetings.exclude(slot_key="").count() > 100
    assert meetings.filter(outcome=Meeting.Outcome.NO_SHOW).exists()
    assert past.agreements.count() >= 5
    schedule = {
        "assignments": [
            {"meeting": str(m.pk), "slot": m.slot_key, "table": m.table}
            for m in meetings.exclude(slot_key="")
        ],
        "unscheduled": [str(m.pk) for m in meetings.filter(slot_key="")],
        "objective": float(sum(m.weight for m in meetings.exclude(slot_key=""))),
        "upper_bound": None,
        "solver": "greedy",
        "seconds": 0.0,
    }
    assert verify(services.schedule_instance(past), schedule) == []

    upcoming = FairPage.objects.get(slug=OPEN_SLUG)
    assert upcoming.registration_is_open
    assert upcoming.participants.filter(cooperative__staff_group__user__email="htx1@demo.coop.vn").exists()
    assert not upcoming.participants.filter(user__email="buyer@demo.coop.vn").exists()

    # Three of its buyers order monthly under their agreement (demo/rfqs.py), the first delivery paid.
    links = AgreementOrder.objects.filter(agreement__fair=past).select_related("order__purchase")
    assert links.count() == 9
    assert links.values("agreement").distinct().count() == 3
    for link in links:
        assert link.order.purchase.buyer_id == link.agreement.buyer.user_id
        assert link.order.cooperative_id == link.agreement.supplier.cooperative_id
        assert link.deliver_on > timezone.localdate()
    assert sorted(links.values_list("order__payment_status", flat=True)) == ["paid"] * 3 + ["unpaid"] * 6

    again = build_demo(cooperatives_per_province=1, products_per_cooperative=1, images=False, articles=False)
    assert again.created == {}
    assert FairPage.objects.count() == 2
    assert AgreementOrder.objects.count() == 9
