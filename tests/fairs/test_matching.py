"""Matching at a fair: who should meet whom, how well, and why, with the province centres behind it."""

import csv
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import Category, CooperativeCertification, Province
from fairs import matching, services, tasks
from fairs.models import MatchScore, Participant
from tests import factories
from tests.factories import fairs as fair_factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queued for after commit (the search index), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def organiser():
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def fair(organiser):
    lead = factories.alliance(provinces=("01",), staff=[organiser])
    # A national conference: cooperatives from any province.
    return fair_factories.fair(lead=lead, provinces=())


def supplier(
    fair,
    organiser,
    *,
    province: str,
    product: str,
    stars: int | None = 4,
    category: str = "food-rice",
    capacity: int | None = 3000,
    unit: str = "kg",
    price: int = 28_000,
    certifications=(),
    approve: bool = True,
    showcase: bool = True,
    **registration,
) -> Participant:
    """A cooperative of `province` registered at the fair with one published product."""
    staff = factories.user()
    cooperative = factories.cooperative(province=province, staff=[staff], name=f"HTX {product}")
    listed = factories.product(
        cooperative=cooperative,
        name=product,
        category=category,
        unit=unit,
        price_vnd=price,
        monthly_capacity=capacity,
        ocop=factories.ocop(stars=stars) if stars else None,
    )
    for scheme, valid_until in certifications:
        # Certifications are page content edited in Wagtail; there is no service for them.
        CooperativeCertification.objects.create(
            page=cooperative,
            scheme=scheme,
            number=f"{scheme}-{cooperative.tax_code}",
            valid_from=timezone.localdate() - datetime.timedelta(days=400),
            valid_until=valid_until,
        )
    participant = services.participant_register_cooperative(
        fair=fair,
        user=staff,
        cooperative=cooperative,
        data=services.RegistrationData(showcased_products=[listed] if showcase else [], **registration),
    )
    if approve:
        services.participant_decide(participant=participant, user=organiser, approve=True)
    return participant


def buyer(fair, organiser, *, province: str = "01", approve: bool = True, name: str = "Siêu thị Xanh"):
    return fair_factories.buyer_participant(
        fair, province=province, name=name, approve_by=organiser if approve else None
    )


def demand(participant, title: str = "Gạo ST25", **data):
    data.setdefault("quantity", 2000)
    data.setdefault("unit", "kg")
    return services.demand_create(
        buyer=participant.user, participant=participant, data=services.DemandData(title=title, **data)
    )


def score_of(demand, participant) -> MatchScore:
    return MatchScore.objects.get(demand=demand, supplier=participant)


@pytest.fixture
def rice(fair, organiser, committed):
    """A Hà Nội supermarket wanting 2 tonnes of ST25 rice a month, 4★ at least, and four cooperatives."""
    with committed():
        suppliers = {
            "near_4": supplier(fair, organiser, province="33", product="Gạo ST25 Thái Bình", stars=4),
            "near_3": supplier(fair, organiser, province="01", product="Gạo ST25 Sóc Sơn", stars=3),
            "far_4": supplier(fair, organiser, province="92", product="Gạo ST25 Sóc Trăng", stars=4),
            "fish_sauce": supplier(
                fair,
                organiser,
                province="01",
                product="Nước mắm cốt nhĩ",
                category="food-condiments",
                unit="chai",
                stars=5,
            ),
        }
        market = buyer(fair, organiser)
    wanted = demand(
        market,
        "Gạo ST25",
        min_ocop_stars=4,
        target_price_vnd=30_000,
        category=Category.objects.get(slug="food-rice"),
    )
    return market, wanted, suppliers


# --- province centres --------------------------------------------------------------------------


def test_province_centres_cover_the_34_provinces_inside_vietnam():
    with matching.PROVINCE_CENTRES.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))

    assert list(rows[0]) == ["code", "name", "latitude", "longitude"]
    assert {row["code"]: row["name"] for row in rows} == dict(Province.objects.values_list("code", "name"))
    assert len(rows) == 34
    for row in rows:
        assert 8.3 <= float(row["latitude"]) <= 23.4, row
        assert 102.1 <= float(row["longitude"]) <= 109.5, row


