"""The requests-for-quotation API (/api/v1/rfqs…): shapes, who may call what, CSRF, hostile input and
query counts. Requests go through Django's test client to the real routes; data is made through the
services. Messages are matched by status code and data, not by their words (Vietnamese by default).
"""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Category, Province
from marketplace.models import BuyerDemand, Quote, RfqInvitation
from tests import factories
from tests.clock import days
from tests.factories import rfqs
from tests.marketplace.rfqs.conftest import seller
from tests.marketplace.test_api import CSRF_TOKEN, NOTHING, call, client_for

pytestmark = pytest.mark.django_db

RFQ_KEYS = {
    "id",
    "title",
    "category",
    "description",
    "quantity",
    "unit",
    "per_month",
    "target_price_vnd",
    "delivery_province",
    "deadline",
    "visibility",
    "status",
    "min_ocop_stars",
    "certifications",
    "company_kind",
    "created_at",
}


def posted(**fields) -> dict:
    """A valid POST /rfqs body, changed by `fields`; `call` sends its `days(n)` as dates."""
    return {
        "title": "Gạo ST25",
        "category": "food-rice",
        "description": "Đóng bao 25 kg, giao hàng tháng",
        "quantity": 2000,
        "unit": "kg",
        "target_price_vnd": 30_000,
        "delivery_province": "01",
        "deadline": days(14),
        "visibility": "public",
        "min_ocop_stars": 4,
        "certifications": ["vietgap"],
    } | fields


def hanoi() -> Province:
    return Province.objects.get(code="01")


# --- the board ----------------------------------------------------------------------------------


def test_the_board_answers_total_and_items_without_the_buyer(buyer):
    buyer.organisation = "Siêu thị Xanh"
    buyer.save()
    public = rfqs.rfq(
        buyer,
        title="Gạo ST25",
        category=Category.objects.get(slug="food-rice"),
        delivery_province=hanoi(),
        target_price_vnd=30_000,
        required_certifications=["vietgap"],
        min_ocop_stars=4,
    )
    rfqs.rfq(buyer, title="Riêng tư", visibility="invited")

    response = call(client_for(), "get", "/rfqs")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    [item] = body["items"]
    assert set(item) == RFQ_KEYS
    assert item | {"created_at": None} == {
        "id": public.pk,
        "title": "Gạo ST25",
        "category": "food-rice",
        "description": "",
        "quantity": 2,
        "unit": "tấn",
        "per_month": True,
        "target_price_vnd": 30_000,
        "delivery_province": {"code": "01", "name": "Hà Nội"},
        "deadline": public.deadline.isoformat(),
        "visibility": "public",
        "status": "open",
        "min_ocop_stars": 4,
        "certifications": ["vietgap"],
        "company_kind": "supermarket",
        "created_at": None,
    }
    assert buyer.email not in response.text
    assert "Siêu thị Xanh" not in response.text


def test_the_board_filters_and_pages(buyer, django_capture_on_commit_callbacks):
    rice = Category.objects.get(slug="food-rice")
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written after commit
        for n in range(23):
            rfqs.rfq(buyer, title=f"Gạo lô {n}", category=rice, delivery_province=hanoi())
        rfqs.rfq(buyer, title="Cà phê", category=Category.objects.get(slug="food-tea-coffee"))
    client = client_for()

    first = call(client, "get", "/rfqs?category=food&province=01").json()
    second = call(client, "get", "/rfqs?category=food&province=Hà Nội&page=2").json()

    assert (first["total"], len(first["items"]), len(second["items"])) == (23, 20, 3)
    assert first["items"][0]["title"] == "Gạo lô 22"  # newest first
    assert call(client, "get", "/rfqs?category=food").json()["total"] == 24
    assert call(client, "get", "/rfqs?q=cà phê").json()["total"] == 1
    assert call(client, "get", "/rfqs?category=food-tea-coffee").json()["total"] == 1
    assert call(client, "get", "/rfqs?page=3&category=food").status_code == 404


