"""One standard for every search engine: relevance, folding, typos, facets, filters, sorting,
autocomplete and bad input, written against the service only.

The catalogue is built once per engine (module scope, rolled back at the end) and
indexed with the engine's own rebuild. An engine joins by adding itself to ENGINES.
"""

import datetime
import os
import re

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import search
from catalog.models import CooperativeCertification, SearchSynonym
from catalog.search import SearchQuery, SearchQueryError, SearchResult, database
from catalog.search.database import SAMPLE, SAMPLE_BUCKETS, in_sample
from tests import factories

ENGINES = [
    pytest.param("database", id="database"),
    pytest.param(
        "elasticsearch",
        id="elasticsearch",
        marks=pytest.mark.skipif(
            not os.environ.get("ELASTICSEARCH_URL"),
            reason="ELASTICSEARCH_URL is not set: the Elasticsearch engine is checked only against a live cluster",
        ),
    ),
]

DAY = datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db


def _build_catalogue() -> dict:
    """Eleven published listings in four provinces, plus some that must never be found."""
    today = timezone.localdate()
    an_giang = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="Kiên Giang")
    # A honey cooperative that sells oranges too: "mật ong" must find its honey, not its orange.
    ha_giang = factories.cooperative(name="HTX Mật ong Đồng Văn", province="Hà Giang", kind="lhhtx")
    ha_noi = factories.cooperative(name="Tổ hợp tác Bát Tràng", province="01", kind="tht")
    dak_lak = factories.cooperative(name="HTX Cà phê Buôn Ma Thuột", province="66")
    unverified = factories.cooperative(name="HTX Chưa xác minh", province="91", verified=False)
    # Certifications have no service; they are edited on the cooperative's page, as here.
    ha_giang.certifications.add(
        CooperativeCertification(scheme="vietgap", number="VG-08-001", valid_from=today - 100 * DAY)
    )
    ha_noi.certifications.add(
        CooperativeCertification(
            scheme="organic", number="HC-01", valid_from=today - 900 * DAY, valid_until=today - DAY
        )
    )
    for cooperative in (ha_giang, ha_noi):
        cooperative.save_revision().publish()
    p = {}

    def add(key, cooperative, name, **data):
        p[key] = factories.product(cooperative=cooperative, name=name, **data)

    add(
        "fish_sauce",
        an_giang,
        "Nước mắm Phú Quốc 40 độ đạm",
        name_en="Phu Quoc fish sauce",
        category="food-condiments",
        price_vnd=180_000,
        stock=100,
        ocop=factories.ocop(stars=4),
        description="<p>Ủ chượp cá cơm trong thùng gỗ 12 tháng.</p>",
    )
    add(
        "first_press",
        an_giang,
        "Nước mắm cốt nhĩ",
        name_en="First-press fish sauce",
        category="food-condiments",
        price_vnd=250_000,
        ocop=factories.ocop(stars=5, issued_on=today - 40 * 30 * DAY, expires_on=today - 30 * DAY),
    )
    add(
        "honey",
        ha_giang,
        "Mật ong bạc hà Đồng Văn",
        name_en="Dong Van mint honey",
        category="food-honey",
        price_vnd=350_000,
        ocop=factories.ocop(stars=4),
    )
    add("bran", ha_noi, "Cám gạo sấy", name_en="Dried rice bran", category="food-rice", price_vnd=40_000)
    add(
        "orange",
        ha_giang,
        "Cam sành Hà Giang",
        name_en="King orange",
        category="food-fruit",
        price_vnd=60_000,
        ocop=factories.ocop(stars=3, expires_on=today + DAY),
        # Descriptions that repeat the cooperative's name, with and without marks.
        description="<p>Cam sành vỏ mỏng.</p><p>Sản phẩm của HTX Mật ong Đồng Văn, Hà Giang.</p>",
        description_en="<p>Thin-skinned oranges. Made by HTX Mat ong Dong Van.</p>",
    )
    add(
        "dragon_fruit",
        ha_noi,
        "Thanh long ruột đỏ",
        name_en="Red dragon fruit",
        category="food-fruit",
        price_vnd=50_000,
    )
    add(
        "longan",
        ha_noi,
        "Long nhãn sấy khô",
        name_en="Dried longan",
        category="food-fruit",
        price_vnd=120_000,
        description="<p>Vị ngọt thanh, sấy bằng lò than củi.</p>",
    )
    add(
        "coffee",
        dak_lak,
        "Cà phê Robusta rang mộc",
        name_en="Roasted Robusta beans",
        category="food-tea-coffee",
        price_vnd=220_000,
        stock=0,
    )
    add(
        "tea",
        ha_giang,
        "Trà Shan tuyết cổ thụ",
        name_en="Ancient Shan Tuyet",
        category="food-tea-coffee",
        price_vnd=300_000,
        ocop=factories.ocop(stars=5),
    )
    add("silk", ha_noi, "Khăn lụa tơ tằm", name_en="Silk scarf", category="textiles", price_vnd=450_000)
    add("homestay", ha_giang, "Homestay bản Lác", category="tourism", price_vnd=500_000)
    add("candy", ha_noi, "Kẹo lạc <Đặc biệt> & giòn", category="food", price_vnd=30_000)
    p["draft"] = factories.product(cooperative=an_giang, name="Nước mắm bản nháp", publish=False)
    p["unverified"] = factories.product(cooperative=unverified, name="Nước mắm chưa xác minh")
    return p


