"""Bad input to the fair pages and the fairs API: a product that is not the supplier's published
own, ids no database key can hold, negative and malformed numbers and dates. Each is a form
error, a 4xx with {"detail": ...} or a 404, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fairs import services
from fairs.models import MeetingRequest
from tests import factories
from tests.factories import fairs as fair_factories

pytestmark = pytest.mark.django_db

HUGE = str(10**30)
BAD_IDS = [HUGE, "-1", "0", "abc", "9223372036854775808", "1e5", ""]


@pytest.fixture
def people(fair, organiser):
    staff = factories.user()
    cooperative = factories.cooperative(province="01", staff=[staff])
    supplier = services.participant_register_cooperative(
        fair=fair, user=staff, cooperative=cooperative, data=services.RegistrationData()
    )
    services.participant_decide(participant=supplier, user=organiser, approve=True)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    published = factories.product(cooperative=cooperative, name="Gạo ST25")
    draft = factories.product(cooperative=cooperative, name="Gạo chưa đăng", publish=False)
    others = fair_factories.cooperative_participant(fair, approve_by=organiser)
    foreign = factories.product(cooperative=others.cooperative, name="Gạo của người khác")
    return {
        "buyer": buyer,
        "supplier": supplier,
        "staff": staff,
        "published": published,
        "draft": draft,
        "foreign": foreign,
    }


@pytest.fixture
def lenient(client):
    """A client that answers a 500 instead of raising, so the assertion names the status."""
    client.raise_request_exception = False
    return client


# --- a meeting request names only the supplier's own published product -------------------------


@pytest.mark.parametrize("which", ["draft", "foreign"])
def test_the_service_refuses_a_draft_or_another_cooperatives_product(people, which):
    with pytest.raises(ValidationError, match="sản phẩm đã đăng"):
        services.meeting_request_create(
            requester=people["buyer"],
            recipient=people["supplier"],
            user=people["buyer"].user,
            product=people[which],
        )

    assert not MeetingRequest.objects.exists()


def test_the_service_takes_the_recipients_published_product(people):
    request = services.meeting_request_create(
        requester=people["buyer"],
        recipient=people["supplier"],
        user=people["buyer"].user,
        product=people["published"],
    )

    assert request.product == people["published"]


def test_a_cooperative_may_offer_its_own_product_to_a_buyer(people):
    request = services.meeting_request_create(
        requester=people["supplier"],
        recipient=people["buyer"],
        user=people["staff"],
        product=people["published"],
    )

    assert request.product == people["published"]


@pytest.mark.parametrize("product", [HUGE, "-3", "draft", "foreign"])
def test_the_request_form_refuses_a_bad_product_without_a_500(lenient, fair, people, product):
    product = str(people[product].pk) if product in people else product
    lenient.force_login(people["buyer"].user)

    response = lenient.post(
        reverse("fairs:request_meeting", args=[fair.pk, people["buyer"].pk]),
        {"recipient": people["supplier"].pk, "product": product, "message": "Chào"},
    )

    assert response.status_code == 400
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("product_id", [10**30, -1, 0, "x", "foreign", "draft", 2**63 - 1])
def test_the_api_refuses_a_bad_product_with_a_detail(lenient, fair, people, product_id):
    product_id = people[product_id].pk if product_id in people else product_id
    lenient.force_login(people["buyer"].user)

    response = lenient.post(
        f"/api/v1/fairs/{fair.pk}/requests",
        {"requester_id": people["buyer"].pk, "recipient_id": people["supplier"].pk, "product_id": product_id},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not MeetingRequest.objects.exists()


def test_the_api_takes_a_published_product(client, fair, people):
    client.force_login(people["buyer"].user)

    response = client.post(
        f"/api/v1/fairs/{fair.pk}/requests",
        {
            "requester_id": people["buyer"].pk,
            "recipient_id": people["supplier"].pk,
            "product_id": people["published"].pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert MeetingRequest.objects.get().product == people["published"]


# --- ids too large for a key --------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("tail", ["dang-ky/", "to-chuc/", "bao-cao.csv", "bao-cao/", "cua-toi/"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_fair_id_too_large_for_a_key_is_not_found(lenient, organiser, prefix, tail, signed_in):
    if signed_in:
        lenient.force_login(organiser)

    response = lenient.get(f"{prefix}/hoi-cho-tham-gia/{HUGE}/{tail}")

    assert response.status_code == 404


# --- the forms, probed --------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_IDS)
def test_participant_forms_answer_bad_ids_without_a_500(lenient, fair, people, value):
    buyer = people["buyer"]
    lenient.force_login(buyer.user)
    mine = [fair.pk, buyer.pk]

    posts = [
        (reverse("fairs:request_meeting", args=mine), {"recipient": value}),
        (reverse("fairs:request_meeting", args=mine), {"recipient": people["supplier"].pk, "demand": value}),
        (reverse("fairs:interest", args=mine), {"other": value, "interested": "1"}),
        (reverse("fairs:demand_add", args=mine), {f"demand-{buyer.pk}-category": value}),
    ]
    for url, data in posts:
        assert lenient.post(url, data).status_code < 500, (url, data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", HUGE),
        ("quantity", "-5"),
        ("quantity", "1.5"),
        ("target_price_vnd", HUGE),
        ("target_price_vnd", "-1"),
        ("needed_from", "99999-01-01"),
        ("needed_from", "2026-02-30"),
        ("needed_until", "0000-00-00"),
        ("min_ocop_stars", "7"),
        ("required_certifications", "nonsense"),
    ],
)
def test_the_demand_form_answers_bad_numbers_and_dates_with_a_form_error(lenient, fair, people, field, value):
    buyer = people["buyer"]
    lenient.force_login(buyer.user)
    prefix = f"demand-{buyer.pk}-"
    data = {prefix + "title": "Gạo", prefix + "quantity": "10", prefix + "unit": "kg", prefix + field: value}

    response = lenient.post(reverse("fairs:demand_add", args=[fair.pk, buyer.pk]), data)

    assert response.status_code == 400


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_cooperative_registration_answers_bad_values_without_a_500(lenient, organiser, value):
    fair = fair_factories.fair(
        lead=factories.alliance(provinces=("01",), staff=[organiser]), title="Hội chợ đăng ký"
    )
    staff = factories.user()
    cooperative = factories.cooperative(province="01", staff=[staff])
    lenient.force_login(staff)
    url = reverse("fairs:register_cooperative", args=[fair.pk, cooperative.pk])
    base = {"rep-TOTAL_FORMS": "1", "rep-INITIAL_FORMS": "0", "rep-0-name": "Lan"}

    for data in (
        {"showcased_products": value},
        {"supply_quantity": value},
        {"booth_area_m2": value},
        {"available_slots": value},
        {"rep-TOTAL_FORMS": value},
    ):
        assert lenient.post(url, {**base, **data}).status_code < 500, data


@pytest.mark.parametrize("value", BAD_IDS)
def test_organiser_forms_answer_bad_ids_without_a_500(lenient, fair, people, organiser, value):
    lenient.force_login(organiser)
    meeting = services.meeting_create(
        fair=fair, participants=[people["buyer"], people["supplier"]], user=organiser
    )

    posts = [
        (reverse("fairs:decide", args=[fair.pk]), {"participant_id": value, "decision": "approve"}),
        (reverse("fairs:pin", args=[fair.pk]), {"meeting_id": value, "slot": "x"}),
        (reverse("fairs:meeting_new", args=[fair.pk]), {"first": value, "second": value, "weight": value}),
        (reverse("fairs:meeting_new", args=[fair.pk]), {"extra": value, "weight": "3"}),
        (reverse("fairs:schedule_run", args=[fair.pk]), {"time_limit": value}),
        (reverse("fairs:check_in", args=[fair.pk]), {"code": value}),
        (
            reverse("fairs:meeting", args=[fair.pk, meeting.pk]),
            {
                "action": "agreement",
                "kind": "contract",
                "buyer": value,
                "supplier": value,
                "products": value,
                "volume": "1",
                "value_vnd": value,
                "signed_on": value,
            },
        ),
        (reverse("fairs:meeting", args=[fair.pk, meeting.pk]), {"action": "outcome", "outcome": value}),
    ]
    for url, data in posts:
        assert lenient.post(url, data).status_code < 500, (url, data)
    gets = [
        (reverse("fairs:participants", args=[fair.pk]), {"province": value, "page": value, "status": value}),
        (reverse("fairs:table_plan", args=[fair.pk]), {"slot": value}),
        (reverse("fairs:status", args=[fair.pk]), {"to": value}),
    ]
    for url, data in gets:
        assert lenient.get(url, data).status_code < 500, (url, data)


@pytest.mark.parametrize(
    ("value", "field"),
    [("99999999999999999999", "value_vnd"), ("2026-13-45", "signed_on"), ("-1", "value_vnd")],
)
def test_the_agreement_form_answers_bad_amounts_and_dates_with_a_form_error(
    lenient, fair, people, organiser, value, field
):
    lenient.force_login(organiser)
    meeting = services.meeting_create(
        fair=fair, participants=[people["buyer"], people["supplier"]], user=organiser
    )
    data = {
        "action": "agreement",
        "kind": "contract",
        "buyer": people["buyer"].pk,
        "supplier": people["supplier"].pk,
        "volume": "1 tấn",
        "value_vnd": "1000000",
        "signed_on": "2026-01-01",
        field: value,
    }

    response = lenient.post(reverse("fairs:meeting", args=[fair.pk, meeting.pk]), data)

    assert response.status_code == 400
    assert field in response.context["agreement_form"].errors


@pytest.mark.parametrize("value", [HUGE, "-1", "0", "abc"])
def test_the_fairs_api_answers_bad_values_with_a_detail(lenient, fair, people, value):
    lenient.force_login(people["buyer"].user)

    responses = [
        lenient.get("/api/v1/fairs", {"page": value}),
        lenient.get("/api/v1/fairs", {"page_size": value}),
        lenient.get("/api/v1/fairs", {"province": value}),
        lenient.get("/api/v1/fairs", {"status": value}),
        lenient.get(f"/api/v1/fairs/{value}"),
        lenient.get(f"/api/v1/fairs/{value}/me"),
        lenient.post(
            f"/api/v1/fairs/{fair.pk}/requests",
            {"requester_id": value, "recipient_id": people["supplier"].pk},
            content_type="application/json",
        ),
        lenient.post(
            f"/api/v1/fairs/{fair.pk}/requests",
            {"requester_id": people["buyer"].pk, "recipient_id": people["supplier"].pk, "demand_id": value},
            content_type="application/json",
        ),
        lenient.post(
            f"/api/v1/fairs/{fair.pk}/requests/{value}/answer",
            {"accept": True},
            content_type="application/json",
        ),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500, response.content
        assert response.json()["detail"]