def test_the_text_filter_is_the_search_service_marks_optional_best_match_first(
    buyer, django_capture_on_commit_callbacks
):
    coffee = Category.objects.get(slug="food-tea-coffee")
    with django_capture_on_commit_callbacks(execute=True):
        in_details = rfqs.rfq(buyer, title="Hạt tiêu đen", details="Kèm cà phê rang", quantity=50)
        in_title = rfqs.rfq(buyer, title="Cà phê nhân Robusta", category=coffee, delivery_province=hanoi())
        rfqs.rfq(buyer, title="Cà phê riêng", visibility="invited")
        rfqs.rfq(buyer, title="Gạo ST25")
    client = client_for()

    for typed in ("ca phe", "cà phê", "CÀ PHÊ", "cafe"):
        body = call(client, "get", f"/rfqs?q={typed}").json()
        # The title's match first, though the other was posted first; the invited-only one never.
        assert [item["id"] for item in body["items"]] == [in_title.pk, in_details.pk]
        assert body["total"] == 2
    assert [i["id"] for i in call(client, "get", "/rfqs?q=ca phe&category=food").json()["items"]] == [
        in_title.pk
    ]
    assert [i["id"] for i in call(client, "get", "/rfqs?q=ca phe&province=01").json()["items"]] == [
        in_title.pk
    ]
    assert call(client, "get", "/rfqs?q=ca phe robusta giỏ").json() == {"total": 0, "items": []}


