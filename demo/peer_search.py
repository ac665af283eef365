"""The peer of `bench_search`: Wagtail's own search backend, on the same listings and queries.

A Wagtail site that did not have our search service would search products with its
configured backend (WAGTAILSEARCH_BACKENDS: modelsearch's database backend, FTS5 on
SQLite and full-text search on PostgreSQL), after building its index with
`update_index`:

    ProductPage.objects.live().search("nước mắm")[:20] and .count()

That is what is timed here, for the text of each query of the benchmark's mix, in the
mix's order: a page of hits (the query's page) and its count. The peer has no facets,
province or price filters, sorts, synonyms or typing corrections, so it does less work
than our search per query; it is the cost of what a site would get without us.

Its queries can be very slow (on SQLite at 100,000 listings one took about 95 s), so they
run under a time cap: queries start while time remains, a query still running when the
cap is reached is interrupted and counted as `timed_out` (its time so far is then a lower
bound, and so are the percentiles), and the rest are not run.
"""

import contextlib
import threading
import time
from importlib.metadata import version

from django.core.management import call_command
from django.db import connection
from django.db.utils import OperationalError

from catalog.models import ProductPage
from catalog.search import SearchQuery

from .benchmarks import percentile


def ensure_index(*, log) -> float | None:
    """Build the peer's index with Wagtail's `update_index` unless it holds every live product;
    the seconds it took, or None when it was already built."""
    from modelsearch.conf import get_app_config

    index_entry = get_app_config().get_model("IndexEntry")
    live = ProductPage.objects.live().count()
    indexed = index_entry.objects.filter(content_type__model="productpage").count()
    if indexed >= live:
        log(f"Reusing the peer's index: {indexed} products.")
        return None
    log(f"Building the peer's index with update_index ({indexed} of {live} products held; takes a while).")
    started = time.perf_counter()
    # Its progress dots go where our progress goes: stdout carries only the JSON.
    call_command("update_index", stdout=_Log(log), stderr=_Log(log))
    seconds = round(time.perf_counter() - started, 1)
    log(f"Built the peer's index in {seconds} s.")
    return seconds


class _Log:
    def __init__(self, log):
        self.log = log

    def write(self, text: str) -> None:
        if text.strip(" .\n"):
            self.log(text.rstrip("\n"))

    def flush(self) -> None:
        pass


def measure(mix: list[SearchQuery], *, cap_s: float, log) -> dict:
    """Time the peer on the text queries of `mix`, in order, for at most `cap_s` seconds."""
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    started = time.perf_counter()
    timings: dict[int, float] = {}
    timed_out = 0
    for position, query in enumerate(mix):
        if not query.text:
            continue
        remaining = cap_s - (time.perf_counter() - started)
        if remaining <= 0:
            break
        began = time.perf_counter()
        try:
            with _interrupted_after(remaining):
                results = backend.search(query.text, ProductPage.objects.live())
                first = (query.page - 1) * query.page_size
                list(results[first : first + query.page_size])
                results.count()
        except OperationalError:  # interrupted at the cap
            timed_out += 1
            timings[position] = (time.perf_counter() - began) * 1000
            break
        timings[position] = (time.perf_counter() - began) * 1000
        log(f"peer query {len(timings)}: {query.text!r} in {timings[position]:.0f} ms")
    values = list(timings.values())
    return {
        "engine": f"modelsearch {version('modelsearch')} {type(backend).__name__}",
        "queries": len(values) - timed_out,
        "timed_out": timed_out,
        "time_cap_s": cap_s,
        "p50_ms": percentile(values, 50) if values else None,
        "p95_ms": percentile(values, 95) if values else None,
        # The positions in the mix, so our own timings of the same queries can be compared.
        "positions": sorted(timings),
    }


@contextlib.contextmanager
def _interrupted_after(seconds: float):
    """Stop the running statement after `seconds`: SQLite's interrupt(), PostgreSQL's statement_timeout."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false)", [f"{max(1, int(seconds * 1000))}ms"]
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', '0', false)")
        return
    connection.ensure_connection()
    timer = threading.Timer(seconds, connection.connection.interrupt)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