def test_distances_between_province_centres_are_those_of_the_map():
    assert matching.distance_km("01", "01") == 0
    assert 80 < matching.distance_km("01", "31") < 110  # Hà Nội – Hải Phòng
    assert 1100 < matching.distance_km("01", "79") < 1180  # Hà Nội – Hồ Chí Minh City
    assert 580 < matching.distance_km("48", "79") < 640  # Đà Nẵng – Hồ Chí Minh City
    assert matching.distance_km("01", None) is None
    assert matching.distance_km("01", "99") is None


# --- units and words ---------------------------------------------------------------------------


def test_tonnes_and_kilograms_compare_and_bottles_do_not():
    assert matching.in_base_units(3, "tấn", "kg") == (3000, 1)
    assert matching.in_base_units(3, "Tấn", "tan") == (3000, 1000)
    assert matching.in_base_units(2, "tạ", "KG") == (200, 1)
    assert matching.in_base_units(3, "tấn", "chai") is None
    assert matching.in_base_units(5, "Chai", "chai") == (5, 1)


def test_search_words_drop_the_operators_the_search_refuses():
    assert matching.search_words('"Gạo" ST25* AND thơm OR dẻo NOT NEAR(x)') == [
        "gạo",
        "st25",
        "thơm",
        "dẻo",
        "x",
    ]


# --- scoring -----------------------------------------------------------------------------------


def test_a_near_4_star_st25_ranks_above_a_3_star_one_and_a_far_one(fair, rice):
    market, wanted, suppliers = rice

    stored = services.fair_refresh_matches(fair=fair)

    near_4, near_3, far_4 = (score_of(wanted, suppliers[k]) for k in ("near_4", "near_3", "far_4"))
    assert near_4.score > near_3.score
    assert near_4.score > far_4.score
    assert near_4.product.title == "Gạo ST25 Thái Bình"
    assert near_4.components["stars"] == {"value": 1.0, "stars": 4, "minimum": 4}
    assert near_3.components["stars"]["value"] < 1
    assert far_4.components["distance"]["km"] > 1200  # Hà Nội – Cần Thơ
    assert near_4.components["distance"]["km"] < 100
    assert near_4.components["capacity"]["value"] == 1
    assert near_4.components["price"]["value"] == 1
    assert 0 <= far_4.score <= near_4.score <= 100
    # Fish sauce answers no word of the demand, nor its category: not worth a row.
    assert not MatchScore.objects.filter(supplier=suppliers["fish_sauce"]).exists()
    assert stored == MatchScore.objects.filter(fair=fair).count() == 3

    ranked = [r.other for r in matching.recommendations_for(participant=market)]
    assert ranked[0] == suppliers["near_4"]
    assert set(ranked) == {suppliers["near_4"], suppliers["near_3"], suppliers["far_4"]}


def test_a_demand_typed_without_marks_still_matches(fair, rice):
    market, _wanted, suppliers = rice
    unmarked = demand(market, "gao st25", min_ocop_stars=4)

    services.fair_refresh_matches(fair=fair)

    match = score_of(unmarked, suppliers["near_4"])
    assert match.components["text"]["how"] == "text"
    assert match.components["text"]["product_sku"] == match.product.sku
    assert match.components["text"]["value"] >= 0.6


def test_missing_or_expired_required_certifications_lower_the_score(fair, organiser, committed):
    with committed():
        certified = supplier(
            fair, organiser, province="33", product="Gạo ST25 hữu cơ", certifications=[("vietgap", None)]
        )
        lapsed = supplier(
            fair,
            organiser,
            province="33",
            product="Gạo ST25 sạch",
            certifications=[("vietgap", timezone.localdate() - datetime.timedelta(days=1))],
        )
        market = buyer(fair, organiser)
    wanted = demand(market, "Gạo ST25", required_certifications=["vietgap"])

    services.fair_refresh_matches(fair=fair)

    good, bad = score_of(wanted, certified), score_of(wanted, lapsed)
    assert good.components["certifications"]["value"] == 1
    assert bad.components["certifications"] == {
        "value": 0.0,
        "required": ["vietgap"],
        "held": [],
        "missing": ["vietgap"],
    }
    assert good.score - bad.score >= matching.WEIGHTS["certifications"] - 1


