"""The Elasticsearch 9 engine, for catalogues larger than the database engine serves well.

Selected with SEARCH_ENGINE=elasticsearch and ELASTICSEARCH_URL. It answers the
same cleaned queries as the database engine (synonyms and typo corrections are
already in the terms, see catalog/search/__init__.py) and keeps the same rules:
  - Our own analysis, no plugin: a char filter maps đ/Đ to d, asciifolding removes
    every other tone and vowel mark, lowercase; `.marked` subfields keep the marks
    so a word typed with marks ranks its exact spelling first; an edge n-gram
    subfield serves autocomplete; a synonym_graph filter (from SearchSynonym, written
    into the index at each rebuild) is used at search time for words typed without marks.
  - Words of four letters or more tolerate one edit (fuzziness AUTO:4,100).
  - Words side by side (match_phrase) and valid OCOP stars and stock (function_score)
    raise the score; stars count only while issued_on <= today <= expires_on,
    checked at query time, so an expiring certificate needs no reindex.
  - Facets are aggregations, each filtered by every other active facet filter,
    with the facet filters themselves in post_filter.
  - The index is versioned (<alias>-v<timestamp>) behind an alias: a rebuild fills a new
    index with the bulk helper and swaps the alias in one atomic action, then deletes
    the old index, so searches never see a half-built index.
  - Entries of other kinds (catalog/search/entries.py: marketplace's RFQs) live in a second
    index behind `<alias>-entries`, with the same analysis, matched by the same text query
    and rebuilt the same way.

Every client error is raised as SearchEngineError; the service then answers from the
database engine, which is always kept up to date, and logs the error.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from catalog.models import SearchDocument, SearchEntry, SearchSynonym

from .database import DatabaseEngine
from .engine import SearchEngineError
from .query import (
    MAX_ENTRY_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    TYPO_MIN_LENGTH,
    Counted,
    EntryHit,
    EntryQuery,
    Hit,
    SearchQuery,
    Suggestion,
    Term,
    english_stems,
    folded_text,
)

logger = logging.getLogger(__name__)

BULK_CHUNK = 1000
# One shard: a catalogue of a few hundred thousand listings fits one easily, and scores
# (IDF) are then the same for every document.
SHARDS = 1
FACET_SIZE = {"category": 500, "province": 100, "ocop_stars": 10}
# One edit from TYPO_MIN_LENGTH letters on, none below (AUTO:low,high gives 2 edits from `high`).
FUZZINESS = f"AUTO:{TYPO_MIN_LENGTH},100"
NAME_BOOST = 10
MARKED_BOOST = 3
PHRASE_BOOST = 3

_ERRORS = (ApiError, TransportError, BulkIndexError)
# The listings' name fields; an entry has only its title, mapped as `name`.
NAMES = ("name", "name_en")
ENTRY_NAMES = ("name",)
# Where a listing's words are matched: its names, the stems of its English name, and the body.
WORD_NAMES = (*NAMES, "name_stems")


def _folding_char_filter() -> dict:
    # asciifolding already maps đ, but nothing is lost by saying so where a reader looks for it.
    return {"type": "mapping", "mappings": ["đ => d", "Đ => D"]}


def index_body(synonym_rules: list[str]) -> dict:
    """Settings and mappings of a new index; `synonym_rules` are folded, e.g. "ca phe, cafe, coffee"."""
    folded = {
        "type": "custom",
        "char_filter": ["catalog_d_stroke"],
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    return {
        "settings": {
            "index": {
                "number_of_shards": SHARDS,
                "max_result_window": MAX_PAGE * MAX_PAGE_SIZE,
            },
            "analysis": {
                "char_filter": {"catalog_d_stroke": _folding_char_filter()},
                "filter": {
                    "catalog_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
                    **(
                        {
                            "catalog_synonyms": {
                                "type": "synonym_graph",
                                "synonyms": synonym_rules,
                                "lenient": True,
                            }
                        }
                        if synonym_rules
                        else {}
                    ),
                },
                "normalizer": {
                    "catalog_folded_keyword": {
                        "type": "custom",
                        "char_filter": ["catalog_d_stroke"],
                        "filter": ["lowercase", "asciifolding"],
                    }
                },
                "analyzer": {
                    "catalog_folded": folded,
                    # Without rules, an empty synonym filter is left out rather than risked.
                    "catalog_folded_synonyms": {
                        **folded,
                        "filter": [
                            "lowercase",
                            "asciifolding",
                            *(["catalog_synonyms"] if synonym_rules else []),
                        ],
                    },
                    "catalog_marked": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
                    "catalog_autocomplete": {
                        **folded,
                        "filter": ["lowercase", "asciifolding", "catalog_edge_ngram"],
                    },
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "product_id": {"type": "long"},
                "sku": {"type": "keyword"},
                "name": {
                    "type": "text",
                    "analyzer": "catalog_folded",
                    "fields": {
                        "marked": {"type": "text", "analyzer": "catalog_marked"},
                        "autocomplete": {
                            "type": "text",
                            "analyzer": "catalog_autocomplete",
                            "search_analyzer": "catalog_folded",
                        },
                        "keyword": {"type": "keyword", "normalizer": "catalog_folded_keyword"},
                    },
                },
                "name_en": {
                    "type": "text",
                    "analyzer": "catalog_folded",
                    "fields": {"marked": {"type": "text", "analyzer": "catalog_marked"}},
                },
                # The stems of the English name's words (catalog/search/english.py), weighed as a
                # name; the body's stems are among its words, as in the database engine.
                "name_stems": {"type": "text", "analyzer": "catalog_folded"},
                "name_length": {"type": "integer"},
                # SKU, cooperative, category, province and descriptions: the folded words, and apart
                # the words with marks, as the database engine indexes them.
                "body": {"type": "text", "analyzer": "catalog_folded"},
                "body_marked": {"type": "text", "analyzer": "catalog_marked"},
                "description": {"type": "text", "index": False},
                "url": {"type": "keyword", "index": False, "doc_values": False},
                "unit": {"type": "keyword", "index": False, "doc_values": False},
                "cooperative_tax_code": {"type": "keyword"},
                "cooperative_name": {"type": "keyword", "index": False, "doc_values": False},
                "cooperative_kind": {"type": "keyword"},
                "certifications": {"type": "keyword"},
                "category": {"type": "keyword"},
                # The category and its group, so filtering or counting "food" takes in its subcategories.
                "category_path": {"type": "keyword"},
                "province_code": {"type": "keyword"},
                "province_name": {"type": "keyword", "index": False, "doc_values": False},
                "price_vnd": {"type": "long"},
                "ocop_stars": {"type": "integer"},
                "ocop_issued_on": {"type": "date", "format": "strict_date"},
                "ocop_expires_on": {"type": "date", "format": "strict_date"},
                "in_stock": {"type": "boolean"},
                "published_at": {"type": "date"},
            },
        },
    }


def synonym_rules() -> list[str]:
    """The admin's synonym groups, folded as the analyzer folds them: "cà phê, cafe" → "ca phe, cafe"."""
    rules = []
    for synonym in SearchSynonym.objects.order_by("terms"):
        terms = list(dict.fromkeys(t for t in (folded_text(term) for term in synonym.term_list()) if t))
        if len(terms) > 1:
            rules.append(", ".join(terms))
    return rules


