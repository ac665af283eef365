"""The fairs API: the public list and detail, the caller's own registrations, meeting requests
and answers, with every error a 4xx carrying a `detail`."""

import datetime

import pytest
from django.utils import timezone

from fairs import services
from fairs.models import FairPage, Meeting, MeetingRequest
from tests import factories
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def organiser():
    return factories.user(email="to-chuc@example.org")


@pytest.fixture
def fair(organiser):
    return fair_factories.fair(lead=factories.alliance(provinces=("01",), staff=[organiser]), slug="ha-noi")


@pytest.fixture
def pair(fair, organiser):
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    return buyer, supplier


def _past_fair(organiser, **extra):
    today = timezone.localdate()
    return fair_factories.fair(
        lead=factories.alliance(provinces=("79",), staff=[organiser]),
        starts_on=today - datetime.timedelta(days=10),
        registration_opens_on=today - datetime.timedelta(days=30),
        registration_closes_on=today - datetime.timedelta(days=11),
        provinces=("79",),
        **extra,
    )


# --- list --------------------------------------------------------------------------------------


def test_the_list_shows_live_fairs_with_their_organisers_and_window(client, fair, organiser):
    co = factories.alliance(provinces=("31",))
    fair.co_organisers.add(co)
    fair.save_revision().publish()
    hidden = fair_factories.fair(slug="an")
    hidden.unpublish()

    body = client.get(f"{API}/fairs").json()

    assert body["total"] == 1
    item = body["items"][0]
    assert item["id"] == fair.pk
    assert item["title"] == fair.title
    assert item["kind"] == "connection"
    assert item["status"] == "open"
    assert item["url"].startswith("http://testserver/")
    assert item["url"].endswith("/ha-noi/")
    assert item["lead_organiser"] == {"id": fair.lead_organiser_id, "name": fair.lead_organiser.name}
    assert item["co_organisers"] == [{"id": co.pk, "name": co.name}]
    assert [p["code"] for p in item["provinces"]] == ["01", "31"]
    assert item["registration"] == {
        "opens_on": fair.registration_opens_on.isoformat(),
        "closes_on": fair.registration_closes_on.isoformat(),
        "is_open": True,
    }


