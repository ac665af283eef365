"""The catalogue search service: the one way pages, the API and fair matching search listings.

    from catalog import search
    result = search.search(search.SearchQuery(text="nuoc mam", province="8", stars_min=4))
    search.suggest("nuoc m", limit=8)
    search.search_entries(search.EntryQuery(kind="rfq", text="ca phe", province="66"))

The service checks the query, expands synonyms and corrects typing errors, asks
the engine for hits and facet counts, and marks the matched words. Engines only
match, filter, count and sort (docs/search.md). The database engine
(SQLite FTS5 or PostgreSQL full-text search) is the default and always kept up
to date, so another engine can fall back on it.

A listing matches through its own words only, never through its cooperative's name;
a search whose words match a cooperative's name offers that cooperative beside the
listings (`SearchResult.cooperatives`) and among the suggestions (kind "cooperative").
English words also match their inflections ("honeys", "dried"): see catalog/search/english.py.

Besides listings, the service finds entries of other kinds through registered sources
(catalog/search/entries.py): the catalogue's own cooperatives, and marketplace's open
public requests for quotation. They are matched with the same folding and ranking,
and filtered by category, province and quantity.

Index updates: `queue_products(ids)` after any write that changes what a listing
shows, `queue_entries(kind, keys)` after one that changes an entry; they run after
the transaction commits, through a django-tasks task.
"""

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import Category, OcopCertificate, Province, SearchSynonym

from . import cooperatives
from .database import DatabaseEngine, in_sample
from .documents import documents_for, public_product_ids
from .engine import SearchEngine, SearchEngineError
from .english import stem
from .entries import EntrySource, all_entries, entries_for, entry, register_source
from .highlight import highlight, snippet
from .query import (
    FACETS,
    SORTS,
    TYPO_MAX_LENGTH,
    TYPO_MIN_LENGTH,
    CooperativeHit,
    Counted,
    EntryHit,
    EntryQuery,
    EntryResult,
    FacetCount,
    Hit,
    SearchQuery,
    SearchQueryError,
    SearchResult,
    Suggestion,
    Term,
    clean_text,
    folded_text,
    text_terms,
    with_stems,
)

__all__ = [
    "FACETS",
    "SORTS",
    "CooperativeHit",
    "Counted",
    "EntryHit",
    "EntryQuery",
    "EntryResult",
    "EntrySource",
    "FacetCount",
    "Hit",
    "SearchEngine",
    "SearchEngineError",
    "SearchQuery",
    "SearchQueryError",
    "SearchResult",
    "Suggestion",
    "engine",
    "entry",
    "index_entries",
    "index_products",
    "queue_entries",
    "queue_products",
    "rebuild",
    "register_source",
    "remove_products",
    "search",
    "search_entries",
    "suggest",
]

# Offer "did you mean" when a query finds fewer listings than this.
FEW_RESULTS = 3
MAX_CORRECTIONS = 3
MAX_SUGGESTIONS = 20
# One letter matches nearly every listing; autocomplete starts at the second.
MIN_SUGGEST_LETTERS = 2
# Cooperatives whose names match, shown beside a search's listings and among its suggestions.
COOPERATIVES_SHOWN = 3
INDEX_BATCH = 1000
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_WORD = re.compile(r"[^\W_]+")

logger = logging.getLogger(__name__)


def engine() -> SearchEngine:
    """The engine configured by SEARCH_ENGINE: "database" (the default) or "elasticsearch"."""
    name = getattr(settings, "SEARCH_ENGINE", "database")
    if name == "database":
        return DatabaseEngine()
    if name == "elasticsearch":
        from .elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine()
    raise ImproperlyConfigured(f"Unknown SEARCH_ENGINE {name!r}.")


def _fallback(chosen: SearchEngine, error: SearchEngineError) -> SearchEngine:
    """The database engine, always up to date, answers when the chosen engine cannot."""
    logger.error("Search engine %s failed, answering from the database: %s", chosen.name, error)
    return DatabaseEngine()


# --- reading -------------------------------------------------------------------------------------