@pytest.mark.parametrize("q", ['"cà phê"', "cà AND phê", "gạo*"])
def test_search_operators_in_the_text_are_a_400_with_the_plain_words(buyer, q):
    response = call(client_for(), "get", f"/rfqs?q={q}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_board_costs_the_same_queries_for_two_rfqs_or_twenty(buyer):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = call(client_for(), "get", "/rfqs").json()
        return len(body["items"]), len(captured)

    rice = Category.objects.get(slug="food-rice")
    for _n in range(2):
        rfqs.rfq(buyer, category=rice, delivery_province=hanoi())
    few = queries()
    for _n in range(18):
        rfqs.rfq(buyer, category=rice, delivery_province=Province.objects.get(code="79"))
    many = queries()

    assert (few[0], many[0]) == (2, 20)
    assert many[1] == few[1]


# --- one RFQ, posting ---------------------------------------------------------------------------


def test_a_verified_buyer_posts_and_reads_it_back_with_themself_as_buyer(buyer):
    buyer.first_name, buyer.organisation = "Lan", "Siêu thị Xanh"
    buyer.save()
    client = client_for(buyer)

    response = call(client, "post", "/rfqs", posted(per_month=True, company_kind="supermarket"))

    assert response.status_code == 201, response.content
    body = response.json()
    saved = BuyerDemand.objects.get()
    assert body["id"] == saved.pk
    assert set(body) == RFQ_KEYS | {"buyer", "invitations"}
    assert body["buyer"] == {"name": "Lan", "organisation": "Siêu thị Xanh"}
    assert body["invitations"] == []
    assert (saved.kind, saved.buyer, saved.category.slug, saved.delivery_province_id) == (
        "rfq",
        buyer,
        "food-rice",
        "01",
    )
    assert (saved.details, saved.per_month, saved.company_kind) == (
        "Đóng bao 25 kg, giao hàng tháng",
        True,
        "supermarket",
    )
    assert call(client, "get", f"/rfqs/{saved.pk}").json() == body


def test_optional_fields_may_be_left_out(buyer):
    body = {key: value for key, value in posted().items() if key not in {"category", "target_price_vnd"}}
    body.pop("min_ocop_stars")
    body.pop("certifications")

    response = call(client_for(buyer), "post", "/rfqs", body)

    assert response.status_code == 201, response.content
    saved = BuyerDemand.objects.get()
    assert (saved.category, saved.target_price_vnd, saved.required_certifications) == (None, None, [])
    assert (saved.per_month, saved.company_kind) == (False, "")


def test_a_public_rfq_hides_its_buyer_from_everyone_else(buyer):
    request = rfqs.rfq(buyer)
    staff = factories.user()
    factories.cooperative(staff=[staff])

    for viewer in (None, factories.user(), staff):
        body = call(client_for(viewer), "get", f"/rfqs/{request.pk}").json()
        assert (body["id"], body["buyer"], body["invitations"]) == (request.pk, None, None)


def test_the_accepted_cooperative_sees_who_the_buyer_is(buyer):
    buyer.organisation = "Siêu thị Xanh"
    buyer.save()
    staff = factories.user()
    cooperative = factories.cooperative(staff=[staff])
    request = rfqs.rfq(buyer, visibility="invited", invite=[cooperative])
    client = client_for(staff)
    assert call(client, "get", f"/rfqs/{request.pk}").json()["buyer"] is None

    Quote.objects.create(
        rfq=request,
        cooperative=cooperative,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
        status=Quote.Status.ACCEPTED,
    )

    assert call(client, "get", f"/rfqs/{request.pk}").json()["buyer"]["organisation"] == "Siêu thị Xanh"


# --- matches and invitations --------------------------------------------------------------------


def test_the_buyer_sees_matches_and_invites_them(buyer, market, committed):
    rice, honey = market
    request = rfqs.rfq(
        buyer, title="Gạo ST25", category=Category.objects.get(slug="food"), delivery_province=hanoi()
    )
    client = client_for(buyer)

    matches = call(client, "get", f"/rfqs/{request.pk}/matches")

    assert matches.status_code == 200
    items = matches.json()["items"]
    assert [item["cooperative"] for item in items] == [
        {"tax_code": rice.tax_code, "name": rice.title},
        {"tax_code": honey.tax_code, "name": honey.title},
    ]
    assert items[0]["score"] > items[1]["score"] > 0
    assert all(item["reasons"] and not item["invited"] for item in items)
    assert items[0]["product"]["name"] == "Gạo ST25 Thái Bình"

    mail.outbox.clear()
    with committed():
        invited = call(client, "post", f"/rfqs/{request.pk}/invitations", {"cooperatives": [rice.tax_code]})

    assert invited.status_code == 201, invited.content
    [item] = invited.json()["items"]
    assert item["cooperative"]["tax_code"] == rice.tax_code
    assert (item["new"], item["by_alliance"]) == (True, False)
    assert (item["score"], item["reasons"]) == (items[0]["score"], items[0]["reasons"])
    assert [message.to for message in mail.outbox] == [["gao@example.org"]]
    again = call(client, "post", f"/rfqs/{request.pk}/invitations", {"cooperatives": [rice.tax_code]})
    assert again.status_code == 201
    assert again.json()["items"][0]["new"] is False
    assert [i["invited"] for i in call(client, "get", f"/rfqs/{request.pk}/matches").json()["items"]] == [
        True,
        False,
    ]
    detail = call(client, "get", f"/rfqs/{request.pk}").json()
    assert [i["cooperative"]["tax_code"] for i in detail["invitations"]] == [rice.tax_code]


def test_alliance_staff_invite_cooperatives_of_their_provinces(buyer, market):
    rice, honey = market
    officer = factories.user()
    factories.alliance(provinces=("33",), staff=[officer])
    request = rfqs.rfq(buyer)
    client = client_for(officer)

    ours = call(client, "post", f"/rfqs/{request.pk}/invitations", {"cooperatives": [rice.tax_code]})
    theirs = call(client, "post", f"/rfqs/{request.pk}/invitations", {"cooperatives": [honey.tax_code]})

    assert ours.status_code == 201
    assert ours.json()["items"][0]["by_alliance"] is True
    assert theirs.status_code == 403
    assert list(RfqInvitation.objects.values_list("cooperative", flat=True)) == [rice.pk]


def test_inviting_to_a_closed_rfq_is_409(buyer, market):
    rice, _honey = market
    request = rfqs.rfq(buyer)
    BuyerDemand.objects.filter(pk=request.pk).update(status=BuyerDemand.Status.CANCELLED)

    response = call(
        client_for(buyer), "post", f"/rfqs/{request.pk}/invitations", {"cooperatives": [rice.tax_code]}
    )

    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert not RfqInvitation.objects.exists()


def test_matches_cost_the_same_queries_for_two_cooperatives_or_ten(buyer, market, committed):
    def queries() -> tuple[int, int]:
        request = rfqs.rfq(
            buyer, title="Gạo ST25", category=Category.objects.get(slug="food"), delivery_province=hanoi()
        )
        with CaptureQueriesContext(connection) as captured:
            body = call(client_for(buyer), "get", f"/rfqs/{request.pk}/matches").json()
        return len(body["items"]), len(captured)

    few = queries()
    with committed():
        for n, province in enumerate(("19", "25", "38", "40", "92", "96", "01", "31")):
            seller(product=f"Gạo ST25 vụ {n}", province=province)
    many = queries()

    assert (few[0], many[0]) == (2, 10)
    assert many[1] == few[1]


def test_inviting_costs_the_same_queries_for_one_or_five(buyer, market, committed):
    rice, honey = market
    with committed():
        others = [seller(product=f"Gạo ST25 lô {n}", staff=[factories.user()]) for n in range(3)]

    def queries(cooperatives) -> int:
        request = rfqs.rfq(buyer)
        with CaptureQueriesContext(connection) as captured:
            response = call(
                client_for(buyer),
                "post",
                f"/rfqs/{request.pk}/invitations",
                {"cooperatives": [c.tax_code for c in cooperatives]},
            )
        assert response.status_code == 201
        return len(captured)

    assert queries([rice]) == queries([rice, honey, *others])


# --- who may call what --------------------------------------------------------------------------

PEOPLE = ["anonymous", "another buyer", "another cooperative's staff", "the invited staff", "the buyer"]
# (route, visibility, method, path, body, answers for PEOPLE in order)
MATRIX = [
    ("board", "public", "get", "/rfqs", NOTHING, [200, 200, 200, 200, 200]),
    ("one", "public", "get", "/rfqs/{rfq}", NOTHING, [200, 200, 200, 200, 200]),
    ("one", "invited", "get", "/rfqs/{rfq}", NOTHING, [404, 404, 404, 200, 200]),
    ("post", "public", "post", "/rfqs", "posted", [401, 201, 201, 201, 201]),
    ("matches", "public", "get", "/rfqs/{rfq}/matches", NOTHING, [401, 403, 403, 403, 200]),
    ("matches", "invited", "get", "/rfqs/{rfq}/matches", NOTHING, [401, 404, 404, 403, 200]),
    ("invite", "public", "post", "/rfqs/{rfq}/invitations", "invite", [401, 403, 403, 403, 201]),
    ("invite", "invited", "post", "/rfqs/{rfq}/invitations", "invite", [401, 404, 404, 403, 201]),
]


@pytest.mark.parametrize(
    ("route", "visibility", "method", "path", "body", "person", "status"),
    [
        pytest.param(*case[:5], person, status, id=f"{case[0]}-{case[1]}-{person}")
        for case in MATRIX
        for person, status in zip(PEOPLE, case[5], strict=True)
    ],
)
def test_permission_matrix(buyer, market, route, visibility, method, path, body, person, status):
    rice, honey = market
    buyer.organisation = "Siêu thị Xanh"
    buyer.save()
    invited_staff, other_staff = factories.user(), factories.user()
    invited = factories.cooperative(staff=[invited_staff])
    factories.cooperative(staff=[other_staff])
    request = rfqs.rfq(buyer, visibility=visibility, invite=[invited])
    who = {
        "anonymous": None,
        "another buyer": factories.user(),
        "another cooperative's staff": other_staff,
        "the invited staff": invited_staff,
        "the buyer": buyer,
    }[person]
    if body == "posted":
        body = posted()
    elif body == "invite":
        body = {"cooperatives": [rice.tax_code, honey.tax_code]}

    response = call(client_for(who), method, path.format(rfq=request.pk), body)

    assert response.status_code == status, response.content
    if status >= 400:
        assert isinstance(response.json()["detail"], str)
    if status == 200 and person != "the buyer":
        assert "Siêu thị Xanh" not in response.text
        assert buyer.email not in response.text
    if route == "invite" and person != "the buyer":
        assert list(RfqInvitation.objects.values_list("cooperative", flat=True)) == [invited.pk]
    if route == "post" and person == "anonymous":
        assert BuyerDemand.objects.count() == 1


def test_an_unverified_buyer_may_not_post():
    response = call(client_for(factories.user(verified=False)), "post", "/rfqs", posted())

    assert response.status_code == 403
    assert not BuyerDemand.objects.exists()


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["post", "invite"])
def test_writes_need_the_csrf_token(buyer, market, route):
    rice, _honey = market
    request = rfqs.rfq(buyer)
    path, body = {
        "post": ("/rfqs", posted()),
        "invite": (f"/rfqs/{request.pk}/invitations", {"cooperatives": [rice.tax_code]}),
    }[route]
    client = client_for(buyer, csrf=True)

    refused = call(client, "post", path, body)
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}
    assert (BuyerDemand.objects.count(), RfqInvitation.objects.count()) == (1, 0)

    client.cookies["csrftoken"] = CSRF_TOKEN
    accepted = call(client, "post", path, body, HTTP_X_CSRFTOKEN=CSRF_TOKEN)
    assert accepted.status_code == 201, accepted.content


