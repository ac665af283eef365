"""The database engine: SearchDocument rows, matched by SQLite FTS5 or PostgreSQL full-text search.

Filters, facets and sorting are plain SQL over the document table and the same
on both databases; only the text match differs, and lives in the two small
dialect classes at the end. Every value reaches the database as a parameter;
the match expressions are built from folded words, which are ASCII letters and
digits only, and marked words, which are letters only (see query.Term).
"""

import contextlib
import datetime
import itertools
import math
import queue
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db import DatabaseError, connections, models, transaction
from django.utils import timezone

from catalog.models import SearchDocument, SearchEntry, SearchTerm

from . import tables
from .query import FACETS, Counted, EntryHit, EntryQuery, Hit, SearchQuery, Suggestion, Term

INSERT_BATCH = 1000
MAX_TERM_LENGTH = 40
# Past this many matching listings a text search ranks by where its words are (name or
# elsewhere) instead of by BM25/ts_rank. Words that common carry almost no weight in BM25
# (its IDF falls to nothing once a word is in half the listings), and ranking every match
# was most of the time of such a search.
RANKED_MATCHES = 20_000
# On PostgreSQL, past this many matching listings (or the page's last one, if further) a text
# search ranks only this many candidates (PostgresText.candidates).
RANK_CANDIDATES = 200
# Autocomplete picks the shortest names among at most this many of each kind (see suggest).
SUGGEST_CANDIDATES = 200
# PostgreSQL: autocomplete first looks for names holding the words among this many newest listings
# (PostgresText.shortest_names).
SUGGEST_WALK_ROWS = 2_000
# … and when fewer held them, walks as far as they show the last one to be, up to this many.
SUGGEST_WALK_MOST_ROWS = 12_000
# A last word typed this short, or shorter, is checked on the names the others find (PostgresText.within_names).
SHORT_PREFIX = 2
# PostgreSQL: a sorted read of candidates first walks this many listings a candidate in its order
# (PostgresText._walk): enough when one listing in ten qualifies.
WALK_ROWS_PER_CANDIDATE = 10
# … and when fewer qualified along it, walks as far as they show the n-th to be, up to this many
# listings a candidate (12,000 for 200 candidates: about 10 ms at a million listings).
WALK_MOST_ROWS_PER_CANDIDATE = 60
# Past this many matching listings, the facet counts read the whole narrow index once
# rather than look each listing up in it.
SCAN_MATCHES = 5_000
# The counting sample (see DatabaseEngine._counts): one listing in 2**SAMPLE_BITS, those whose id
# times SAMPLE_MULTIPLIER (2**32 / the golden ratio) has its top SAMPLE_BITS bits (of 32) zero.
# This Fibonacci hashing spreads consecutive ids evenly, so a cooperative's products, created
# one after another, are sampled alike whatever their order. PostgreSQL indexes exactly this
# expression in partial indexes (migration 0009), and SQLite computes it from the id in its
# covering indexes; the same in Python: in_sample().
SAMPLE_BITS = 6
SAMPLE_BUCKETS = 2**SAMPLE_BITS
SAMPLE_MULTIPLIER = 2654435761
# PostgreSQL: the memory a search's bitmaps may take (PostgresText.from_indexes). A bitmap larger than
# work_mem (4 MB by default) keeps whole pages instead of rows, and each row of those pages is then
# read and checked again: "mật ong" by price under 88,000 đồng intersected the word's 93,155
# listings with the range's 302,930 and read 8,327 pages of the table to keep 439 listings (74 ms);
# with room for both bitmaps, 383 pages (36 ms). A bitmap of every row of a million listings
# takes about 9 MB.
BITMAP_MEMORY = "16MB"
# The price column as written in a search's conditions, which its index serves.
PRICE = "d.price_vnd"
# PostgreSQL: past this many listings in a narrowed search's price range (as the planner estimates
# them), whether to read the range from its index is weighed (_price_read).
PRICE_BITMAP_MOST = 50_000
# … weighing a listing read from the table as this many entries of the range's bitmap: at a million
# listings, with the pages in memory, one listing read took as long as 6 to 20 entries, as the
# listings read were together in the table or spread over it.
BITMAP_ENTRIES_A_ROW = 10
# How many sampled listings settle that a match is past the counting limit (see _counts).
SAMPLE_CERTAIN = 32
# (%% is the SQL modulo operator: the statements that hold it always go with their parameters.)
SAMPLE = f"((d.product_id * {SAMPLE_MULTIPLIER}) %% 4294967296) / {2 ** (32 - SAMPLE_BITS)} = 0"


