"""Reading requests for quotation (marketplace.selectors.rfqs): the board, one RFQ for a viewer,
the invitations, and what each costs in queries."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Category, Province
from marketplace.models import BuyerDemand, Quote
from marketplace.selectors import rfqs as selectors
from marketplace.services.demands import DemandData, demand_create
from tests import factories
from tests.factories import rfqs

pytestmark = pytest.mark.django_db


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def province(code: str) -> Province:
    return Province.objects.get(code=code)


# --- the board ----------------------------------------------------------------------------------


def test_the_board_lists_public_open_rfqs_newest_first(buyer):
    older = rfqs.rfq(buyer, title="Gạo ST25")
    newer = rfqs.rfq(buyer, title="Cà phê Robusta")
    rfqs.rfq(buyer, title="Riêng tư", visibility="invited")
    cancelled = rfqs.rfq(buyer, title="Đã huỷ")
    awarded = rfqs.rfq(buyer, title="Đã chọn")
    expired = rfqs.rfq(buyer, title="Hết hạn")
    BuyerDemand.objects.filter(pk=cancelled.pk).update(status="cancelled")
    BuyerDemand.objects.filter(pk=awarded.pk).update(status="awarded")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    BuyerDemand.objects.filter(pk=expired.pk).update(deadline=yesterday)
    demand_create(buyer=buyer, data=DemandData(title="Nhu cầu ở hội chợ", quantity=1, unit="kg"))

    assert list(selectors.board()) == [newer, older]


def test_an_rfq_due_today_is_still_on_the_board(buyer):
    due = rfqs.rfq(buyer)
    BuyerDemand.objects.filter(pk=due.pk).update(deadline=timezone.localdate())

    assert list(selectors.board()) == [due]
    due.refresh_from_db()
    assert selectors.is_open(due)


def test_the_board_filters_by_category_with_its_subcategories_province_and_words(
    buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written after commit
        rice = rfqs.rfq(
            buyer, title="Gạo ST25", category=category("food-rice"), delivery_province=province("01")
        )
        coffee = rfqs.rfq(
            buyer,
            title="Cà phê nhân",
            details="Robusta loại 1",
            category=category("food-tea-coffee"),
            delivery_province=province("79"),
        )
        crafts = rfqs.rfq(
            buyer, title="Giỏ mây", category=category("handicrafts"), delivery_province=province("01")
        )

    assert set(selectors.board(category=category("food"))) == {rice, coffee}
    assert list(selectors.board(category=category("food-rice"))) == [rice]
    assert list(selectors.board(category=category("beverages"))) == []
    assert set(selectors.board(province=province("01"))) == {rice, crafts}
    assert list(selectors.board(category=category("food"), province=province("01"))) == [rice]
    assert list(selectors.board(text="robusta")) == [coffee]
    assert list(selectors.board(text="Gạo st25")) == [rice]
    assert list(selectors.board(text="gạo robusta")) == []
    assert list(selectors.board(text="ca phe nhan", category=category("food"))) == [coffee]
    assert list(selectors.board(text="gao", province=province("79"))) == []


def test_the_board_by_text_ranks_and_still_applies_its_own_rules(buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        in_details = rfqs.rfq(buyer, title="Hạt điều", details="Và cà phê", quantity=500)
        in_title = rfqs.rfq(buyer, title="Cà phê Arabica", quantity=5)
    assert list(selectors.board(text="ca phe")) == [in_title, in_details]
    assert list(selectors.board(text="ca phe", min_quantity=100)) == [in_details]
    # Closed without a reindex (an update sends no signal): the board's own filter still hides it.
    BuyerDemand.objects.filter(pk=in_title.pk).update(status="closed")
    assert list(selectors.board(text="ca phe")) == [in_details]
    # Text search cannot take is no match, never an error (the API refuses it first).
    assert list(selectors.board(text='"cà phê"')) == []


def test_the_board_by_text_costs_the_same_queries_for_two_rfqs_or_twenty(
    buyer, django_capture_on_commit_callbacks
):
    food = category("food")

    def shown() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = [(r.title, r.category.slug) for r in selectors.board(text="gao st25", category=food)]
        return len(rows), len(captured)

    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(2):
            rfqs.rfq(buyer, title="Gạo ST25", category=category("food-rice"))
    few = shown()
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(18):
            rfqs.rfq(buyer, title="Gạo ST25 loại 1", category=category("food-rice"))
    many = shown()
    assert (few[0], many[0]) == (2, 20)
    # The synonyms, the search's page (fewer than its 500 hits: no count needed), and the RFQs.
    assert many[1] == few[1] == 3


def test_the_board_costs_the_same_queries_for_two_rfqs_or_twenty(buyer):
    def shown() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = [(r.title, r.category.slug, r.delivery_province.name) for r in selectors.board()]
        return len(rows), len(captured)

    for _n in range(2):
        rfqs.rfq(buyer, category=category("food-rice"), delivery_province=province("01"))
    few = shown()
    for _n in range(18):
        rfqs.rfq(buyer, category=category("food-honey"), delivery_province=province("33"))

    many = shown()
    assert (few[0], many[0]) == (2, 20)
    assert many[1] == few[1] == 1


# --- one RFQ for a viewer -----------------------------------------------------------------------


@pytest.fixture
def sides(buyer):
    staff = {name: factories.user() for name in ("invited", "quoting", "other")}
    cooperatives = {name: factories.cooperative(staff=[user]) for name, user in staff.items()}
    return buyer, staff, cooperatives


def test_an_invited_only_rfq_is_not_found_by_outsiders(sides):
    buyer, staff, cooperatives = sides
    private = rfqs.rfq(buyer, visibility="invited", invite=[cooperatives["invited"]])

    for viewer in (buyer, staff["invited"]):
        assert selectors.rfq_for(viewer, private.pk) == private
    for outsider in (factories.user(), staff["other"], AnonymousUser()):
        with pytest.raises(BuyerDemand.DoesNotExist):
            selectors.rfq_for(outsider, private.pk)


@pytest.mark.parametrize("rfq_id", [0, -1, 2**63, 10**30, "1", None, True])
def test_odd_ids_are_not_found(buyer, rfq_id):
    rfqs.rfq(buyer)

    with pytest.raises(BuyerDemand.DoesNotExist):
        selectors.rfq_for(buyer, rfq_id)


def test_a_fair_demand_is_not_an_rfq(buyer):
    demand = demand_create(buyer=buyer, data=DemandData(title="Gạo", quantity=1, unit="kg"))

    with pytest.raises(BuyerDemand.DoesNotExist):
        selectors.rfq_for(buyer, demand.pk)


def test_the_buyer_is_shown_to_the_buyer_and_to_the_accepted_cooperative_only(sides):
    buyer, staff, cooperatives = sides
    buyer.first_name, buyer.last_name, buyer.organisation = "Lan", "Nguyễn", "Siêu thị Xanh"
    buyer.save()
    request = rfqs.rfq(buyer, invite=[cooperatives["invited"], cooperatives["quoting"]])
    valid_until = timezone.localdate() + datetime.timedelta(days=30)
    Quote.objects.create(rfq=request, cooperative=cooperatives["invited"], valid_until=valid_until)

    def buyer_seen_by(viewer):
        return selectors.rfq_view(viewer, request.pk).buyer

    assert buyer_seen_by(buyer) == buyer
    for viewer in (staff["invited"], staff["quoting"], staff["other"], factories.user(), AnonymousUser()):
        assert buyer_seen_by(viewer) is None

    Quote.objects.create(
        rfq=request,
        cooperative=cooperatives["quoting"],
        valid_until=valid_until,
        status=Quote.Status.ACCEPTED,
    )
    BuyerDemand.objects.filter(pk=request.pk).update(status=BuyerDemand.Status.AWARDED)

    assert buyer_seen_by(staff["quoting"]) == buyer
    for viewer in (staff["invited"], staff["other"], factories.user(), AnonymousUser()):
        assert buyer_seen_by(viewer) is None


def test_the_invitations_are_the_buyers_to_see(sides):
    buyer, staff, cooperatives = sides
    request = rfqs.rfq(buyer, invite=[cooperatives["invited"], cooperatives["quoting"]])

    assert [i.cooperative for i in selectors.rfq_view(buyer, request.pk).invitations] == [
        cooperatives["invited"],
        cooperatives["quoting"],
    ]
    for viewer in (staff["invited"], staff["other"], factories.user(), AnonymousUser()):
        assert selectors.rfq_view(viewer, request.pk).invitations is None


def test_one_rfq_costs_the_same_queries_with_two_invitations_or_eight(sides):
    buyer, _staff, cooperatives = sides

    def queries(request) -> int:
        with CaptureQueriesContext(connection) as captured:
            view = selectors.rfq_view(buyer, request.pk)
            shown = [(i.cooperative.title, i.score) for i in view.invitations]
            shown.append((view.rfq.category.slug, view.rfq.delivery_province.name, view.buyer.email))
        return len(captured)

    two = rfqs.rfq(
        buyer,
        category=category("food-rice"),
        delivery_province=province("01"),
        invite=list(cooperatives.values())[:2],
    )
    eight = rfqs.rfq(
        buyer,
        category=category("food-rice"),
        delivery_province=province("01"),
        invite=[*cooperatives.values(), *(factories.cooperative() for _n in range(5))],
    )
    assert queries(two) == queries(eight)


# --- invitations for the cooperatives' staff ----------------------------------------------------


def test_staff_see_their_cooperatives_invitations_to_open_rfqs_newest_first(sides):
    buyer, staff, cooperatives = sides
    first = rfqs.rfq(buyer, title="Gạo", invite=[cooperatives["invited"]])
    second = rfqs.rfq(buyer, title="Mật ong", visibility="invited", invite=[cooperatives["invited"]])
    closed = rfqs.rfq(buyer, title="Đóng", invite=[cooperatives["invited"]])
    rfqs.rfq(buyer, title="Của người khác", invite=[cooperatives["other"]])
    BuyerDemand.objects.filter(pk=closed.pk).update(status="closed")

    assert [i.rfq for i in selectors.invitations_for_staff(staff["invited"])] == [second, first]
    assert selectors.invitations_for_staff(buyer) == []
    assert selectors.invitations_for_staff(factories.superuser()) == []
    assert selectors.invitations_for_staff(AnonymousUser()) == []
