"""The organisers' pages and the meeting page: who may open them, what each action changes, what
a refused action leaves unchanged, and that the lists cost the same queries for 2 rows as for 20."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fairs import services
from fairs.models import Agreement, FairPage, Meeting, Participant
from tests import factories
from tests.clock import days
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return factories.user(email="lienminh-hanoi@example.org")


@pytest.fixture
def co_organiser():
    return factories.user(email="lienminh-haiphong@example.org")


@pytest.fixture
def fair(organiser, co_organiser):
    lead = factories.alliance(provinces=("01",), staff=[organiser])
    co = factories.alliance(provinces=("31",), staff=[co_organiser])
    return fair_factories.fair(lead=lead, co_organisers=[co])


@pytest.fixture
def pair(fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    return buyer, supplier


def url(name, fair, *args):
    return reverse(f"fairs:{name}", args=[fair.pk, *args])


def scheduled(fair, organiser, participants):
    meeting = services.meeting_create(fair=fair, participants=participants, user=organiser)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    meeting.refresh_from_db()
    return meeting


# --- who may open the organisers' pages ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["organise", "participants", "meeting_new", "schedule_run", "table_plan", "check_in"]
)
def test_a_cooperatives_staff_get_403_on_organiser_pages(client, fair, pair, name):
    _buyer, supplier = pair
    client.force_login(supplier.user)

    assert client.get(url(name, fair)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, fair):
    response = client.get(url("organise", fair))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_organiser_pages_of_a_missing_fair_are_404(client, organiser):
    client.force_login(organiser)

    assert client.get(reverse("fairs:organise", args=[999_999])).status_code == 404


def test_the_dashboard_counts_and_offers_the_next_statuses(client, fair, pair, organiser):
    fair_factories.buyer_participant(fair, name="Chờ duyệt")
    client.force_login(organiser)

    response = client.get(url("organise", fair))

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.participant_total == 3
    assert figures.participants["buyer", "pending"] == 1
    assert [v for v, _label in response.context["next_statuses"]] == ["draft", "scheduling"]
    assert f"{url('status', fair)}?to=scheduling" in response.content.decode()


def test_moving_the_fair_on_needs_a_post_and_closes_requests(client, fair, pair, organiser):
    buyer, supplier = pair
    request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    client.force_login(organiser)

    confirm = client.get(url("status", fair), {"to": "scheduling"})
    assert confirm.status_code == 200
    assert FairPage.objects.get(pk=fair.pk).status == FairPage.Status.OPEN

    response = client.post(url("status", fair), {"status": "scheduling"})

    assert response.status_code == 302
    assert FairPage.objects.get(pk=fair.pk).status == FairPage.Status.SCHEDULING
    request.refresh_from_db()
    assert request.status == "closed"
    # From scheduling, the fair cannot jump to closed.
    client.post(url("status", fair), {"status": "closed"})
    assert FairPage.objects.get(pk=fair.pk).status == FairPage.Status.SCHEDULING


# --- approvals ----------------------------------------------------------------------------------


def test_a_co_organiser_cannot_approve_outside_its_provinces(client, fair, co_organiser):
    hanoi = fair_factories.buyer_participant(fair, province="01")
    haiphong = fair_factories.buyer_participant(fair, province="31", name="Công ty Hải Phòng")
    client.force_login(co_organiser)

    listed = client.get(url("participants", fair))
    refused = client.post(url("decide", fair), {"participant_id": hanoi.pk, "decision": "approve"})
    allowed = client.post(url("decide", fair), {"participant_id": haiphong.pk, "decision": "approve"})

    assert [p.pk for p in listed.context["page_obj"]] == [haiphong.pk]
    assert refused.status_code == 403
    assert Participant.objects.get(pk=hanoi.pk).status == Participant.Status.PENDING
    assert allowed.status_code == 302
    assert Participant.objects.get(pk=haiphong.pk).status == Participant.Status.APPROVED


def test_the_lead_approves_and_rejects_anyone_and_filters_the_list(client, fair, organiser):
    hanoi = fair_factories.buyer_participant(fair, province="01")
    haiphong = fair_factories.cooperative_participant(fair, province="31")
    client.force_login(organiser)

    client.post(url("decide", fair), {"participant_id": hanoi.pk, "decision": "reject"})
    client.post(url("decide", fair), {"participant_id": haiphong.pk, "decision": "approve"})

    assert Participant.objects.get(pk=hanoi.pk).status == Participant.Status.REJECTED
    assert Participant.objects.get(pk=haiphong.pk).status == Participant.Status.APPROVED
    by_province = client.get(url("participants", fair), {"province": "31"})
    assert [p.pk for p in by_province.context["page_obj"]] == [haiphong.pk]
    by_status = client.get(url("participants", fair), {"status": "rejected", "role": "buyer"})
    assert [p.pk for p in by_status.context["page_obj"]] == [hanoi.pk]


def test_deciding_is_post_only_and_404_for_another_fairs_participant(client, fair, organiser):
    other = fair_factories.fair(slug="other-fair", lead=factories.alliance(provinces=("01",)))
    stranger = fair_factories.buyer_participant(other)
    client.force_login(organiser)

    assert client.get(url("decide", fair)).status_code == 405
    response = client.post(url("decide", fair), {"participant_id": stranger.pk, "decision": "approve"})

    assert response.status_code == 404
    assert Participant.objects.get(pk=stranger.pk).status == Participant.Status.PENDING


def test_the_participants_list_costs_the_same_queries_for_more_rows(client, fair, organiser):
    client.force_login(organiser)
    for _ in range(2):
        fair_factories.buyer_participant(fair)
    client.get(url("participants", fair))  # the first request of a site creates its settings row
    few = count_queries(client, url("participants", fair))
    for _ in range(8):
        fair_factories.cooperative_participant(fair, approve_by=organiser)
    many = count_queries(client, url("participants", fair))

    assert many == few


# --- meetings arranged by the organisers, and the cap --------------------------------------------


def test_an_organiser_arranges_a_meeting_directly_within_the_cap(client, organiser):
    lead = factories.alliance(provinces=("01",), staff=[organiser])
    fair = fair_factories.fair(lead=lead, max_meetings=1)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    other = fair_factories.cooperative_participant(fair, approve_by=organiser)
    client.force_login(organiser)

    response = client.post(url("meeting_new", fair), {"first": buyer.pk, "second": supplier.pk, "weight": 7})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("meeting", fair, meeting.pk)
    assert meeting.weight == 7
    assert set(meeting.participants.all()) == {buyer, supplier}

    refused = client.post(url("meeting_new", fair), {"first": buyer.pk, "second": other.pk, "weight": 1})
    assert refused.status_code == 400
    assert "1" in str(refused.context["form"].non_field_errors())
    assert Meeting.objects.count() == 1


def test_a_meeting_needs_two_different_approved_participants(client, fair, pair, organiser):
    buyer, _supplier = pair
    pending = fair_factories.cooperative_participant(fair)
    client.force_login(organiser)

    same = client.post(url("meeting_new", fair), {"first": buyer.pk, "second": buyer.pk, "weight": 1})
    unapproved = client.post(url("meeting_new", fair), {"first": buyer.pk, "second": pending.pk, "weight": 1})

    assert same.status_code == 400
    assert unapproved.status_code == 400
    assert not Meeting.objects.exists()


# --- the scheduler, pins and the table plan ------------------------------------------------------


def test_running_the_scheduler_writes_slots_and_tables_shown_on_the_table_plan(
    client, fair, organiser, django_capture_on_commit_callbacks
):
    buyers = [
        fair_factories.buyer_participant(fair, approve_by=organiser, name=f"Buyer {n}") for n in range(2)
    ]
    suppliers = [fair_factories.cooperative_participant(fair, approve_by=organiser) for _ in range(2)]
    for b in buyers:
        for s in suppliers:
            services.meeting_create(fair=fair, participants=[b, s], user=organiser)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):  # the run, queued after commit
        started = client.post(url("schedule_run", fair), {"time_limit": 2})
    response = client.get(started["Location"])

    assert response.status_code == 200
    meetings = list(Meeting.objects.filter(fair=fair))
    assert all(m.slot_key and m.table for m in meetings)
    outcome = response.context["outcome"]
    assert outcome["scheduled"] == 4
    assert outcome["unscheduled"] == 0
    assert outcome["solver"]
    page = response.content.decode()
    assert str(outcome["scheduled"]) in page

    plan = client.get(url("table_plan", fair), {"slot": "all"})
    shown = {
        (slot.key, number, meeting.pk)
        for slot in plan.context["plan"]
        for number, meeting in slot.tables
        if meeting
    }
    assert shown == {(m.slot_key, m.table, m.pk) for m in meetings}
    assert "Buyer 0" in plan.content.decode()


def test_the_time_limit_is_between_1_and_60_seconds(client, fair, pair, organiser):
    buyer, supplier = pair
    services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    client.force_login(organiser)

    response = client.post(url("schedule_run", fair), {"time_limit": 61})

    assert response.status_code == 400
    assert not Meeting.objects.get().slot_key


def test_a_pin_conflict_shows_an_error_and_changes_nothing(client, fair, pair, organiser):
    buyer, supplier = pair
    first = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    second = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    third = services.meeting_create(
        fair=fair,
        participants=[buyer, fair_factories.cooperative_participant(fair, approve_by=organiser)],
        user=organiser,
    )
    slot = fair.slots()[0].key
    client.force_login(organiser)
    for meeting in (first, second):
        pinned = client.post(url("pin", fair), {"meeting_id": meeting.pk, "slot": slot})
        assert pinned.status_code == 302
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    before = list(Meeting.objects.order_by("pk").values_list("slot_key", "table", "pinned"))

    response = client.post(url("schedule_run", fair), {"time_limit": 1})

    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert str(first.pk) in errors
    assert str(second.pk) in errors
    assert 'role="alert"' in response.content.decode()
    assert list(Meeting.objects.order_by("pk").values_list("slot_key", "table", "pinned")) == before
    assert not Meeting.objects.get(pk=third.pk).slot_key


def test_pinning_to_an_unknown_slot_or_another_fairs_meeting_changes_nothing(client, fair, pair, organiser):
    buyer, supplier = pair
    meeting = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    other_lead = factories.alliance(provinces=("01",), staff=[factories.user()])
    other = fair_factories.fair(slug="other-fair", lead=other_lead)
    client.force_login(organiser)

    unknown = client.post(url("pin", fair), {"meeting_id": meeting.pk, "slot": "999-01"})
    foreign = client.post(url("pin", other), {"meeting_id": meeting.pk, "slot": other.slots()[0].key})

    assert unknown.status_code == 400
    assert foreign.status_code == 403  # not an organiser of the other fair
    meeting.refresh_from_db()
    assert (meeting.slot_key, meeting.pinned) == ("", False)


def test_the_table_plan_costs_the_same_queries_for_more_meetings(client, fair, organiser):
    client.force_login(organiser)
    buyers = [fair_factories.buyer_participant(fair, approve_by=organiser) for _ in range(3)]
    suppliers = [fair_factories.cooperative_participant(fair, approve_by=organiser) for _ in range(3)]
    services.meeting_create(fair=fair, participants=[buyers[0], suppliers[0]], user=organiser)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    client.get(url("table_plan", fair))  # the first request of a site creates its settings row
    few = count_queries(client, url("table_plan", fair) + "?slot=all")
    for b in buyers:
        for s in suppliers[1:]:
            services.meeting_create(fair=fair, participants=[b, s], user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    assert Meeting.objects.exclude(slot_key="").count() == 7
    many = count_queries(client, url("table_plan", fair) + "?slot=all")

    assert many == few


# --- check-in -----------------------------------------------------------------------------------


def test_check_in_by_a_typed_code_in_lower_case_with_spaces(client, fair, pair, organiser):
    buyer, _supplier = pair
    client.force_login(organiser)
    typed = " ".join(buyer.badge_code.lower()[i : i + 5] for i in (0, 5))

    response = client.post(url("check_in", fair), {"code": f"  {typed} "}, follow=True)

    assert response.status_code == 200
    assert Participant.objects.get(pk=buyer.pk).checked_in_at is not None
    assert response.context["last"].pk == buyer.pk
    assert [p.pk for p in response.context["recent"]] == [buyer.pk]
    assert buyer.name in response.content.decode()


def test_an_unknown_or_unapproved_badge_shows_an_error(client, fair, organiser):
    pending = fair_factories.buyer_participant(fair)
    client.force_login(organiser)

    unknown = client.post(url("check_in", fair), {"code": "NOPE123"})
    unapproved = client.post(url("check_in", fair), {"code": pending.badge_code})

    assert unknown.status_code == 400
    assert "NOPE123" in " ".join(unknown.context["form"].errors["code"])
    assert unapproved.status_code == 400
    assert not Participant.objects.filter(checked_in_at__isnull=False).exists()


def test_the_check_in_field_is_focused_for_a_scanner(client, fair, organiser):
    client.force_login(organiser)

    page = client.get(url("check_in", fair)).content.decode()

    assert 'name="code"' in page
    assert "autofocus" in page
    assert "js/fairs-check-in.js" in page


# --- the meeting page ---------------------------------------------------------------------------


def test_a_meeting_participant_records_the_outcome_and_an_agreement(
    client, fair, organiser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    supplier_staff = factories.user()
    cooperative = factories.cooperative(province="01", staff=[supplier_staff])
    rice = factories.product(cooperative=cooperative, name="Gạo ST25")
    factories.product(cooperative=factories.cooperative(province="01"), name="Gạo của người khác")
    supplier = services.participant_register_cooperative(
        fair=fair, user=supplier_staff, cooperative=cooperative, data=services.RegistrationData()
    )
    services.participant_decide(participant=supplier, user=organiser, approve=True)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    meeting = scheduled(fair, organiser, [buyer, supplier])
    client.force_login(supplier_staff)

    page = client.get(url("meeting", fair, meeting.pk))
    assert page.status_code == 200
    form = page.context["agreement_form"]
    assert form["buyer"].initial == buyer.pk
    assert form["supplier"].initial == supplier.pk
    assert [pk for pk, _label in form.fields["products"].choices] == [rice.pk]
    assert page.context["pin_form"] is None

    outcome = client.post(
        url("meeting", fair, meeting.pk), {"action": "outcome", "outcome": "follow_up", "note": "Gửi mẫu"}
    )
    assert outcome.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.outcome_note) == ("follow_up", "Gửi mẫu")

    document = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    recorded = client.post(
        url("meeting", fair, meeting.pk),
        {
            "action": "agreement",
            "kind": "memorandum",
            "buyer": buyer.pk,
            "supplier": supplier.pk,
            "products": [rice.pk],
            "volume": "2 tấn/tháng",
            "value_vnd": "480.000.000",
            "signed_on": timezone.localdate().isoformat(),
            "document": document,
        },
    )
    assert recorded.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.value_vnd == 480_000_000
    assert agreement.meeting == meeting
    assert list(agreement.products.all()) == [rice]
    assert agreement.document.name.endswith(".pdf")
    listed = client.get(url("meeting", fair, meeting.pk))
    assert [a.pk for a in listed.context["agreements"]] == [agreement.pk]
    assert "2 tấn/tháng" in listed.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value_vnd", "480,5"),
        ("value_vnd", "bốn trăm"),
        pytest.param("signed_on", days(1), id="signed_on-tomorrow"),  # the client posts tomorrow's date
        ("document", "fake.pdf"),
    ],
)
def test_a_bad_agreement_is_refused_and_nothing_recorded(client, fair, pair, organiser, field, value):
    buyer, supplier = pair
    meeting = scheduled(fair, organiser, [buyer, supplier])
    client.force_login(buyer.user)
    data = {
        "action": "agreement",
        "kind": "contract",
        "buyer": buyer.pk,
        "supplier": supplier.pk,
        "volume": "1 tấn",
        "value_vnd": "480000000",
        "signed_on": timezone.localdate().isoformat(),
    }
    if field == "document":
        data["document"] = SimpleUploadedFile(value, b"MZ not a pdf", content_type="application/pdf")
    else:
        data[field] = value

    response = client.post(url("meeting", fair, meeting.pk), data)

    assert response.status_code == 400
    assert response.context["agreement_form"].errors[field]
    assert not Agreement.objects.exists()


def test_the_value_is_accepted_without_separators(client, fair, pair, organiser):
    buyer, supplier = pair
    meeting = scheduled(fair, organiser, [buyer, supplier])
    client.force_login(organiser)

    client.post(
        url("meeting", fair, meeting.pk),
        {
            "action": "agreement",
            "kind": "contract",
            "buyer": buyer.pk,
            "supplier": supplier.pk,
            "volume": "1 tấn",
            "value_vnd": "480000000",
            "signed_on": timezone.localdate().isoformat(),
        },
    )

    assert Agreement.objects.get().value_vnd == 480_000_000


def test_a_stranger_gets_403_on_the_meeting_page(client, fair, pair, organiser):
    buyer, supplier = pair
    outsider = fair_factories.buyer_participant(fair, approve_by=organiser, name="Người ngoài")
    meeting = scheduled(fair, organiser, [buyer, supplier])
    for user in (factories.user(), outsider.user):
        client.force_login(user)
        assert client.get(url("meeting", fair, meeting.pk)).status_code == 403
        refused = client.post(url("meeting", fair, meeting.pk), {"action": "outcome", "outcome": "no_show"})
        assert refused.status_code == 403
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_a_meeting_of_another_fair_is_404(client, fair, pair, organiser):
    buyer, supplier = pair
    meeting = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    other = fair_factories.fair(slug="other-fair", lead=factories.alliance(provinces=("01",)))
    client.force_login(buyer.user)

    assert client.get(url("meeting", other, meeting.pk)).status_code == 404


def test_an_unscheduled_meeting_cannot_have_an_outcome(client, fair, pair, organiser):
    buyer, supplier = pair
    meeting = services.meeting_create(fair=fair, participants=[buyer, supplier], user=organiser)
    client.force_login(organiser)

    response = client.post(url("meeting", fair, meeting.pk), {"action": "outcome", "outcome": "held"})

    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.outcome == ""
