"""Cooperatives in the search service: the "cooperative" source of entries (catalog/search/entries.py).

A listing is found by its own words, not by its cooperative's name, so a search for "mật ong"
does not bring every product of "HTX Mật ong Ba Vì". The cooperative itself is found instead: it
has an entry while the public site shows it (a live, public, verified cooperative), with its
name as the title and its province. The service offers the cooperatives a search's words match
beside the listings (`SearchResult.cooperatives`) and among the suggestions (kind "cooperative").

Registered from CatalogConfig.ready; the signals in catalog/search/signals.py queue a
cooperative after commit when it is saved, published, unpublished, moved or deleted, and
`rebuild_search_index` rebuilds every entry.
"""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import translation

from catalog import selectors
from catalog.models import SearchEntry

from .entries import EntrySource, entry, register_source
from .query import CooperativeHit, EntryHit

KIND = "cooperative"


def findable_ids() -> list[int]:
    """Every cooperative the public site shows now."""
    return list(selectors.public_cooperatives().order_by("pk").values_list("pk", flat=True))


def entries_for(keys: list[int]) -> Iterator[SearchEntry]:
    """The entries of those of `keys` the public site shows; the others are skipped (and so dropped)."""
    rows = selectors.public_cooperatives().filter(pk__in=keys).order_by("pk")
    for pk, title, province_code in rows.values_list("pk", "title", "province_id"):
        yield entry(kind=KIND, key=pk, title=title, province_code=province_code)


def hits(found: Iterable[EntryHit]) -> list[CooperativeHit]:
    """The cooperatives of these entries, in their order, as the public site shows them now.

    One query. An entry whose cooperative has just been unpublished, and is not yet dropped
    from the index, is left out.
    """
    keys = [hit.key for hit in found if hit.kind == KIND]
    if not keys:
        return []
    pages = {page.pk: page for page in selectors.public_cooperatives_among(keys)}
    shown = []
    # URLs are those of the default language, as the listings' (catalog/search/documents.py).
    with translation.override(settings.LANGUAGE_CODE):
        for key in keys:
            if key in pages:
                page = pages[key]
                shown.append(
                    CooperativeHit(
                        key=page.pk,
                        name=page.title,
                        url=page.get_url() or "",
                        tax_code=page.tax_code,
                        province_code=page.province.code,
                        province_name=page.province.name,
                    )
                )
    return shown


def register() -> None:
    register_source(EntrySource(kind=KIND, keys=findable_ids, entries=entries_for))
