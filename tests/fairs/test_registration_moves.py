"""A registration's status moves along REGISTRATION_MOVES, and a participant who is rejected or
withdraws leaves no meeting behind: not in the table plan, the calendar file, the schedule
page, the API's /me or the report, and the other side is told."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from fairs import services
from fairs.models import FairPage, Meeting, MeetingRequest, Participant
from fairs.reports import fair_report
from tests.factories import fairs as fair_factories

pytestmark = pytest.mark.django_db

Status = Participant.Status


@pytest.fixture
def meeting(fair, organiser):
    """A scheduled meeting between an approved buyer and cooperative, the fair open again."""
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    meeting = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    services.fair_set_status(fair=fair, status=FairPage.Status.OPEN, user=organiser)
    meeting.refresh_from_db()
    assert meeting.slot_key
    assert meeting.table
    # Fresh rows, as a view would load them (the fair's status has moved since).
    meeting.buyer, meeting.supplier = (Participant.objects.get(pk=p.pk) for p in (buyer, supplier))
    return meeting


def leave(how, meeting, organiser):
    if how == "rejected":
        services.participant_decide(participant=meeting.supplier, user=organiser, approve=False)
    else:
        services.participant_withdraw(participant=meeting.supplier, user=meeting.supplier.user)


# --- the table of moves ------------------------------------------------------------------------


def test_a_withdrawn_registration_cannot_be_approved_again(fair, organiser):
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    services.participant_withdraw(participant=buyer, user=buyer.user)

    with pytest.raises(ValidationError, match="không thể chuyển sang"):
        services.participant_decide(participant=buyer, user=organiser, approve=True)

    buyer.refresh_from_db()
    assert buyer.status == Status.WITHDRAWN


def test_approving_an_approved_registration_again_is_refused(fair, organiser):
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)

    with pytest.raises(ValidationError):
        services.participant_decide(participant=buyer, user=organiser, approve=True)


def test_a_rejected_registration_may_be_approved_after_all(fair, organiser):
    buyer = fair_factories.buyer_participant(fair)
    services.participant_decide(participant=buyer, user=organiser, approve=False)

    services.participant_decide(participant=buyer, user=organiser, approve=True)

    buyer.refresh_from_db()
    assert buyer.status == Status.APPROVED


def test_the_organiser_page_offers_only_allowed_decisions_and_refuses_the_others(client, fair, organiser):
    withdrawn = fair_factories.buyer_participant(fair, name="Đã rút", approve_by=organiser)
    services.participant_withdraw(participant=withdrawn, user=withdrawn.user)
    approved = fair_factories.buyer_participant(fair, name="Đã duyệt", approve_by=organiser)
    client.force_login(organiser)

    page = client.get(reverse("fairs:participants", args=[fair.pk])).content.decode()
    posted = client.post(
        reverse("fairs:decide", args=[fair.pk]), {"participant_id": withdrawn.pk, "decision": "approve"}
    )

    assert f'name="participant_id" value="{withdrawn.pk}"' not in page
    row = page[page.index(f'name="participant_id" value="{approved.pk}"') :][:800]
    assert 'value="reject"' in row
    assert 'value="approve"' not in row
    assert posted.status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.WITHDRAWN


# --- leaving cancels the meetings --------------------------------------------------------------


@pytest.mark.parametrize("how", ["rejected", "withdrawn"])
def test_leaving_cancels_meetings_frees_the_table_and_tells_the_other_side(
    how, meeting, organiser, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        leave(how, meeting, organiser)

    meeting.refresh_from_db()
    assert meeting.outcome == Meeting.Outcome.CANCELLED
    assert (meeting.slot_key, meeting.table, meeting.pinned) == ("", None, False)
    assert MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN).count() == 0
    to_buyer = [m for m in mail.outbox if meeting.buyer.user.email in m.to]
    assert any(meeting.supplier.name in m.body for m in to_buyer)


def test_leaving_closes_waiting_requests_both_ways(fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)

    services.participant_decide(participant=supplier, user=organiser, approve=False)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.WITHDRAWN


def test_a_held_meeting_stays_on_record(meeting, organiser):
    services.fair_set_status(fair=meeting.fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_set_status(fair=meeting.fair, status=FairPage.Status.RUNNING, user=organiser)
    services.meeting_record_outcome(meeting=meeting, user=organiser, outcome=Meeting.Outcome.HELD)

    services.participant_decide(participant=meeting.supplier, user=organiser, approve=False)

    meeting.refresh_from_db()
    assert meeting.outcome == Meeting.Outcome.HELD
    assert meeting.slot_key


@pytest.mark.parametrize("how", ["rejected", "withdrawn"])
def test_the_table_plan_no_longer_shows_the_meeting(how, client, meeting, organiser):
    leave(how, meeting, organiser)
    client.force_login(organiser)

    plan = client.get(reverse("fairs:table_plan", args=[meeting.fair_id]), {"slot": "all"}).context["plan"]

    assert all(m is None for slot in plan for _table, m in slot.tables)
    assert not any(slot.unplaced for slot in plan)


@pytest.mark.parametrize("how", ["rejected", "withdrawn"])
def test_the_other_sides_calendar_and_schedule_page_no_longer_show_it(how, client, meeting, organiser):
    client.force_login(meeting.buyer.user)
    before = client.get(reverse("fairs:schedule_ics", args=[meeting.buyer.pk])).content.decode()
    assert "BEGIN:VEVENT" in before

    leave(how, meeting, organiser)
    ics = client.get(reverse("fairs:schedule_ics", args=[meeting.buyer.pk])).content.decode()
    page = client.get(reverse("fairs:schedule", args=[meeting.buyer.pk]))

    assert "BEGIN:VEVENT" not in ics
    assert page.context["meetings"] == []
    assert meeting.supplier.name not in page.content.decode()


@pytest.mark.parametrize("how", ["rejected", "withdrawn"])
def test_the_api_me_no_longer_lists_the_meeting(how, client, meeting, organiser):
    client.force_login(meeting.buyer.user)
    url = f"/api/v1/fairs/{meeting.fair_id}/me"
    assert client.get(url).json()["registrations"][0]["meetings"]

    leave(how, meeting, organiser)

    assert client.get(url).json()["registrations"][0]["meetings"] == []


def test_the_report_no_longer_counts_the_meeting(meeting, organiser):
    assert fair_report(meeting.fair).meetings.meetings == 1

    leave("rejected", meeting, organiser)

    figures = fair_report(meeting.fair).meetings
    assert (figures.meetings, figures.scheduled) == (0, 0)


def test_a_cancelled_meeting_is_not_scheduled_again(meeting, organiser):
    services.participant_decide(participant=meeting.supplier, user=organiser, approve=False)
    services.participant_decide(participant=meeting.supplier, user=organiser, approve=True)
    services.fair_set_status(fair=meeting.fair, status=FairPage.Status.SCHEDULING, user=organiser)

    services.fair_schedule(fair=meeting.fair, user=organiser, time_limit=1)

    meeting.refresh_from_db()
    assert meeting.outcome == Meeting.Outcome.CANCELLED
    assert meeting.slot_key == ""