def test_capacity_is_compared_across_tonnes_and_kilograms(fair, organiser, committed):
    with committed():
        big = supplier(
            fair,
            organiser,
            province="33",
            product="Gạo ST25 loại một",
            capacity=None,
            supply_quantity=3,
            supply_unit="tấn",
        )
        small = supplier(
            fair,
            organiser,
            province="33",
            product="Gạo ST25 loại hai",
            capacity=None,
            supply_quantity=1,
            supply_unit="Tấn",
        )
        bottles = supplier(
            fair,
            organiser,
            province="33",
            product="Gạo ST25 loại ba",
            capacity=None,
            supply_quantity=9,
            supply_unit="bao",
        )
        market = buyer(fair, organiser)
    wanted = demand(market, "Gạo ST25", quantity=2000, unit="kg")

    services.fair_refresh_matches(fair=fair)

    assert score_of(wanted, big).components["capacity"]["value"] == 1
    assert score_of(wanted, small).components["capacity"]["value"] == 0.5
    unknown = score_of(wanted, bottles).components["capacity"]
    assert unknown["value"] == matching.UNKNOWN
    assert unknown["comparable"] is False


def test_a_price_above_the_target_lowers_the_price_part(fair, organiser, committed):
    with committed():
        cheap = supplier(fair, organiser, province="33", product="Gạo ST25 giá tốt", price=25_000)
        dear = supplier(fair, organiser, province="33", product="Gạo ST25 cao cấp", price=36_000)
        by_the_tonne = supplier(
            fair, organiser, province="33", product="Gạo ST25 sỉ", price=27_000_000, unit="tấn"
        )
        market = buyer(fair, organiser)
    wanted = demand(market, "Gạo ST25", target_price_vnd=30_000)

    services.fair_refresh_matches(fair=fair)

    assert score_of(wanted, cheap).components["price"]["value"] == 1
    assert score_of(wanted, dear).components["price"]["above_target_percent"] == 20
    assert score_of(wanted, dear).components["price"]["value"] == pytest.approx(0.6)
    # 27 million a tonne is 27,000 a kilogram: within the target.
    assert score_of(wanted, by_the_tonne).components["price"]["price_per_demand_unit"] == 27_000
    assert score_of(wanted, by_the_tonne).components["price"]["value"] == 1
    # The reason gives each price in its own unit.
    with translation.override("en"):
        reasons = " | ".join(matching.match_reasons(score_of(wanted, by_the_tonne), viewer="buyer"))
    assert "₫27,000,000/tấn, within the target of ₫30,000/kg" in reasons


def test_the_category_answers_when_no_word_does(fair, organiser, committed):
    with committed():
        rice_grower = supplier(fair, organiser, province="33", product="Gạo nếp cái hoa vàng")
        market = buyer(fair, organiser)
    wanted = demand(market, "Lúa đặc sản vùng cao", category=Category.objects.get(slug="food-rice"))
    grouped = demand(market, "Hàng Tết biếu tặng", category=Category.objects.get(slug="food"))
    nothing = demand(market, "Hàng Tết biếu tặng")

    services.fair_refresh_matches(fair=fair)

    assert score_of(wanted, rice_grower).components["text"]["how"] == "category"
    assert score_of(wanted, rice_grower).components["text"]["value"] == 0.5
    assert score_of(grouped, rice_grower).components["text"]["how"] == "group"
    assert not MatchScore.objects.filter(demand=nothing).exists()


