"""Participants' pages: registration, the participation page and its actions, the printable
schedule, the iCalendar file and the badge, with other people's objects refused."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fairs import ical, services
from fairs.models import BuyerDemand, FairPage, Meeting, MeetingRequest, Participant
from tests import factories
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def fair(organiser):
    lead = factories.alliance(provinces=("01",), staff=[organiser])
    return fair_factories.fair(lead=lead, name_en="Connection conference")


@pytest.fixture
def pair(fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    return buyer, supplier


def rep_data(*rows):
    data = {
        "rep-TOTAL_FORMS": "3",
        "rep-INITIAL_FORMS": "0",
        "rep-MIN_NUM_FORMS": "1",
        "rep-MAX_NUM_FORMS": "3",
    }
    for i, (name, position, phone, email) in enumerate(rows):
        data.update(
            {
                f"rep-{i}-name": name,
                f"rep-{i}-position": position,
                f"rep-{i}-phone": phone,
                f"rep-{i}-email": email,
            }
        )
    return data


def buyer_post(fair, **overrides):
    slots = [slot.key for slot in fair.slots()]
    data = {
        "name": "Siêu thị Xanh",
        "buyer_kind": "supermarket",
        "province": "ha noi",
        "country": "VN",
        "available_slots": slots[:3],
        **rep_data(("Nguyễn Thị Lan", "Trưởng phòng mua hàng", "0912345678", "lan@example.org")),
    }
    data.update(overrides)
    return data


# --- registration ------------------------------------------------------------------------------


def test_registration_asks_to_sign_in_first(client, fair):
    url = reverse("fairs:register_buyer", args=[fair.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert "next=" in response["Location"]


def test_a_buyer_registers_with_province_by_name_representatives_and_slots(client, fair):
    user = factories.user()
    client.force_login(user)
    url = reverse("fairs:register_buyer", args=[fair.pk])
    page = client.get(url).content.decode()
    assert page.count('name="available_slots"') == 6
    assert page.count("checked") >= 6

    response = client.post(url, buyer_post(fair))

    assert response.status_code == 302
    assert response["Location"] == reverse("fairs:mine", args=[fair.pk])
    participant = Participant.objects.get(fair=fair, user=user)
    assert participant.role == Participant.Role.BUYER
    assert participant.province.code == "01"
    assert participant.available_slots == [slot.key for slot in fair.slots()][:3]
    assert [r.name for r in participant.representatives.all()] == ["Nguyễn Thị Lan"]


def test_every_slot_ticked_is_stored_as_every_slot(client, fair):
    client.force_login(factories.user())

    client.post(
        reverse("fairs:register_buyer", args=[fair.pk]),
        buyer_post(fair, available_slots=[s.key for s in fair.slots()]),
    )

    assert Participant.objects.get(fair=fair).available_slots == []


def test_a_foreign_buyer_gives_a_country_instead_of_a_province(client, fair):
    client.force_login(factories.user())

    client.post(
        reverse("fairs:register_buyer", args=[fair.pk]),
        buyer_post(fair, province="", country="jp", name="Tokyo Foods"),
    )

    participant = Participant.objects.get(fair=fair)
    assert participant.country == "JP"
    assert participant.province is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"province": ""}, "Hãy ghi tỉnh, thành phố của bạn"),
        ({"province": "Atlantis"}, 'id="id_province_error"'),
        ({"rep-0-name": ""}, 'id="id_rep-0-name_error"'),
        ({"available_slots": []}, "ít nhất một khung giờ"),
        ({"available_slots": ["999-01"]}, "999-01"),
    ],
)
def test_bad_buyer_registrations_are_shown_on_the_form_and_nothing_is_created(
    client, fair, overrides, message
):
    client.force_login(factories.user())

    response = client.post(reverse("fairs:register_buyer", args=[fair.pk]), buyer_post(fair, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Participant.objects.exists()


def test_registering_after_the_window_is_refused_on_the_form(client, organiser):
    today = timezone.localdate()
    late = fair_factories.fair(
        registration_opens_on=today - datetime.timedelta(days=9),
        registration_closes_on=today - datetime.timedelta(days=1),
    )
    client.force_login(factories.user())

    response = client.post(reverse("fairs:register_buyer", args=[late.pk]), buyer_post(late))

    assert response.status_code == 400
    assert "không nhận đăng ký" in response.content.decode()
    assert not late.participants.exists()


def test_registering_twice_is_refused_and_keeps_one_registration(client, fair):
    client.force_login(factories.user())
    url = reverse("fairs:register_buyer", args=[fair.pk])
    client.post(url, buyer_post(fair))

    response = client.post(url, buyer_post(fair, name="Siêu thị Xanh lần hai"))

    assert response.status_code == 400
    assert "đã đăng ký tham gia hội chợ này" in response.content.decode()
    assert Participant.objects.filter(fair=fair).count() == 1


def test_registration_of_an_unpublished_fair_is_a_404(client, fair):
    fair.unpublish()
    client.force_login(factories.user())

    assert client.get(reverse("fairs:register_buyer", args=[fair.pk])).status_code == 404
    assert client.get(reverse("fairs:register", args=[fair.pk])).status_code == 404


def test_a_cooperative_registers_with_booth_showcase_supply_and_delivery(client, fair):
    staff = factories.user()
    cooperative = factories.cooperative(province="01", staff=[staff], name="HTX Gạo Sạch")
    rice = factories.product(cooperative=cooperative, name="Gạo ST25")
    factories.product(cooperative=cooperative, name="Gạo nếp")
    other = factories.product(name="Mật ong rừng")
    client.force_login(staff)
    choose = client.get(reverse("fairs:register", args=[fair.pk])).content.decode()
    url = reverse("fairs:register_cooperative", args=[fair.pk, cooperative.pk])
    assert url in choose
    form = client.get(url).content.decode()
    assert "Gạo ST25" in form
    assert "Gạo nếp" in form
    assert "Mật ong rừng" not in form

    response = client.post(
        url,
        {
            **rep_data(("Trần Văn Nam", "Giám đốc", "", "")),
            "booth": "standard",
            "booth_area_m2": "9",
            "showcased_products": [rice.pk],
            "supply_quantity": "20",
            "supply_unit": "tấn",
            "delivery_provinces": ["01", "79"],
            "available_slots": [s.key for s in fair.slots()],
        },
    )

    assert response.status_code == 302
    participant = Participant.objects.get(fair=fair, cooperative=cooperative)
    assert list(participant.showcased_products.all()) == [rice]
    assert participant.booth == "standard"
    assert participant.booth_area_m2 == 9
    assert participant.supply_quantity == 20
    assert participant.supply_unit == "tấn"
    assert set(participant.delivery_provinces.values_list("code", flat=True)) == {"01", "79"}

    twice = client.post(url, {**rep_data(("Trần Văn Nam", "", "", "")), "available_slots": ["x"]})
    assert twice.status_code == 400
    assert other.pk not in participant.showcased_products.values_list("pk", flat=True)


def test_another_cooperatives_product_cannot_be_showcased(client, fair):
    staff = factories.user()
    cooperative = factories.cooperative(province="01", staff=[staff])
    other = factories.product(name="Mật ong rừng")
    client.force_login(staff)

    response = client.post(
        reverse("fairs:register_cooperative", args=[fair.pk, cooperative.pk]),
        {
            **rep_data(("Trần Văn Nam", "", "", "")),
            "showcased_products": [other.pk],
            "available_slots": [s.key for s in fair.slots()],
        },
    )

    assert response.status_code == 400
    assert not Participant.objects.exists()


def test_only_the_cooperatives_staff_can_open_its_registration(client, fair):
    cooperative = factories.cooperative(province="01", staff=[factories.user()])
    client.force_login(factories.user())

    url = reverse("fairs:register_cooperative", args=[fair.pk, cooperative.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, rep_data(("X", "", "", ""))).status_code == 404
    assert not Participant.objects.exists()


# --- the participation page --------------------------------------------------------------------


def demand_post(**overrides):
    data = {
        "title": "Gạo ST25",
        "category": "",
        "details": "Đóng bao 5 kg",
        "quantity": "2000",
        "unit": "kg",
        "per_month": "on",
        "target_price_vnd": "28000",
        "required_certifications": ["vietgap"],
        "min_ocop_stars": "4",
        "delivery_province": "79",
        "needed_from": "",
        "needed_until": "",
    }
    data.update(overrides)
    return data


def prefixed(participant, data):
    return {f"demand-{participant.pk}-{key}": value for key, value in data.items()}


def test_a_buyer_posts_a_demand_and_sees_it(client, fair, pair):
    buyer, _supplier = pair
    client.force_login(buyer.user)

    response = client.post(
        reverse("fairs:demand_add", args=[fair.pk, buyer.pk]), prefixed(buyer, demand_post())
    )

    assert response.status_code == 302
    demand = BuyerDemand.objects.get(fair_participants=buyer)
    assert (demand.quantity, demand.target_price_vnd, demand.min_ocop_stars) == (2000, 28000, 4)
    assert demand.required_certifications == ["vietgap"]
    assert demand.delivery_province_id == "79"
    assert "Gạo ST25" in client.get(reverse("fairs:mine", args=[fair.pk])).content.decode()


def test_a_bad_demand_is_shown_on_the_form_and_not_saved(client, fair, pair):
    buyer, _supplier = pair
    client.force_login(buyer.user)

    response = client.post(
        reverse("fairs:demand_add", args=[fair.pk, buyer.pk]),
        prefixed(buyer, demand_post(needed_from="2030-05-01", needed_until="2030-04-01", quantity="0")),
    )

    assert response.status_code == 400
    assert "trước thời điểm bắt đầu" in response.content.decode()
    assert not BuyerDemand.objects.exists()


def test_nobody_else_posts_demands_for_a_buyer(client, fair, pair):
    buyer, _supplier = pair
    client.force_login(fair_factories.buyer_participant(fair).user)

    response = client.post(
        reverse("fairs:demand_add", args=[fair.pk, buyer.pk]), prefixed(buyer, demand_post())
    )

    assert response.status_code == 403
    assert not BuyerDemand.objects.exists()
    other_fair = fair_factories.fair(slug="khac")
    client.force_login(buyer.user)
    assert (
        client.post(
            reverse("fairs:demand_add", args=[other_fair.pk, buyer.pk]), prefixed(buyer, demand_post())
        ).status_code
        == 404
    )


def test_actions_are_post_only(client, fair, pair):
    buyer, _supplier = pair
    client.force_login(buyer.user)

    assert client.get(reverse("fairs:demand_add", args=[fair.pk, buyer.pk])).status_code == 405
    assert client.get(reverse("fairs:request_meeting", args=[fair.pk, buyer.pk])).status_code == 405
    assert client.get(reverse("fairs:interest", args=[fair.pk, buyer.pk])).status_code == 405


def test_actions_need_the_csrf_token(fair, pair):
    from django.test import Client

    buyer, supplier = pair
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer.user)

    response = client.post(
        reverse("fairs:request_meeting", args=[fair.pk, buyer.pk]), {"recipient": supplier.pk}
    )

    assert response.status_code == 403
    assert not MeetingRequest.objects.exists()


def request_meeting(client, fair, requester, recipient, **data):
    return client.post(
        reverse("fairs:request_meeting", args=[fair.pk, requester.pk]),
        {"recipient": recipient.pk, "message": "Xin gặp", **data},
    )


def test_a_meeting_request_is_sent_once_and_refused_the_second_time(client, fair, pair):
    buyer, supplier = pair
    client.force_login(buyer.user)

    assert request_meeting(client, fair, buyer, supplier).status_code == 302
    again = request_meeting(client, fair, buyer, supplier)

    assert again.status_code == 400
    assert "Đã có một đề nghị gặp" in again.content.decode()
    assert MeetingRequest.objects.get().message == "Xin gặp"


def test_a_meeting_request_to_oneself_or_another_fair_is_refused(client, fair, pair, organiser):
    buyer, _supplier = pair
    client.force_login(buyer.user)

    oneself = request_meeting(client, fair, buyer, buyer)
    assert oneself.status_code == 400
    assert "chính mình" in oneself.content.decode()

    elsewhere = fair_factories.fair(slug="noi-khac", lead=fair.lead_organiser)
    stranger = fair_factories.cooperative_participant(elsewhere, approve_by=organiser)
    assert request_meeting(client, fair, buyer, stranger).status_code == 404
    assert not MeetingRequest.objects.exists()


def test_requests_are_refused_once_scheduling_has_started(client, fair, pair, organiser):
    buyer, supplier = pair
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    client.force_login(buyer.user)

    response = request_meeting(client, fair, buyer, supplier)

    assert response.status_code == 400
    assert "Đã đóng việc đề nghị gặp" in response.content.decode()
    assert not MeetingRequest.objects.exists()


def answer(client, fair, meeting_request, accept: str):
    return client.post(
        reverse("fairs:request_answer", args=[fair.pk, meeting_request.pk]), {"accept": accept}
    )


def test_the_recipient_accepts_a_request_and_the_meeting_appears_on_both_pages(client, fair, pair):
    buyer, supplier = pair
    meeting_request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    staff = supplier.cooperative.staff_group.user_set.get()
    client.force_login(staff)
    page = client.get(reverse("fairs:mine", args=[fair.pk])).content.decode()
    assert buyer.name in page
    assert 'name="accept"' in page

    assert answer(client, fair, meeting_request, "1").status_code == 302

    meeting = Meeting.objects.get()
    assert set(meeting.participants.all()) == {buyer, supplier}
    client.force_login(buyer.user)
    page = client.get(reverse("fairs:mine", args=[fair.pk])).content.decode()
    assert supplier.name in page
    assert reverse("fairs:meeting", args=[fair.pk, meeting.pk]) in page


def test_only_the_recipient_answers_and_only_by_post(client, fair, pair):
    buyer, supplier = pair
    meeting_request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)

    client.force_login(fair_factories.buyer_participant(fair).user)
    assert answer(client, fair, meeting_request, "1").status_code == 403
    client.force_login(buyer.user)  # the requester cannot accept its own request
    assert answer(client, fair, meeting_request, "1").status_code == 403
    assert client.get(reverse("fairs:request_answer", args=[fair.pk, meeting_request.pk])).status_code == 405
    other_fair = fair_factories.fair(slug="khac")
    staff = supplier.cooperative.staff_group.user_set.get()
    client.force_login(staff)
    assert answer(client, other_fair, meeting_request, "1").status_code == 404

    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingRequest.Status.PENDING
    assert not Meeting.objects.exists()


def test_answering_twice_shows_the_error(client, fair, pair):
    buyer, supplier = pair
    meeting_request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    client.force_login(supplier.cooperative.staff_group.user_set.get())
    answer(client, fair, meeting_request, "0")

    response = answer(client, fair, meeting_request, "1")

    assert response.status_code == 400
    assert "đã được trả lời" in response.content.decode()
    assert not Meeting.objects.exists()


def test_interest_in_meeting_is_toggled_for_ones_own_registration_only(client, fair, pair):
    buyer, supplier = pair
    url = reverse("fairs:interest", args=[fair.pk, buyer.pk])
    client.force_login(buyer.user)

    assert client.post(url, {"other": supplier.pk, "interested": "1"}).status_code == 302
    assert list(buyer.interested_in.all()) == [supplier]
    assert client.post(url, {"other": supplier.pk, "interested": "0"}).status_code == 302
    assert not buyer.interested_in.exists()

    client.force_login(supplier.cooperative.staff_group.user_set.get())
    assert client.post(url, {"other": supplier.pk, "interested": "1"}).status_code == 403
    assert not buyer.interested_in.exists()


def test_someone_not_registered_sees_an_invitation_to_register(client, fair):
    client.force_login(factories.user())

    response = client.get(reverse("fairs:mine", args=[fair.pk]))

    assert response.status_code == 200
    assert reverse("fairs:register", args=[fair.pk]) in response.content.decode()


def test_recommendations_show_reasons_and_a_request_form(
    client, fair, pair, django_capture_on_commit_callbacks
):
    buyer, supplier = pair
    with django_capture_on_commit_callbacks(execute=True):  # the search index, as on commit
        rice = factories.product(cooperative=supplier.cooperative, name="Gạo ST25 thơm", price_vnd=25_000)
    supplier.showcased_products.add(rice)
    services.demand_create(
        buyer=buyer.user,
        participant=buyer,
        data=services.DemandData(title="Gạo ST25", quantity=1000, unit="kg", target_price_vnd=30_000),
    )
    assert services.fair_refresh_matches(fair=fair) >= 1
    client.force_login(buyer.user)

    html = client.get(reverse("fairs:mine", args=[fair.pk])).content.decode()

    recommendations = html.split('class="recommendation-list"')[1]
    assert supplier.name in recommendations
    assert '<ul class="reasons">' in recommendations
    assert f'name="recipient" value="{supplier.pk}"' in recommendations


# --- meetings on the schedule, the calendar file and the badge ---------------------------------


@pytest.fixture
def scheduled(fair, organiser):
    """A buyer with two scheduled meetings, one with a cooperative whose name has , and ;."""
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    suppliers = [fair_factories.cooperative_participant(fair, approve_by=organiser) for _ in range(2)]
    suppliers[0].name = "HTX Chè, Mật ong; Tân Cương"
    suppliers[0].save(update_fields=["name"])
    for supplier in suppliers:
        meeting_request = services.meeting_request_create(
            requester=buyer, recipient=supplier, user=buyer.user
        )
        staff = supplier.cooperative.staff_group.user_set.get()
        services.meeting_request_answer(request=meeting_request, user=staff, accept=True)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=2)
    assert Meeting.objects.filter(slot_key__gt="").count() == 2
    return buyer, suppliers


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_calendar_file_is_valid_icalendar_with_one_event_per_meeting(client, fair, scheduled):
    buyer, suppliers = scheduled
    client.force_login(buyer.user)

    response = client.get(reverse("fairs:schedule_ics", args=[buyer.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = unfold(raw.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == 2
    assert lines.count("END:VEVENT") == 2
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 2
    stamps = [line for line in lines if re.match(r"^DT(START|END|STAMP):\d{8}T\d{6}Z$", line)]
    assert len(stamps) == 6
    meeting = Meeting.objects.filter(participants=suppliers[0]).get()
    slot = {s.key: s for s in fair.slots()}[meeting.slot_key]
    start = slot.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert "SUMMARY:B2B: HTX Chè\\, Mật ong\\; Tân Cương" in lines
    assert f"LOCATION:Cung Văn hoá Hữu nghị\\, Hà Nội – Bàn {meeting.table}" in lines


def test_the_printable_schedule_lists_meetings_with_time_and_table(client, fair, scheduled):
    buyer, _suppliers = scheduled
    client.force_login(buyer.user)

    html = client.get(reverse("fairs:schedule", args=[buyer.pk])).content.decode()

    for meeting in Meeting.objects.all():
        slot = {s.key: s for s in fair.slots()}[meeting.slot_key]
        assert timezone.localtime(slot.starts_at).strftime("%H:%M") in html
        assert f'<td class="schedule-table__table">{meeting.table}</td>' in html
    assert "HTX Chè, Mật ong; Tân Cương" in html
    assert "@media print" in open("static/css/fairs.css", encoding="utf-8").read()


def test_ical_folding_keeps_utf8_characters_whole():
    line = "SUMMARY:" + "Hợp tác xã nông nghiệp Tân Cương " * 5

    pieces = ical.fold(line)

    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == line
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_badge_shows_each_representative_with_the_code_in_text_and_as_a_qr_code(client, fair, organiser):
    buyer = fair_factories.buyer_participant(
        fair,
        approve_by=organiser,
        representatives=[
            services.RepresentativeData(name="Nguyễn Thị Lan", position="Trưởng phòng mua hàng"),
            services.RepresentativeData(name="Lê Văn Hùng"),
        ],
    )
    client.force_login(buyer.user)

    html = client.get(reverse("fairs:badge", args=[buyer.pk])).content.decode()

    assert html.count('<article class="badge">') == 2
    assert "Nguyễn Thị Lan" in html
    assert "Lê Văn Hùng" in html
    assert "Hà Nội" in html
    assert html.count(buyer.badge_code) >= 2
    assert html.count("<svg") == 2
    assert "<path" in html
    assert "<?xml" not in html


def test_badge_and_schedule_are_for_the_participant_and_the_organisers_only(client, fair, pair, organiser):
    buyer, supplier = pair
    urls = [
        reverse(name, args=[buyer.pk]) for name in ("fairs:badge", "fairs:schedule", "fairs:schedule_ics")
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(supplier.cooperative.staff_group.user_set.get())
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(organiser)
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(buyer.user)
    for url in urls:
        assert client.post(url).status_code == 405


# --- query counts and languages ----------------------------------------------------------------


def busy_buyer(fair, organiser, *, suppliers: int):
    """An approved buyer with a demand per supplier, a request to each, and half accepted."""
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    for i in range(suppliers):
        supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
        services.demand_create(
            buyer=buyer.user,
            participant=buyer,
            data=services.DemandData(title=f"Nhu cầu {i}", quantity=10, unit="kg"),
        )
        meeting_request = services.meeting_request_create(
            requester=buyer, recipient=supplier, user=buyer.user
        )
        if i % 2 == 0:
            staff = supplier.cooperative.staff_group.user_set.get()
            services.meeting_request_answer(request=meeting_request, user=staff, accept=True)
    return buyer


def test_the_participation_page_query_count_does_not_grow_with_activity(client, fair, organiser):
    url = reverse("fairs:mine", args=[fair.pk])
    small = busy_buyer(fair, organiser, suppliers=2)
    client.force_login(small.user)
    client.get(url)  # settings rows and caches made once
    with_two = count_queries(client, url)

    other_fair = fair_factories.fair(slug="lon-hon", lead=fair.lead_organiser)
    large = busy_buyer(other_fair, organiser, suppliers=8)
    client.force_login(large.user)
    with_eight = count_queries(client, reverse("fairs:mine", args=[other_fair.pk]))

    html = client.get(reverse("fairs:mine", args=[other_fair.pk])).content.decode()
    assert html.count('class="demand"') == 8
    assert html.count('class="request"') == 8
    assert with_eight == with_two


def test_the_schedule_and_badge_query_counts_do_not_grow_with_meetings(client, fair, organiser, scheduled):
    buyer, _suppliers = scheduled
    client.force_login(buyer.user)
    client.get(reverse("fairs:schedule", args=[buyer.pk]))  # settings rows and caches made once
    before = {
        name: count_queries(client, reverse(name, args=[buyer.pk]))
        for name in ("fairs:schedule", "fairs:badge")
    }

    fair = services.fair_set_status(fair=fair, status=FairPage.Status.OPEN, user=organiser)
    buyer = Participant.objects.get(pk=buyer.pk)  # sees the fair open again
    for _ in range(3):
        supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
        meeting_request = services.meeting_request_create(
            requester=buyer, recipient=supplier, user=buyer.user
        )
        staff = supplier.cooperative.staff_group.user_set.get()
        services.meeting_request_answer(request=meeting_request, user=staff, accept=True)
    fair = services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=2)
    assert Meeting.objects.filter(participants=buyer, slot_key__gt="").count() == 5

    after = {
        name: count_queries(client, reverse(name, args=[buyer.pk]))
        for name in ("fairs:schedule", "fairs:badge")
    }
    assert after == before


def test_the_participation_page_renders_in_english(client, fair, pair):
    buyer, _supplier = pair
    client.force_login(buyer.user)

    html = client.get("/en" + reverse("fairs:mine", args=[fair.pk])).content.decode()

    assert "Connection conference" in html
    assert "Your participation" in html
    assert f"/en/hoi-cho-tham-gia/tham-gia/{buyer.pk}/the/" in html


# --- taking things back -------------------------------------------------------------------------


def test_the_requester_withdraws_a_waiting_request_and_no_one_else_can(client, fair, pair):
    buyer, supplier = pair
    meeting_request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    url = reverse("fairs:request_withdraw", args=[fair.pk, meeting_request.pk])

    client.force_login(supplier.user)
    assert client.post(url).status_code == 403
    client.force_login(buyer.user)
    assert client.post(url).status_code == 302
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingRequest.Status.WITHDRAWN
    assert client.post(url).status_code == 400
    # Withdrawn, the pair may ask again.
    assert request_meeting(client, fair, buyer, supplier).status_code == 302


def test_a_buyer_deletes_its_own_demand_only(client, fair, pair):
    buyer, supplier = pair
    demand = services.demand_create(
        buyer=buyer.user,
        participant=buyer,
        data=services.DemandData(title="Gạo ST25", quantity=10, unit="kg"),
    )
    url = reverse("fairs:demand_delete", args=[fair.pk, buyer.pk, demand.pk])

    client.force_login(supplier.user)
    assert client.post(url).status_code == 403
    client.force_login(buyer.user)
    assert client.post(url).status_code == 302
    assert not buyer.demands.exists()


def test_withdrawing_a_registration_closes_its_waiting_requests(client, fair, pair, organiser):
    buyer, supplier = pair
    waiting = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    url = reverse("fairs:withdraw", args=[fair.pk, buyer.pk])

    client.force_login(supplier.user)
    assert client.post(url).status_code == 403
    client.force_login(buyer.user)
    assert client.post(url).status_code == 302

    buyer.refresh_from_db()
    waiting.refresh_from_db()
    assert buyer.status == Participant.Status.WITHDRAWN
    assert waiting.status == MeetingRequest.Status.WITHDRAWN
    assert client.post(url).status_code == 400