class DatabaseEngine:
    name = "database"

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        return connections[self.using]

    @property
    def dialect(self) -> "SqliteText | PostgresText":
        return self._dialect()

    @property
    def writes_side_by_side(self) -> bool:
        return self.dialect.writes_side_by_side

    def _dialect(self, *, entries: bool = False) -> "SqliteText | PostgresText":
        vendor = self.connection.vendor
        if vendor == "sqlite":
            return SqliteText(entries=entries)
        if vendor == "postgresql":
            return PostgresText(entries=entries)
        raise NotImplementedError(f"The database search engine does not support {vendor}.")

    # --- reading --------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> tuple[list[Hit], Counted]:
        """The page of hits, and the total and facet counts (value → count), for a cleaned query."""
        day = timezone.localdate()
        today = self.connection.ops.adapt_datefield_value(day)
        # An ISO date we made, not input: written inline because it recurs in SELECT and ORDER BY.
        stars = (
            f"(CASE WHEN d.ocop_issued_on <= '{day.isoformat()}' "
            f"AND d.ocop_expires_on >= '{day.isoformat()}' THEN d.ocop_stars END)"
        )
        dialect = self.dialect
        matched = dialect.count_matches(self.connection, query.terms) if query.terms else None
        # With words, a category or a province, the listings wanted are few and unevenly spread:
        # read them through indexes and sort them, rather than walk an order hoping to meet them.
        narrowed = bool(query.terms or query.category or query.province_code)
        where, params = self._where(query, today)
        # Ordering every match of a broad word, or the whole catalogue, was most of the time of
        # such a search on PostgreSQL: past a few hundred listings only the best candidates
        # are ranked and ordered (PostgresText.candidates).
        wanted = max(RANK_CANDIDATES, query.offset + query.page_size)
        among = None
        # How many listings a broad price range holds, when a narrowed search might check it on the
        # listings the other indexes find rather than read it from its own (see _price_read).
        price_rows = dialect.price_rows(self.connection, query.price_min, query.price_max) if narrowed else 0
        with dialect.from_indexes(self.connection, narrowed):
            counted, price_read = self._counts(query, today, day, matched, price_rows=price_rows)
            if query.offset >= counted.total:
                return [], counted
            if dialect.ranks_candidates and not (counted.total_exact and counted.total <= wanted):
                # Sorted by price, the candidates are read from the price index itself (its walk, its cutoff).
                price = PRICE if query.sort in ("price_asc", "price_desc") else price_read(wanted)
                every_where, every_params = self._where(query, today, with_text=True, price=price)
                filtered = self._where(query, today, price=price)
                # One opaque expression: as three conditions, the planner multiplied their odds as
                # if independent (all three columns are empty together) and expected 0.5% of what it got.
                valid = (
                    f"(CASE WHEN d.ocop_issued_on <= '{day.isoformat()}' "
                    f"AND d.ocop_expires_on >= '{day.isoformat()}' THEN TRUE ELSE FALSE END)"
                )
                among = dialect.candidates(
                    self.connection,
                    query.terms,
                    (every_where, every_params),
                    filtered,
                    query.sort,
                    valid,
                    wanted,
                    narrowed=narrowed,
                    starred_only=query.stars_min is not None,
                )
        if query.terms:
            ranked = matched is None or matched <= RANKED_MATCHES
            matches, match_params = dialect.scored_matches(query.terms, ranked=ranked, among=among)
            documents = dialect.documents(joined=True)
            source = f"{documents} JOIN ({matches}) m ON m.product_id = d.product_id"
            params = match_params + params
            score = f"m.score * (1 + 0.02 * COALESCE({stars}, 0) + 0.05 * (CASE WHEN d.in_stock THEN 1 ELSE 0 END))"
        else:
            source, score = dialect.documents(), "0.0"
            if among is not None:
                where = f"{where} AND d.product_id = ANY(%s)"
                params = [*params, among]
        order = {
            "relevance": f"score DESC, COALESCE({stars}, 0) DESC, d.published_at DESC",
            "price_asc": "d.price_vnd ASC, score DESC",
            "price_desc": "d.price_vnd DESC, score DESC",
            "newest": "d.published_at DESC, score DESC",
            "stars": f"COALESCE({stars}, 0) DESC, score DESC, d.published_at DESC",
        }[query.sort]
        # The page is chosen from the narrow columns (on SQLite, from the covering index when there
        # is no text); only its rows are then read whole, descriptions and all.
        page = (
            f"SELECT d.product_id, {score} AS score FROM {source} WHERE {where} "  # noqa: S608 - fragments are ours; values are parameters
            f"ORDER BY {order}, d.product_id DESC LIMIT %s OFFSET %s"
        )
        sql = (
            f"SELECT d.product_id, d.sku, d.name, d.name_en, d.url, d.category, d.price_vnd, d.unit, "  # noqa: S608 - fragments are ours
            f"{stars} AS stars, d.in_stock, d.cooperative_tax_code, d.cooperative_name, d.province_code, "
            f"d.province_name, d.description, p.score AS score "
            f"FROM ({page}) p JOIN catalog_searchdocument d ON d.product_id = p.product_id "
            f"ORDER BY {order}, d.product_id DESC"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, query.page_size, query.offset])
            rows = cursor.fetchall()
        hits = [
            Hit(
                product_id=row[0],
                sku=row[1],
                name=row[2],
                name_en=row[3],
                url=row[4],
                category=row[5],
                price_vnd=row[6],
                unit=row[7],
                ocop_stars=row[8],
                in_stock=bool(row[9]),
                cooperative_tax_code=row[10],
                cooperative_name=row[11],
                province_code=row[12],
                province_name=row[13],
                description=row[14],
                score=float(row[15] or 0.0),
            )
            for row in rows
        ]
        return hits, counted

    def _counts(
        self, query: SearchQuery, today, day: datetime.date, matched: int | None, *, price_rows: int = 0
    ) -> tuple[Counted, Callable[[int], str]]:
        """The total and the facet counts: exact up to SEARCH_EXACT_COUNT_LIMIT listings,
        estimated past it.

        One grouped query reads the listings that match the text and the filters that are
        not facets, at most the limit and one more: rows are grouped by the raw facet columns,
        and whether each facet's own filter holds is decided here, per group, so a facet can
        count under every other active filter (standard faceted navigation, without one query
        and one text match per facet). When that is all of them, every count is exact.

        Past the limit, counting every match would read every one of them (on PostgreSQL,
        each from the table). The facets are then counted in a fixed sample of the listings
        (SAMPLE: one in SAMPLE_BUCKETS, which PostgreSQL reads through its own small indexes)
        and scaled up, and the total is counted up to the limit: "10.000+".

        The sample is counted first: when it alone shows beyond doubt that the matches are past
        the limit (_plainly_past), nothing more is read. Otherwise the listings are counted up to
        the limit, and below it every count is exact.

        `matched` is how many listings the text matches, when the dialect counted them:
        past a few thousand, reading the whole narrow index beats looking each one up.

        With `price_rows` listings in the price range, past PRICE_BITMAP_MOST, the sample is also
        counted without the range, and each read then takes the range from its index or not,
        whichever reads less (_price_read). Returned with the counts: how the candidates' read of
        n listings (under every filter) should take it.
        """
        limit = exact_count_limit()
        where, params = self._where(query, today, with_text=True, facet_filters=False)
        # The dialect's own count of the text's matches settles it when nothing else narrows them.
        others = (query.certification, query.price_min, query.price_max, query.kind, query.in_stock)
        known_past = matched is not None and matched > limit and all(value is None for value in others)
        sample = None
        # The sample first when it may well settle it alone: without the dialect's own count (PostgreSQL,
        # and any browse), or when that count does. Otherwise (SQLite, with filters that may bring
        # the matches under the limit) the exact count is tried first.
        if matched is None or known_past:
            sample = self._sampled(query, where, params)

        unpriced = None
        if sample is not None and price_rows > PRICE_BITMAP_MOST:
            unpriced = self._sampled(
                query, *self._where(query, today, with_text=True, facet_filters=False, price=None)
            )

        def price_read(n: int, *, facets: bool = True) -> str:
            """How a read of n listings takes the price range: under every filter (`facets`, as the
            sample's tally counts them) or under those that are not facets."""
            if unpriced is None:
                return PRICE
            if facets:
                return _price_read(
                    price_rows, _tally(query, day, sample)[0], _tally(query, day, unpriced)[0], n
                )
            return _price_read(
                price_rows, sum(row[-1] for row in sample), sum(row[-1] for row in unpriced), n
            )

        if unpriced is not None:
            where, params = self._where(
                query, today, with_text=True, facet_filters=False, price=price_read(limit, facets=False)
            )
        if sample is None or not (known_past or _plainly_past(sum(row[-1] for row in sample), limit)):
            joined = matched is not None and matched <= SCAN_MATCHES
            known_below = matched is not None and matched <= limit
            rows = self._grouped(
                self.dialect.documents(joined=joined), where, params, limit=None if known_below else limit
            )
            if sum(row[-1] for row in rows) <= limit:
                total, facets = _tally(query, day, rows)
                return Counted(total=total, facets=facets), price_read
            if sample is None:
                sample = self._sampled(query, where, params)
        sampled, facets = _tally(query, day, sample)
        facets = {
            name: {value: n * SAMPLE_BUCKETS for value, n in counts.items()}
            for name, counts in facets.items()
        }
        active = any(self._facet_filter(query, name, today)[1] for name in FACETS)
        if not active or _plainly_past(sampled, limit):
            return Counted(total=limit, facets=facets, total_exact=False, facets_exact=False), price_read
        total = self._count_up_to(query, today, limit, price=price_read(limit))
        if total <= limit:
            return Counted(total=total, facets=facets, facets_exact=False), price_read
        return Counted(total=limit, facets=facets, total_exact=False, facets_exact=False), price_read

    def _sampled(self, query: SearchQuery, where: str, params: list) -> list[tuple]:
        """_grouped over the counting sample (SAMPLE) only."""
        with self.dialect.reading_sample(self.connection, text=bool(query.terms)):
            return self._grouped(self.dialect.documents(), f"{SAMPLE} AND {where}", params)

    def _grouped(self, documents: str, where: str, params: list, *, limit: int | None = None) -> list[tuple]:
        """(group, category, province, stars, issued, expires, count) of the matching listings,
        grouped in the order of the covering index catalog_search_facets, so a browse without
        text streams that index with no sort; with `limit`, of at most limit + 1 of them."""
        columns = (
            "d.category_group, d.category, d.province_code, d.ocop_stars, d.ocop_issued_on, d.ocop_expires_on"
        )
        if limit is None:
            sql = f"SELECT {columns}, COUNT(*) FROM {documents} WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6"  # noqa: S608 - fragments are ours
        else:
            sql = (
                f"SELECT d.*, COUNT(*) FROM (SELECT {columns} FROM {documents} WHERE {where} LIMIT %s) d "  # noqa: S608
                "GROUP BY 1, 2, 3, 4, 5, 6"
            )
            params = [*params, limit + 1]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _count_up_to(self, query: SearchQuery, today, limit: int, *, price: str = PRICE) -> int:
        """How many listings match every filter, counted up to limit + 1."""
        where, params = self._where(query, today, with_text=True, price=price)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.dialect.documents()} WHERE {where} LIMIT %s) d",  # noqa: S608
                [*params, limit + 1],
            )
            return cursor.fetchone()[0]

    def _facet_filter(self, query: SearchQuery, name: str, today) -> tuple[str, list]:
        """The filter that belongs to a facet, or a condition always true when it is not active."""
        if name == "category" and query.category:
            return "(d.category = %s OR d.category_group = %s)", [query.category, query.category]
        if name == "province" and query.province_code:
            return "d.province_code = %s", [query.province_code]
        if name == "ocop_stars" and query.stars_min is not None:
            return "(d.ocop_stars >= %s AND d.ocop_issued_on <= %s AND d.ocop_expires_on >= %s)", [
                query.stars_min,
                today,
                today,
            ]
        return "1 = 1", []

    def _where(
        self,
        query: SearchQuery,
        today,
        *,
        with_text: bool = False,
        facet_filters: bool = True,
        price: str | None = PRICE,
    ):
        """The conditions of a search, and their parameters; the price range written with `price`
        (PRICE, or a form of it no index serves), or left out if None."""
        conditions, params = ["1 = 1"], []
        # On PostgreSQL a category or province filter is a word of the listings' matched text
        # (migration 0012), so that the text's index answers the words and the filter at once.
        in_text = {}
        if with_text and query.terms and facet_filters:
            values = {"category": query.category, "province": query.province_code}
            in_text = {
                name: word + values[name] for name, word in self.dialect.filter_words.items() if values[name]
            }
        if with_text and query.terms:
            condition, condition_params = (
                self.dialect.match_condition(query.terms, within=tuple(in_text.values()))
                if in_text
                else self.dialect.match_condition(query.terms)
            )
            conditions.append(condition)
            params += condition_params
        if facet_filters:
            for name in FACETS:
                if name in in_text:
                    continue
                condition, condition_params = self._facet_filter(query, name, today)
                conditions.append(condition)
                params += condition_params
        if query.certification:
            conditions.append("d.certifications LIKE %s")
            params.append(f"% {query.certification} %")
        if query.price_min is not None and price is not None:
            conditions.append(f"{price} >= %s")
            params.append(query.price_min)
        if query.price_max is not None and price is not None:
            conditions.append(f"{price} <= %s")
            params.append(query.price_max)
        if query.kind:
            conditions.append("d.cooperative_kind = %s")
            params.append(query.kind)
        if query.in_stock:
            conditions.append("d.in_stock = %s")
            params.append(True)
        return " AND ".join(conditions), params

    def suggest(self, terms: tuple[Term, ...], limit: int) -> list[Suggestion]:
        """Product names whose words start as typed: names that begin with what was typed
        ("nuoc m" → Nước mắm …) first, then shorter names, which are closer to it.

        The two kinds are asked for one after the other, the second only when the first falls
        short. Each is chosen among its first SUGGEST_CANDIDATES listings as the indexes give
        them: a prefix that a hundred thousand names share (most of them the same few names,
        in a scale catalogue) then costs a few hundred rows, not a sort of them all. Up to that
        many, the answer is exactly the shortest names.
        """
        condition, params = self.dialect.match_condition(terms, names_only=True)
        # Folded words are letters and digits only, so they hold no LIKE wildcard.
        typed = " ".join(word for term in terms for word in term.folded) + "%"
        wanted = limit * 4
        rows: list[tuple] = []
        # Through the indexes: PostgreSQL would rather scan the table until it meets enough
        # matches, as if they were spread evenly; at a million listings, depending on where
        # that scan began (scans of a large table start where the last one is), it read 14 to
        # 153 thousand pages to find 200 names holding "smok…" (47-256 ms, 1 ms through the indexes).
        # Names that begin as typed are a range of the names' own index, which may be walked
        # (`prefix_walk`): it ends with the range.
        with self.dialect.from_indexes(self.connection, True):
            for begins in ("", "NOT "):
                where, where_params = (condition, params) if not begins else self.dialect.within_names(terms)
                if begins:
                    shortest = self.dialect.shortest_names(
                        self.connection,
                        f"{where} AND NOT d.name_folded LIKE %s",
                        [*where_params, typed],
                        wanted - len(rows),
                    )
                    if shortest is not None:
                        rows += shortest
                        break
                sql = (
                    "SELECT d.name, d.url FROM catalog_searchdocument d WHERE d.product_id IN ("  # noqa: S608
                    f"SELECT d.product_id FROM catalog_searchdocument d WHERE {where} "
                    f"AND {begins}d.name_folded LIKE %s LIMIT %s) "
                    "ORDER BY LENGTH(d.name), d.product_id DESC LIMIT %s"
                )
                with (
                    self.dialect.prefix_walk(self.connection, begins=not begins),
                    self.connection.cursor() as cursor,
                ):
                    cursor.execute(sql, [*where_params, typed, SUGGEST_CANDIDATES, wanted - len(rows)])
                    rows += cursor.fetchall()
                if len(rows) >= wanted:
                    break
        suggestions: dict[str, Suggestion] = {}
        for name, url in rows:
            suggestions.setdefault(name.casefold(), Suggestion(text=name, url=url))
        return list(suggestions.values())[:limit]

    def term_counts(self, words: Iterable[str]) -> dict[str, int]:
        """How many documents hold each of `words` (folded); words held by none are left out."""
        words = sorted(set(words))
        if not words:
            return {}
        return dict(
            SearchTerm.objects.using(self.using).filter(term__in=words).values_list("term", "documents")
        )

    def count(self) -> int:
        return SearchDocument.objects.using(self.using).count()

    # --- writing --------------------------------------------------------------------------------

    def index(self, documents: list[SearchDocument], removed_ids: Iterable[int]) -> None:
        """Replace the documents of the given products and drop those no longer published."""
        ids = [d.product_id for d in documents] + list(removed_ids)
        with transaction.atomic(using=self.using):
            SearchDocument.objects.using(self.using).filter(product_id__in=ids).delete()
            self._insert(documents)
            # New words join the vocabulary; the counts of known ones wait for the next rebuild.
            SearchTerm.objects.using(self.using).bulk_create(
                _vocabulary(documents), ignore_conflicts=True, batch_size=INSERT_BATCH
            )

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None
    ) -> int:
        """Empty the index and fill it from `documents`; readers see the old index until it commits.

        Reading the documents (Python, a query per batch) took as long as writing them (the
        database) at a million listings, one after the other. When this transaction is the
        outermost one, and the database lets another connection read meanwhile (PostgreSQL),
        another thread reads the next batches on its own connection while this one writes
        (`_read_ahead`). Inside a caller's transaction they are read here, on this connection,
        which alone sees what that transaction wrote."""
        written = 0
        vocabulary: Counter[str] = Counter()
        ahead = self.dialect.reads_ahead and not self.connection.in_atomic_block

        with transaction.atomic(using=self.using):
            # The dialect says where the new rows go: the table itself, emptied, or a new one.
            table = self.dialect.before_rebuild(self.connection)
            for batch in _read_ahead(documents) if ahead else _batches(documents):
                for document in batch:
                    vocabulary.update(_words(document))
                self._insert(batch, table=table)
                written += len(batch)
                if progress:
                    progress(len(batch))
            SearchTerm.objects.using(self.using).all().delete()
            SearchTerm.objects.using(self.using).bulk_create(
                (SearchTerm(term=term, documents=n) for term, n in vocabulary.items()),
                batch_size=INSERT_BATCH,
            )
            # Last: on PostgreSQL this swaps the tables, and readers wait from then until the commit.
            self.dialect.after_rebuild(self.connection)
        if not self.connection.in_atomic_block:
            self.dialect.after_commit_rebuild(self.connection)
        return written

    def _insert(self, documents: Iterable[SearchDocument], *, table: str = "catalog_searchdocument") -> None:
        """Write documents as plain rows: bulk_create's per-object work was half of a rebuild's time."""
        fields = SearchDocument._meta.concrete_fields
        connection = self.connection
        # Only dates need converting (SQLite stores them as text); the rest goes in as it is.
        dates = {f.attname for f in fields if isinstance(f, models.DateField)}
        rows = (
            [
                f.get_db_prep_save(value, connection) if f.attname in dates else value
                for f in fields
                for value in (getattr(d, f.attname),)
            ]
            for d in documents
        )
        self.dialect.insert_rows(connection, table, [f.column for f in fields], rows)

    # --- entries (catalog.search.entries) ----------------------------------------------------------
    # Entries are few (thousands, not the catalogue's hundreds of thousands), so they are always
    # ranked by BM25/ts_rank and need none of the listings' covering indexes.

    def search_entries(self, query: EntryQuery) -> tuple[list[EntryHit], int]:
        """The page of entries and their total: best match first, then newest."""
        today = self.connection.ops.adapt_datefield_value(timezone.localdate())
        where, params = _entry_where(query, today)
        if query.terms:
            matches, match_params = self._dialect(entries=True).scored_matches(query.terms)
            source = f"catalog_searchentry e JOIN ({matches}) m ON m.id = e.id"
            params = match_params + params
            score = "m.score"
        else:
            source, score = "catalog_searchentry e", "0.0"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.kind, e.key, e.title, {score} AS score, e.url, e.province_code FROM {source} WHERE {where} "  # noqa: S608
                "ORDER BY score DESC, e.published_at DESC, e.key DESC LIMIT %s OFFSET %s",
                [*params, query.page_size, query.offset],
            )
            rows = cursor.fetchall()
            # A page that is not full is the last: its total needs no count (the usual case
            # for the board's 500 best); nor does a query that asks for none.
            if not query.count or (len(rows) < query.page_size and (rows or not query.offset)):
                total = query.offset + len(rows)
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params)  # noqa: S608 - fragments are ours
                total = cursor.fetchone()[0]
        hits = [
            EntryHit(
                kind=row[0],
                key=row[1],
                title=row[2],
                score=float(row[3] or 0.0),
                url=row[4],
                province_code=row[5],
            )
            for row in rows
        ]
        return hits, total

    def index_entries(self, kind: str, entries: list[SearchEntry], removed_keys: Iterable[int]) -> None:
        """Replace the entries of these keys and drop those no longer to be found."""
        keys = [e.key for e in entries] + list(removed_keys)
        with transaction.atomic(using=self.using):
            SearchEntry.objects.using(self.using).filter(kind=kind, key__in=keys).delete()
            SearchEntry.objects.using(self.using).bulk_create(entries, batch_size=INSERT_BATCH)

    def rebuild_entries(self, entries: Iterable[SearchEntry]) -> int:
        """Empty the entries, of every kind, and fill them again; readers see the old ones until commit."""
        written = 0
        with transaction.atomic(using=self.using):
            SearchEntry.objects.using(self.using).all().delete()
            batch: list[SearchEntry] = []
            for entry in entries:
                batch.append(entry)
                if len(batch) == INSERT_BATCH:
                    SearchEntry.objects.using(self.using).bulk_create(batch)
                    written, batch = written + len(batch), []
            SearchEntry.objects.using(self.using).bulk_create(batch)
            written += len(batch)
        return written