def test_a_product_not_showcased_still_counts_but_below_a_showcased_one(fair, organiser, committed):
    with committed():
        shown = supplier(fair, organiser, province="33", product="Gạo ST25 túi 5kg")
        hidden = supplier(fair, organiser, province="33", product="Gạo ST25 túi 5kg", showcase=False)
        market = buyer(fair, organiser)
    wanted = demand(market, "Gạo ST25")

    services.fair_refresh_matches(fair=fair)

    assert score_of(wanted, hidden).components["text"]["showcased"] is False
    assert score_of(wanted, hidden).score < score_of(wanted, shown).score


def test_operators_in_the_demand_text_do_not_crash(fair, rice):
    market, _wanted, suppliers = rice
    typed = demand(market, '"Gạo" ST25* AND NOT "nếp"')

    services.fair_refresh_matches(fair=fair)

    assert score_of(typed, suppliers["near_4"]).components["text"]["how"] == "text"


def test_a_long_demand_falls_back_on_its_first_words(fair, rice):
    market, _wanted, suppliers = rice
    wordy = demand(market, "Gạo ST25 đóng bao 50kg giao hàng tận kho")

    services.fair_refresh_matches(fair=fair)

    text = score_of(wordy, suppliers["near_4"]).components["text"]
    assert text["how"] == "text"
    assert text["value"] < score_of(rice[1], suppliers["near_4"]).components["text"]["value"]


def test_stated_interest_raises_the_score_and_lets_an_unrelated_pair_meet(fair, organiser, rice):
    market, wanted, suppliers = rice
    services.fair_refresh_matches(fair=fair)
    before = score_of(wanted, suppliers["near_3"]).score

    services.participant_set_interest(participant=market, other=suppliers["near_3"], user=market.user)
    services.participant_set_interest(
        participant=suppliers["fish_sauce"], other=market, user=suppliers["fish_sauce"].user
    )
    services.fair_refresh_matches(fair=fair)

    after = score_of(wanted, suppliers["near_3"])
    assert after.components["interest"] == {"value": 0.5, "buyer_wants": True, "supplier_wants": False}
    assert after.score == pytest.approx(before + 5)
    fish = score_of(wanted, suppliers["fish_sauce"])
    assert fish.product is None
    assert fish.components["interest"]["supplier_wants"] is True


# --- reasons -----------------------------------------------------------------------------------


def test_reasons_mention_the_quantity_the_stars_and_the_km(fair, rice):
    _market, wanted, suppliers = rice
    services.fair_refresh_matches(fair=fair)
    match = MatchScore.objects.select_related("demand").get(demand=wanted, supplier=suppliers["near_4"])
    km = match.components["distance"]["km"]

    with translation.override("en"):
        reasons = matching.match_reasons(match, viewer="buyer")
    text = " | ".join(reasons)
    assert "2,000 kg a month of Gạo ST25" in text
    assert "Gạo ST25 Thái Bình" in text
    assert "OCOP 4★" in text
    assert f"{km} km away, from Hưng Yên" in text
    assert "Can supply 3,000 kg a month" in text
    assert "₫28,000/kg, within the target of ₫30,000/kg" in text

    with translation.override("vi"):
        vietnamese = " | ".join(matching.match_reasons(match))
    assert "2.000" in vietnamese
    assert "28.000 ₫" in vietnamese
    assert "4★" in vietnamese


def test_reasons_say_what_falls_short(fair, rice):
    _market, wanted, suppliers = rice
    services.fair_refresh_matches(fair=fair)
    match = score_of(wanted, suppliers["near_3"])

    with translation.override("en"):
        reasons = matching.match_reasons(match)
    assert "OCOP 3★, below the 4★ asked" in reasons


# --- the write ---------------------------------------------------------------------------------