# --- hostile input ------------------------------------------------------------------------------

BIG = 10**30
HOSTILE_POSTS = [
    "{not json",
    "[1, 2]",
    "null",
    "",
    {},
    posted(title=""),
    posted(title="G" * 201),
    posted(title="Gạo\x00ST25"),
    posted(title=12),
    posted(title=None),
    posted(description="d" * 4001),
    posted(description="\x00"),
    posted(quantity=BIG),
    posted(quantity=2**63),
    posted(quantity=-1),
    posted(quantity=0),
    posted(quantity="2000"),
    posted(quantity=2.5),
    posted(quantity=True),
    posted(quantity=None),
    posted(unit=""),
    posted(unit="k" * 31),
    posted(unit="kg\x00"),
    posted(target_price_vnd=-1),
    posted(target_price_vnd=BIG),
    posted(target_price_vnd="30000"),
    posted(target_price_vnd=1.5),
    posted(deadline=days(-1)),
    posted(deadline=days(0)),
    posted(deadline=days(181)),
    posted(deadline="tomorrow"),
    posted(deadline="2030-02-30"),
    posted(deadline="9999999999-01-01"),
    posted(deadline=None),
    posted(deadline=[2030, 1, 1]),
    posted(visibility="secret"),
    posted(visibility=None),
    posted(min_ocop_stars=2),
    posted(min_ocop_stars=6),
    posted(min_ocop_stars="4"),
    posted(certifications=["fairtrade"]),
    posted(certifications="vietgap"),
    posted(certifications=["vietgap"] * 100),
    posted(certifications=[None]),
    posted(category="no-such-category"),
    posted(category="food\x00"),
    posted(category="'; DROP TABLE x; --"),
    posted(category="c" * 1000),
    posted(category=5),
    posted(delivery_province="99"),
    posted(delivery_province="Atlantis"),
    posted(delivery_province=""),
    posted(delivery_province="\x00\x00"),
    posted(delivery_province=1),
    posted(company_kind="pirate"),
    posted(per_month="yes"),
]