def _entry_where(query: EntryQuery, today) -> tuple[str, list]:
    conditions = ["e.kind = %s", "(e.valid_until IS NULL OR e.valid_until >= %s)"]
    params: list = [query.kind, today]
    if query.category:
        conditions.append("(e.category = %s OR e.category_group = %s)")
        params += [query.category, query.category]
    if query.province_code:
        conditions.append("e.province_code = %s")
        params.append(query.province_code)
    if query.quantity_min is not None:
        conditions.append("e.quantity >= %s")
        params.append(query.quantity_min)
    return " AND ".join(conditions), params


def _batches(documents: Iterable[SearchDocument]) -> Iterator[list[SearchDocument]]:
    documents = iter(documents)
    while batch := list(itertools.islice(documents, INSERT_BATCH)):
        yield batch


def _read_ahead(documents: Iterable[SearchDocument], depth: int = 4) -> Iterator[list[SearchDocument]]:
    """The batches of `documents`, read by another thread (on its own database connection, which
    it closes when done) at most `depth` batches ahead of the caller. An error while reading is
    raised here; when the caller stops early, the reader stops too."""
    batches: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for batch in _batches(documents):
                if stop.is_set():
                    return
                batches.put(batch)
            batches.put(None)
        except BaseException as error:  # handed to the caller, which raises it
            batches.put(error)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read, name="search-rebuild-reader", daemon=True)
    reader.start()
    try:
        while (batch := batches.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch
    finally:
        stop.set()
        while reader.is_alive():  # a reader waiting to hand over a batch is let go
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.1)
        reader.join()