@pytest.fixture(scope="module", params=ENGINES)
def catalogue(request, django_db_setup, django_db_blocker):
    # On Elasticsearch each module (and xdist worker) gets its own alias, deleted afterwards.
    alias = f"test-catalog-{os.getpid()}-{request.module.__name__.rsplit('.', 1)[-1]}"
    with (
        django_db_blocker.unblock(),
        override_settings(SEARCH_ENGINE=request.param, ELASTICSEARCH_INDEX=alias),
    ):
        try:
            with transaction.atomic():
                products = _build_catalogue()
                search.rebuild()
                yield products
                transaction.set_rollback(True)
        finally:
            if request.param == "elasticsearch":
                client = search.engine().client
                # The listings' index and the entries' (rebuilt with it, catalog/search/entries.py).
                for name in (alias, f"{alias}-entries"):
                    aliased = client.options(ignore_status=404).indices.get_alias(name=name)
                    if aliased.meta.status == 200:
                        client.indices.delete(index=",".join(aliased.body))


def find(text="", **filters) -> SearchResult:
    return search.search(SearchQuery(text=text, **filters))


def skus(result: SearchResult) -> list[str]:
    return [hit.sku for hit in result.hits]


def sku(catalogue, key) -> str:
    return catalogue[key].sku


def counts(result: SearchResult, facet: str) -> dict[str, int]:
    return {f.value: f.count for f in result.facets[facet]}


# --- folding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["nuoc mam", "Nước mắm", "NƯỚC MẮM", "nước mam", "Nuoc Mam"])
def test_marks_are_optional_both_ways(catalogue, text):
    assert set(skus(find(text))) == {sku(catalogue, "fish_sauce"), sku(catalogue, "first_press")}


def test_d_with_stroke_folds_to_d(catalogue):
    assert skus(find("dong van"))[0] == sku(catalogue, "honey")
    assert skus(find("Đồng Văn"))[0] == sku(catalogue, "honey")


def test_decomposed_input_is_normalised(catalogue):
    import unicodedata

    assert sku(catalogue, "fish_sauce") in skus(find(unicodedata.normalize("NFD", "Nước mắm")))


# --- relevance ------------------------------------------------------------------------------------


def test_exact_marks_rank_above_a_folded_only_match(catalogue):
    assert skus(find("cám"))[:2] == [sku(catalogue, "bran"), sku(catalogue, "orange")]
    assert skus(find("cam"))[:2] != []
    assert skus(find("cám gạo"))[0] == sku(catalogue, "bran")


def test_adjacent_syllables_rank_above_scattered_ones(catalogue):
    result = skus(find("thanh long"))
    assert result[0] == sku(catalogue, "dragon_fruit")
    assert sku(catalogue, "longan") in result


def test_a_match_in_the_name_ranks_above_one_in_the_description(catalogue):
    assert skus(find("thanh"))[0] == sku(catalogue, "dragon_fruit")


# --- typos, English, synonyms ---------------------------------------------------------------------


def test_one_typing_error_is_tolerated_on_longer_words(catalogue):
    result = find("nuoc mamm")
    assert sku(catalogue, "fish_sauce") in skus(result)
    assert result.suggestion == "nuoc mam"


def test_short_words_are_not_corrected(catalogue):
    assert find("cm").total == 0


def test_did_you_mean_is_offered_only_when_little_is_found(catalogue):
    assert find("nuoc mam").suggestion is None
    assert find("honey").suggestion is None


@pytest.mark.parametrize(
    ("text", "key"), [("fish sauce", "fish_sauce"), ("honey", "honey"), ("silk", "silk")]
)
def test_english_names_are_searchable(catalogue, text, key):
    assert skus(find(text))[0] == sku(catalogue, key)


@pytest.mark.parametrize("text", ["cafe", "coffee", "cà phê", "ca phe"])
def test_shipped_synonyms_match_every_form(catalogue, text):
    # "cafe" is nowhere in the catalogue; "cà phê" is in the coffee's name (and the tea's category).
    assert skus(find(text))[0] == sku(catalogue, "coffee")


def test_synonyms_added_in_the_admin_apply_at_once(catalogue):
    assert find("nha nghi").total == 0
    SearchSynonym.objects.create(terms="homestay, nhà nghỉ")

    assert skus(find("nhà nghỉ")) == [sku(catalogue, "homestay")]


def test_an_english_word_matches_its_plural_and_inflections(catalogue):
    # "Dong Van mint honey", "Dried rice bran", "Dried longan", "Roasted Robusta beans", "King orange".
    assert skus(find("honeys"))[0] == sku(catalogue, "honey")
    for text in ("dry", "drying", "dried", "dries"):
        assert set(skus(find(text))) == {sku(catalogue, "bran"), sku(catalogue, "longan")}, text
    assert skus(find("roasting bean")) == [sku(catalogue, "coffee")]
    assert skus(find("oranges"))[0] == sku(catalogue, "orange")
    assert skus(find("red dragon fruits")) == [sku(catalogue, "dragon_fruit")]


def test_an_english_plural_joins_its_synonyms(catalogue):
    # "mật ong, honey" is a shipped synonym: "honeys" finds what "mật ong" finds.
    assert skus(find("honeys")) == skus(find("mật ong")) == [sku(catalogue, "honey")]


