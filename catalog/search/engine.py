"""What the service asks of a search engine. The database engine is the reference implementation."""

from collections.abc import Callable, Iterable
from typing import Protocol

from catalog.models import SearchDocument, SearchEntry

from .query import Counted, EntryHit, EntryQuery, Hit, SearchQuery, Suggestion, Term


class SearchEngine(Protocol):
    name: str
    # Whether its rebuild gains from listings of one category, province and name written one
    # after another (search._written_order): a table read a page at a time does.
    writes_side_by_side: bool

    def search(self, query: SearchQuery) -> tuple[list[Hit], Counted]:
        """A cleaned query (synonyms and corrections already in its terms) → the page of hits,
        and the total and, per facet asked for, value → count under every other active filter
        (exact, or past the engine's threshold a lower bound and estimates: query.Counted)."""

    def suggest(self, terms: tuple[Term, ...], limit: int) -> list[Suggestion]:
        """Listings whose names contain the terms, the last one as a prefix."""

    def term_counts(self, words: Iterable[str]) -> dict[str, int]:
        """For typo correction: how many listings hold each folded word (absent ones left out)."""

    def count(self) -> int: ...

    def index(self, documents: list[SearchDocument], removed_ids: Iterable[int]) -> None: ...

    def rebuild(
        self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None
    ) -> int: ...

    # Entries of the kinds the apps above catalog supply (catalog/search/entries.py).

    def search_entries(self, query: EntryQuery) -> tuple[list[EntryHit], int]:
        """A cleaned entry query (synonyms joined) → the page of entries, best match first, and the total."""

    def index_entries(self, kind: str, entries: list[SearchEntry], removed_keys: Iterable[int]) -> None: ...

    def rebuild_entries(self, entries: Iterable[SearchEntry]) -> int:
        """Replace every entry, of every kind, with `entries`."""


class SearchEngineError(Exception):
    """An engine could not answer or write (unreachable, timed out, refused the request).

    The service logs it and answers from the database engine instead; a write that
    fails this way is logged and repaired by the next rebuild.
    """
