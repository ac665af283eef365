"""Cooperatives in the search service: the "cooperative" source of entries (catalog/search/entries.py).

A listing is found by its own words, not by its cooperative's name, so a search for "mật ong"
does not bring every product of "HTX Mật ong Ba Vì". The cooperative itself is found instead: it
has an entry while the public site shows it (a live, public, verified cooperative), with its
name as the title, its province and its page's URL, so a search shows it from the entry alone.
The service offers the cooperatives a search's words match beside the listings
(`SearchResult.cooperatives`) and among the suggestions (kind "cooperative").

Registered from CatalogConfig.ready; the signals in catalog/search/signals.py queue a
cooperative after commit when it is saved, published, unpublished, moved or deleted, and
`rebuild_search_index` rebuilds every entry. As for listings, what the index holds is what is
shown: a change that sends no signal (a view restriction) waits for the next rebuild.
"""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import translation

from catalog import selectors
from catalog.models import SearchEntry
from catalog.places import resolve_province

from .entries import EntrySource, entry, register_source
from .query import CooperativeHit, EntryHit

KIND = "cooperative"


def findable_ids() -> list[int]:
    """Every cooperative the public site shows now."""
    return list(selectors.public_cooperatives().order_by("pk").values_list("pk", flat=True))


def entries_for(keys: list[int]) -> Iterator[SearchEntry]:
    """The entries of those of `keys` the public site shows; the others are skipped (and so dropped)."""
    cooperatives = selectors.public_cooperatives().filter(pk__in=keys).order_by("pk")
    # URLs are those of the default language, as the listings' (catalog/search/documents.py).
    with translation.override(settings.LANGUAGE_CODE):
        for cooperative in cooperatives:
            yield entry(
                kind=KIND,
                key=cooperative.pk,
                title=cooperative.title,
                province_code=cooperative.province_id,
                url=cooperative.get_url() or "",
            )


def hits(found: Iterable[EntryHit]) -> list[CooperativeHit]:
    """The cooperatives of these entries, in their order, from the entries alone (no query)."""
    return [
        CooperativeHit(
            key=hit.key,
            name=hit.title,
            url=hit.url,
            province_code=hit.province_code,
            province_name=resolve_province(hit.province_code).name if hit.province_code else "",
        )
        for hit in found
        if hit.kind == KIND
    ]


def register() -> None:
    register_source(EntrySource(kind=KIND, keys=findable_ids, entries=entries_for))