def test_an_inflected_word_is_no_typing_error_and_a_correction_is_never_a_bare_stem(catalogue):
    # "drying" is in no listing, but its stem is: nothing to correct.
    assert find("drying").suggestion is None
    # "cofee" is one edit from "coffee" and from its stem "coffe": the word is offered.
    result = find("cofee")
    assert result.suggestion == "coffee"
    assert {sku(catalogue, "coffee"), sku(catalogue, "tea")} == set(skus(result))


def test_vietnamese_words_match_as_they_are(catalogue):
    # Only English words are stemmed (tests/search/test_english.py checks every syllable of the
    # country's place names): "sấy" (dried) and "mắm" find what they name, and nothing more.
    assert (
        set(skus(find("sấy"))) == set(skus(find("say"))) == {sku(catalogue, "bran"), sku(catalogue, "longan")}
    )
    assert set(skus(find("mắm"))) == {sku(catalogue, "fish_sauce"), sku(catalogue, "first_press")}


# --- cooperatives ---------------------------------------------------------------------------------


def cooperative_names(result: SearchResult) -> list[str]:
    return [c.name for c in result.cooperatives]


def test_a_product_does_not_match_through_its_cooperatives_name(catalogue):
    # The honey cooperative's orange, tea and homestay hold "mật ong" only in its name (and the
    # orange's descriptions repeat it): they are not found; the cooperative is offered instead.
    for text in ("mật ong", "mat ong", "mat ong dong van"):
        result = find(text)
        assert skus(result) == [sku(catalogue, "honey")], text
        assert cooperative_names(result) == ["HTX Mật ong Đồng Văn"], text
    result = find("htx")
    assert result.total == 0
    assert result.cooperatives
    assert all(name.startswith("HTX") for name in cooperative_names(result))


def test_a_cooperative_is_found_by_its_name_with_or_without_marks(catalogue):
    for text in ("Bát Tràng", "bat trang", "to hop tac bat trang"):
        result = find(text)
        assert cooperative_names(result) == ["Tổ hợp tác Bát Tràng"], text
        assert result.total == 0, text
    [cooperative] = find("buon ma thuot").cooperatives
    assert cooperative.url.endswith("/")
    assert (cooperative.province_code, cooperative.province_name) == ("66", "Đắk Lắk")


def test_the_cooperatives_follow_the_province_filter_and_the_public_rules(catalogue):
    assert cooperative_names(find("nuoc mam", province="91")) == ["HTX Nước mắm Phú Quốc"]
    assert cooperative_names(find("nuoc mam", province="01")) == []
    # An unverified cooperative is never offered, nor its listings found.
    assert find("chua xac minh").cooperatives == []
    assert find("").cooperatives == []


def test_a_cooperatives_name_is_suggested_after_the_listings(catalogue):
    suggestions = search.suggest("mật o", limit=5)

    assert [(s.text, s.kind) for s in suggestions] == [
        ("Mật ong bạc hà Đồng Văn", "product"),
        ("HTX Mật ong Đồng Văn", "cooperative"),
    ]
    assert suggestions[1].url
    assert [(s.text, s.kind) for s in search.suggest("bat tr", limit=5)] == [
        ("Tổ hợp tác Bát Tràng", "cooperative")
    ]


# --- only what the public sees ----------------------------------------------------------------------


def test_drafts_and_unverified_cooperatives_are_never_found(catalogue):
    found = set(skus(find("nuoc mam"))) | set(skus(find("", page_size=100)))
    assert sku(catalogue, "draft") not in found
    assert sku(catalogue, "unverified") not in found
    assert find("").total == 12


# --- highlighting ---------------------------------------------------------------------------------


def test_matched_words_are_marked_in_the_original_spelling(catalogue):
    hit = find("nuoc mam phu quoc").hits[0]
    assert hit.highlight == "<mark>Nước</mark> <mark>mắm</mark> <mark>Phú</mark> <mark>Quốc</mark> 40 độ đạm"


def test_highlights_escape_the_name(catalogue):
    hit = find("keo lac").hits[0]
    assert hit.highlight == "<mark>Kẹo</mark> <mark>lạc</mark> &lt;Đặc biệt&gt; &amp; giòn"


def test_snippets_show_the_description_around_the_match(catalogue):
    hit = next(h for h in find("thanh").hits if h.sku == sku(catalogue, "longan"))
    assert "<mark>thanh</mark>" in hit.snippet
    assert "<p>" not in hit.snippet


# --- filters ----------------------------------------------------------------------------------------


def test_a_category_includes_its_subcategories(catalogue):
    food = set(skus(find("", category="food", page_size=100)))
    assert sku(catalogue, "fish_sauce") in food
    assert sku(catalogue, "candy") in food
    assert sku(catalogue, "silk") not in food
    assert set(skus(find("", category="food-fruit"))) == {
        sku(catalogue, k) for k in ("orange", "dragon_fruit", "longan")
    }


@pytest.mark.parametrize("province", ["8", "08", "Tuyên Quang", "tuyen quang", "Hà Giang"])
def test_a_province_in_any_accepted_form(catalogue, province):
    assert set(skus(find("", province=province))) == {
        sku(catalogue, k) for k in ("honey", "orange", "tea", "homestay")
    }