def test_refreshing_replaces_this_fairs_scores_and_leaves_other_fairs_alone(fair, organiser, rice, committed):
    _market, wanted, suppliers = rice
    other_fair = fair_factories.fair(lead=fair.lead_organiser, provinces=(), slug="other-fair")
    with committed():
        elsewhere = supplier(other_fair, organiser, province="33", product="Gạo ST25 Hải Hậu")
        other_buyer = buyer(other_fair, organiser)
    demand(other_buyer, "Gạo ST25")
    services.fair_refresh_matches(fair=other_fair)
    services.fair_refresh_matches(fair=fair)
    first = set(MatchScore.objects.filter(fair=fair).values_list("demand", "supplier"))

    suppliers["far_4"].status = Participant.Status.WITHDRAWN
    suppliers["far_4"].save(update_fields=["status"])
    assert services.fair_refresh_matches(fair=fair) == 2

    assert set(MatchScore.objects.filter(fair=fair).values_list("demand", "supplier")) == first - {
        (wanted.pk, suppliers["far_4"].pk)
    }
    assert MatchScore.objects.filter(fair=other_fair, supplier=elsewhere).count() == 1


def test_refreshing_costs_no_query_per_cooperative(fair, organiser, committed):
    def refresh_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            services.fair_refresh_matches(fair=fair)
        return len(queries)

    with committed():
        market = buyer(fair, organiser)
        supplier(fair, organiser, province="33", product="Gạo ST25 một")
        supplier(fair, organiser, province="37", product="Gạo ST25 hai", certifications=[("vietgap", None)])
    demand(market, "Gạo ST25", required_certifications=["vietgap"])
    demand(market, "Gạo nếp")
    few = refresh_queries()
    with committed():
        for n, province in enumerate(("19", "25", "38", "40", "92", "96")):
            supplier(
                fair,
                organiser,
                province=province,
                product=f"Gạo ST25 số {n}",
                certifications=[("organic", None)],
                supply_quantity=5,
                supply_unit="tấn",
            )

    many = refresh_queries()
    assert MatchScore.objects.filter(fair=fair).count() == 16
    assert many == few


# --- the readers -------------------------------------------------------------------------------


def test_only_approved_participants_are_recommended(fair, organiser, rice, committed):
    market, wanted, suppliers = rice
    with committed():
        pending = supplier(fair, organiser, province="01", product="Gạo ST25 Hà Nội", approve=False)
        pending_buyer = buyer(fair, organiser, approve=False, name="Đại lý chờ duyệt")
    demand(pending_buyer, "Gạo ST25")
    services.fair_refresh_matches(fair=fair)

    # Scored already, so approving needs no new run; shown only once approved.
    assert MatchScore.objects.filter(demand=wanted, supplier=pending).exists()
    assert pending not in [r.other for r in matching.recommendations_for(participant=market)]
    assert [r.other for r in matching.recommendations_for(participant=suppliers["near_4"])] == [market]
    assert matching.recommendations_for(participant=pending) == []
    assert matching.recommendations_for(participant=pending_buyer) == []

    services.participant_decide(participant=pending, user=organiser, approve=True)
    assert pending in [r.other for r in matching.recommendations_for(participant=market)]


def test_a_cooperative_sees_each_buyer_once_with_the_demand_it_answers_best(fair, organiser, rice, committed):
    market, wanted, suppliers = rice
    demand(market, "Gạo tẻ thường", category=Category.objects.get(slug="food"))
    with committed():
        exporter = buyer(fair, organiser, province="79", name="Công ty Xuất khẩu Gạo Miền Nam")
    export = demand(exporter, "Gạo ST25", quantity=50, unit="tấn", min_ocop_stars=4)
    services.fair_refresh_matches(fair=fair)

    recommendations = matching.recommendations_for(participant=suppliers["near_4"])

    assert sorted(r.other.name for r in recommendations) == sorted([market.name, exporter.name])
    by_buyer = {r.other: r for r in recommendations}
    assert by_buyer[market].demand == wanted
    assert by_buyer[exporter].demand == export
    assert recommendations[0].score >= recommendations[1].score
    assert all(r.reasons for r in recommendations)
    assert matching.recommendations_for(participant=suppliers["near_4"], limit=1)[0] == recommendations[0]


