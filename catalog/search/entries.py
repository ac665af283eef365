"""Entries: what search finds besides listings, supplied by the apps above catalog.

Catalog may not import the apps built on it, so an app that wants its rows found (marketplace,
for its open public requests for quotation) registers a source from its AppConfig.ready:

    search.register_source(EntrySource(kind="rfq", keys=findable_ids, entries=entries_for))

`keys()` lists every row to be found now (for rebuilds); `entries(keys)` makes the unsaved
SearchEntry of each of those keys still to be found, and skips the others, which are then
dropped from the index. `entry()` builds one, folding its words as a listing's are folded.
The app queues its changes with `search.queue_entries(kind, keys)`, after commit, as the
catalogue queues its products.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from catalog.models import Category, SearchEntry

from .query import index_text


@dataclass(frozen=True)
class EntrySource:
    kind: str
    keys: Callable[[], Iterable[int]]
    entries: Callable[[list[int]], Iterable[SearchEntry]]


_SOURCES: dict[str, EntrySource] = {}


def register_source(source: EntrySource) -> None:
    """Make `source` the one source of its kind (registering again replaces it)."""
    _SOURCES[source.kind] = source


def sources() -> list[EntrySource]:
    return list(_SOURCES.values())


def source(kind: str) -> EntrySource:
    try:
        return _SOURCES[kind]
    except KeyError:
        raise LookupError(f"No search entry source of kind {kind!r} is registered.") from None


def entry(
    *,
    kind: str,
    key: int,
    title: str,
    body: str = "",
    category: Category | None = None,
    province_code: str = "",
    quantity: int | None = None,
    valid_until: datetime.date | None = None,
    published_at: datetime.datetime | None = None,
    url: str = "",
) -> SearchEntry:
    """An unsaved entry; the category's names (and its group's) join the words it is found by."""
    group = (category.parent or category) if category else None
    words = [body]
    if category is not None:
        words += [category.name, category.name_en]
        if group != category:
            words += [group.name, group.name_en]
    name_folded, name_marked = index_text(title)
    body_folded, body_marked = index_text(" ".join(words))
    return SearchEntry(
        kind=kind,
        key=key,
        title=title[:255],
        category=category.slug if category else "",
        category_group=group.slug if group else "",
        province_code=province_code or "",
        quantity=quantity,
        valid_until=valid_until,
        published_at=published_at,
        url=url[:500],
        name_folded=name_folded,
        name_marked=name_marked,
        body_folded=body_folded,
        body_marked=body_marked,
    )


def entries_for(kind: str, keys: Iterable[int]) -> list[SearchEntry]:
    return list(source(kind).entries(sorted(set(keys))))


def all_entries() -> Iterable[SearchEntry]:
    """Every entry of every registered source, for a rebuild."""
    for registered in sources():
        keys = sorted(set(registered.keys()))
        for start in range(0, len(keys), 1000):
            yield from registered.entries(keys[start : start + 1000])