def test_price_kind_and_stock_filters(catalogue):
    assert set(skus(find("", price_min=200_000, price_max=300_000))) == {
        sku(catalogue, k) for k in ("first_press", "coffee", "tea")
    }
    assert set(skus(find("", kind="tht", price_max=50_000))) == {
        sku(catalogue, k) for k in ("bran", "dragon_fruit", "candy")
    }
    in_stock = set(skus(find("", in_stock=True, page_size=100)))
    assert sku(catalogue, "coffee") not in in_stock
    assert sku(catalogue, "homestay") in in_stock


def test_only_valid_cooperative_certifications_filter(catalogue):
    assert set(skus(find("", certification="vietgap"))) == {
        sku(catalogue, k) for k in ("honey", "orange", "tea", "homestay")
    }
    assert find("", certification="organic").total == 0


def test_filters_combine_with_text(catalogue):
    assert skus(find("nuoc mam", price_max=200_000)) == [sku(catalogue, "fish_sauce")]


# --- OCOP stars -----------------------------------------------------------------------------------


def test_only_valid_certificates_count_as_stars(catalogue):
    result = find("", stars_min=4)
    assert set(skus(result)) == {sku(catalogue, k) for k in ("fish_sauce", "honey", "tea")}
    by_sku = {hit.sku: hit.ocop_stars for hit in find("", page_size=100).hits}
    assert by_sku[sku(catalogue, "first_press")] is None
    assert by_sku[sku(catalogue, "tea")] == 5


def test_stars_stop_counting_the_day_after_expiry_without_reindexing(catalogue, monkeypatch):
    assert sku(catalogue, "orange") in skus(find("", stars_min=3))
    # The catalogue is built once per module, so the day is counted from the certificate's own expiry.
    expiry = catalogue["orange"].ocop_certificates.get().expires_on
    monkeypatch.setattr(timezone, "localdate", lambda *args: expiry + DAY)

    assert sku(catalogue, "orange") not in skus(find("", stars_min=3))
    assert counts(find(""), "ocop_stars").get("3", 0) == 0


# --- facets ---------------------------------------------------------------------------------------


def test_facets_count_everything_found(catalogue):
    result = find("")
    assert counts(result, "province") == {"01": 5, "08": 4, "66": 1, "91": 2}
    assert counts(result, "ocop_stars") == {"5": 1, "4": 2, "3": 1}
    category = counts(result, "category")
    assert category["food"] == 10
    assert category["food-fruit"] == 3
    assert category["textiles"] == 1


def test_each_facet_ignores_its_own_filter_and_applies_the_others(catalogue):
    result = find("", province="08", category="food-fruit")
    assert skus(result) == [sku(catalogue, "orange")]
    # Provinces: every province's fruit, not only Tuyên Quang's.
    assert counts(result, "province") == {"01": 2, "08": 1}
    # Categories: everything in Tuyên Quang, not only fruit.
    assert counts(result, "category")["food"] == 3
    assert counts(result, "category")["tourism"] == 1
    # Stars: fruit in Tuyên Quang.
    assert counts(result, "ocop_stars") == {"3": 1}


def test_star_facet_ignores_the_star_filter(catalogue):
    result = find("", stars_min=5)
    assert skus(result) == [sku(catalogue, "tea")]
    assert counts(result, "ocop_stars") == {"5": 1, "4": 2, "3": 1}


def test_facets_follow_the_text(catalogue):
    assert counts(find("nuoc mam"), "province") == {"91": 2}


def test_only_the_facets_asked_for_are_counted(catalogue):
    assert set(find("", facets=("province",)).facets) == {"province"}


# --- counting past the limit (SEARCH_EXACT_COUNT_LIMIT) ------------------------------------------

COUNTED = [
    {},
    {"text": "nuoc mam"},
    {"province": "08"},
    {"category": "food", "stars_min": 4},
    {"text": "cam", "in_stock": True},
    {"category": "food-fruit", "price_max": 300_000},
    {"text": "tra", "kind": "lhhtx", "province": "Hà Giang"},
]
NOT_FACETS = ("text", "in_stock", "price_min", "price_max", "kind", "certification")


def all_counts(result: SearchResult) -> dict[str, dict[str, int]]:
    return {facet: counts(result, facet) for facet in result.facets}


@pytest.mark.parametrize("filters", COUNTED)
def test_counts_up_to_the_limit_are_the_exact_counts(catalogue, filters):
    exact = find(**filters)
    # The limit applies to the listings the facets count in: those matching all but the facet filters.
    counted_in = find(**{k: v for k, v in filters.items() if k in NOT_FACETS}).total
    with override_settings(SEARCH_EXACT_COUNT_LIMIT=counted_in):
        at_the_limit = find(**filters)

    assert (exact.total_exact, exact.facets_exact) == (True, True)
    assert (at_the_limit.total_exact, at_the_limit.facets_exact) == (True, True)
    assert at_the_limit.total == exact.total
    assert all_counts(at_the_limit) == all_counts(exact)
    assert skus(at_the_limit) == skus(exact)


def test_past_the_limit_the_total_is_at_least_the_limit_and_the_facets_are_estimates(catalogue):
    with override_settings(SEARCH_EXACT_COUNT_LIMIT=5):
        result = find("")
    if search.engine().name == "elasticsearch":
        # Elasticsearch counts every hit (track_total_hits) and every facet whole.
        assert (result.total, result.total_exact, result.facets_exact) == (12, True, True)
        return
    assert (result.total, result.total_exact, result.facets_exact) == (5, False, False)
    assert len(result.hits) == 12
    # The estimates come from the fixed sample, scaled up (and rounded).
    expected = {}
    for hit in find("", page_size=100).hits:
        if in_sample(hit.product_id):
            expected[hit.province_code] = expected.get(hit.province_code, 0) + SAMPLE_BUCKETS
    assert counts(result, "province") == {code: search._rounded(n) for code, n in expected.items()}