def test_the_list_filters_by_status_upcoming_and_province(client, fair, organiser):
    past = _past_fair(organiser, status=FairPage.Status.CLOSED, slug="qua")
    everywhere = fair_factories.fair(provinces=(), slug="toan-quoc")

    def ids(query):
        response = client.get(f"{API}/fairs?{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids("") == {fair.pk, past.pk, everywhere.pk}
    assert ids("status=closed") == {past.pk}
    assert ids("upcoming=true") == {fair.pk, everywhere.pk}
    assert ids("province=1") == ids("province=01") == {fair.pk, everywhere.pk}
    assert ids("province=79") == {past.pk, everywhere.pk}
    assert ids("province=79&upcoming=true") == {everywhere.pk}


def test_the_list_pages(client, organiser):
    for n in range(3):
        fair_factories.fair(slug=f"hoi-cho-{n}")

    first = client.get(f"{API}/fairs?page_size=2").json()
    second = client.get(f"{API}/fairs?page_size=2&page=2").json()

    assert (first["total"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})
    assert client.get(f"{API}/fairs?page_size=2&page=3").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "page_size=101",
        "page_size=0",
        "page=0",
        "page=x",
        "status=bogus",
        "upcoming=maybe",
        "province=Atlantis",
    ],
)
def test_bad_list_parameters_are_400_with_a_detail(client, fair, query):
    response = client.get(f"{API}/fairs?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


# --- detail ------------------------------------------------------------------------------------


def test_the_detail_has_sessions_slots_and_approved_cooperatives_with_products(client, fair, organiser):
    staff = factories.user()
    cooperative = factories.cooperative(province="01", staff=[staff])
    rice = factories.product(cooperative=cooperative, sku="ST25-5KG", category="food-rice")
    approved = services.participant_register_cooperative(
        fair=fair,
        user=staff,
        cooperative=cooperative,
        data=services.RegistrationData(showcased_products=[rice]),
    )
    services.participant_decide(participant=approved, user=organiser, approve=True)
    fair_factories.cooperative_participant(fair)  # pending: not shown

    response = client.get(f"{API}/fairs/{fair.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == fair.pk
    [session] = body["sessions"]
    assert len(session["slots"]) == 6
    assert session["slots"][0]["key"] == fair.slots()[0].key
    assert session["slots"][0]["tables"] == 4
    [exhibitor] = body["cooperatives"]
    assert exhibitor["participant_id"] == approved.pk
    assert exhibitor["tax_code"] == cooperative.tax_code
    assert exhibitor["province"]["code"] == "01"
    assert exhibitor["products"] == [
        {"sku": "ST25-5KG", "name": rice.title, "url": f"http://testserver{rice.get_url()}"}
    ]


def test_unknown_or_unpublished_fairs_are_404(client, fair):
    assert client.get(f"{API}/fairs/{fair.pk + 1000}").status_code == 404
    fair.unpublish()
    response = client.get(f"{API}/fairs/{fair.pk}")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("fair_id", ["abc", "0", "99999999999999999999999"])
def test_malformed_fair_ids_are_400(client, fair_id):
    assert client.get(f"{API}/fairs/{fair_id}").status_code == 400


# --- the caller's own --------------------------------------------------------------------------


def test_me_needs_a_session(client, fair):
    response = client.get(f"{API}/fairs/{fair.pk}/me")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_me_shows_only_the_callers_registrations_with_the_schedule(client, fair, pair, organiser):
    buyer, supplier = pair
    other_buyer = fair_factories.buyer_participant(fair, name="Công ty khác", approve_by=organiser)
    request = services.meeting_request_create(
        requester=buyer, recipient=supplier, user=buyer.user, message="Gạo"
    )
    services.meeting_request_answer(request=request, user=supplier.user, accept=True)
    services.meeting_request_create(requester=other_buyer, recipient=buyer, user=other_buyer.user)
    services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=1)
    meeting = Meeting.objects.get(request=request)
    slot = {s.key: s for s in fair.slots()}[meeting.slot_key]

    client.force_login(buyer.user)
    body = client.get(f"{API}/fairs/{fair.pk}/me").json()

    assert body["fair_id"] == fair.pk
    [mine] = body["registrations"]
    assert (mine["id"], mine["role"], mine["status"]) == (buyer.pk, "buyer", "approved")
    [scheduled] = mine["meetings"]
    assert scheduled["slot_key"] == meeting.slot_key
    assert scheduled["table"] == meeting.table
    assert datetime.datetime.fromisoformat(scheduled["starts_at"]) == slot.starts_at
    assert datetime.datetime.fromisoformat(scheduled["ends_at"]) == slot.ends_at
    assert scheduled["others"] == [{"id": supplier.pk, "name": supplier.name, "role": "cooperative"}]
    assert [r["recipient"]["id"] for r in mine["requests_sent"]] == [supplier.pk]
    assert mine["requests_sent"][0]["status"] == "accepted"
    assert [r["requester"]["id"] for r in mine["requests_received"]] == [other_buyer.pk]
    assert mine["requests_received"][0]["status"] == "closed"

    client.force_login(factories.user())
    assert client.get(f"{API}/fairs/{fair.pk}/me").json()["registrations"] == []


def test_me_costs_the_same_queries_however_many_meetings(client, fair, organiser):
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    client.force_login(buyer.user)
    url = f"{API}/fairs/{fair.pk}/me"
    client.get(url)

    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    services.meeting_request_answer(request=request, user=supplier.user, accept=True)
    small = count_queries(client, url)
    for _ in range(3):
        supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
        request = services.meeting_request_create(requester=supplier, recipient=buyer, user=supplier.user)
        services.meeting_request_answer(request=request, user=buyer.user, accept=True)
    assert count_queries(client, url) == small


# --- meeting requests --------------------------------------------------------------------------


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_participant_requests_a_meeting(client, fair, pair):
    buyer, supplier = pair
    client.force_login(buyer.user)

    response = _post(
        client,
        f"{API}/fairs/{fair.pk}/requests",
        {"requester_id": buyer.pk, "recipient_id": supplier.pk, "message": "Cần 2 tấn gạo"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["message"] == "Cần 2 tấn gạo"
    assert MeetingRequest.objects.get(pk=body["id"]).recipient == supplier


def test_requesting_without_a_session_is_401(client, fair, pair):
    buyer, supplier = pair
    response = _post(
        client, f"{API}/fairs/{fair.pk}/requests", {"requester_id": buyer.pk, "recipient_id": supplier.pk}
    )
    assert response.status_code == 401
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("case", ["oneself", "twice"])
def test_requests_with_oneself_or_twice_are_400(client, fair, pair, case):
    buyer, supplier = pair
    client.force_login(buyer.user)
    url = f"{API}/fairs/{fair.pk}/requests"
    recipient = buyer if case == "oneself" else supplier
    if case == "twice":
        assert _post(client, url, {"requester_id": buyer.pk, "recipient_id": supplier.pk}).status_code == 201

    response = _post(client, url, {"requester_id": buyer.pk, "recipient_id": recipient.pk})

    assert response.status_code == 400
    assert ("chính mình" if case == "oneself" else "Đã có một đề nghị gặp") in response.json()["detail"]
    assert MeetingRequest.objects.count() == (0 if case == "oneself" else 1)


def test_requesting_for_someone_else_is_403_and_unknown_people_404(client, fair, pair, organiser):
    buyer, supplier = pair
    other = fair_factories.buyer_participant(fair, approve_by=organiser)
    elsewhere = fair_factories.buyer_participant(fair_factories.fair(slug="khac"))
    client.force_login(buyer.user)
    url = f"{API}/fairs/{fair.pk}/requests"

    assert _post(client, url, {"requester_id": other.pk, "recipient_id": supplier.pk}).status_code == 403
    assert _post(client, url, {"requester_id": buyer.pk, "recipient_id": elsewhere.pk}).status_code == 404
    assert _post(client, url, {"requester_id": buyer.pk, "recipient_id": 10**9}).status_code == 404
    assert (
        _post(
            client, url, {"requester_id": buyer.pk, "recipient_id": supplier.pk, "demand_id": 10**9}
        ).status_code
        == 404
    )
    assert (
        _post(
            client, f"{API}/fairs/{fair.pk + 1000}/requests", {"requester_id": 1, "recipient_id": 2}
        ).status_code
        == 404
    )
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"requester_id": "x", "recipient_id": 2},
        {"requester_id": 1, "recipient_id": 2, "message": "x" * 1001},
        {"requester_id": 1, "recipient_id": 2, "message": "a\x00b"},
        {"requester_id": 2**70, "recipient_id": 2},
    ],
)
def test_malformed_requests_are_400(client, fair, pair, body):
    buyer, _supplier = pair
    client.force_login(buyer.user)
    if "requester_id" in body and body["requester_id"] == 1:
        body = {**body, "requester_id": buyer.pk, "recipient_id": _supplier.pk}
    response = _post(client, f"{API}/fairs/{fair.pk}/requests", body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not MeetingRequest.objects.exists()


def test_the_recipient_answers_and_no_one_else(client, fair, pair):
    buyer, supplier = pair
    request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    url = f"{API}/fairs/{fair.pk}/requests/{request.pk}/answer"

    assert _post(client, url, {"accept": True}).status_code == 401
    client.force_login(buyer.user)
    response = _post(client, url, {"accept": True})
    assert response.status_code == 403
    assert response.json()["detail"]
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING

    client.force_login(supplier.user)
    response = _post(client, url, {"accept": True})
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert Meeting.objects.filter(request=request).exists()

    again = _post(client, url, {"accept": False})
    assert again.status_code == 400
    assert "đã được trả lời" in again.json()["detail"]


def test_answering_unknown_requests_is_404_and_bad_bodies_400(client, fair, pair, organiser):
    buyer, supplier = pair
    other_fair = fair_factories.fair(slug="khac")
    request = services.meeting_request_create(requester=buyer, recipient=supplier, user=buyer.user)
    client.force_login(supplier.user)

    assert (
        _post(
            client, f"{API}/fairs/{fair.pk}/requests/{request.pk + 1000}/answer", {"accept": True}
        ).status_code
        == 404
    )
    assert (
        _post(
            client, f"{API}/fairs/{other_fair.pk}/requests/{request.pk}/answer", {"accept": True}
        ).status_code
        == 404
    )
    assert _post(client, f"{API}/fairs/{fair.pk}/requests/{request.pk}/answer", {}).status_code == 400
    assert (
        _post(
            client, f"{API}/fairs/{fair.pk}/requests/{request.pk}/answer", {"accept": "perhaps"}
        ).status_code
        == 400
    )
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


# --- the document ------------------------------------------------------------------------------


def test_the_openapi_document_lists_the_fairs_paths(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in (
        "/api/v1/fairs",
        "/api/v1/fairs/{fair_id}",
        "/api/v1/fairs/{fair_id}/me",
        "/api/v1/fairs/{fair_id}/requests",
        "/api/v1/fairs/{fair_id}/requests/{request_id}/answer",
    ):
        assert path in paths
    assert "FairDetailOut" in client.get(f"{API}/openapi.json").json()["components"]["schemas"]