def source(document: SearchDocument) -> dict:
    """The JSON of one listing; the body words are those the database engine indexes too."""
    name = document.name
    return {
        "product_id": document.product_id,
        "sku": document.sku,
        "name": name,
        "name_en": document.name_en,
        "name_stems": english_stems(document.name_en),
        "name_length": len(name),
        "body": document.body_folded,
        "body_marked": document.body_marked,
        "description": document.description,
        "url": document.url,
        "unit": document.unit,
        "cooperative_tax_code": document.cooperative_tax_code,
        "cooperative_name": document.cooperative_name,
        "cooperative_kind": document.cooperative_kind,
        "certifications": document.certifications.split(),
        "category": document.category,
        "category_path": list(dict.fromkeys([document.category_group, document.category])),
        "province_code": document.province_code,
        "province_name": document.province_name,
        "price_vnd": document.price_vnd,
        "ocop_stars": document.ocop_stars,
        "ocop_issued_on": _date(document.ocop_issued_on),
        "ocop_expires_on": _date(document.ocop_expires_on),
        "in_stock": document.in_stock,
        "published_at": document.published_at.isoformat() if document.published_at else None,
    }


def entries_index_body(synonym_rules: list[str]) -> dict:
    """Settings and mappings of the entries' index: the listings' analysis, the entries' fields."""
    settings_ = index_body(synonym_rules)["settings"]
    settings_["index"] = {**settings_["index"], "max_result_window": MAX_PAGE * MAX_ENTRY_PAGE_SIZE}
    return {
        "settings": settings_,
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "kind": {"type": "keyword"},
                "key": {"type": "long"},
                # The title, analysed as a listing's name (ten times the rest).
                "name": {
                    "type": "text",
                    "analyzer": "catalog_folded",
                    "fields": {"marked": {"type": "text", "analyzer": "catalog_marked"}},
                },
                "body": {"type": "text", "analyzer": "catalog_folded"},
                "body_marked": {"type": "text", "analyzer": "catalog_marked"},
                "category": {"type": "keyword"},
                "category_path": {"type": "keyword"},
                "province_code": {"type": "keyword"},
                "quantity": {"type": "long"},
                "valid_until": {"type": "date", "format": "strict_date"},
                "published_at": {"type": "date"},
                "url": {"type": "keyword", "index": False, "doc_values": False},
            },
        },
    }


