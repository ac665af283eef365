"""Entries of the search service (catalog/search/entries.py) on the database engine, through the
one real source: marketplace's open public requests for quotation (marketplace/rfq_index.py).

Written against the service only, as the listings' conformance suite is: folding, ranking,
the filters, and the index following an RFQ's life (posted, edited, cancelled, awarded,
expired), with everything made through the services and the index written after commit.
The Elasticsearch engine's side is checked by its golden bodies and the local stub
(test_elasticsearch_bodies.py, test_elasticsearch_stub.py), not against a live cluster.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog import search
from catalog.models import Category, SearchEntry
from catalog.places import resolve_province
from catalog.search import EntryQuery, SearchQueryError
from marketplace.models import BuyerDemand
from marketplace.services.demands import DemandData, demand_create
from marketplace.services.quotes import expire_rfqs_and_quotes, quote_accept
from marketplace.services.rfqs import rfq_cancel
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def database_engine(settings):
    """These tests check the database engine, whatever SEARCH_ENGINE the environment chose."""
    settings.SEARCH_ENGINE = "database"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queued for after commit (the index writes), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def board(committed):
    """Public open RFQs in three provinces and categories, and some that must never be found."""
    buyer = factories.user()

    def post(title, **data):
        return rfqs.rfq(buyer, title=title, **data)

    with committed():
        r = {
            "coffee": post(
                "Cà phê nhân Robusta",
                details="Loại 1, sàng 18",
                quantity=20,
                category=Category.objects.get(slug="food-tea-coffee"),
                delivery_province=resolve_province("66"),
            ),
            "pepper": post(
                "Hạt tiêu đen",
                details="Giao kèm cà phê rang nếu có",
                quantity=5,
                category=Category.objects.get(slug="food"),
                delivery_province=resolve_province("79"),
            ),
            "soy": post(
                "Đậu nành hữu cơ",
                quantity=100,
                category=Category.objects.get(slug="food-rice"),
                delivery_province=resolve_province("01"),
            ),
            "baskets": post(
                "Giỏ mây tre đan",
                quantity=300,
                category=Category.objects.get(slug="handicrafts"),
                delivery_province=resolve_province("01"),
            ),
            "private": post("Cà phê chồn riêng tư", visibility="invited"),
        }
        r["fair"] = demand_create(
            buyer=buyer, data=DemandData(title="Cà phê ở hội chợ", quantity=1, unit="kg")
        )
    return r


def found(text="", **filters) -> list[int]:
    return [hit.key for hit in search.search_entries(EntryQuery(kind="rfq", text=text, **filters)).hits]


def keys(board, *names) -> list[int]:
    return [board[name].pk for name in names]


# --- folding and ranking ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["ca phe", "cà phê", "CÀ PHÊ", "cà phe", "Ca Phe"])
def test_marks_are_optional_both_ways(board, text):
    assert found(text) == keys(board, "coffee", "pepper")


def test_d_with_stroke_folds_to_d(board):
    assert found("dau nanh") == found("Đậu nành") == keys(board, "soy")


def test_a_match_in_the_title_ranks_above_one_in_the_details(board):
    result = search.search_entries(EntryQuery(kind="rfq", text="ca phe"))
    assert [hit.key for hit in result.hits] == keys(board, "coffee", "pepper")
    assert result.hits[0].score > result.hits[1].score
    assert result.hits[0].title == "Cà phê nhân Robusta"
    assert result.engine == "database"


def test_every_word_must_match(board):
    assert found("cà phê robusta") == keys(board, "coffee")
    assert found("cà phê giỏ") == []


def test_shipped_synonyms_apply(board):
    assert found("coffee") == found("cafe") == keys(board, "coffee", "pepper")


def test_the_category_names_are_words_of_the_entry(board):
    # "Thủ công mỹ nghệ" is the handicrafts category, not a word of the RFQ itself.
    label = Category.objects.get(slug="handicrafts").name
    assert found(label) == keys(board, "baskets")


def test_without_text_newest_first(board):
    assert found() == keys(board, "baskets", "soy", "pepper", "coffee")


# --- filters -------------------------------------------------------------------------------------


def test_a_category_includes_its_subcategories(board):
    assert found(category="food") == keys(board, "soy", "pepper", "coffee")
    assert found(category="food-tea-coffee") == keys(board, "coffee")
    assert found("ca phe", category="food-tea-coffee") == keys(board, "coffee")
    assert found(category="beverages") == []


@pytest.mark.parametrize("province", ["01", "1", "Hà Nội", "ha noi"])
def test_the_delivery_province_in_any_accepted_form(board, province):
    assert found(province=province) == keys(board, "baskets", "soy")


def test_a_least_quantity(board):
    assert found(quantity_min=20) == keys(board, "baskets", "soy", "coffee")
    assert found("ca phe", quantity_min=6) == keys(board, "coffee")
    assert found(quantity_min=1000) == []


def test_pages_do_not_overlap(board):
    first = search.search_entries(EntryQuery(kind="rfq", page_size=3))
    second = search.search_entries(EntryQuery(kind="rfq", page=2, page_size=3))
    assert first.total == second.total == 4
    assert len(first.hits) == 3
    assert [hit.key for hit in first.hits + second.hits] == found()


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5, 500])
def test_totals_are_exact_on_every_page_size_and_past_the_last_page(board, page_size):
    for text, expected in (("", 4), ("ca phe", 2)):
        pages = -(-expected // page_size)
        for page in range(1, pages + 2):
            result = search.search_entries(EntryQuery(kind="rfq", text=text, page=page, page_size=page_size))
            assert result.total == expected, (text, page)
            assert len(result.hits) == (
                min(page_size, expected - (page - 1) * page_size) if page <= pages else 0
            )


def test_a_page_that_is_not_full_is_answered_by_one_query(board, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert search.search_entries(EntryQuery(kind="rfq", page_size=10)).total == 4
    with django_assert_num_queries(2):
        assert search.search_entries(EntryQuery(kind="rfq", page_size=2)).total == 4
    # A query that needs no total is answered by one query, full page or not.
    with django_assert_num_queries(1):
        result = search.search_entries(EntryQuery(kind="rfq", page_size=2, count=False))
    assert (len(result.hits), result.total) == (2, 2)


@pytest.mark.parametrize(
    "query",
    [
        EntryQuery(kind="RFQ; DROP"),
        EntryQuery(kind="rfq", quantity_min="abc"),
        EntryQuery(kind="rfq", quantity_min=-1),
        EntryQuery(kind="rfq", page_size=501),
        EntryQuery(kind="rfq", category="<script>"),
        EntryQuery(kind="rfq", province="99"),
        EntryQuery(kind="rfq", text='"cà phê"'),
        EntryQuery(kind="rfq", text="cà AND phê"),
    ],
)
def test_bad_input_is_refused_with_a_message(board, query):
    with pytest.raises(SearchQueryError) as refused:
        search.search_entries(query)
    assert str(refused.value)


# --- what is never found -------------------------------------------------------------------------


def test_an_invited_only_rfq_and_a_demand_at_a_fair_are_never_indexed_or_found(board):
    for name in ("private", "fair"):
        assert not SearchEntry.objects.filter(key=board[name].pk).exists()
    assert board["private"].pk not in found("ca phe chon")
    assert found("rieng tu") == found("hoi cho") == []


def test_an_rfq_made_invited_only_leaves_the_index(board, committed):
    coffee = board["coffee"]
    with committed():
        coffee.visibility = BuyerDemand.Visibility.INVITED
        coffee.save()
    assert found("robusta") == []
    assert not SearchEntry.objects.filter(kind="rfq", key=coffee.pk).exists()


def test_an_rfq_past_its_deadline_is_not_found_even_before_the_expiry_task(board, committed, monkeypatch):
    today = timezone.localdate()
    with committed():
        soon = rfqs.rfq(title="Cà phê Arabica", deadline=today + DAY)
    assert soon.pk in found("ca phe")
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + 2 * DAY)

    # Nothing was reindexed: the entry is there, and the date checked at query time hides it.
    assert SearchEntry.objects.filter(kind="rfq", key=soon.pk).exists()
    assert soon.pk not in found("ca phe")
    assert found("ca phe") == keys(board, "coffee", "pepper")


# --- the index follows the RFQ's life --------------------------------------------------------------


def test_a_posted_rfq_is_found_once_committed(board, committed):
    with committed():
        tea = rfqs.rfq(title="Chè Thái Nguyên")
        assert found("che thai nguyen") == []  # nothing is written before the commit
    assert found("che thai nguyen") == [tea.pk]


def test_an_edited_rfq_is_found_by_its_new_words(board, committed):
    soy = board["soy"]
    with committed():
        soy.title = "Đậu xanh"
        soy.save()
    assert found("dau xanh") == [soy.pk]
    assert found("dau nanh") == []


def test_a_cancelled_rfq_disappears(board, committed):
    with committed():
        rfq_cancel(user=board["coffee"].buyer, rfq=board["coffee"])
    assert found("ca phe") == keys(board, "pepper")
    assert not SearchEntry.objects.filter(kind="rfq", key=board["coffee"].pk).exists()


def test_an_expired_rfq_disappears(board, committed):
    with committed():
        expire_rfqs_and_quotes(today=board["coffee"].deadline + DAY)
    assert not SearchEntry.objects.filter(kind="rfq").exists()
    assert found() == []


def test_an_rfq_whose_quote_is_accepted_disappears(board, committed):
    coffee = board["coffee"]
    cooperative = qf.quoting_cooperative(province="66")
    with committed():
        quote = qf.quote(coffee, cooperative)
        quote_accept(user=coffee.buyer, quote=quote, shipping=mf.address())
    coffee.refresh_from_db()
    assert coffee.status == BuyerDemand.Status.AWARDED
    assert found("ca phe") == keys(board, "pepper")


def test_a_deleted_rfq_disappears(board, committed):
    with committed():
        board["soy"].delete()
    assert found("dau nanh") == []


def test_a_renamed_category_reindexes_its_entries(board, committed):
    rice = Category.objects.get(slug="food-rice")
    with committed():
        rice.name = "Ngũ cốc và hạt"
        rice.save()
    assert found("ngu coc") == keys(board, "soy")


def test_the_rebuild_command_restores_the_entries(board):
    SearchEntry.objects.all().delete()
    BuyerDemand.objects.filter(pk=board["pepper"].pk).update(status=BuyerDemand.Status.CLOSED)
    out = StringIO()

    call_command("rebuild_search_index", "--no-progress", stdout=out)

    assert "3 other entries" in out.getvalue()
    assert found() == keys(board, "baskets", "soy", "coffee")
    assert found("ca phe") == keys(board, "coffee")