def search(query: SearchQuery) -> SearchResult:
    """Hits, total, facet counts and a suggestion for `query`; raises SearchQueryError on bad input."""
    started = time.perf_counter()
    query = query.clean()
    chosen = engine()
    if query.terms:
        query.terms = with_stems(_with_corrections(_with_synonyms(query.terms), chosen))
    try:
        hits, counted = chosen.search(query)
    except SearchEngineError as error:
        chosen = _fallback(chosen, error)
        hits, counted = chosen.search(query)
    total = counted.total
    if query.page > 1 and query.offset >= total:
        last = max(1, -(-total // query.page_size))
        raise SearchQueryError(
            _("Page %(page)s is past the last page (%(last)s).") % {"page": query.page, "last": last}
        )
    for hit in hits:
        hit.highlight = highlight(hit.name, query.terms)
        hit.snippet = snippet(hit.description, query.terms) if query.terms else ""
    suggestion = _did_you_mean(query.terms) if query.terms and total < FEW_RESULTS else None
    found_cooperatives = (
        _cooperatives(query.terms, chosen, province_code=query.province_code)
        if query.terms and query.page == 1
        else []
    )
    return SearchResult(
        hits=hits,
        total=total,
        page=query.page,
        page_size=query.page_size,
        facets=_labelled(
            counted.facets
            if counted.facets_exact
            else {
                name: {value: _rounded(n) for value, n in counts.items()}
                for name, counts in counted.facets.items()
            }
        ),
        suggestion=suggestion,
        engine=chosen.name,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        cooperatives=found_cooperatives,
        total_exact=counted.total_exact,
        facets_exact=counted.facets_exact,
    )


def _rounded(estimate: int) -> int:
    """An estimated count to two significant digits: 1,984 → 2,000; no estimate is below 1."""
    if estimate < 100:
        return max(1, estimate)
    unit = 10 ** (len(str(estimate)) - 2)
    return round(estimate / unit) * unit


def suggest(text: str, limit: int = 8) -> list[Suggestion]:
    """Listings whose names start as typed ("nuoc m" → Nước mắm …), for autocomplete, then the
    cooperatives whose names do (kind "cooperative", at most COOPERATIVES_SHOWN)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SUGGESTIONS:
        raise SearchQueryError(
            _("The number of suggestions must be between 1 and %(max)s.") % {"max": MAX_SUGGESTIONS}
        )
    terms = text_terms(clean_text(text), prefix_last=True)
    if sum(len(word) for term in terms for word in term.folded) < MIN_SUGGEST_LETTERS:
        return []
    chosen = engine()
    try:
        products = chosen.suggest(terms, limit)
    except SearchEngineError as error:
        chosen = _fallback(chosen, error)
        products = chosen.suggest(terms, limit)
    found = _cooperatives(terms, chosen, limit=min(limit, COOPERATIVES_SHOWN))
    return products[: limit - len(found)] + [
        Suggestion(text=cooperative.name, url=cooperative.url, kind=cooperatives.KIND)
        for cooperative in found
    ]


def _cooperatives(
    terms: tuple[Term, ...],
    chosen: SearchEngine,
    *,
    province_code: str | None = None,
    limit: int = COOPERATIVES_SHOWN,
) -> list[CooperativeHit]:
    """The cooperatives whose names hold `terms` (already expanded), best match first, from their
    entries alone (catalog/search/cooperatives.py): one small query, without a count."""
    query = EntryQuery(kind=cooperatives.KIND, page_size=limit, count=False).clean()
    query.terms, query.province_code = terms, province_code
    try:
        found, _total = chosen.search_entries(query)
    except SearchEngineError as error:
        found, _total = _fallback(chosen, error).search_entries(query)
    return cooperatives.hits(found)


def search_entries(query: EntryQuery) -> EntryResult:
    """The entries of one kind matching `query`, best match first; raises SearchQueryError on bad input.

    Synonyms apply as for listings. Typing errors are not corrected: the vocabulary of
    corrections is the listings', and a correction borrowed from it could hide an entry's word.
    """
    started = time.perf_counter()
    query = query.clean()
    if query.terms:
        query.terms = _with_synonyms(query.terms)
    chosen = engine()
    try:
        hits, total = chosen.search_entries(query)
    except SearchEngineError as error:
        chosen = _fallback(chosen, error)
        hits, total = chosen.search_entries(query)
    return EntryResult(
        hits=hits,
        total=total,
        page=query.page,
        page_size=query.page_size,
        engine=chosen.name,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def _labelled(facet_values: dict[str, dict[str, int]]) -> dict[str, list[FacetCount]]:
    language = get_language() or settings.LANGUAGE_CODE
    facets: dict[str, list[FacetCount]] = {}
    if "category" in facet_values:
        counts = facet_values["category"]
        categories = Category.objects.filter(slug__in=counts).select_related("parent")
        facets["category"] = [
            FacetCount(value=c.slug, label=c.label(language), count=counts[c.slug])
            for c in sorted(
                categories, key=lambda c: (c.group.sort_order, c.parent_id is not None, c.sort_order)
            )
        ]
    if "province" in facet_values:
        counts = facet_values["province"]
        facets["province"] = [
            FacetCount(value=p.code, label=p.name, count=counts[p.code])
            for p in Province.objects.filter(code__in=counts).order_by("name")
        ]
    if "ocop_stars" in facet_values:
        counts = facet_values["ocop_stars"]
        facets["ocop_stars"] = [
            FacetCount(value=stars, label=f"{stars}★", count=counts[stars])
            for stars in sorted(counts, reverse=True)
        ]
    return facets


# --- synonyms and typing errors ------------------------------------------------------------------


def _synonym_groups() -> list[tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]:
    """Each group as (folded words, words as written) per term: ((("ca", "phe"), ("cà", "phê")), …)."""
    groups = []
    for synonym in SearchSynonym.objects.all():
        members = {}
        for term in synonym.term_list():
            written = tuple(_WORD.findall(unicodedata.normalize("NFC", term).lower()))
            folded = tuple(folded_text(term).split())
            if folded and len(folded) == len(written):
                members.setdefault(folded, written)
        groups.append(tuple(members.items()))
    return groups


def _same_word(term: Term, written: str) -> bool:
    """A word typed with marks is that word only: "chế" is not the "chè" of chè = trà."""
    return not term.marked or term.marked[0] == written


def _stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(word) for word in words)


def _with_synonyms(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """Join the words that make a synonym ("ca phe") into one term matching every form of it.
    English words are compared by their stems, so "teas" joins the group of "tea"."""
    groups = _synonym_groups()
    if not groups:
        return terms
    expanded: list[Term] = []
    position = 0
    while position < len(terms):
        best: tuple[str, ...] = ()
        for group in groups:
            for folded, written in group:
                window = terms[position : position + len(folded)]
                if (
                    len(folded) > len(best)
                    and len(window) == len(folded)
                    and not any(t.prefix for t in window)
                    and _stems(t.folded[0] for t in window) == _stems(folded)
                    and all(_same_word(t, w) for t, w in zip(window, written, strict=True))
                ):
                    best = folded
        if not best:
            expanded.append(terms[position])
            position += 1
            continue
        window = terms[position : position + len(best)]
        others = {
            folded: None
            for group in groups
            if best in dict(group)
            for folded, _written in group
            if folded != best
        }
        expanded.append(
            Term(
                folded=best,
                marked=tuple(word for t in window for word in t.marked),
                alternatives=tuple(others),
            )
        )
        position += len(best)
    return tuple(expanded)


def _edits(word: str) -> set[str]:
    """Every word one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _ALPHABET}
    return (deletes | transposes | replaces | inserts) - {word}


def _corrections(words: Iterable[str], chosen) -> dict[str, list[str]]:
    """For each word of TYPO_MIN_LENGTH+ letters that no listing holds, nor its English stem, the
    held words one edit away, most common first.

    The vocabulary holds the stems of English words too ("coffe" of "coffee"); a correction that
    is only another correction's stem is left out, so "cofee" offers "coffee", not "coffe"."""
    candidates = {w for w in words if TYPO_MIN_LENGTH <= len(w) <= TYPO_MAX_LENGTH}
    if not candidates:
        return {}
    held = chosen.term_counts(candidates | set(_stems(candidates)))
    unknown = {word for word in candidates if word not in held and stem(word) not in held}
    edits = {word: _edits(word) for word in unknown}
    counts = chosen.term_counts(set().union(*edits.values())) if edits else {}
    corrections = {}
    for word, variants in edits.items():
        found = {e for e in variants if e in counts}
        words_themselves = found - {stem(e) for e in found if stem(e) != e}
        corrections[word] = sorted(words_themselves, key=lambda e: (-counts[e], e))[:MAX_CORRECTIONS]
    return corrections


def _with_corrections(terms: tuple[Term, ...], chosen) -> tuple[Term, ...]:
    single = [t.folded[0] for t in terms if len(t.folded) == 1 and not t.alternatives and not t.prefix]
    corrections = _corrections(single, chosen)
    return tuple(
        replace(t, alternatives=tuple((c,) for c in corrections[t.folded[0]]), corrected=True)
        if len(t.folded) == 1 and corrections.get(t.folded[0]) and not t.alternatives and not t.prefix
        else t
        for t in terms
    )


def _did_you_mean(terms: tuple[Term, ...]) -> str | None:
    """The query with each corrected word replaced by its likeliest correction, if any was."""
    if not any(t.corrected for t in terms):
        return None
    words = [" ".join(t.alternatives[0] if t.corrected else t.folded) for t in terms]
    return " ".join(words)


# --- writing -------------------------------------------------------------------------------------


def _writers() -> list[SearchEngine]:
    """The engines to keep up to date: the database engine always (the fallback), and the chosen one."""
    chosen = engine()
    return [chosen] if chosen.name == DatabaseEngine.name else [DatabaseEngine(), chosen]


def index_products(product_ids: Iterable[int]) -> int:
    """Bring the index up to date for these products: (re)index the published, drop the rest.

    Returns the number of documents written.
    """
    ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(ids), INDEX_BATCH):
        chunk = ids[start : start + INDEX_BATCH]
        documents = list(documents_for(chunk))
        removed = set(chunk) - {d.product_id for d in documents}
        for writer in _writers():
            _write(writer, documents, removed)
        written += len(documents)
    return written