def entry_source(entry: SearchEntry) -> dict:
    """The JSON of one entry; its words are those the database engine indexes."""
    return {
        "kind": entry.kind,
        "key": entry.key,
        "name": entry.title,
        "body": entry.body_folded,
        "body_marked": entry.body_marked,
        "category": entry.category,
        "category_path": [slug for slug in dict.fromkeys([entry.category_group, entry.category]) if slug],
        "province_code": entry.province_code,
        "quantity": entry.quantity,
        "valid_until": _date(entry.valid_until),
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "url": entry.url,
    }


def entry_id(kind: str, key: int) -> str:
    return f"{kind}-{key}"


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


# --- request bodies (pure functions of the query and the day, so they can be compared with files) --


def valid_stars_filter(today: datetime.date) -> dict:
    return {
        "bool": {
            "filter": [
                {"exists": {"field": "ocop_stars"}},
                {"range": {"ocop_issued_on": {"lte": today.isoformat()}}},
                {"range": {"ocop_expires_on": {"gte": today.isoformat()}}},
            ]
        }
    }


def _facet_filters(query: SearchQuery, today: datetime.date) -> dict[str, dict]:
    """The active facet filters, by facet."""
    filters = {}
    if query.category:
        filters["category"] = {"term": {"category_path": query.category}}
    if query.province_code:
        filters["province"] = {"term": {"province_code": query.province_code}}
    if query.stars_min is not None:
        stars = valid_stars_filter(today)
        filters["ocop_stars"] = {
            "bool": {
                "filter": [*stars["bool"]["filter"], {"range": {"ocop_stars": {"gte": query.stars_min}}}]
            }
        }
    return filters


def _other_filters(query: SearchQuery) -> list[dict]:
    filters: list[dict] = []
    if query.certification:
        filters.append({"term": {"certifications": query.certification}})
    prices = {
        op: value for op, value in (("gte", query.price_min), ("lte", query.price_max)) if value is not None
    }
    if prices:
        filters.append({"range": {"price_vnd": prices}})
    if query.kind:
        filters.append({"term": {"cooperative_kind": query.kind}})
    if query.in_stock:
        filters.append({"term": {"in_stock": True}})
    return filters


def _word_query(
    word: str, *, marked_term: bool, prefix: bool, names: tuple[str, ...] = NAMES, fuzzy: bool = True
) -> dict:
    """One folded word in the name (ten times), the English name (ten times) or the body;
    `fuzzy`: with one edit from four letters (listings; entries are matched as the database
    engine matches them, without typo corrections)."""
    fields = [*(f"{name}^{NAME_BOOST}" for name in names), "body"]
    if prefix:
        return {"multi_match": {"query": word, "type": "phrase_prefix", "fields": fields}}
    return {
        "multi_match": {
            "query": word,
            "type": "best_fields",
            "fields": fields,
            **({"fuzziness": FUZZINESS} if fuzzy else {}),
            # A word typed with marks is only its own word: "chế" must not become the "chè" of chè = trà.
            "analyzer": "catalog_folded" if marked_term else "catalog_folded_synonyms",
        }
    }