def exact_count_limit() -> int:
    """Past this many matching listings, totals are lower bounds and facet counts estimates."""
    return settings.SEARCH_EXACT_COUNT_LIMIT


def in_sample(product_id: int) -> bool:
    """Whether a listing is in the counting sample: SAMPLE, computed here."""
    return (product_id * SAMPLE_MULTIPLIER) % 2**32 >> (32 - SAMPLE_BITS) == 0


def _plainly_past(sampled: int, limit: int) -> bool:
    """Whether `sampled` listings of the sample show, beyond doubt, more than `limit` listings.

    Were there `limit` or fewer, the sample would hold limit / SAMPLE_BUCKETS of them on
    average; ten standard deviations more (and at least SAMPLE_CERTAIN) does not happen by
    chance (odds below 10⁻²⁰), and the ids are hashed, so no order of creation makes it happen.
    """
    expected = limit / SAMPLE_BUCKETS
    return sampled >= max(SAMPLE_CERTAIN, expected + 10 * math.sqrt(expected))


def _price_read(price_rows: int, priced: int, unpriced: int, n: int) -> str:
    """How a read of the first n listings under a broad price range should take the range: from its
    index (PRICE), or checked on the listings the other indexes find (in a form no index serves),
    whichever reads fewer, by the counting sample: `priced` of its listings qualify, `unpriced`
    would without the range.

    Checking, the read goes through the listings that qualify but for the price until n of them are
    in the range: all `unpriced` of them, or n in the same proportion as in the sample. Through the
    index, it reads the range's `price_rows` entries, then the first n listings that qualify."""
    priced, unpriced = priced * SAMPLE_BUCKETS, unpriced * SAMPLE_BUCKETS
    checking = unpriced if priced == 0 else min(unpriced, n * unpriced / priced)
    through_index = min(priced, n) + price_rows / BITMAP_ENTRIES_A_ROW
    return _unindexed(PRICE) if checking < through_index else PRICE