def test_past_the_limit_a_filtered_total_is_still_counted_up_to_it(catalogue):
    with override_settings(SEARCH_EXACT_COUNT_LIMIT=5):
        few = find("", province="91")
        many = find("", province="01")
    assert (few.total, few.total_exact) == (2, True)
    if search.engine().name == "database":
        assert not few.facets_exact
        assert (many.total, many.total_exact) == (5, True)


def test_the_sample_is_the_same_in_python_and_in_sql(catalogue):
    ids = [*range(0, 3000), 2**31 - 1, 2**30 + 12_345, 987_654_321]
    expression = SAMPLE.replace("d.product_id", "%s")
    with connection.cursor() as cursor:
        in_sql = []
        for product_id in ids:
            cursor.execute(f"SELECT CASE WHEN {expression} THEN 1 ELSE 0 END", [product_id])
            in_sql.append(bool(cursor.fetchone()[0]))
    assert in_sql == [in_sample(product_id) for product_id in ids]
    # One in SAMPLE_BUCKETS, spread evenly: consecutive ids land in the sample alike.
    assert abs(sum(in_sql[:3000]) - 3000 / SAMPLE_BUCKETS) < 10


def test_estimates_are_the_sample_scaled_up(catalogue, monkeypatch):
    if search.engine().name != "database":
        pytest.skip("only the database engine estimates")
    # A sample of every other listing, so that this small catalogue has one to estimate from.
    monkeypatch.setattr(database, "SAMPLE", "d.product_id %% 2 = 0")
    monkeypatch.setattr(database, "SAMPLE_BUCKETS", 2)
    with override_settings(SEARCH_EXACT_COUNT_LIMIT=3):
        result = find("")
    hits = find("", page_size=100).hits
    expected: dict[str, int] = {}
    for hit in hits:
        if hit.product_id % 2 == 0:
            expected[hit.province_code] = expected.get(hit.province_code, 0) + 2
    assert expected
    assert counts(result, "province") == expected
    assert not result.facets_exact


# --- ranking only the best candidates of a broad match (PostgreSQL) -------------------------------


# How far PostgreSQL's sorted reads walk first (PostgresText._walk), in listings a candidate: the
# default (the whole test catalogue), one (a short walk, then the farther one it shows is needed),
# none (straight to the reads through the indexes).
WALKS = [None, 1, 0]


def walk(monkeypatch, rows: int | None) -> None:
    if rows is not None:
        monkeypatch.setattr(database, "WALK_ROWS_PER_CANDIDATE", rows)


@pytest.mark.parametrize("sort", ["price_asc", "price_desc", "newest", "stars", "relevance"])
@pytest.mark.parametrize(("text", "filters"), [("thuc pham", {}), ("", {"category": "food"})])
@pytest.mark.parametrize("sampled", [False, True])
@pytest.mark.parametrize("walked", WALKS)
def test_a_broad_match_ranked_among_few_candidates_keeps_its_order_exact(
    catalogue, monkeypatch, sort, text, filters, sampled, walked
):
    # "thuc pham" (food) is in the body of every food listing: ten matches, as in the category.
    everything = skus(find(text, sort=sort, page_size=100, **filters))
    assert len(everything) == 10
    walk(monkeypatch, walked)
    if sampled:
        # A sample of every other listing, so that sorted reads start from its cutoff.
        monkeypatch.setattr(database, "SAMPLE", "d.product_id %% 2 = 0")
        monkeypatch.setattr(database, "SAMPLE_BUCKETS", 2)
    monkeypatch.setattr(database, "RANK_CANDIDATES", 2)
    # The first page of 3 is then chosen from 3 candidates, the first 3 in that order.
    first = skus(find(text, sort=sort, page_size=3, **filters))
    if sort == "relevance" and text:
        # By relevance, candidates are the name matches first, then any: none of these names says food.
        assert set(first) <= set(everything)
    else:
        assert first == everything[:3]


@pytest.mark.parametrize("sort", ["stars", "relevance"])
@pytest.mark.parametrize("sampled", [False, True])
@pytest.mark.parametrize("walked", WALKS)
def test_a_stars_browse_ranked_among_few_candidates_is_exact(catalogue, monkeypatch, sort, sampled, walked):
    # With a stars filter every listing wanted has valid stars: the candidates are read from those
    # alone (PostgreSQL skips its read of the listings without), and the order stays exact.
    everything = skus(find("", stars_min=3, sort=sort, page_size=100))
    assert len(everything) == 4  # the expired five stars are not among them
    walk(monkeypatch, walked)
    if sampled:
        monkeypatch.setattr(database, "SAMPLE", "d.product_id %% 2 = 0")
        monkeypatch.setattr(database, "SAMPLE_BUCKETS", 2)
    monkeypatch.setattr(database, "RANK_CANDIDATES", 1)
    assert skus(find("", stars_min=3, sort=sort, page_size=2)) == everything[:2]
    assert skus(find("", stars_min=3, sort=sort, page_size=2, page=2)) == everything[2:]