def _term_query(term: Term, names: tuple[str, ...] = WORD_NAMES, fuzzy: bool = True) -> dict:
    """A term matches when every word of one of its phrases (itself, a synonym, a correction) does."""
    phrases = []
    for phrase in term.phrases:
        words = [
            _word_query(
                word,
                marked_term=bool(term.marked),
                prefix=term.prefix and phrase is term.folded and position == len(phrase) - 1,
                names=names,
                fuzzy=fuzzy,
            )
            for position, word in enumerate(phrase)
        ]
        phrases.append(words[0] if len(words) == 1 else {"bool": {"must": words}})
    return phrases[0] if len(phrases) == 1 else {"bool": {"should": phrases, "minimum_should_match": 1}}


def _text_query(
    terms: tuple[Term, ...], names: tuple[str, ...] = NAMES, *, fuzzy: bool = True
) -> tuple[list[dict], list[dict]]:
    """(must, should): every term must match; marked words as typed and adjacent words score more.

    A listing's words are also matched in the stems of its English name (a term typed without
    marks carries its stem among its phrases, catalog/search/query.py: with_stems)."""
    word_names = WORD_NAMES if names == NAMES else names
    must = [_term_query(term, word_names, fuzzy) for term in terms]
    should = []
    marked = [word for term in terms if not term.prefix for word in term.marked]
    if marked:
        should.append(
            {
                "multi_match": {
                    "query": " ".join(marked),
                    "type": "cross_fields",
                    "fields": [*(f"{name}.marked^{NAME_BOOST}" for name in names), "body_marked"],
                    "operator": "and",
                    "boost": MARKED_BOOST,
                }
            }
        )
    if len(terms) > 1:
        # The words as typed, each typo replaced by its likeliest correction.
        words = [
            word
            for term in terms
            for word in (term.alternatives[0] if term.alternatives and term.corrected else term.folded)
        ]
        should.append(
            {
                "multi_match": {
                    "query": " ".join(words),
                    "type": "phrase_prefix" if terms[-1].prefix else "phrase",
                    "fields": [*(f"{name}^{NAME_BOOST}" for name in names), "body"],
                    "analyzer": "catalog_folded",
                    "boost": PHRASE_BOOST,
                }
            }
        )
    return must, should


def _valid_stars_script(today: datetime.date) -> dict:
    midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
    return {
        "lang": "painless",
        "params": {"today": int(midnight.timestamp() * 1000)},
        "source": (
            "if (doc['ocop_stars'].size() == 0 || doc['ocop_issued_on'].size() == 0"
            " || doc['ocop_expires_on'].size() == 0) { return 0.0; }"
            " long issued = doc['ocop_issued_on'].value.toInstant().toEpochMilli();"
            " long expires = doc['ocop_expires_on'].value.toInstant().toEpochMilli();"
            " return issued <= params.today && expires >= params.today ? (double) doc['ocop_stars'].value : 0.0;"
        ),
    }


def _sort(name: str, today: datetime.date) -> list:
    stars = {"_script": {"type": "number", "order": "desc", "script": _valid_stars_script(today)}}
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    last = {"product_id": {"order": "desc"}}
    score = {"_score": {"order": "desc"}}
    return {
        "relevance": [score, stars, newest, last],
        "price_asc": [{"price_vnd": {"order": "asc"}}, score, last],
        "price_desc": [{"price_vnd": {"order": "desc"}}, score, last],
        "newest": [newest, score, last],
        "stars": [stars, score, newest, last],
    }[name]


