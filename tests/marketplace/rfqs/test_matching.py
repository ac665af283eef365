"""Ranking the whole catalogue for a request for quotation (marketplace.matching.rank_cooperatives)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.models import Category, Province
from marketplace import matching
from tests.factories import rfqs
from tests.marketplace.rfqs.conftest import seller

pytestmark = pytest.mark.django_db


def rfq(**fields):
    fields.setdefault("delivery_province", Province.objects.get(code="01"))
    return rfqs.rfq(**fields)


def ranked(request, **options) -> dict:
    return {match.cooperative.pk: match for match in matching.rank_cooperatives(request, **options)}


def test_the_rice_cooperative_ranks_above_the_honey_one_for_rice(market):
    rice, honey = market
    # "Food" brings in every food cooperative (honey too, by its group); the words bring rice first.
    wanted = rfq(title="Gạo ST25", category=Category.objects.get(slug="food"))

    matches = matching.rank_cooperatives(wanted)

    assert [match.cooperative for match in matches] == [rice, honey]
    first, second = matches
    assert first.score > second.score
    assert first.parts["text"]["how"] == "text"
    assert second.parts["text"]["how"] == "group"
    assert first.product.title == "Gạo ST25 Thái Bình"
    assert 0 < second.score < first.score <= 100
    assert "interest" not in first.parts
    assert "showcased" not in first.parts["text"]  # no fair: nothing is "not showcased"


def test_without_a_category_only_the_words_find_candidates(market):
    rice, honey = market

    assert list(ranked(rfq(title="Gạo ST25"))) == [rice.pk]
    assert list(ranked(rfq(title="Mật ong"))) == [honey.pk]
    assert ranked(rfq(title="Xi măng")) == {}


def test_a_perfect_match_scores_100_out_of_the_shared_parts_alone(market):
    rice, _honey = market
    hung_yen = Province.objects.get(code="33")
    # In the cooperative's own province, within capacity and target, certified and starred.
    wanted = rfq(
        title="Gạo ST25 Thái Bình",
        quantity=2000,
        unit="kg",
        delivery_province=hung_yen,
        target_price_vnd=30_000,
        required_certifications=["vietgap"],
        min_ocop_stars=4,
    )

    match = ranked(wanted)[rice.pk]

    assert match.parts["distance"]["km"] == 0
    assert {name: part["value"] for name, part in match.parts.items()} == {
        "text": 1.0,
        "certifications": 1.0,
        "stars": 1.0,
        "capacity": 1.0,
        "price": 1.0,
        "distance": 1.0,
    }
    assert match.score == 100


def test_a_missing_required_certification_lowers_a_cooperative(committed, market):
    rice, _honey = market
    with committed():
        uncertified = seller(product="Gạo ST25 Thái Bình loại hai")

    scores = ranked(rfq(title="Gạo ST25", required_certifications=["vietgap"]))

    assert scores[rice.pk].parts["certifications"]["value"] == 1
    assert scores[uncertified.pk].parts["certifications"]["missing"] == ["vietgap"]
    assert scores[rice.pk].score > scores[uncertified.pk].score
    # The certification part's weight (10 of 90) scaled to 100, give or take the text's relevance.
    assert scores[rice.pk].score - scores[uncertified.pk].score == pytest.approx(100 / 9, abs=3)
    # Without the requirement the two are close: the certificate alone made the gap.
    plain = ranked(rfq(title="Gạo ST25"))
    assert abs(plain[rice.pk].score - plain[uncertified.pk].score) < 3


def test_minimum_stars_lower_a_cooperative_below_them(committed, market):
    rice, _honey = market
    with committed():
        three_stars = seller(product="Gạo ST25 Thái Bình hạt dài", stars=3, certifications=["vietgap"])
        unrated = seller(product="Gạo ST25 Thái Bình hạt tròn", stars=None, certifications=["vietgap"])

    scores = ranked(rfq(title="Gạo ST25", min_ocop_stars=4))

    assert scores[rice.pk].parts["stars"] == {"value": 1.0, "stars": 4, "minimum": 4}
    assert scores[three_stars.pk].parts["stars"]["value"] == matching.ONE_STAR_SHORT
    assert scores[unrated.pk].parts["stars"]["value"] == 0
    assert scores[rice.pk].score > scores[three_stars.pk].score > scores[unrated.pk].score


def test_distance_runs_to_the_delivery_province(committed, market):
    rice, _honey = market
    with committed():
        southern = seller(product="Gạo ST25 Sóc Trăng", province="92", certifications=["vietgap"])

    to_hanoi = ranked(rfq(title="Gạo ST25"))
    to_can_tho = ranked(rfq(title="Gạo ST25", delivery_province=Province.objects.get(code="92")))

    assert to_hanoi[rice.pk].score > to_hanoi[southern.pk].score
    assert to_can_tho[southern.pk].score > to_can_tho[rice.pk].score
    assert to_can_tho[southern.pk].parts["distance"]["km"] == 0
    assert to_hanoi[southern.pk].parts["distance"]["km"] > 1200


def test_unverified_cooperatives_and_unlisted_products_are_not_ranked(committed, market):
    rice, _honey = market
    with committed():
        unverified = seller(product="Gạo ST25 chưa xác minh", verified=False)

    assert unverified.pk not in ranked(rfq(title="Gạo ST25", category=Category.objects.get(slug="food-rice")))
    assert rice.pk in ranked(rfq(title="Gạo ST25"))


def test_the_limit_keeps_the_best(committed, market):
    with committed():
        for n, province in enumerate(("19", "25", "38")):
            seller(product=f"Gạo ST25 lô {n}", province=province)
    everyone = matching.rank_cooperatives(rfq(title="Gạo ST25"), limit=None)

    assert len(everyone) == 4
    assert matching.rank_cooperatives(rfq(title="Gạo ST25"), limit=2) == everyone[:2]
    assert [m.score for m in everyone] == sorted((m.score for m in everyone), reverse=True)


def test_reasons_are_sentences_in_the_active_language(market):
    rice, _honey = market
    match = ranked(rfq(title="Gạo ST25", quantity=2000, unit="kg", per_month=True, min_ocop_stars=4))[rice.pk]

    with translation.override("en"):
        english = " | ".join(match.reasons)
    with translation.override("vi"):
        vietnamese = " | ".join(match.reasons)

    assert "2,000 kg a month of Gạo ST25" in english
    assert "OCOP 4★" in english
    assert "km away, from Hưng Yên" in english
    assert "2.000" in vietnamese
    assert english != vietnamese


def test_ranking_costs_the_same_queries_for_two_cooperatives_or_ten(committed, market):
    food = Category.objects.get(slug="food")

    def queries() -> tuple[int, int]:
        wanted = rfqs.rfq(
            title="Gạo ST25",
            category=Category.objects.select_related("parent").get(pk=food.pk),
            required_certifications=["vietgap"],
            delivery_province=Province.objects.get(code="01"),
        )
        with CaptureQueriesContext(connection) as captured:
            matches = matching.rank_cooperatives(wanted, limit=None)
            [(m.cooperative.title, m.product.sku, m.reasons) for m in matches]
        return len(matches), len(captured)

    few = queries()
    with committed():
        for n, province in enumerate(("19", "25", "38", "40", "92", "96")):
            seller(product=f"Gạo ST25 vụ {n}", province=province, certifications=["organic"])
        seller(product="Cà phê Robusta", province="66", category="food-tea-coffee")
        seller(product="Nước mắm cốt nhĩ", province="22", category="food-condiments", unit="chai")

    many = queries()
    assert (few[0], many[0]) == (2, 10)
    assert many[1] == few[1]


def test_words_typed_with_marks_mean_those_words_when_some_listing_has_them(committed):
    """ "Bưởi" (pomelo) and "buổi" (a session) are one word without marks: the buyer who typed the
    marks gets the pomelo grower only; typed without marks, both answer."""
    with committed():
        pomelo = seller(product="Bưởi Diễn", category="food-fruit")
        tour = seller(product="Tour hái chè buổi sáng", category="tourism")

    assert list(ranked(rfq(title="Bưởi"))) == [pomelo.pk]
    assert set(ranked(rfq(title="buoi"))) == {pomelo.pk, tour.pk}
    # Marks that no listing carries are a slip: the search's forgiveness stands.
    assert set(ranked(rfq(title="Bưới"))) == {pomelo.pk, tour.pk}