@pytest.mark.parametrize("text", ["", "thuc pham"])
@pytest.mark.parametrize("walked", WALKS)
def test_listings_without_stars_are_not_read_when_those_with_stars_fill_the_candidates(
    catalogue, monkeypatch, text, walked
):
    if search.engine().name != "database" or connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL reads candidates")
    everything = find(text, sort="stars", page_size=100, category="food").hits
    assert everything[0].ocop_stars
    assert not everything[-1].ocop_stars
    walk(monkeypatch, walked)
    monkeypatch.setattr(database, "RANK_CANDIDATES", 1)
    with CaptureQueriesContext(connection) as statements:
        first = find(text, sort="stars", page_size=1, category="food")
    # Every listing with valid stars comes before every one without: one with stars fills the page.
    assert [hit.sku for hit in first.hits] == [everything[0].sku]
    assert not any("AND NOT (d.ocop_stars IS NOT NULL" in s["sql"] for s in statements.captured_queries)
    assert any("(d.ocop_stars IS NOT NULL" in s["sql"] for s in statements.captured_queries)


@pytest.mark.parametrize("walked", WALKS)
def test_a_broad_match_ranked_among_few_candidates_puts_name_matches_first(catalogue, monkeypatch, walked):
    # "ca" is in the coffee's name (Cà phê), and in the body of a listing made before it (the
    # fish sauce's "cá cơm"): read in the table's order, the fish sauce would come first.
    matches = skus(find("ca", page_size=100))
    assert {sku(catalogue, "coffee"), sku(catalogue, "fish_sauce")} <= set(matches)
    walk(monkeypatch, walked)
    monkeypatch.setattr(database, "RANK_CANDIDATES", 1)
    assert skus(find("ca", page_size=1)) == [sku(catalogue, "coffee")]


@pytest.mark.parametrize("walked", WALKS)
def test_candidates_walked_meet_every_filter(catalogue, monkeypatch, walked):
    # A walk reads listings in its order whatever they hold: only those meeting the text and every
    # filter may come out of it, whichever way the candidates are read.
    filters = {"price_min": 50_000, "in_stock": True}
    food = set(skus(find("thuc pham", page_size=100)))
    for sort in ("relevance", "stars", "newest", "price_asc"):
        expected = skus(find("thuc pham", sort=sort, page_size=100, **filters))
        assert 2 < len(expected) < len(food)
        walk(monkeypatch, walked)
        monkeypatch.setattr(database, "RANK_CANDIDATES", 1)
        first = skus(find("thuc pham", sort=sort, page_size=2, **filters))
        monkeypatch.undo()
        if sort == "relevance":
            assert len(first) == 2
            assert set(first) <= set(expected)
        else:
            assert first == expected[:2]


# --- a broad price range, checked on the listings the other indexes find (PostgreSQL) ---------------


@pytest.mark.parametrize("sort", ["relevance", "stars", "newest", "price_asc"])
@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("thuc pham", {"price_min": 50_000, "price_max": 300_000}),
        # The dearer food listings come first by stars, newest and relevance: only the range keeps them out.
        ("thuc pham", {"price_max": 100_000}),
        ("", {"category": "food", "price_max": 100_000}),
        ("thuc pham", {"price_min": 50_000, "in_stock": True, "province": "01"}),
    ],
)
@pytest.mark.parametrize("few", [False, True])
def test_a_price_range_checked_on_each_listing_finds_what_its_index_finds(
    catalogue, monkeypatch, sort, text, filters, few
):
    if search.engine().name != "database" or connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL weighs reading a price range from its index")
    everything = skus(find(text, sort=sort, page_size=100, **filters))
    if few:
        # A sample of every other listing, a low counting limit and few candidates: every read
        # that weighs the range (counts, the count up to the limit, the candidates) is made.
        monkeypatch.setattr(database, "SAMPLE", "d.product_id %% 2 = 0")
        monkeypatch.setattr(database, "SAMPLE_BUCKETS", 2)
        monkeypatch.setattr(database, "RANK_CANDIDATES", 1)
    limit = 2 if few else 10_000
    with override_settings(SEARCH_EXACT_COUNT_LIMIT=limit):
        through_index = find(text, sort=sort, page_size=2, **filters)
        # Any range is then broad enough to weigh, and a bitmap entry weighs more than any read.
        monkeypatch.setattr(database, "PRICE_BITMAP_MOST", -1)
        monkeypatch.setattr(database, "BITMAP_ENTRIES_A_ROW", 1e-9)
        with CaptureQueriesContext(connection) as statements:
            checked = find(text, sort=sort, page_size=2, **filters)

    assert any(re.search(r"\(d\.price_vnd \+ 0\) [<>]= ", s["sql"]) for s in statements.captured_queries)
    assert (checked.total, checked.total_exact, checked.facets_exact) == (
        through_index.total,
        through_index.total_exact,
        through_index.facets_exact,
    )
    assert all_counts(checked) == all_counts(through_index)
    assert len(everything) > 1
    for result in (through_index, checked):
        if sort == "relevance" and text:
            # Candidates by relevance are the name matches first: which two of equal ones is arbitrary.
            assert len(result.hits) == 2
            assert set(skus(result)) <= set(everything)
        else:
            assert skus(result) == everything[:2]