def _tally(query: SearchQuery, day: datetime.date, rows: list[tuple]):
    """The total and the facet counts from grouped rows (see `_counts`)."""
    total = 0
    facets: dict[str, dict[str, int]] = {name: {} for name in query.facets}
    for group, category, province, ocop_stars, issued_on, expires_on, count in rows:
        valid_stars = ocop_stars if issued_on and expires_on and issued_on <= day <= expires_on else None
        held_by = {
            "category": not query.category or query.category in (category, group),
            "province": not query.province_code or province == query.province_code,
            "ocop_stars": query.stars_min is None
            or (valid_stars is not None and valid_stars >= query.stars_min),
        }
        if all(held_by.values()):
            total += count
        values = {"category": (group, category), "province": (province,), "ocop_stars": (valid_stars,)}
        for name in query.facets:
            if all(h for other, h in held_by.items() if other != name):
                # dict.fromkeys: a product filed under a group itself counts once.
                for value in dict.fromkeys(values[name]):
                    if value is not None:
                        facets[name][str(value)] = facets[name].get(str(value), 0) + count
    return total, facets


def _words(document: SearchDocument) -> set[str]:
    """The folded words of a document, each once (MAX_TERM_LENGTH letters at most)."""
    words = set(document.name_folded.split()) | set(document.body_folded.split())
    return {word for word in words if len(word) <= MAX_TERM_LENGTH}


def _vocabulary(documents: list[SearchDocument]) -> list[SearchTerm]:
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update(_words(document))
    return [SearchTerm(term=term, documents=n) for term, n in counts.items()]


# --- the text match, per database ----------------------------------------------------------------


def _quoted(tokens: tuple[str, ...], quote: str) -> list[str]:
    # Tokens are letters and digits only (query.Term), so quoting cannot be escaped.
    return [f"{quote}{token}{quote}" for token in tokens]


def _primary_phrase(terms: tuple[Term, ...]) -> list[tuple[str, ...]]:
    """The words as typed, each typo replaced by its likeliest correction, for the phrase bonus."""
    return [term.alternatives[0] if term.alternatives and term.corrected else term.folded for term in terms]


def _marked_words(terms: tuple[Term, ...]) -> list[str]:
    return [word for term in terms if not term.prefix for word in term.marked]


def _ids(connection, sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _unindexed(column: str) -> str:
    """`column` in a form no index provides, so that PostgreSQL reads the matches and sorts them
    rather than walk the column's index (see PostgresText.candidates)."""
    zero = "INTERVAL '0 days'" if column == "d.published_at" else "0"
    return f"({column} + {zero})"


def _index_scans(connection):
    """PostgreSQL may use index scans (and index-only scans) again within from_indexes, for the
    statements run inside; then as it was."""
    return _planning(connection, enable_indexscan="on")


@contextlib.contextmanager
def _planning(connection, **settings: str):
    """These planner settings for the statements run inside, then as they were."""
    names = sorted(settings)
    with connection.cursor() as cursor:
        # For this transaction only; outside one (no from_indexes) each lasts this statement.
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [value for name in names for value in (name, name, settings[name])],
        )
        before = cursor.fetchone()[::2]
        try:
            yield
        finally:
            changed = [(name, was) for name, was in zip(names, before, strict=True) if was != settings[name]]
            if changed:
                # After a failed statement the savepoint's rollback restores them instead.
                with contextlib.suppress(DatabaseError):
                    cursor.execute(
                        "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in changed),
                        [value for pair in changed for value in pair],
                    )


class SqliteText:
    """FTS5: bm25 over the folded columns, name ten times the rest, doubled for an exact
    marked match and for the words side by side."""

    FOLDED = "{name_folded body_folded}"
    MARKED = "{name_marked body_marked}"
    NAMES = "{name_folded}"

    def __init__(self, *, entries: bool = False):
        # The entries' FTS5 table (migration 0007) has the listings' columns, in their order.
        self.fts = "catalog_search_entry_fts" if entries else "catalog_search_fts"
        self.key = "id" if entries else "product_id"

    def expression(self, terms: tuple[Term, ...], columns: str) -> str:
        clauses = []
        for term in terms:
            phrases = []
            for phrase in term.phrases:
                # The words of a phrase need not be side by side; the phrase bonus ranks those that are.
                words = _quoted(phrase, '"')
                if term.prefix and phrase is term.folded:
                    words[-1] += " *"
                phrases.append("(" + " AND ".join(words) + ")")
            clauses.append("(" + " OR ".join(phrases) + ")")
        return f"{columns} : (" + " AND ".join(clauses) + ")"

    # Its filters are columns only (PostgresText.filter_words).
    filter_words: dict[str, str] = {}

    def shortest_names(self, connection, where: str, params: list, n: int) -> None:
        """Its names are read through the full-text index alone (PostgresText.shortest_names)."""
        return None

    def match_condition(self, terms: tuple[Term, ...], *, names_only: bool = False) -> tuple[str, list]:
        return (
            f"d.product_id IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s)",  # noqa: S608 - our table
            [self.expression(terms, self.NAMES if names_only else self.FOLDED)],
        )

    def count_matches(self, connection, terms: tuple[Term, ...]) -> int:
        """How many listings the text matches: a count of the FTS5 doclists, a few milliseconds."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.fts} WHERE {self.fts} MATCH %s",  # noqa: S608 - our table
                [self.expression(terms, self.FOLDED)],
            )
            return cursor.fetchone()[0]

    def documents(self, *, joined: bool = False) -> str:
        """The document table, read through one of its narrow covering indexes.

        SQLite's planner would rather follow the price or date index into the wide rows;
        scanning the narrow index is several times faster for a browse or a broad match,
        and looking listings up in it by id is faster for a join with the text matches.
        """
        index = "catalog_search_by_product" if joined else "catalog_search_facets"
        return f"catalog_searchdocument d INDEXED BY {index}"

    def insert_rows(self, connection, table: str, columns: list[str], rows: Iterator[list]) -> None:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            while batch := list(itertools.islice(rows, INSERT_BATCH)):
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", batch)  # noqa: S608 - model metadata

    def _matching(self) -> str:
        return f"rowid IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s)"  # noqa: S608 - our table

    # BM25 in FTS5 reads only its own index, so every match is ranked (or none, see RANKED_MATCHES).
    ranks_candidates = False
    # Its tables are kept in the order of the listings' ids whatever the order written, and FTS5
    # writes out its pending words each time an id is not above the last one.
    writes_side_by_side = False
    # A second connection reading while a rebuild writes could meet SQLite's lock on the file.
    reads_ahead = False

    def from_indexes(self, connection, active: bool):
        """SQLite's plans need no steering: its text matches always come from FTS5."""
        return contextlib.nullcontext()

    def price_rows(self, connection, low: int | None, high: int | None) -> int:
        """SQLite reads one index a table, chosen by its own plan: nothing to weigh."""
        return 0

    def reading_sample(self, connection, *, text: bool):
        return contextlib.nullcontext()

    def prefix_walk(self, connection, *, begins: bool):
        return contextlib.nullcontext()

    def within_names(self, terms: tuple[Term, ...]) -> tuple[str, list]:
        return self.match_condition(terms, names_only=True)

    def scored_matches(self, terms: tuple[Term, ...], *, ranked: bool = True, among=None) -> tuple[str, list]:
        columns = self.FOLDED
        boosts, params = [], []
        marked = _marked_words(terms)
        if marked:
            boosts.append(self._matching())
            params.append(f"{self.MARKED} : (" + " AND ".join(_quoted(tuple(marked), '"')) + ")")
        if len(terms) > 1:
            boosts.append(self._matching())
            words = " ".join(word for phrase in _primary_phrase(terms) for word in phrase)
            star = " *" if terms[-1].prefix else ""
            params.append(f'{columns} : "{words}"{star}')
        if ranked:
            rank = f"-bm25({self.fts}, 10.0, 10.0, 1.0, 1.0)"
        else:
            # Name matches first, as the name's weight in BM25 would put them.
            rank = f"(CASE WHEN {self._matching()} THEN 10.0 ELSE 1.0 END)"
            params.insert(0, self.expression(terms, self.NAMES))
        boost = "".join(f" + (CASE WHEN {b} THEN 1.0 ELSE 0.0 END)" for b in boosts)
        sql = (
            f"SELECT rowid AS {self.key}, {rank} * (1.0{boost}) AS score "  # noqa: S608 - boosts are ours
            f"FROM {self.fts} WHERE {self.fts} MATCH %s"
        )
        return sql, [*params, self.expression(terms, columns)]

    # The triggers of migration 0004 that keep FTS5 in step with the documents, row by row.
    TRIGGERS = {
        "catalog_search_fts_insert": """
            CREATE TRIGGER catalog_search_fts_insert AFTER INSERT ON catalog_searchdocument BEGIN
                INSERT INTO catalog_search_fts (rowid, name_folded, name_marked, body_folded, body_marked)
                VALUES (new.product_id, new.name_folded, new.name_marked, new.body_folded, new.body_marked);
            END
        """,
        "catalog_search_fts_delete": """
            CREATE TRIGGER catalog_search_fts_delete AFTER DELETE ON catalog_searchdocument BEGIN
                INSERT INTO catalog_search_fts
                    (catalog_search_fts, rowid, name_folded, name_marked, body_folded, body_marked)
                VALUES ('delete', old.product_id, old.name_folded, old.name_marked, old.body_folded, old.body_marked);
            END
        """,
    }

    def before_rebuild(self, connection) -> str:
        """The table emptied, its rows to be written again. Row-by-row FTS updates are four times
        slower than one FTS5 'rebuild' at the end, so the triggers wait until then."""
        with connection.cursor() as cursor:
            for name in self.TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DELETE FROM catalog_searchdocument")
        return "catalog_searchdocument"

    def after_rebuild(self, connection) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO catalog_search_fts (catalog_search_fts) VALUES ('rebuild')")
            for statement in self.TRIGGERS.values():
                cursor.execute(statement)

    def after_commit_rebuild(self, connection) -> None:
        """SQLite reuses a deleted row's space by itself."""


