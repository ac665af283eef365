"""The fair from registration to agreement, through fairs.services, with the bad input refused."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from fairs import services
from fairs.models import FairPage, Meeting, MeetingRequest, Participant
from tests import factories
from tests.factories import fairs as fair_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def fair(organiser):
    lead = factories.alliance(provinces=("01",), staff=[organiser])
    return fair_factories.fair(lead=lead)


@pytest.fixture
def pair(fair, organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
        buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    return buyer, supplier


def test_a_fair_is_a_published_page_with_its_slots_in_time_order(fair):
    slots = fair.slots()

    assert fair.live
    assert [s.key for s in slots] == [f"{fair.sessions.get().pk}-{n:02d}" for n in range(1, 7)]
    assert slots[1].starts_at - slots[0].starts_at == datetime.timedelta(minutes=20)
    assert {s.tables for s in slots} == {4}


def test_overlapping_sessions_are_refused_and_nothing_is_created(organiser):
    day = datetime.date.today() + datetime.timedelta(days=10)
    sessions = [
        services.SessionData(name="Sáng", date=day, starts_at=datetime.time(8), slot_count=6, tables=4),
        services.SessionData(name="Giữa", date=day, starts_at=datetime.time(9), slot_count=2, tables=4),
    ]
    with pytest.raises(ValidationError, match="chồng lấn"):
        fair_factories.fair(sessions=sessions, starts_on=day)
    assert not FairPage.objects.exists()


def test_registration_is_confirmed_by_email_and_refused_outside_the_window(
    fair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        buyer = fair_factories.buyer_participant(fair)
    assert buyer.status == Participant.Status.PENDING
    assert mail.outbox[-1].to == [buyer.user.email]

    late = fair_factories.fair(
        registration_opens_on=datetime.date.today() - datetime.timedelta(days=9),
        registration_closes_on=datetime.date.today() - datetime.timedelta(days=1),
        slug="late",
    )
    with pytest.raises(ValidationError, match="không nhận đăng ký"):
        fair_factories.buyer_participant(late)
    assert not late.participants.exists()


def test_only_a_cooperatives_staff_register_it_and_only_once(fair):
    staff, stranger = factories.user(), factories.user()
    cooperative = factories.cooperative(province="01", staff=[staff])
    with pytest.raises(PermissionDenied):
        services.participant_register_cooperative(
            fair=fair, user=stranger, cooperative=cooperative, data=services.RegistrationData()
        )
    services.participant_register_cooperative(
        fair=fair, user=staff, cooperative=cooperative, data=services.RegistrationData()
    )
    with pytest.raises(ValidationError, match="đã đăng ký tham gia hội chợ này"):
        services.participant_register_cooperative(
            fair=fair, user=staff, cooperative=cooperative, data=services.RegistrationData()
        )


def test_co_organisers_approve_only_their_provinces_and_the_lead_approves_all(organiser):
    co_staff = factories.user()
    lead = factories.alliance(provinces=("01",), staff=[organiser])
    co = factories.alliance(provinces=("31",), staff=[co_staff])
    fair = fair_factories.fair(lead=lead, co_organisers=[co])
    from_hanoi = fair_factories.cooperative_participant(fair, province="01")
    from_haiphong = fair_factories.cooperative_participant(fair, province="31")

    with pytest.raises(PermissionDenied):
        services.participant_decide(participant=from_hanoi, user=co_staff, approve=True)
    services.participant_decide(participant=from_haiphong, user=co_staff, approve=True)
    services.participant_decide(participant=from_hanoi, user=organiser, approve=False)

    from_hanoi.refresh_from_db()
    assert from_hanoi.status == Participant.Status.REJECTED
    assert from_haiphong.status == Participant.Status.APPROVED


def test_a_request_accepted_by_its_recipient_becomes_a_meeting(pair, django_capture_on_commit_callbacks):
    buyer, supplier = pair
    with django_capture_on_commit_callbacks(execute=True):
        request = services.meeting_request_create(
            requester=buyer, recipient=supplier, user=buyer.user, message="Cần 2 tấn gạo mỗi tháng"
        )
    assert mail.outbox[-1].to == [supplier.user.email]

    with pytest.raises(PermissionDenied):
        services.meeting_request_answer(request=request, user=buyer.user, accept=True)
    services.meeting_request_answer(request=request, user=supplier.user, accept=True)

    meeting = Meeting.objects.get(request=request)
    assert set(meeting.participants.all()) == {buyer, supplier}


@pytest.mark.parametrize("case", ["oneself", "twice", "reverse"])
def test_bad_meeting_requests_are_refused_and_change_nothing(pair, case):
    buyer, supplier = pair
    if case == "oneself":
        with pytest.raises(ValidationError, match="chính mình"):
            services.meeting_request_create(requester=buyer, recipient=buyer, user=buyer.user)
        assert not MeetingRequest.objects.exists()
        return
    services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    requester, recipient = (buyer, supplier) if case == "twice" else (supplier, buyer)
    with pytest.raises(ValidationError, match="Đã có một đề nghị gặp"):
        services.meeting_request_create(requester=requester, recipient=recipient, user=requester.user)
    assert MeetingRequest.objects.count() == 1


def test_starting_scheduling_closes_waiting_requests(fair, pair, organiser):
    buyer, supplier = pair
    request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)

    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.CLOSED
    with pytest.raises(ValidationError, match="đã đóng"):
        services.meeting_request_answer(request=request, user=supplier.user, accept=True)
    with pytest.raises(PermissionDenied):
        services.fair_set_status(fair=fair, status=FairPage.Status.RUNNING, user=buyer.user)


def test_the_scheduler_gives_each_meeting_a_slot_and_table_and_keeps_pins(fair, organiser):
    buyers = [fair_factories.buyer_participant(fair, approve_by=organiser) for _ in range(3)]
    suppliers = [fair_factories.cooperative_participant(fair, approve_by=organiser) for _ in range(3)]
    meetings = [
        services.meeting_create(fair=fair, participants=[b, s], user=organiser)
        for b in buyers
        for s in suppliers
    ]
    last_slot = fair.slots()[-1].key
    services.meeting_pin(meeting=meetings[0], user=organiser, slot_key=last_slot)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)

    outcome = services.fair_schedule(fair=fair, user=organiser, time_limit=2)

    assert outcome.scheduled == 9
    placed = list(Meeting.objects.filter(fair=fair).prefetch_related("participants"))
    assert all(m.slot_key and 1 <= m.table <= 4 for m in placed)
    assert Meeting.objects.get(pk=meetings[0].pk).slot_key == last_slot
    for participant in [*buyers, *suppliers]:
        slots = [m.slot_key for m in placed if participant in m.participants.all()]
        assert len(slots) == len(set(slots))


def test_pins_that_cannot_all_hold_are_refused_naming_the_meetings(fair, pair, organiser):
    buyer, supplier = pair
    first = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    second = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    slot = fair.slots()[0].key
    services.meeting_pin(meeting=first, user=organiser, slot_key=slot)
    Meeting.objects.filter(pk=second.pk).update(slot_key=slot, table=2, pinned=True)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)

    with pytest.raises(ValidationError) as error:
        services.fair_schedule(fair=fair, user=organiser, time_limit=1)

    assert str(first.pk) in str(error.value)
    assert str(second.pk) in str(error.value)


def test_check_in_outcome_and_agreement(fair, pair, organiser):
    buyer, supplier = pair
    meeting = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    meeting.refresh_from_db()

    checked = services.participant_check_in(fair=fair, code=f" {buyer.badge_code.lower()} ", user=organiser)
    assert checked.checked_in_at is not None
    with pytest.raises(ValidationError, match="mã thẻ tham dự"):
        services.participant_check_in(fair=fair, code="NOPE", user=organiser)

    services.meeting_record_outcome(meeting=meeting, user=supplier.user, outcome=Meeting.Outcome.HELD)
    stranger = factories.user()
    with pytest.raises(PermissionDenied):
        services.meeting_record_outcome(meeting=meeting, user=stranger, outcome=Meeting.Outcome.NO_SHOW)

    agreement = services.agreement_record(
        fair=fair,
        meeting=meeting,
        user=buyer.user,
        data=services.AgreementData(
            kind="memorandum",
            buyer=buyer,
            supplier=supplier,
            volume="2 tấn/tháng",
            value_vnd=480_000_000,
            signed_on=datetime.date.today(),
        ),
    )
    assert agreement.meeting == meeting
    with pytest.raises(ValidationError, match="giữa một người mua và một hợp tác xã"):
        services.agreement_record(
            fair=fair,
            user=organiser,
            data=services.AgreementData(
                kind="contract",
                buyer=supplier,
                supplier=buyer,
                volume="1 tấn",
                value_vnd=1,
                signed_on=datetime.date.today(),
            ),
        )