def test_a_price_range_is_read_from_its_index_unless_checking_reads_less():
    # "pomelo" in stock at 100,000-400,000 đồng, at a million listings: 569,623 listings in the range;
    # the sample holds 210 that qualify and 498 that would without the range: checking reads fewer.
    assert database._price_read(569_623, 210, 498, 10_000) == "(d.price_vnd + 0)"
    # "mật" under 100,000 đồng: 351,000 in the range; a word in a fifth of all listings, mostly dearer ones.
    assert database._price_read(351_000, 180, 3_000, 10_000) == "d.price_vnd"
    # Nothing in the range qualifies: checking reads every listing that would, few here.
    assert database._price_read(569_623, 0, 40, 200) == "(d.price_vnd + 0)"
    assert database._price_read(569_623, 0, 4_000, 200) == "d.price_vnd"


# --- a category or province filter as words of the matched text (PostgreSQL) ---------------------


@pytest.mark.parametrize("sort", ["relevance", "stars", "newest", "price_asc"])
@pytest.mark.parametrize(
    "filters",
    [
        {"category": "food"},  # a group: its listings are in its categories
        {"category": "food-fruit"},
        {"province": "01"},
        {"category": "food", "province": "01"},
    ],
)
def test_a_category_or_province_read_with_the_words_finds_what_its_columns_find(
    catalogue, monkeypatch, sort, filters
):
    if search.engine().name != "database" or connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL keeps the filters among the matched words")
    everything = skus(find("thuc pham", sort=sort, page_size=100, **filters))
    # A sample of every other listing, a low counting limit and few candidates: the count up to the
    # limit and the candidates' reads, which take the filters with the words, are made.
    monkeypatch.setattr(database, "SAMPLE", "d.product_id %% 2 = 0")
    monkeypatch.setattr(database, "SAMPLE_BUCKETS", 2)
    monkeypatch.setattr(database, "RANK_CANDIDATES", 1)
    with override_settings(SEARCH_EXACT_COUNT_LIMIT=1):
        with CaptureQueriesContext(connection) as statements:
            as_words = find("thuc pham", sort=sort, page_size=2, **filters)
        monkeypatch.setattr(database.PostgresText, "filter_words", {})
        as_columns = find("thuc pham", sort=sort, page_size=2, **filters)

    words = [f"'@c{filters['category']}'"] if "category" in filters else []
    words += [f"'@p{filters['province']}'"] if "province" in filters else []
    used = [s["sql"] for s in statements.captured_queries if "::tsquery" in s["sql"]]
    assert used
    assert all(all(word in sql for word in words) for sql in used)
    assert (as_words.total, as_words.total_exact, as_words.facets_exact) == (
        as_columns.total,
        as_columns.total_exact,
        as_columns.facets_exact,
    )
    assert all_counts(as_words) == all_counts(as_columns)
    assert everything
    for result in (as_words, as_columns):
        if sort == "relevance":
            # Candidates by relevance are the name matches first: which of equal ones is arbitrary.
            assert set(skus(result)) <= set(everything)
        else:
            assert skus(result) == everything[:2]


def test_the_filters_among_the_matched_words_are_no_words_of_a_search(catalogue):
    if search.engine().name != "database" or connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL keeps the filters among the matched words")
    # Typed, "@p01" is the word "p01": no listing of Hà Nội is found by its filter's word.
    for text in ("@p01", "@cfood", "@cfood-fruit", "'@p01'", "@p01 & @p66"):
        typed = find(text, page_size=100)
        assert (skus(typed), typed.total) == (skus(find(text.replace("@", ""), page_size=100)), typed.total)
    assert find("@p01").total == 0


# --- sorting and paging ----------------------------------------------------------------------------


def test_sorting_by_price(catalogue):
    prices = [hit.price_vnd for hit in find("", sort="price_asc", page_size=100).hits]
    assert prices == sorted(prices)
    prices = [hit.price_vnd for hit in find("", sort="price_desc", page_size=100).hits]
    assert prices == sorted(prices, reverse=True)


def test_sorting_by_stars_and_newest(catalogue):
    stars = [hit.ocop_stars or 0 for hit in find("", sort="stars", page_size=100).hits]
    assert stars == sorted(stars, reverse=True)
    assert skus(find("", sort="newest"))[0] == sku(catalogue, "candy")


def test_pages_do_not_overlap(catalogue):
    pages = [skus(find("", sort="price_asc", page=n, page_size=5)) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert len({s for page in pages for s in page}) == 12


# --- autocomplete -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["nuoc m", "Nước m", "nuoc"])
def test_autocomplete_on_the_last_word_typed(catalogue, text):
    suggestions = search.suggest(text, limit=5)
    assert suggestions
    assert all(s.text.startswith("Nước mắm") for s in suggestions if s.kind == "product")
    assert [s.text for s in suggestions if s.kind == "cooperative"] == ["HTX Nước mắm Phú Quốc"]
    assert suggestions[0].url
    assert suggestions[0].kind == "product"


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("fish s", {"fish_sauce", "first_press"}),
        ("fish q", {"fish_sauce"}),
        ("fish x", set()),
        ("mint h", {"honey"}),
        ("Quoc fish s", {"fish_sauce"}),
    ],
)
def test_autocomplete_finds_words_inside_names_with_a_short_last_word(catalogue, text, keys):
    # The last word, one letter typed, stands for every word that begins so; the others narrow it.
    suggested = {s.text for s in search.suggest(text, limit=8) if s.kind == "product"}
    assert suggested == {catalogue[key].title for key in keys}