def test_recommendations_show_requests_and_meetings(fair, organiser, rice):
    market, wanted, suppliers = rice
    services.fair_refresh_matches(fair=fair)
    request = services.meeting_request_create(
        requester=market, recipient=suppliers["near_4"], user=market.user, demand=wanted
    )
    by_other = {r.other: r for r in matching.recommendations_for(participant=market)}
    assert by_other[suppliers["near_4"]].already_requested == request
    assert by_other[suppliers["near_4"]].meeting is None
    assert by_other[suppliers["near_3"]].already_requested is None

    services.meeting_request_answer(request=request, user=suppliers["near_4"].user, accept=True)

    seen_by_cooperative = matching.recommendations_for(participant=suppliers["near_4"])[0]
    assert seen_by_cooperative.other == market
    assert seen_by_cooperative.meeting is not None
    assert seen_by_cooperative.meeting.request == request


def test_recommendations_cost_the_same_queries_for_two_or_eight(fair, organiser, committed):
    def reading_queries(participant) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            recommendations = matching.recommendations_for(participant=participant)
            shown = [
                (r.other.name, r.product.title, r.demand.title, r.reasons, r.other.cooperative.tax_code)
                for r in recommendations
            ]
        return len(shown), len(queries)

    with committed():
        market = buyer(fair, organiser)
        first = [supplier(fair, organiser, province="33", product=f"Gạo ST25 lô {n}") for n in range(2)]
    wanted = demand(market, "Gạo ST25")
    services.meeting_request_create(requester=market, recipient=first[0], user=market.user, demand=wanted)
    services.fair_refresh_matches(fair=fair)
    few = reading_queries(market)
    with committed():
        for n, province in enumerate(("19", "25", "38", "40", "92", "96")):
            supplier(fair, organiser, province=province, product=f"Gạo ST25 vụ {n}")
    services.fair_refresh_matches(fair=fair)

    many = reading_queries(market)
    assert few[0] == 2
    assert many[0] == 8
    assert many[1] == few[1] <= 3


def test_the_participation_page_lists_recommendations_at_a_flat_query_cost(
    client, fair, organiser, committed
):
    """The page that shows recommendations (fairs:mine) costs the same for 2 partners as for 8."""

    def page(participant) -> tuple[str, int]:
        client.force_login(participant.user)
        with translation.override("en"):
            url = reverse("fairs:mine", args=[fair.pk])
        assert url.startswith("/en/")
        client.get(url)  # settings rows and caches made once
        queries = count_queries(client, url)
        return client.get(url).content.decode(), queries

    with committed():
        small = buyer(fair, organiser, name="Cửa hàng nhỏ")
        large = buyer(fair, organiser, name="Chuỗi siêu thị lớn")
        for n in range(2):
            supplier(fair, organiser, province="33", product=f"Bưởi Diễn loại {n}", category="food-fruit")
        for n, province in enumerate(("19", "25", "38", "40", "92", "96", "01", "31")):
            supplier(fair, organiser, province=province, product=f"Gạo ST25 vụ {n}")
    demand(small, "Bưởi Diễn", quantity=500)
    demand(large, "Gạo ST25", min_ocop_stars=4)
    services.fair_refresh_matches(fair=fair)

    html_two, with_two = page(small)
    html_eight, with_eight = page(large)

    assert html_two.count('class="recommendation"') == 2
    assert html_eight.count('class="recommendation"') == 8
    assert "OCOP 4★" in html_eight
    assert "km away" in html_eight
    assert with_eight == with_two


def test_a_new_demand_is_scored_after_commit_without_rescoring_the_others(fair, rice, committed):
    market, wanted, _suppliers = rice
    with committed():  # as if the fixture's demand had been committed: it is scored
        tasks.queue_match_refresh(fair.pk, demand_id=wanted.pk)
    before = {(m.pk, m.computed_at) for m in MatchScore.objects.filter(demand=wanted)}
    assert before

    with committed():
        sticky = demand(market, "Gạo nếp")

    assert MatchScore.objects.filter(demand=sticky).exists()
    assert {(m.pk, m.computed_at) for m in MatchScore.objects.filter(demand=wanted)} == before
