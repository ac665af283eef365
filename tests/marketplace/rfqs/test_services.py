"""Posting, inviting to and cancelling requests for quotation (marketplace.services.rfqs)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog.models import Category, CooperativePage, Province
from marketplace.models import BuyerDemand, RfqInvitation
from marketplace.services import rfqs as services
from marketplace.services.demands import DemandData, demand_create
from tests import factories
from tests.clock import dated, days
from tests.factories import rfqs
from tests.marketplace.rfqs.conftest import seller

pytestmark = pytest.mark.django_db


def data(**fields) -> services.RfqData:
    values = {
        "title": "Gạo ST25",
        "quantity": 2,
        "unit": "tấn",
        "delivery_province": Province.objects.get(code="01"),
        "deadline": timezone.localdate() + datetime.timedelta(days=14),
    }
    return services.RfqData(**(values | fields))


# --- posting ------------------------------------------------------------------------------------


def test_a_verified_buyer_posts_an_open_rfq(buyer):
    rice = Category.objects.get(slug="food-rice")

    posted = services.rfq_create(
        buyer=buyer,
        data=data(
            category=rice,
            details="Đóng bao 25 kg",
            per_month=True,
            target_price_vnd=30_000_000,
            required_certifications=["vietgap", "vietgap"],
            min_ocop_stars=4,
            visibility=BuyerDemand.Visibility.INVITED,
            company_kind="supermarket",
        ),
    )

    posted.refresh_from_db()
    assert (posted.kind, posted.status, posted.visibility) == ("rfq", "open", "invited")
    assert (posted.buyer, posted.category, posted.company_kind) == (buyer, rice, "supermarket")
    assert posted.deadline == timezone.localdate() + datetime.timedelta(days=14)
    assert posted.required_certifications == ["vietgap"]
    assert (posted.quantity, posted.unit, posted.target_price_vnd) == (2, "tấn", 30_000_000)


def test_an_unverified_buyer_may_not_post():
    fresh = factories.user(verified=False)

    with pytest.raises(PermissionDenied):
        services.rfq_create(buyer=fresh, data=data())
    assert not BuyerDemand.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"deadline": days(0)}, "deadline"),
        ({"deadline": days(-1)}, "deadline"),
        ({"deadline": days(181)}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"deadline": "2030-01-01"}, "deadline"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": 10**12}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"target_price_vnd": -1}, "target_price_vnd"),
        ({"target_price_vnd": 10**13}, "target_price_vnd"),
        ({"target_price_vnd": "30000"}, "target_price_vnd"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "G" * 201}, "title"),
        ({"title": "Gạo\x00"}, "title"),
        ({"title": None}, "title"),
        ({"unit": ""}, "unit"),
        ({"unit": "k" * 31}, "unit"),
        ({"details": "d" * 4001}, "details"),
        ({"details": "\x07"}, "details"),
        ({"delivery_province": None}, "delivery_province"),
        ({"visibility": "secret"}, "visibility"),
        ({"company_kind": "pirate"}, "company_kind"),
        ({"min_ocop_stars": 7}, "min_ocop_stars"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_saves_nothing(buyer, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.rfq_create(buyer=buyer, data=data(**dated(fields)))

    assert field in refused.value.message_dict
    assert not BuyerDemand.objects.exists()


def test_an_unknown_certification_is_refused(buyer):
    with pytest.raises(ValidationError):
        services.rfq_create(buyer=buyer, data=data(required_certifications=["fairtrade"]))
    assert not BuyerDemand.objects.exists()


def test_the_deadline_may_be_tomorrow_or_180_days_ahead(buyer):
    for ahead in (1, 180):
        deadline = timezone.localdate() + datetime.timedelta(days=ahead)
        posted = services.rfq_create(buyer=buyer, data=data(deadline=deadline))
        assert posted.deadline == deadline


# --- inviting -----------------------------------------------------------------------------------


def test_the_buyer_invites_with_the_score_and_reasons_seen_and_staff_are_emailed(
    buyer, market, committed, rice_staff
):
    rice, honey = market
    request = rfqs.rfq(buyer, title="Gạo ST25", delivery_province=Province.objects.get(code="01"))
    mail.outbox.clear()

    with committed():
        invited = services.rfq_invite(user=buyer, rfq=request, cooperatives=[rice, honey])

    assert [(item.invitation.cooperative, item.new) for item in invited] == [(rice, True), (honey, True)]
    by_cooperative = {i.cooperative_id: i for i in RfqInvitation.objects.filter(rfq=request)}
    # Rice is among the matches: its score and reasons are kept. Honey answers nothing of "Gạo ST25".
    assert by_cooperative[rice.pk].score > 0
    assert by_cooperative[rice.pk].reasons
    assert (by_cooperative[honey.pk].score, by_cooperative[honey.pk].reasons) == (None, [])
    assert not by_cooperative[rice.pk].by_alliance
    assert by_cooperative[rice.pk].invited_by == buyer
    assert sorted(message.to[0] for message in mail.outbox) == ["gao@example.org", "mat-ong@example.org"]
    rice_mail = next(m for m in mail.outbox if m.to == ["gao@example.org"])
    assert "Gạo ST25" in rice_mail.subject
    assert rice.title in rice_mail.body
    assert buyer.email not in rice_mail.body
    # It links to the RFQ's screen in the admin, where the staff quote.
    assert f"/admin/marketplace/rfqs/{request.pk}/" in rice_mail.body


def test_inviting_twice_is_harmless_and_emails_once(buyer, market, committed):
    rice, honey = market
    request = rfqs.rfq(buyer)
    with committed():
        services.rfq_invite(user=buyer, rfq=request, cooperatives=[rice])
    mail.outbox.clear()

    with committed():
        again = services.rfq_invite(user=buyer, rfq=request, cooperatives=[rice, honey, rice])

    assert [(item.invitation.cooperative, item.new) for item in again] == [(rice, False), (honey, True)]
    assert RfqInvitation.objects.filter(rfq=request).count() == 2
    assert [message.to for message in mail.outbox] == [["mat-ong@example.org"]]


def test_no_email_leaves_before_the_invitation_commits(buyer, market):
    rice, _honey = market
    mail.outbox.clear()

    services.rfq_invite(user=buyer, rfq=rfqs.rfq(buyer), cooperatives=[rice])

    assert mail.outbox == []  # the test's transaction never commits


def test_alliance_staff_invite_the_cooperatives_they_oversee_only(buyer, market):
    rice, honey = market  # Hưng Yên (33) and Sơn La (14)
    officer = factories.user()
    factories.alliance(provinces=("33",), staff=[officer])
    request = rfqs.rfq(buyer)

    [invited] = services.rfq_invite(user=officer, rfq=request, cooperatives=[rice])
    assert invited.invitation.by_alliance
    assert invited.invitation.invited_by == officer

    with pytest.raises(PermissionDenied):
        services.rfq_invite(user=officer, rfq=request, cooperatives=[honey])
    with pytest.raises(PermissionDenied):
        services.rfq_invite(user=officer, rfq=request, cooperatives=[rice, honey])
    assert list(RfqInvitation.objects.values_list("cooperative", flat=True)) == [rice.pk]


def test_alliance_staff_do_not_add_to_an_invited_only_rfq(buyer, market):
    """Its buyer chose whom to ask; the alliance helps on public requests (and its staff never see this one)."""
    rice, _honey = market
    officer = factories.user()
    factories.alliance(kind="national", provinces=(), staff=[officer])
    request = rfqs.rfq(buyer, visibility="invited")

    with pytest.raises(PermissionDenied):
        services.rfq_invite(user=officer, rfq=request, cooperatives=[rice])
    assert not RfqInvitation.objects.exists()
    assert services.rfq_invite(user=buyer, rfq=request, cooperatives=[rice])


def test_national_alliance_staff_invite_anywhere(buyer, market):
    rice, honey = market
    officer = factories.user()
    factories.alliance(kind="national", provinces=(), staff=[officer])

    services.rfq_invite(user=officer, rfq=rfqs.rfq(buyer), cooperatives=[rice, honey])

    assert RfqInvitation.objects.count() == 2


@pytest.mark.parametrize("who", ["another buyer", "a cooperative's staff", "anonymous"])
def test_nobody_else_invites(buyer, market, who, rice_staff):
    rice, honey = market
    person = {"another buyer": factories.user(), "a cooperative's staff": rice_staff}.get(
        who, AnonymousUser()
    )

    with pytest.raises(PermissionDenied):
        services.rfq_invite(user=person, rfq=rfqs.rfq(buyer), cooperatives=[rice, honey])
    assert not RfqInvitation.objects.exists()


def test_only_listed_cooperatives_are_invited(buyer, committed):
    with committed():
        unverified = seller(product="Gạo chưa xác minh", verified=False)

    with pytest.raises(ValidationError):
        services.rfq_invite(user=buyer, rfq=rfqs.rfq(buyer), cooperatives=[unverified])
    with pytest.raises(ValidationError):
        services.rfq_invite(user=buyer, rfq=rfqs.rfq(buyer), cooperatives=[])
    assert not RfqInvitation.objects.exists()


def test_too_many_at_once_are_refused(buyer):
    many = [CooperativePage(pk=n, tax_code=f"{n:010d}") for n in range(1, services.MAX_INVITATIONS + 2)]

    with pytest.raises(ValidationError):
        services.rfq_invite(user=buyer, rfq=rfqs.rfq(buyer), cooperatives=many)


@pytest.mark.parametrize("state", ["cancelled", "awarded", "past deadline"])
def test_invitations_only_while_open(buyer, market, state):
    rice, _honey = market
    request = rfqs.rfq(buyer)
    if state == "past deadline":
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        BuyerDemand.objects.filter(pk=request.pk).update(deadline=yesterday)
    else:
        BuyerDemand.objects.filter(pk=request.pk).update(status=state)
    request.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.rfq_invite(user=buyer, rfq=request, cooperatives=[rice])
    assert refused.value.code == "conflict"
    assert not RfqInvitation.objects.exists()


def test_a_fair_demand_takes_no_invitations(buyer, market):
    rice, _honey = market
    demand = demand_create(buyer=buyer, data=DemandData(title="Gạo", quantity=1, unit="tấn"))

    with pytest.raises(PermissionDenied):
        services.rfq_invite(user=buyer, rfq=demand, cooperatives=[rice])


# --- cancelling ---------------------------------------------------------------------------------


def test_the_buyer_cancels_an_open_rfq_once(buyer):
    request = rfqs.rfq(buyer)

    services.rfq_cancel(user=buyer, rfq=request)

    request.refresh_from_db()
    assert request.status == BuyerDemand.Status.CANCELLED
    assert request.closed_at is not None
    with pytest.raises(ValidationError) as again:
        services.rfq_cancel(user=buyer, rfq=request)
    assert again.value.code == "conflict"


def test_nobody_else_cancels(buyer, rice_staff):
    request = rfqs.rfq(buyer)
    for person in (factories.user(), rice_staff, factories.superuser()):
        with pytest.raises(PermissionDenied):
            services.rfq_cancel(user=person, rfq=request)
    request.refresh_from_db()
    assert request.status == BuyerDemand.Status.OPEN
