"""Golden tests of the Elasticsearch engine: the index it creates and the requests it sends.

The JSON files in tests/search/fixtures/elasticsearch/ were written by the engine and
read by eye; a change to the mapping or to a request shows here as a diff to review.
Run with UPDATE_GOLDEN=1 to write them again after a deliberate change.

These check what is sent, not how a cluster ranks it: that is for the conformance
suite with ELASTICSEARCH_URL set (tests/search/test_conformance.py).
"""

import datetime
import json
import os
from pathlib import Path

import pytest

from catalog.models import SearchSynonym
from catalog.search import EntryQuery, SearchQuery
from catalog.search.elasticsearch import (
    entries_index_body,
    entry_search_body,
    index_body,
    search_body,
    suggest_body,
    synonym_rules,
)
from catalog.search.query import Term, text_terms, with_stems

GOLDEN = Path(__file__).parent / "fixtures" / "elasticsearch"
TODAY = datetime.date(2026, 11, 23)
RULES = ["ca phe, cafe, coffee", "che, tra, tea", "mat ong, honey"]

pytestmark = pytest.mark.django_db


def assert_golden(name: str, actual: dict) -> None:
    path = GOLDEN / name
    text = json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == actual, (
        f"{name} differs; review, then UPDATE_GOLDEN=1"
    )


def cleaned(terms: tuple[Term, ...] | None = None, **fields) -> SearchQuery:
    query = SearchQuery(**fields).clean()
    if terms is not None:
        query.terms = terms
    return query


def test_index_settings_and_mapping():
    assert_golden("index.json", index_body(RULES))


def test_the_index_folds_every_mark_and_d_with_stroke():
    analysis = index_body(RULES)["settings"]["analysis"]
    folded = analysis["analyzer"]["catalog_folded"]
    assert folded["filter"] == ["lowercase", "asciifolding"]
    assert analysis["char_filter"][folded["char_filter"][0]]["mappings"] == ["đ => d", "Đ => D"]
    # The marked subfields keep the marks: lowercase only.
    assert analysis["analyzer"]["catalog_marked"]["filter"] == ["lowercase"]


def test_without_synonyms_the_synonym_filter_is_left_out():
    analysis = index_body([])["settings"]["analysis"]
    assert "catalog_synonyms" not in analysis["filter"]
    assert analysis["analyzer"]["catalog_folded_synonyms"]["filter"] == ["lowercase", "asciifolding"]


def test_synonym_rules_come_folded_from_the_admin_list():
    SearchSynonym.objects.all().delete()
    SearchSynonym.objects.create(terms="cafe, Cà phê, coffee")
    SearchSynonym.objects.create(terms="Đặc sản, specialty")

    assert synonym_rules() == ["cafe, ca phe, coffee", "dac san, specialty"]


QUERIES = {
    # Folded words only: every word must match, with one edit from four letters on.
    "search_plain.json": lambda: cleaned(text="nuoc mam"),
    # Typed with marks: the marked subfields add score; the synonym analyzer is not used.
    "search_marked.json": lambda: cleaned(text="cám gạo"),
    # Facet filters go to post_filter; each facet counts under the other active filters.
    "search_facets.json": lambda: cleaned(
        text="thanh long", category="food-fruit", province="08", stars_min=4, price_max=100_000, in_stock=True
    ),
    # No text: browse, sorted by valid stars.
    "search_browse_stars.json": lambda: cleaned(sort="stars", kind="htx", certification="vietgap", page=2),
    "search_price_asc.json": lambda: cleaned(text="honey", sort="price_asc", facets=("province",)),
    # English words match their stems too, in the stems of the English name (and the body).
    "search_english_stems.json": lambda: cleaned(terms=with_stems(text_terms("dried mangoes"))),
    # The service has joined a synonym and corrected a typo before the engine sees the terms.
    "search_synonym_and_typo.json": lambda: cleaned(
        text="ca phe rangg",
        terms=(
            Term(folded=("ca", "phe"), alternatives=(("cafe",), ("coffee",))),
            Term(folded=("rangg",), alternatives=(("rang",),), corrected=True),
        ),
    ),
}