@pytest.mark.parametrize("body", HOSTILE_POSTS, ids=[str(n) for n in range(len(HOSTILE_POSTS))])
def test_hostile_posts_are_400_with_a_detail_and_save_nothing(buyer, body):
    response = call(client_for(buyer), "post", "/rfqs", body)

    assert response.status_code == 400, response.content
    assert isinstance(response.json()["detail"], str)
    assert not BuyerDemand.objects.exists()


HOSTILE_INVITATIONS = [
    ("{", 400),
    ({}, 400),
    ({"cooperatives": []}, 400),
    ({"cooperatives": "{rice}"}, 400),
    ({"cooperatives": [5]}, 400),
    ({"cooperatives": [None]}, 400),
    ({"cooperatives": ["0000000000"]}, 400),
    ({"cooperatives": ["{rice}", "0000000000"]}, 400),
    ({"cooperatives": ["not-a-tax-code"]}, 400),
    ({"cooperatives": ["1" * 1000]}, 400),
    ({"cooperatives": ["{rice}\x00"]}, 400),
    ({"cooperatives": ["'; DROP TABLE x; --"]}, 400),
    ({"cooperatives": ["{rice}"] * 51}, 400),
    ({"cooperatives": ["{unverified}"]}, 400),
]


@pytest.mark.parametrize(
    ("body", "status"), HOSTILE_INVITATIONS, ids=[str(n) for n in range(len(HOSTILE_INVITATIONS))]
)
def test_hostile_invitations_are_refused_and_invite_nobody(buyer, market, committed, body, status):
    rice, _honey = market
    with committed():
        unverified = seller(product="Gạo chưa xác minh", verified=False)
    request = rfqs.rfq(buyer)
    if isinstance(body, dict) and isinstance(body.get("cooperatives"), list):
        body = {
            "cooperatives": [
                c.replace("{rice}", rice.tax_code).replace("{unverified}", unverified.tax_code)
                if isinstance(c, str)
                else c
                for c in body["cooperatives"]
            ]
        }
    elif isinstance(body, dict) and body.get("cooperatives") == "{rice}":
        body = {"cooperatives": rice.tax_code}

    response = call(client_for(buyer), "post", f"/rfqs/{request.pk}/invitations", body)

    assert response.status_code == status, response.content
    assert isinstance(response.json()["detail"], str)
    assert not RfqInvitation.objects.exists()