@pytest.mark.parametrize("text", ["s", "c", "mat", "fish s", "tra"])
@pytest.mark.parametrize("limit", [1, 2, 8])
def test_names_holding_the_words_are_the_same_walked_or_from_the_index(catalogue, monkeypatch, text, limit):
    if search.engine().name != "database" or connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL walks the newest listings for names")
    walked = search.suggest(text, limit=limit)
    monkeypatch.setattr(database.PostgresText, "shortest_names", lambda *args: None)
    assert walked == search.suggest(text, limit=limit)


@pytest.mark.parametrize("prefix", ["m", "c", "h", "zz"])
def test_the_walk_gives_the_shortest_names_that_hold_the_words_or_nothing(catalogue, prefix):
    if search.engine().name != "database" or connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL walks the newest listings for names")
    where = "d.name_vector @@ to_tsquery('simple', %s) AND NOT d.name_folded LIKE %s"
    params = [f"{prefix}:*", f"{prefix}%"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.name, d.url FROM catalog_searchdocument d WHERE {where} "  # noqa: S608 - the test's own
            "ORDER BY LENGTH(d.name), d.product_id DESC",
            params,
        )
        shortest = cursor.fetchall()
    for n in range(1, len(shortest) + 2):
        walked = database.PostgresText().shortest_names(connection, where, params, n)
        # Every listing of the small catalogue is among the newest walked.
        assert walked == (shortest[:n] if n <= len(shortest) else None)
    if prefix != "zz":
        assert shortest


def test_autocomplete_of_nothing_suggests_nothing(catalogue):
    assert search.suggest("  ", limit=5) == []
    assert search.suggest("zzzz", limit=5) == []


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "cheapest"},
        {"page": 0},
        {"page": "two"},
        {"page": 3, "page_size": 20},
        {"page_size": 101},
        {"page_size": 0},
        {"text": "nước mắm " * 600},
        {"text": "nuoc\x00mam"},
        {"text": "nuoc\x1bmam"},
        {"stars_min": "four"},
        {"stars_min": 6},
        {"price_min": -1},
        {"price_min": "1e9"},
        {"price_min": 500, "price_max": 100},
        {"province": "Atlantis"},
        {"province": "\x00"},
        {"category": "../../etc"},
        {"kind": "company"},
        {"certification": "iso9001"},
        {"facets": ("colour",)},
    ],
)
def test_bad_input_is_refused_with_a_message(catalogue, query):
    with pytest.raises(SearchQueryError) as error:
        find(**query)
    assert str(error.value)


@pytest.mark.parametrize(
    "text",
    ['"nuoc mam', "mam*", "*", "NEAR(nuoc mam)", "nuoc AND OR mam", "' OR 1=1 --", "“nuoc mam”", "NOT cam"],
)
def test_search_engine_operators_are_refused_with_the_plain_words(catalogue, text):
    with pytest.raises(SearchQueryError, match="NEAR") as error:
        find(text)
    assert "*" not in error.value.plain_text
    assert '"' not in error.value.plain_text
    with pytest.raises(SearchQueryError):
        search.suggest(text, limit=3)


@pytest.mark.parametrize(
    "text",
    [
        "(nuoc",
        "nuoc)",
        "name_folded:nuoc",
        "{name_folded}: nuoc",
        "' or 1=1 --",
        "-nuoc ^mam +",
        "nuoc & mam | !cam <-> x:",
        "\\",
        "%_%",
        "nuoc near(mam)",
    ],
)
def test_other_punctuation_is_taken_as_plain_words(catalogue, text):
    assert isinstance(find(text), SearchResult)
    assert isinstance(search.suggest(text, limit=3), list)


def test_punctuation_around_words_still_finds_them(catalogue):
    assert sku(catalogue, "fish_sauce") in skus(find("(nuoc) mam:"))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text(max_size=300),
    sort=st.sampled_from([*search.SORTS, "x", ""]),
    page=st.one_of(st.integers(-2, 5), st.text(max_size=3)),
    page_size=st.one_of(st.integers(-1, 120), st.none()),
    province=st.one_of(st.none(), st.text(max_size=5), st.sampled_from(["8", "08", "79", "Hà Giang"])),
    stars_min=st.one_of(st.none(), st.integers(-1, 7), st.text(max_size=2)),
    price_min=st.one_of(st.none(), st.integers(-5, 10**16), st.floats(allow_nan=True)),
)
def test_the_service_only_ever_answers_or_refuses(
    catalogue, text, sort, page, page_size, province, stars_min, price_min
):
    query = SearchQuery(
        text=text,
        sort=sort,
        page=page,
        page_size=page_size if page_size is not None else 20,
        province=province,
        stars_min=stars_min,
        price_min=price_min,
    )
    result = _answer_or_refusal(lambda: search.search(query))
    if isinstance(result, SearchQueryError):
        assert str(result)
    else:
        assert result.total >= len(result.hits)
    suggestions = _answer_or_refusal(lambda: search.suggest(text, limit=5))
    assert str(suggestions) if isinstance(suggestions, SearchQueryError) else isinstance(suggestions, list)


def _answer_or_refusal(call):
    try:
        return call()
    except SearchQueryError as error:
        return error


def test_results_say_which_engine_answered_and_how_fast(catalogue):
    result = find("nuoc mam")
    assert result.engine in {"database", "elasticsearch"}
    assert result.took_ms >= 0