class PostgresText:
    """ts_rank over the weighted tsvector (name A, rest C), doubled for an exact marked match
    and for the words side by side; a vocabulary table for typos."""

    def __init__(self, *, entries: bool = False):
        # The entries' table has the same weighted search_vector (migration 0007).
        self.table = "catalog_searchentry" if entries else "catalog_searchdocument"
        self.key = "id" if entries else "product_id"
        # Listings are matched on their folded words, kept in the row (migration 0009); the
        # weighted vector, read back from TOAST, only ranks them. Entries are few: their
        # weighted vector does both.
        self.matched = "search_vector" if entries else "match_vector"

    def tsquery(self, terms: tuple[Term, ...]) -> str:
        clauses = []
        for term in terms:
            phrases = []
            for phrase in term.phrases:
                prefix = term.prefix and phrase is term.folded
                words = []
                for position, word in enumerate(phrase, start=1):
                    label = "*" if prefix and position == len(phrase) else ""
                    words.append(f"'{word}'" + (f":{label}" if label else ""))
                phrases.append("(" + " & ".join(words) + ")")
            clauses.append("(" + " | ".join(phrases) + ")")
        return " & ".join(clauses)

    # The filters that are words of match_vector (migration 0012): each facet's prefix, followed
    # by the filter's value. The text parser never makes a word beginning with "@".
    filter_words = {"category": "@c", "province": "@p"}

    def match_condition(
        self, terms: tuple[Term, ...], *, names_only: bool = False, within: tuple[str, ...] = ()
    ) -> tuple[str, list]:
        """The text's condition; with `within`, words of match_vector the listings must also hold
        (filter_words), given to the index as they are: a tsquery of its own, not parsed as text."""
        if within:
            required = " & ".join(
                "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in within
            )
            return (
                f"d.{self.matched} @@ (to_tsquery('simple', %s) && %s::tsquery)",
                [self.tsquery(terms), required],
            )
        if names_only:
            # The names-only vector of migration 0005: its index answers without rechecking
            # the weighted vector, descriptions and all.
            return "d.name_vector @@ to_tsquery('simple', %s)", [self.tsquery(terms)]
        return f"d.{self.matched} @@ to_tsquery('simple', %s)", [self.tsquery(terms)]

    def count_matches(self, connection, terms: tuple[Term, ...]) -> None:
        """PostgreSQL's planner estimates this itself."""
        return None

    def documents(self, *, joined: bool = False) -> str:
        return "catalog_searchdocument d"

    # Ranking reads each listing's vector back from TOAST: only candidates are ranked.
    ranks_candidates = True
    # Its table keeps rows in the order written, and a search reads it a page at a time.
    writes_side_by_side = True
    # A rebuild's documents can be read on another connection while it writes (DatabaseEngine.rebuild).
    reads_ahead = True

    @contextlib.contextmanager
    def from_indexes(self, connection, active: bool):
        """While `active`, read listings only through bitmaps of the indexes (the text's GIN index,
        the category's or province's), never by walking the table or an index and checking
        each row against the words and filters.

        The planner takes a LIMIT to mean a walk will soon find enough, judging by the share of
        listings that qualify, as if they were spread evenly; they are not (the filters and the
        words go together: no pomelo costs between 100,000 and 400,000 đồng), and such walks
        read the whole catalogue to find nothing (1.2 s). Through the indexes, a query reads at
        most the listings that qualify. For this transaction only (SET LOCAL), then as it was.
        """
        if not active:
            yield
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            # Room for the bitmaps, unless the server already gives more.
            cursor.execute(
                "SELECT pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(%s)", [BITMAP_MEMORY]
            )
            (smaller,) = cursor.fetchone()
            try:
                with _planning(connection, work_mem=BITMAP_MEMORY) if smaller else contextlib.nullcontext():
                    yield
            finally:
                # After a failed statement the savepoint's rollback undoes them instead.
                with contextlib.suppress(DatabaseError):
                    cursor.execute("RESET enable_seqscan")
                    cursor.execute("RESET enable_indexscan")

    def reading_sample(self, connection, *, text: bool):
        """Without text, the counting sample's facet columns are all in its own small index
        (catalog_search_sample_facets), which an index-only scan reads without the table: at a
        million listings 2.5 ms, where from_indexes's bitmap read of the same 15,628 rows from the
        table took 58-87 ms (to the planner index-only scans are index scans, which from_indexes
        turns off). So they are allowed back for that read, which the sample's size bounds. With
        text the sample's own GIN index finds the rows, and nothing changes."""
        return contextlib.nullcontext() if text else _index_scans(connection)

    def price_rows(self, connection, low: int | None, high: int | None) -> int:
        """How many listings are priced between `low` and `high`, as the planner estimates them
        (0 without a range).

        Beside the words' bitmap, the planner also reads a price range's from its index when that
        saves pages of the table, whatever the range's size, and a broad range's bitmap costs more
        than the pages: at a million listings, "pomelo" in stock priced 100,000-400,000 đồng (31,870
        listings hold the word, 569,623 are in the range) took 42 ms to count to 10,000, 35 of them
        building the range's bitmap; checking the price on the word's listings instead, 17 ms.
        But "mật" under 100,000 đồng, a word in most listings and mostly dearer ones, took 40 ms
        through the range's bitmap and 97 ms checking prices: DatabaseEngine._counts weighs it."""
        bounds = [(op, value) for op, value in ((">=", low), ("<=", high)) if value is not None]
        if not bounds:
            return 0
        condition = " AND ".join(f"{PRICE} {op} %s" for op, _value in bounds)
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN SELECT 1 FROM catalog_searchdocument d WHERE {condition}",  # noqa: S608 - ours
                [value for _op, value in bounds],
            )
            return int(re.search(r" rows=(\d+)", cursor.fetchone()[0]).group(1))

    def within_names(self, terms: tuple[Term, ...]) -> tuple[str, list]:
        """Names holding `terms` anywhere. A short last prefix ("herbal t…") stands for every
        word that begins so, thousands of them in hundreds of thousands of names, which the
        names' index would gather whole before the other words narrow them (55-70 ms at a
        million listings): the index then finds the other words, and the prefix is checked
        on the names they find (ts_match_vq is @@, which no index serves)."""
        last = terms[-1] if terms else None
        if last is None or not last.prefix or len(terms) < 2 or sum(map(len, last.folded)) > SHORT_PREFIX:
            return self.match_condition(terms, names_only=True)
        return (
            "d.name_vector @@ to_tsquery('simple', %s) AND ts_match_vq(d.name_vector, to_tsquery('simple', %s))",
            [self.tsquery(terms[:-1]), self.tsquery(terms)],
        )

    def shortest_names(self, connection, where: str, params: list, n: int) -> list[tuple] | None:
        """The n shortest names (name, url) among the first SUGGEST_CANDIDATES listings meeting
        `where` of the newest SUGGEST_WALK_ROWS (the key's index walked, each checked), if those
        hold n; None otherwise.

        Names that hold a word beginning as typed, but do not begin so, are many when the prefix
        is short: "gr…" stands for every word in gr- (green, grape, ground…), and the names' index
        gathered every listing of every such word before the first 200 were taken (121 ms at a
        million listings). A walk meets such names at once."""
        sql = (
            "SELECT d.name, d.url FROM (SELECT d.name, d.url, d.product_id FROM "  # noqa: S608 - ours
            "(SELECT * FROM catalog_searchdocument d ORDER BY d.product_id DESC LIMIT %s) d "
            f"WHERE {where} LIMIT %s) d ORDER BY LENGTH(d.name), d.product_id DESC LIMIT %s"
        )
        walked = SUGGEST_WALK_ROWS
        with _index_scans(connection), connection.cursor() as cursor:
            cursor.execute(sql, [walked, *params, SUGGEST_CANDIDATES, n])
            rows = cursor.fetchall()
            # As many names qualified along the walk as further on (with half again to spare), the
            # n-th would be this far: walk that far when it is not too far.
            farther = math.ceil(1.5 * walked * n / len(rows)) if rows else None
            if len(rows) < n and farther is not None and farther <= SUGGEST_WALK_MOST_ROWS:
                cursor.execute(sql, [farther, *params, SUGGEST_CANDIDATES, n])
                rows = cursor.fetchall()
        return rows if len(rows) == n else None

    def prefix_walk(self, connection, *, begins: bool):
        """Names that begin as typed: walking that range of catalog_search_name_prefix stops at the
        first SUGGEST_CANDIDATES, where bitmaps read all of it and every name holding the words
        ("mật o…": 70 ms, 78,446 names begin so and 81,747 hold "mat" and a word in "o…")."""
        if not begins:
            return contextlib.nullcontext()
        return _planning(connection, enable_indexscan="on", enable_bitmapscan="off")

    def candidates(
        self,
        connection,
        terms: tuple[Term, ...],
        matching: tuple[str, list],
        filtered: tuple[str, list],
        sort: str,
        valid: str,
        n: int,
        *,
        narrowed: bool,
        starred_only: bool = False,
    ) -> list[int]:
        """The ids of the `n` listings worth ranking among those `matching` (the text and the
        filters; `filtered` is the filters alone), read so that a few hundred rows are read
        rather than every match (with the indexes of migration 0009):

        - by relevance, with text: those whose name holds every word first, then the others,
          as the GIN indexes give them (the newest such names, when a bounded walk finds n).
          The name weighs ten times the rest in ts_rank, so these are what it would put
          first; which of many equal name matches are ranked is arbitrary, as the words are;
        - by stars, or by relevance without text: the listings with valid stars, most stars
          first, then the others, newest first: exactly the order of a browse;
        - by price or date: the first n in that order, exactly.

        Ordered by text relevance among themselves, only listings of equal stars, price or date
        past the n-th are left out.

        A browse of the whole catalogue (or of a price range, or what is in stock) walks the index
        of its order, checking the filters. With words, a category or a province (`narrowed`),
        the planner would walk too, judging by the share of listings that qualify as if they
        were spread evenly over prices and dates; they are not (no honey is among the cheapest
        listings), and one such walk read half a million rows for "mật ong". So such a read
        first walks a bounded stretch of its order (`_walk`: enough for a broad word, or filters
        most listings pass); when that falls short it finds, in the counting sample, where its
        n-th listing is likely to be
        (`_cutoff`, with room to spare), reads only the listings before it through the indexes
        (`from_indexes`), and sorts them; the sort keys are written so that no index provides
        them ("+ 0"). If fewer than n are there, every listing that qualifies is read and sorted.
        """
        table = "catalog_searchdocument d"
        where, params = matching
        if sort == "relevance" and terms:
            # A name holding every word matches (its words are in match_vector too): the names'
            # own, smaller index finds them without the weight of the common words' long lists.
            names = "d.name_vector @@ to_tsquery('simple', %s)"
            words = self.tsquery(terms)
            # Of a word in most names, the newest listings are as good candidates as any.
            ids = self._walk(
                connection,
                f"{filtered[0]} AND {names}",
                [*filtered[1], words],
                [("d.published_at", "DESC")],
                n,
            )
            if len(ids) == n:
                return ids
            ids = _ids(
                connection,
                f"SELECT d.product_id FROM {table} WHERE {filtered[0]} AND {names} LIMIT %s",  # noqa: S608 - ours
                [*filtered[1], words, n],
            )
            if len(ids) < n:
                ids += _ids(
                    connection,
                    f"SELECT d.product_id FROM {table} WHERE {where} AND NOT {names} LIMIT %s",  # noqa: S608
                    [*params, words, n - len(ids)],
                )
            return ids
        starred = f"(d.ocop_stars IS NOT NULL AND {valid})"
        if sort in ("relevance", "stars"):
            reads = [(f"{where} AND {starred}", [("d.ocop_stars", "DESC"), ("d.published_at", "DESC")])]
            if not starred_only:
                # With a stars filter (`starred_only`) no listing without valid stars qualifies, and
                # the planner, not knowing that, could read the whole catalogue to find none.
                reads.append((f"{where} AND NOT {starred}", [("d.published_at", "DESC")]))
        else:
            reads = [
                (
                    where,
                    [
                        {
                            "price_asc": ("d.price_vnd", "ASC"),
                            "price_desc": ("d.price_vnd", "DESC"),
                            "newest": ("d.published_at", "DESC"),
                        }[sort]
                    ],
                )
            ]
        ids: list[int] = []
        for condition, keys in reads:
            # A listing with valid stars comes before every listing without: when the first read
            # found n, the second could add none of the first n.
            left = n - len(ids)
            if left <= 0:
                break
            if not narrowed:
                order = ", ".join(f"{column} {direction}" for column, direction in keys)
                ids += _ids(
                    connection,
                    f"SELECT d.product_id FROM {table} WHERE {condition} ORDER BY {order}, d.product_id DESC LIMIT %s",  # noqa: S608
                    [*params, left],
                )
                continue
            found = self._walk(connection, condition, params, keys, left)
            if len(found) == left:
                ids += found
                continue
            order = ", ".join(f"{_unindexed(column)} {direction}" for column, direction in keys)
            sql = f"SELECT d.product_id FROM {table} WHERE {{}} ORDER BY {order}, d.product_id DESC LIMIT %s"  # noqa: S608
            cutoff = self._cutoff(connection, condition, params, keys, left)
            found = []
            if cutoff is not None:
                found = _ids(
                    connection, sql.format(f"{condition} AND {cutoff[0]}"), [*params, *cutoff[1], left]
                )
            if len(found) < left:
                found = _ids(connection, sql.format(condition), [*params, left])
            ids += found
        return ids

    def _walk(
        self, connection, condition: str, params: list, keys: list[tuple[str, str]], n: int
    ) -> list[int]:
        """The first n listings of this order (`keys`) that meet `condition`, if they are among the
        first WALK_ROWS_PER_CANDIDATE * n listings of the catalogue in that order, or among as many
        more as those show to be needed (at most WALK_MOST_ROWS_PER_CANDIDATE * n); fewer otherwise.

        A broad word ("tinh", in four listings of five), or a filter most listings pass, is met at
        once by walking the order's index; bounded so, the walk costs a few milliseconds whatever
        the words (at a million listings, 'tinh' by stars: 61 ms through the indexes' bitmaps,
        2-3 ms walking), and when it falls short the reads below find the listings instead."""
        # The listings with stars have an index of their own (catalog_search_starred).
        starred = "d.ocop_stars IS NOT NULL" if keys[0][0] == "d.ocop_stars" else "TRUE"
        order = ", ".join(f"{column} {direction}" for column, direction in keys)
        sql = (
            f"SELECT d.product_id FROM (SELECT * FROM catalog_searchdocument d WHERE {starred} "  # noqa: S608 - ours
            f"ORDER BY {order}, d.product_id DESC LIMIT %s) d "
            f"WHERE {condition} ORDER BY {order}, d.product_id DESC LIMIT %s"
        )
        walked = WALK_ROWS_PER_CANDIDATE * n
        with _index_scans(connection):
            found = _ids(connection, sql, [walked, *params, n])
            if found and len(found) < n:
                # As many listings qualified along the walk as further on (with half again to spare),
                # the n-th would be this far: walk that far when it is not too far.
                farther = math.ceil(1.5 * walked * n / len(found))
                if farther <= WALK_MOST_ROWS_PER_CANDIDATE * n:
                    found = _ids(connection, sql, [farther, *params, n])
        return found

    def _cutoff(
        self, connection, condition: str, params: list, keys: list[tuple[str, str]], n: int
    ) -> tuple[str, list] | None:
        """A condition that the first n listings of this order (`keys`) are likely to meet: at or
        before the counting sample's (2n / SAMPLE_BUCKETS)-th in that order; None if the sample
        holds fewer."""
        rank = max(2, math.ceil(2 * n / SAMPLE_BUCKETS))
        columns = ", ".join(column for column, _direction in keys)
        order = ", ".join(f"{_unindexed(column)} {direction}" for column, direction in keys)
        sql = (
            f"SELECT {columns} FROM catalog_searchdocument d WHERE {SAMPLE} AND {condition} "  # noqa: S608 - ours
            f"ORDER BY {order} LIMIT 1 OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, rank - 1])
            row = cursor.fetchone()
        if row is None:
            return None
        # (a, b) at or before (A, B) in this order: a before A, or a = A and b at or before B.
        clauses, values, equal = [], [], []
        for (column, direction), value in zip(keys, row, strict=True):
            before = ">" if direction == "DESC" else "<"
            last = len(equal) == len(keys) - 1
            condition = f"{column} {before}{'=' if last else ''} %s"
            if direction == "DESC":
                condition = f"({condition} OR {column} IS NULL)"  # PostgreSQL puts NULL first, descending
            clauses.append(" AND ".join([*equal, condition]))
            values += [*(v for v in row[: len(equal)]), value]
            equal.append(f"{column} = %s")
        return "(" + " OR ".join(clauses) + ")", values

    def scored_matches(
        self, terms: tuple[Term, ...], *, ranked: bool = True, among: list[int] | None = None
    ) -> tuple[str, list]:
        """Every match with its score; with `among` (candidates), only those, which all match."""
        boosts, params = [], []
        marked = _marked_words(terms)
        if marked:
            boosts.append("search_vector @@ to_tsquery('simple', %s)")
            params.append(" & ".join(_quoted(tuple(marked), "'")))
        if len(terms) > 1:
            boosts.append("search_vector @@ to_tsquery('simple', %s)")
            phrase = tuple(word for phrase in _primary_phrase(terms) for word in phrase)
            words = _quoted(phrase, "'")
            if terms[-1].prefix:
                words[-1] += ":*"
            params.append(" <-> ".join(words))
        boost = "".join(f" + (CASE WHEN {b} THEN 1.0 ELSE 0.0 END)" for b in boosts)
        query = self.tsquery(terms)
        score = f"ts_rank(search_vector, to_tsquery('simple', %s)) * (1.0{boost}) AS score"
        if among is not None:
            sql = f"SELECT {self.key}, {score} FROM {self.table} WHERE {self.key} = ANY(%s)"  # noqa: S608 - ours
            return sql, [query, *params, among]
        sql = f"SELECT {self.key}, {score} FROM {self.table} WHERE {self.matched} @@ to_tsquery('simple', %s)"  # noqa: S608 - boosts are ours
        return sql, [query, *params, query]

    def insert_rows(self, connection, table: str, columns: list[str], rows: Iterator[list]) -> None:
        """COPY: several times faster than INSERT."""
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def before_rebuild(self, connection) -> str:
        """A fresh, empty copy of the table, without indexes, that takes the rows several times
        faster (catalog.search.tables): readers read the table meanwhile."""
        return tables.fresh_copy(connection, "catalog_searchdocument")

    def after_rebuild(self, connection) -> None:
        """The copy gets the table's indexes, each built in one pass, and its statistics, then
        takes its place."""
        tables.put_in_place(
            connection, "catalog_searchdocument", "catalog_searchdocument" + tables.NEXT_SUFFIX
        )

    def after_commit_rebuild(self, connection) -> None:
        """Mark the new table's pages all-visible, as VACUUM does once every row in them is visible
        to every transaction: an index-only scan (the counting sample's facets) reads the table for
        any page not so marked. There is nothing to reclaim: the old rows went with the old table.
        It cannot run inside a transaction, hence after the commit."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM catalog_searchdocument")