def remove_products(product_ids: Iterable[int]) -> None:
    """Drop these products from the index whether or not they are still published."""
    ids = list(product_ids)
    for writer in _writers():
        _write(writer, [], ids)


def _write(writer: SearchEngine, documents, removed) -> None:
    """A write the other engine cannot take is logged, never raised: the save that asked for it
    stands, the database engine is up to date, and the next rebuild repairs the other index."""
    try:
        writer.index(documents, removed)
    except SearchEngineError:
        logger.exception("Search engine %s could not index %d listings", writer.name, len(documents))


def index_entries(kind: str, keys: Iterable[int]) -> int:
    """Bring the index up to date for these entries of `kind`: (re)index those its source still
    offers, drop the rest. Returns the number of entries written."""
    keys = sorted({int(key) for key in keys})
    written = 0
    for start in range(0, len(keys), INDEX_BATCH):
        chunk = keys[start : start + INDEX_BATCH]
        entries = entries_for(kind, chunk)
        removed = set(chunk) - {e.key for e in entries}
        for writer in _writers():
            try:
                writer.index_entries(kind, entries, removed)
            except SearchEngineError:
                logger.exception(
                    "Search engine %s could not index %d %s entries", writer.name, len(entries), kind
                )
        written += len(entries)
    return written


def rebuild(progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Rebuild the index from the published listings and every registered source of entries;
    `progress(n)` is told of every n listings written.

    Returns {"published": listings found, "indexed": documents written, "entries": entries written}.
    """
    ids = public_product_ids(side_by_side=True)
    indexed = entries = 0
    for writer in _writers():
        indexed = writer.rebuild(
            documents_for(_written_order(ids, side_by_side=writer.writes_side_by_side)),
            progress=progress if writer.name == engine().name else None,
        )
        entries = writer.rebuild_entries(all_entries())
    return {"published": len(ids), "indexed": indexed, "entries": entries}


def _written_order(ids: list[int], *, side_by_side: bool = True) -> list[int]:
    """The order a rebuild writes listings in: the counting sample's first, then those with valid
    OCOP stars, then the rest; within each, with `side_by_side`, in the order of `ids` (listing
    beside listing of the same category group, category, province and name, as
    public_product_ids(side_by_side=True) gives them), otherwise by id.

    On PostgreSQL rows written together sit together in the table's pages, and a search reads
    whole pages. Spread evenly over the ids, the sample's rows would fill one page in seven; a
    sort by stars would read pages everywhere. And the listings a word finds are mostly of a few
    categories and names: at a million listings the 34,320 that hold "ruou" lay on 17,176 pages
    in the order they were created (a cooperative's products one after another, each of its few
    kinds in turn), and lie on 4,624 side by side. The order changes nothing else."""
    today = timezone.localdate()
    starred = set(
        OcopCertificate.objects.filter(issued_on__lte=today, expires_on__gte=today).values_list(
            "product_id", flat=True
        )
    )
    # Stable: each part keeps the order of the ids.
    return sorted(
        ids if side_by_side else sorted(ids),
        key=lambda product_id: (not in_sample(product_id), product_id not in starred),
    )


def queue_products(product_ids: Iterable[int]) -> None:
    """Reindex these products after the current transaction commits (at once outside one).

    Ids queued during one transaction go out as a single task; a failure to queue is
    logged and never breaks the write that asked for it.
    """
    from .tasks import queue

    queue(product_ids)


def queue_entries(kind: str, keys: Iterable[int]) -> None:
    """Reindex these entries of `kind` after the current transaction commits, as `queue_products`."""
    from .tasks import queue_entries as queue

    queue(kind, keys)