@pytest.mark.parametrize("name", QUERIES)
def test_search_request_bodies(name):
    assert_golden(name, search_body(QUERIES[name](), TODAY))


def test_facet_counts_ignore_their_own_filter():
    body = search_body(cleaned(text="x", province="08", stars_min=4), TODAY)
    province = body["aggs"]["province"]["filter"]
    stars = body["aggs"]["ocop_stars"]["filter"]
    assert "province_code" not in json.dumps(province)
    assert "province_code" in json.dumps(stars)
    assert '"gte": 4' not in json.dumps(stars)
    assert '"gte": 4' in json.dumps(body["post_filter"])


def test_stars_count_only_while_the_certificate_is_valid_on_the_day():
    body = search_body(cleaned(stars_min=3), TODAY)
    assert {"range": {"ocop_expires_on": {"gte": "2026-11-23"}}} in body["post_filter"]["bool"]["filter"]
    assert {"range": {"ocop_issued_on": {"lte": "2026-11-23"}}} in body["post_filter"]["bool"]["filter"]


def test_fuzziness_is_one_edit_from_four_letters():
    body = json.dumps(search_body(cleaned(text="nuoc mamm"), TODAY))
    assert '"fuzziness": "AUTO:4,100"' in body


def test_suggest_request_body():
    assert_golden("suggest.json", suggest_body(text_terms("nuoc m", prefix_last=True), 8))


# --- entries (requests for quotation) ---------------------------------------------------------------


def test_entries_index_settings_and_mapping():
    body = entries_index_body(RULES)
    assert_golden("entries_index.json", body)
    # The same analysis as the listings', so an RFQ's words fold as a product's do.
    assert body["settings"]["analysis"] == index_body(RULES)["settings"]["analysis"]


ENTRY_QUERIES = {
    # Marked text with every filter: kind, still open today, category path, province, quantity.
    "entries_search_filters.json": lambda: EntryQuery(
        kind="rfq", text="cà phê nhân", category="food", province="66", quantity_min=10
    ).clean(),
    # Folded text: the title (as `name`, ten times) or the body; no English name in entries.
    "entries_search_plain.json": lambda: EntryQuery(kind="rfq", text="ca phe", page=2, page_size=50).clean(),
    # No text: only the filters, newest first.
    "entries_search_browse.json": lambda: EntryQuery(kind="rfq", page_size=500).clean(),
    # The cooperatives a search's words name (catalog/search/cooperatives.py): the listings' terms,
    # their English stems among the phrases, in the province searched, the best three.
    "entries_search_cooperatives.json": lambda: _cooperatives_query(
        with_stems(text_terms("mật ong dried")), province_code="08"
    ),
    # The cooperatives suggested as the name is typed: the last word as a prefix.
    "entries_suggest_cooperatives.json": lambda: _cooperatives_query(
        text_terms("htx mat o", prefix_last=True)
    ),
}


def _cooperatives_query(terms: tuple[Term, ...], province_code: str | None = None) -> EntryQuery:
    query = EntryQuery(kind="cooperative", page_size=3, count=False).clean()
    query.terms, query.province_code = terms, province_code
    return query


@pytest.mark.parametrize("name", ENTRY_QUERIES)
def test_entry_search_request_bodies(name):
    assert_golden(name, entry_search_body(ENTRY_QUERIES[name](), TODAY))


def test_an_entry_past_its_date_is_filtered_out_on_the_day():
    filters = entry_search_body(EntryQuery(kind="rfq").clean(), TODAY)["query"]["bool"]["filter"]
    (still_valid,) = [f for f in filters if "bool" in f]
    assert {"range": {"valid_until": {"gte": "2026-11-23"}}} in still_valid["bool"]["should"]
