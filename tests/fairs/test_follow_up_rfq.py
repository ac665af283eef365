""" "Send an RFQ" after a fair: a meeting held with a follow-up offers its buyer a request for quotation
filled in from the meeting's demand, on the participation page and the meeting page; nobody else
sees it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

from catalog.models import Category
from catalog.places import resolve_province
from fairs import services
from fairs.models import FairPage, Meeting
from fairs.selectors import follow_up
from tests import factories
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

RFQ_LINK = 'rfq-follow-up" href="'


def hold_meetings(
    fair, organiser, buyer, suppliers, *, outcome=Meeting.Outcome.FOLLOW_UP, demand=None, product=None
):
    """The buyer asks each supplier (about `demand` or `product`), they accept, the organisers
    schedule the fair and the buyer records each meeting's outcome."""
    for supplier in suppliers:
        request = services.meeting_request_create(
            requester=buyer, recipient=supplier, user=buyer.user, demand=demand, product=product
        )
        staff = supplier.cooperative.staff_group.user_set.get()
        services.meeting_request_answer(request=request, user=staff, accept=True)
    fair = services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    services.fair_schedule(fair=fair, user=organiser, time_limit=2)
    meetings = list(Meeting.objects.filter(participants=buyer).order_by("pk"))
    for meeting in meetings:
        services.meeting_record_outcome(meeting=meeting, user=buyer.user, outcome=outcome)
    return meetings


@pytest.fixture
def sides(fair, organiser):
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    demand = services.demand_create(
        buyer=buyer.user,
        participant=buyer,
        data=services.DemandData(
            title="Gạo ST25 & nếp cái hoa vàng",
            quantity=2000,
            unit="kg",
            category=Category.objects.get(slug="food-rice"),
            per_month=True,
            target_price_vnd=24_500,
            delivery_province=resolve_province("31"),
            details="Đóng bao 25 kg?\nGiao kho Hải Phòng = miễn phí.",
        ),
    )
    return buyer, supplier, demand


def rfq_links(html: str) -> list[str]:
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in html.split(RFQ_LINK)[1:]]


def test_a_follow_up_meeting_offers_its_buyer_an_rfq_filled_in_from_the_demand(
    client, fair, organiser, sides
):
    buyer, supplier, demand = sides
    (meeting,) = hold_meetings(fair, organiser, buyer, [supplier], demand=demand)
    client.force_login(buyer.user)

    (link,) = rfq_links(client.get(reverse("fairs:mine", args=[fair.pk])).content.decode())

    url = urlsplit(link)
    assert url.path == follow_up.rfq_new_path()
    assert parse_qs(url.query) == {
        "title": ["Gạo ST25 & nếp cái hoa vàng"],
        "quantity": ["2000"],
        "unit": ["kg"],
        "category": ["food-rice"],
        "province": ["31"],
        "per_month": ["1"],
        "target_price_vnd": ["24500"],
        "details": ["Đóng bao 25 kg?\nGiao kho Hải Phòng = miễn phí."],
    }
    meeting_page = client.get(reverse("fairs:meeting", args=[fair.pk, meeting.pk])).content.decode()
    assert rfq_links(meeting_page) == [link]


def test_a_one_off_demand_without_a_price_leaves_those_out(fair, organiser, sides):
    buyer, supplier, demand = sides
    demand.per_month, demand.target_price_vnd, demand.details, demand.category = False, None, "", None
    demand.save()
    (meeting,) = hold_meetings(fair, organiser, buyer, [supplier], demand=demand)

    prefill = follow_up.rfq_prefill(
        Meeting.objects.select_related(*follow_up.MEETING_RELATED).get(pk=meeting.pk)
    )

    assert prefill == {
        "title": demand.title,
        "quantity": "2000",
        "unit": "kg",
        "province": "31",
        "per_month": "0",
    }


def test_without_a_demand_the_rfq_is_filled_in_from_the_product_talked_about(fair, organiser, sides):
    buyer, supplier, _demand = sides
    product = factories.product(cooperative=supplier.cooperative, name="Mật ong rừng", unit="chai 500 ml")
    (meeting,) = hold_meetings(fair, organiser, buyer, [supplier], product=product)

    prefill = follow_up.rfq_prefill(
        Meeting.objects.select_related(*follow_up.MEETING_RELATED).get(pk=meeting.pk)
    )

    assert prefill == {"title": "Mật ong rừng", "unit": "chai 500 ml", "category": product.category.slug}