def search_body(query: SearchQuery, today: datetime.date) -> dict:
    """The _search request for a cleaned query."""
    filters = _other_filters(query)
    if query.terms:
        must, should = _text_query(query.terms)
        matched = {"bool": {"must": must, "should": should, **({"filter": filters} if filters else {})}}
        main: dict = {
            "function_score": {
                "query": matched,
                # score × (1 + 0.02 × valid stars + 0.05 if in stock), as in the database engine.
                "functions": [
                    {"weight": 1},
                    {
                        "filter": valid_stars_filter(today),
                        "field_value_factor": {"field": "ocop_stars", "factor": 0.02, "missing": 0},
                    },
                    {"filter": {"term": {"in_stock": True}}, "weight": 0.05},
                ],
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        }
    else:
        main = {"bool": {"filter": filters}} if filters else {"match_all": {}}
    facet_filters = _facet_filters(query, today)
    body: dict = {
        "query": main,
        "from": query.offset,
        "size": query.page_size,
        "sort": _sort(query.sort, today),
        "track_total_hits": True,
        "_source": [
            "product_id",
            "sku",
            "name",
            "name_en",
            "url",
            "category",
            "price_vnd",
            "unit",
            "ocop_stars",
            "ocop_issued_on",
            "ocop_expires_on",
            "in_stock",
            "cooperative_tax_code",
            "cooperative_name",
            "province_code",
            "province_name",
            "description",
        ],
    }
    if facet_filters:
        body["post_filter"] = _all_of(list(facet_filters.values()))
    aggregations = {}
    for name in query.facets:
        others = [f for other, f in facet_filters.items() if other != name]
        if name == "ocop_stars":
            others.append(valid_stars_filter(today))
        field = {"category": "category_path", "province": "province_code", "ocop_stars": "ocop_stars"}[name]
        aggregations[name] = {
            "filter": _all_of(others),
            "aggs": {"values": {"terms": {"field": field, "size": FACET_SIZE[name]}}},
        }
    if aggregations:
        body["aggs"] = aggregations
    return body


def _all_of(filters: list[dict]) -> dict:
    if not filters:
        return {"match_all": {}}
    return filters[0] if len(filters) == 1 else {"bool": {"filter": filters}}


def entry_search_body(query: EntryQuery, today: datetime.date) -> dict:
    """The _search request for a cleaned entry query: its kind, still valid today, its filters;
    best match first (the listings' text query on the title and body), then newest."""
    filters: list[dict] = [
        {"term": {"kind": query.kind}},
        {
            "bool": {
                "should": [
                    {"bool": {"must_not": {"exists": {"field": "valid_until"}}}},
                    {"range": {"valid_until": {"gte": today.isoformat()}}},
                ],
                "minimum_should_match": 1,
            }
        },
    ]
    if query.category:
        filters.append({"term": {"category_path": query.category}})
    if query.province_code:
        filters.append({"term": {"province_code": query.province_code}})
    if query.quantity_min is not None:
        filters.append({"range": {"quantity": {"gte": query.quantity_min}}})
    main: dict = {"bool": {"filter": filters}}
    if query.terms:
        must, should = _text_query(query.terms, ENTRY_NAMES, fuzzy=False)
        main["bool"] |= {"must": must, "should": should}
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    return {
        "query": main,
        "from": query.offset,
        "size": query.page_size,
        "sort": [{"_score": {"order": "desc"}}, newest, {"key": {"order": "desc"}}],
        "track_total_hits": query.count,
        "_source": ["kind", "key", "name", "url", "province_code"],
    }


def suggest_body(terms: tuple[Term, ...], limit: int) -> dict:
    """Names holding every word, the last one as a prefix; names beginning as typed first, then
    shorter names."""
    must = []
    for term in terms:
        phrases = []
        for phrase in term.phrases:
            words = []
            for position, word in enumerate(phrase):
                prefix = term.prefix and phrase is term.folded and position == len(phrase) - 1
                field = "name.autocomplete" if prefix else "name"
                words.append({"match": {field: {"query": word, "analyzer": "catalog_folded"}}})
            phrases.append(words[0] if len(words) == 1 else {"bool": {"must": words}})
        must.append(
            phrases[0] if len(phrases) == 1 else {"bool": {"should": phrases, "minimum_should_match": 1}}
        )
    typed = " ".join(word for term in terms for word in term.folded)
    return {
        "query": {
            "bool": {
                "filter": must,
                "should": [{"constant_score": {"filter": {"prefix": {"name.keyword": typed}}, "boost": 1}}],
            }
        },
        "sort": [
            {"_score": {"order": "desc"}},
            {"name_length": {"order": "asc"}},
            {"product_id": {"order": "desc"}},
        ],
        "size": limit * 4,
        "_source": ["name", "url"],
    }


# --- the engine ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _client(url: str, timeout: float) -> Elasticsearch:
    # One client (and its connection pool) per URL. No retries: a search that fails is answered
    # at once by the database engine rather than after several timeouts.
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


class ElasticsearchEngine:
    name = "elasticsearch"
    # Its searches read postings and doc values, not rows a page at a time: the ids' order stays.
    writes_side_by_side = False

    def __init__(self, url: str | None = None, alias: str | None = None):
        self.url = url or settings.ELASTICSEARCH_URL
        self.alias = alias or settings.ELASTICSEARCH_INDEX
        self.client = _client(self.url, float(settings.ELASTICSEARCH_TIMEOUT))

    # --- reading --------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> tuple[list[Hit], Counted]:
        """Every count exact: the request tracks the total hits, and one shard counts the facets whole."""
        today = timezone.localdate()
        response = self._call(lambda: self.client.search(index=self.alias, body=search_body(query, today)))
        hits = [_hit(found, today) for found in response["hits"]["hits"]]
        total = response["hits"]["total"]["value"]
        facets = {
            name: {
                str(bucket["key"]): bucket["doc_count"]
                for bucket in response["aggregations"][name]["values"]["buckets"]
            }
            for name in query.facets
        }
        return hits, Counted(total=total, facets=facets)

    def suggest(self, terms: tuple[Term, ...], limit: int) -> list[Suggestion]:
        response = self._call(lambda: self.client.search(index=self.alias, body=suggest_body(terms, limit)))
        suggestions: dict[str, Suggestion] = {}
        for found in response["hits"]["hits"]:
            name = found["_source"]["name"]
            suggestions.setdefault(name.casefold(), Suggestion(text=name, url=found["_source"]["url"]))
        return list(suggestions.values())[:limit]

    def term_counts(self, words: Iterable[str]) -> dict[str, int]:
        """From the database engine's vocabulary, which is always kept up to date."""
        return DatabaseEngine().term_counts(words)

    def count(self) -> int:
        try:
            return self._call(lambda: self.client.count(index=self.alias))["count"]
        except SearchEngineError as error:
            if isinstance(error.__cause__, NotFoundError):
                return 0
            raise

    # --- writing --------------------------------------------------------------------------------

    def index(self, documents: list[SearchDocument], removed_ids: Iterable[int]) -> None:
        """Index and delete through the alias."""
        actions = [
            {"_op_type": "index", "_index": self.alias, "_id": d.product_id, "_source": source(d)}
            for d in documents
        ]
        actions += [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in removed_ids]
        self._write(actions)

    def _write(self, actions: list[dict]) -> None:
        """Send index and delete actions. require_alias: never let a write auto-create an
        index with a guessed mapping when no rebuild has made the alias yet."""
        if not actions:
            return
        failures = []

        def write():
            for ok, item in streaming_bulk(
                self.client,
                actions,
                chunk_size=BULK_CHUNK,
                raise_on_error=False,
                raise_on_exception=True,
                require_alias=True,
                refresh="wait_for",
            ):
                (outcome,) = item.values()
                # Deleting a listing the index never held is not a failure.
                if not ok and not ("delete" in item and outcome.get("status") == 404):
                    failures.append(outcome)

        self._call(write)
        if failures:
            raise SearchEngineError(f"{len(failures)} of {len(actions)} index writes failed: {failures[:3]}")

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None
    ) -> int:
        """Fill a new versioned index, then point the alias at it in one action and delete the old."""
        actions = (
            {"_op_type": "index", "_id": document.product_id, "_source": source(document)}
            for document in documents
        )
        return self._rebuild(self.alias, index_body(synonym_rules()), actions, progress)

    def _rebuild(self, alias: str, body: dict, actions: Iterable[dict], progress) -> int:
        name = f"{alias}-v{timezone.now().strftime('%Y%m%d%H%M%S%f')}"
        # No refreshes and no replicas while filling; the index is not searched until the swap.
        body["settings"]["index"] |= {"refresh_interval": "-1", "number_of_replicas": 0}
        self._call(lambda: self.client.indices.create(index=name, **body))
        try:
            written = self._call(lambda: self._fill(name, actions, progress))
            self._call(
                lambda: self.client.indices.put_settings(
                    index=name,
                    settings={
                        "index": {
                            "refresh_interval": None,
                            "number_of_replicas": settings.ELASTICSEARCH_REPLICAS,
                        }
                    },
                )
            )
            self._call(lambda: self.client.indices.refresh(index=name))
            old = self._aliased(alias)
            swap = [{"add": {"index": name, "alias": alias}}]
            swap += [{"remove": {"index": index, "alias": alias}} for index in old]
            self._call(lambda: self.client.indices.update_aliases(actions=swap))
        except SearchEngineError:
            self._call(lambda: self.client.indices.delete(index=name, ignore_unavailable=True))
            raise
        if old:
            self._call(lambda: self.client.indices.delete(index=",".join(old), ignore_unavailable=True))
        logger.info("Search index %s now behind %s (was %s), %d documents", name, alias, old, written)
        return written

    # --- entries (catalog/search/entries.py) ------------------------------------------------------

    @property
    def entries_alias(self) -> str:
        return f"{self.alias}-entries"

    def search_entries(self, query: EntryQuery) -> tuple[list[EntryHit], int]:
        body = entry_search_body(query, timezone.localdate())
        response = self._call(lambda: self.client.search(index=self.entries_alias, body=body))
        hits = [
            EntryHit(
                kind=found["_source"]["kind"],
                key=found["_source"]["key"],
                title=found["_source"]["name"],
                score=float(found.get("_score") or 0.0),
                url=found["_source"].get("url") or "",
                province_code=found["_source"].get("province_code") or "",
            )
            for found in response["hits"]["hits"]
        ]
        # Without track_total_hits the answer has no total: the hits up to this page stand for it.
        total = response["hits"].get("total", {}).get("value", query.offset + len(hits))
        return hits, total

    def index_entries(self, kind: str, entries: list[SearchEntry], removed_keys: Iterable[int]) -> None:
        alias = self.entries_alias
        actions = [
            {"_op_type": "index", "_index": alias, "_id": entry_id(e.kind, e.key), "_source": entry_source(e)}
            for e in entries
        ]
        actions += [
            {"_op_type": "delete", "_index": alias, "_id": entry_id(kind, key)} for key in removed_keys
        ]
        self._write(actions)

    def rebuild_entries(self, entries: Iterable[SearchEntry]) -> int:
        actions = (
            {"_op_type": "index", "_id": entry_id(e.kind, e.key), "_source": entry_source(e)} for e in entries
        )
        return self._rebuild(self.entries_alias, entries_index_body(synonym_rules()), actions, None)

    def _fill(self, name: str, actions: Iterable[dict], progress) -> int:
        written = pending = 0
        for _ok, _item in streaming_bulk(
            self.client.options(request_timeout=120),
            ({**action, "_index": name} for action in actions),
            chunk_size=BULK_CHUNK,
            raise_on_error=True,
        ):
            written += 1
            pending += 1
            if progress and pending == BULK_CHUNK:
                progress(pending)
                pending = 0
        if progress and pending:
            progress(pending)
        return written

    def _aliased(self, alias: str) -> list[str]:
        """The indices the alias points at now (none before the first rebuild)."""
        try:
            return sorted(self._call(lambda: self.client.indices.get_alias(name=alias)).body)
        except SearchEngineError as error:
            if isinstance(error.__cause__, NotFoundError):
                return []
            raise

    def _call(self, request):
        try:
            return request()
        except _ERRORS as error:
            raise SearchEngineError(f"Elasticsearch at {self.url}: {error}") from error


def _hit(found: dict, today: datetime.date) -> Hit:
    doc = found["_source"]
    issued, expires = doc.get("ocop_issued_on"), doc.get("ocop_expires_on")
    valid = bool(issued and expires and issued <= today.isoformat() <= expires)
    return Hit(
        product_id=doc["product_id"],
        sku=doc["sku"],
        name=doc["name"],
        name_en=doc["name_en"],
        url=doc["url"],
        category=doc["category"],
        price_vnd=doc["price_vnd"],
        unit=doc["unit"],
        ocop_stars=doc.get("ocop_stars") if valid else None,
        in_stock=doc["in_stock"],
        cooperative_tax_code=doc["cooperative_tax_code"],
        cooperative_name=doc["cooperative_name"],
        province_code=doc["province_code"],
        province_name=doc["province_name"],
        description=doc.get("description", ""),
        score=float(found.get("_score") or 0.0),
    )