HOSTILE_READS = [
    ("/rfqs?page=0", 400),
    ("/rfqs?page=-1", 400),
    ("/rfqs?page=abc", 400),
    (f"/rfqs?page={BIG}", 400),
    ("/rfqs?page=2", 404),
    ("/rfqs?category=no-such-category", 400),
    ("/rfqs?category=food%00", 400),
    ("/rfqs?category=" + "c" * 500, 400),
    ("/rfqs?province=99", 400),
    ("/rfqs?province=%00", 400),
    ("/rfqs?q=%00", 400),
    ("/rfqs?q=" + "q" * 500, 400),
    ("/rfqs/0", 400),
    ("/rfqs/-1", 400),
    ("/rfqs/abc", 400),
    ("/rfqs/1.5", 400),
    (f"/rfqs/{BIG}", 400),
    ("/rfqs/9223372036854775807", 404),
    ("/rfqs/9223372036854775807/matches", 404),
    (f"/rfqs/{BIG}/matches", 400),
]


@pytest.mark.parametrize(("path", "status"), HOSTILE_READS, ids=[p for p, _s in HOSTILE_READS])
def test_hostile_reads_are_4xx_with_a_detail(buyer, path, status):
    rfqs.rfq(buyer)

    response = call(client_for(buyer), "get", path)

    assert response.status_code == status, response.content
    assert isinstance(response.json()["detail"], str)


def test_odd_but_harmless_text_finds_nothing_rather_than_failing(buyer):
    rfqs.rfq(buyer, title="Gạo ST25")
    client = client_for()

    for q in ("%", "_", "'; DROP TABLE x; --", "\u202e", "🍚"):
        response = client.get("/api/v1/rfqs", {"q": q})
        assert response.status_code == 200, q
        assert response.json()["total"] == 0


# --- the OpenAPI document -----------------------------------------------------------------------

DOCUMENTED = {
    ("get", "/api/v1/rfqs"): {"200", "400", "403", "404"},
    ("post", "/api/v1/rfqs"): {"201", "400", "401", "403", "404"},
    ("get", "/api/v1/rfqs/{rfq_id}"): {"200", "400", "403", "404"},
    ("get", "/api/v1/rfqs/{rfq_id}/matches"): {"200", "400", "401", "403", "404"},
    ("post", "/api/v1/rfqs/{rfq_id}/invitations"): {"201", "400", "401", "403", "404", "409"},
}


@pytest.mark.parametrize(("method", "path"), list(DOCUMENTED), ids=[f"{m} {p}" for m, p in DOCUMENTED])
def test_the_openapi_document_lists_the_route_with_its_answers_and_session_auth(client, method, path):
    operation = client.get("/api/v1/openapi.json").json()["paths"][path][method]

    assert set(operation["responses"]) == DOCUMENTED[(method, path)]
    # Django's session (with CSRF on writes); the board and one RFQ admit anonymous visitors too.
    scheme = "SessionOrVisitor" if method == "get" and "matches" not in path else "SessionAuth"
    assert operation["security"] == [{scheme: []}]
    assert "requests for quotation" in operation["tags"]