def test_a_long_demand_is_cut_to_keep_the_link_short(fair, organiser, sides):
    buyer, supplier, demand = sides
    demand.details = "chi tiết " * 1000
    demand.save()
    hold_meetings(fair, organiser, buyer, [supplier], demand=demand)

    url = follow_up.rfq_url(Meeting.objects.select_related(*follow_up.MEETING_RELATED).get())

    assert len(parse_qs(urlsplit(url).query)["details"][0]) == follow_up.MAX_DETAILS_IN_URL
    assert len(url) < 8000


@pytest.mark.parametrize("outcome", [Meeting.Outcome.HELD, Meeting.Outcome.NO_SHOW])
def test_only_a_follow_up_offers_it(client, fair, organiser, sides, outcome):
    buyer, supplier, demand = sides
    (meeting,) = hold_meetings(fair, organiser, buyer, [supplier], demand=demand, outcome=outcome)
    client.force_login(buyer.user)

    assert RFQ_LINK not in client.get(reverse("fairs:mine", args=[fair.pk])).content.decode()
    assert RFQ_LINK not in client.get(reverse("fairs:meeting", args=[fair.pk, meeting.pk])).content.decode()


def test_the_cooperative_the_organisers_and_other_buyers_are_not_offered_it(client, fair, organiser, sides):
    buyer, supplier, demand = sides
    (meeting,) = hold_meetings(fair, organiser, buyer, [supplier], demand=demand)
    meeting_url = reverse("fairs:meeting", args=[fair.pk, meeting.pk])
    mine_url = reverse("fairs:mine", args=[fair.pk])

    client.force_login(supplier.cooperative.staff_group.user_set.get())
    assert RFQ_LINK not in client.get(mine_url).content.decode()
    assert RFQ_LINK not in client.get(meeting_url).content.decode()

    for user in (organiser, factories.superuser()):
        client.force_login(user)
        response = client.get(meeting_url)
        assert response.status_code == 200
        assert RFQ_LINK not in response.content.decode()

    other = fair_factories.buyer_participant(fair, approve_by=organiser)
    client.force_login(other.user)
    assert RFQ_LINK not in client.get(mine_url).content.decode()
    assert client.get(meeting_url).status_code == 403

    client.logout()
    assert client.get(meeting_url).status_code == 302
    assert client.get(mine_url).status_code == 302


def test_the_rfq_page_is_found_by_name_or_at_its_fixed_path(monkeypatch):
    def unrouted(name, *args, **kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr(follow_up, "reverse", unrouted)
    assert follow_up.rfq_new_path() == "/cung-cau/dang-yeu-cau/"

    monkeypatch.setattr(follow_up, "reverse", lambda name: f"/en/{name}/")
    assert follow_up.rfq_new_path() == "/en/marketplace:rfq_new/"


def test_the_participation_page_query_count_does_not_grow_with_follow_ups(client, fair, organiser, sides):
    buyer, supplier, demand = sides
    others = [fair_factories.cooperative_participant(fair, approve_by=organiser) for _ in range(3)]
    hold_meetings(fair, organiser, buyer, [supplier, *others], demand=demand)
    client.force_login(buyer.user)
    url = reverse("fairs:mine", args=[fair.pk])
    client.get(url)
    four = count_queries(client, url)

    for meeting in Meeting.objects.filter(participants__in=others):
        Meeting.objects.filter(pk=meeting.pk).update(outcome=Meeting.Outcome.HELD)
    one = count_queries(client, url)

    assert len(rfq_links(client.get(url).content.decode())) == 1
    assert four == one


def test_following_the_link_opens_the_rfq_form_filled_in(client, fair, organiser, sides):
    buyer, supplier, demand = sides
    hold_meetings(fair, organiser, buyer, [supplier], demand=demand)
    client.force_login(buyer.user)
    (link,) = rfq_links(client.get(reverse("fairs:mine", args=[fair.pk])).content.decode())

    response = client.get(link)

    assert response.status_code == 200
    form = response.context["form"]
    assert {name: str(form[name].value()) for name in ("title", "quantity", "unit", "category")} == {
        "title": "Gạo ST25 & nếp cái hoa vàng",
        "quantity": "2000",
        "unit": "kg",
        "category": "food-rice",
    }
    assert str(form["delivery_province"].value()) == "31"
    assert str(form["target_price_vnd"].value()) == "24500"
    assert form["details"].value() == "Đóng bao 25 kg?\nGiao kho Hải Phòng = miễn phí."
