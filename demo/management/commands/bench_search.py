"""`manage.py bench_search --products N --queries Q [--json]`: how fast catalogue search is at scale.

It never touches the database you work in. The catalogue lives in a database of its
own: bench-data/search-N.sqlite3 on SQLite, `<name>_bench_N` on the same server on
PostgreSQL (created when missing). The command runs itself again as a subprocess
with DATABASE_URL pointing there, which migrates, builds the demo site with N scale
listings (`load_demo_data --no-images --products N`) unless the database already
holds them, and then measures, through the search service only:

- a full rebuild of the index (`search.rebuild()`), in listings per second;
- a fixed, seeded mix of Q searches (with and without marks, typing errors, English
  names, synonyms, browsing without text; filters on category, province, stars,
  price and stock; every facet counted; every sort; a few second pages);
- Q autocomplete calls (`search.suggest()`) on prefixes typed with and without marks.

Percentiles are of wall time per call, after a short warm-up. The figures depend on
the machine and on what else it runs; the README records ours.
"""

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from catalog import search
from catalog.models import Category, ProductPage, Province
from catalog.search import SearchQuery, SearchQueryError
from catalog.text import fold
from demo import peer_search
from demo.benchmarks import (
    bench_url,
    display,
    ensure_postgres_database,
    is_postgres,
    is_working_database,
    percentile,
    server_cpu_ms,
    server_memory,
    server_version,
)
from demo.data.products import SCALE_SKU_PREFIX, TEMPLATES

WARM_UP = 10
SORT_WEIGHTS = {"relevance": 50, "price_asc": 12, "price_desc": 12, "newest": 13, "stars": 13}
SYNONYMS = ("cafe", "coffee", "tea", "trà", "honey", "fish sauce", "pomelo", "mango", "silk", "pottery")


class Command(BaseCommand):
    help = (
        "Measure catalogue search (p50/p95 of searches with facets, p95 of autocomplete, rebuild "
        "speed) on a scale catalogue in a separate database, built or reused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100_000, metavar="N", help="Default 100000.")
        parser.add_argument("--queries", type=int, default=500, metavar="Q", help="Default 500.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the query mix (default 2026).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object, nothing else.")
        parser.add_argument(
            "--peer",
            action="store_true",
            help="Also time Wagtail's own search backend on the same queries (builds its index with "
            "update_index when missing): demo/peer_search.py.",
        )
        parser.add_argument(
            "--peer-time-cap",
            type=float,
            default=300.0,
            metavar="SECONDS",
            help="Stop timing the peer after this long (default 300); the JSON says how many ran.",
        )
        parser.add_argument(
            "--database",
            metavar="URL",
            help="The benchmark database (default: bench-data/search-N.sqlite3 on SQLite, "
            "<name>_bench_N on the PostgreSQL server of DATABASE_URL). Never your own database.",
        )
        # Set by the command when it runs itself inside the benchmark database.
        parser.add_argument("--in-bench-database", action="store_true", help="Internal.")

    def handle(self, *args, **options):
        if options["products"] < 1 or options["queries"] < 1:
            raise CommandError("--products and --queries must be 1 or more.")
        if options["peer_time_cap"] <= 0:
            raise CommandError("--peer-time-cap must be above 0.")
        if options["in_bench_database"]:
            figures = self._measure(options)
            self.stdout.write(json.dumps(figures))
            return
        url = options["database"] or bench_url(
            sqlite_file=f"search-{options['products']}.sqlite3",
            postgres_suffix=f"bench_{options['products']}",
            command="bench_search",
        )
        if is_working_database(url):
            raise CommandError("The benchmark database must not be the database you work in.")
        if is_postgres(url):
            ensure_postgres_database(url)
        self.stderr.write(f"Benchmark database: {display(url)}")
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_search",
            "--in-bench-database",
            f"--products={options['products']}",
            f"--queries={options['queries']}",
            f"--seed={options['seed']}",
            *(["--peer", f"--peer-time-cap={options['peer_time_cap']}"] if options["peer"] else []),
        ]
        # Only the JSON comes back on stdout; the build's progress goes straight to stderr.
        done = subprocess.run(  # noqa: S603 - our own interpreter and command, no shell
            command,
            cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"The benchmark failed (exit status {done.returncode}); see above.")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(_report(figures))

    # --- inside the benchmark database ----------------------------------------------------------

    def _measure(self, options) -> dict:
        """Build the catalogue unless this (benchmark) database holds it, then measure."""
        n, seed = options["products"], options["seed"]
        log = self.stderr
        call_command("migrate", interactive=False, verbosity=0, stdout=log, stderr=log)
        scale = ProductPage.objects.filter(sku__startswith=SCALE_SKU_PREFIX).count()
        build_s = None
        if scale < n:
            started = time.perf_counter()
            log.write(f"Building the catalogue: {scale} scale listings held, {n} wanted (takes minutes).")
            # The demo's review emails would print to stdout, which carries only the JSON.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                call_command(
                    "load_demo_data",
                    products=n,
                    no_images=True,
                    no_fairs=True,
                    no_orders=True,
                    # The measurement below rebuilds the index, and times it.
                    no_scale_index=True,
                    stdout=log,
                    stderr=log,
                )
            build_s = round(time.perf_counter() - started, 1)
            log.write(f"Built the catalogue in {build_s} s.")
            if connection.vendor == "postgresql":
                # Statistics for the new rows: without them the rebuild's reads chose plans that
                # took minutes a batch (autovacuum gets to a million rows late).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        else:
            log.write(f"Reusing the catalogue: {scale} scale listings held.")

        figures = measure(
            queries=options["queries"],
            seed=seed,
            peer_time_cap=options["peer_time_cap"] if options["peer"] else None,
            log=log.write,
        )
        return {**figures, "build_s": build_s}


def measure(*, queries: int, seed: int, peer_time_cap: float | None = None, log=lambda message: None) -> dict:
    """Rebuild the index, then time `queries` searches and as many suggestions, in this database;
    with `peer_time_cap`, Wagtail's own search on the same queries too (demo/peer_search.py)."""
    started = time.perf_counter()
    counts = search.rebuild()
    rebuild_s = time.perf_counter() - started
    log(f"Rebuilt the index: {counts['indexed']} listings in {rebuild_s:.1f} s.")

    categories = sorted(Category.objects.values_list("slug", flat=True))
    provinces = sorted(Province.objects.values_list("code", flat=True))
    mix = query_mix(queries, seed=seed, categories=categories, provinces=provinces)
    prefixes = prefix_mix(queries, seed=seed)
    server = server_cpu_ms()
    for query in mix[:WARM_UP]:
        _timed(lambda query=query: _search(query), server)
    for prefix in prefixes[:WARM_UP]:
        search.suggest(prefix)
    timings = [_timed(lambda query=query: _search(query), server) for query in mix]
    search_ms = [wall for wall, _cpu in timings]
    suggestions = [_timed(lambda prefix=prefix: search.suggest(prefix), server) for prefix in prefixes]
    suggest_ms = [wall for wall, _cpu in suggestions]
    figures = {
        "engine": search.engine().name,
        "database": f"{connection.vendor} {server_version()}",
        "products": counts["indexed"],
        "queries": len(search_ms),
        "p50_ms": percentile(search_ms, 50),
        "p95_ms": percentile(search_ms, 95),
        "suggest_p95_ms": percentile(suggest_ms, 95),
        "index_docs_per_s": round(counts["indexed"] / rebuild_s),
        # Context for reading the figures above.
        "max_ms": round(max(search_ms), 1),
        "suggest_p50_ms": percentile(suggest_ms, 50),
        "rebuild_s": round(rebuild_s, 1),
        # On a busy machine wall time waits for a core; CPU time does not. It is this process's
        # (SQLite runs in it), plus the PostgreSQL backend's when the server is on this machine.
        "cpu_p95_ms": percentile([cpu for _wall, cpu in timings], 95),
        "suggest_cpu_p95_ms": percentile([cpu for _wall, cpu in suggestions], 95),
        "cpu_counts_server": server is not None,
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "shared_buffers": server_memory(),
    }
    if peer_time_cap is not None:
        figures.update(_peer(mix, search_ms, cap_s=peer_time_cap, log=log))
    return figures


def _peer(mix: list[SearchQuery], search_ms: list[float], *, cap_s: float, log) -> dict:
    """The peer's figures, and the ratio of its p95 to ours on the same queries (above 1: we are ahead)."""
    index_s = peer_search.ensure_index(log=log)
    peer = peer_search.measure(mix, cap_s=cap_s, log=log)
    positions = peer.pop("positions")
    ours = percentile([search_ms[i] for i in positions], 95) if positions else None
    peer.update({"index_s": index_s, "ours_p95_ms": ours})
    ratio = round(peer["p95_ms"] / ours, 1) if ours and peer["p95_ms"] else None
    return {"peer": peer, "peer_ratio": ratio}


def _search(query: SearchQuery) -> None:
    try:
        search.search(query)
    except SearchQueryError:
        pass  # a second page past the last one: a real request, answered with a message


def _timed(call, server) -> tuple[float, float]:
    """Wall and CPU milliseconds of `call`: this process's CPU, and the server's when `server` tells it."""
    started, cpu = time.perf_counter(), time.process_time()
    server_started = server() if server else 0.0
    call()
    server_ms = server() - server_started if server else 0.0
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000 + server_ms


# --- the query mix -------------------------------------------------------------------------------


def _words(name: str, rng: random.Random) -> str:
    """The first one to three words of a name, as a buyer would type them."""
    words = name.split()
    return " ".join(words[: rng.randint(1, min(3, len(words)))])


def _typo(text: str, rng: random.Random) -> str:
    """`text` with one typing error in its longest word, when it has one of four letters or more."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 4:
        return text
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice("abcdeghiklmnopqrstuvxy")
    word = rng.choice(
        [
            word[:i] + word[i + 1 :],  # a letter left out
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],  # two letters swapped
            word[:i] + letter + word[i + 1 :],  # a wrong letter
            word[:i] + letter + word[i:],  # a letter too many
        ]
    )
    words[longest] = word
    return " ".join(words)


def _text(kind: str, template, rng: random.Random) -> str:
    if kind == "marked":
        return _words(template.name, rng)
    if kind == "folded":
        return fold(_words(template.name, rng))
    if kind == "typo":
        return _typo(fold(_words(template.name, rng)), rng)
    if kind == "english":
        return _words(template.name_en, rng)
    if kind == "synonym":
        return rng.choice(SYNONYMS)
    return ""  # browse


def query_mix(n: int, *, seed: int, categories: list[str], provinces: list[str]) -> list[SearchQuery]:
    """`n` searches, the same for the same seed, shaped like what buyers send."""
    rng = random.Random(seed)
    templates = sorted(TEMPLATES.values(), key=lambda t: t.key)
    kinds = {"marked": 25, "folded": 25, "typo": 15, "english": 10, "synonym": 10, "browse": 15}
    queries = []
    for _ in range(n):
        template = rng.choice(templates)
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        text = _text(kind, template, rng)
        query = SearchQuery(
            text=text,
            sort=rng.choices(list(SORT_WEIGHTS), weights=list(SORT_WEIGHTS.values()))[0],
            page=rng.choices([1, 2], weights=[90, 10])[0],
        )
        if rng.random() < 0.25:
            query.category = rng.choice(categories)
        if rng.random() < 0.25:
            query.province = rng.choice(provinces)
        if rng.random() < 0.15:
            query.stars_min = rng.choice([3, 4, 5])
        if rng.random() < 0.2:
            query.price_min = rng.choice([0, 50_000, 100_000])
            query.price_max = query.price_min + rng.choice([100_000, 300_000, 1_000_000])
        if rng.random() < 0.2:
            query.in_stock = True
        queries.append(query)
    return queries


def prefix_mix(n: int, *, seed: int) -> list[str]:
    """`n` autocomplete inputs: the start of a product name, typed with or without marks."""
    rng = random.Random(seed + 1)
    names = sorted({t.name for t in TEMPLATES.values()} | {t.name_en for t in TEMPLATES.values()})
    prefixes = []
    for _ in range(n):
        name = rng.choice(names)
        if rng.random() < 0.5:
            name = fold(name)
        prefixes.append(name[: rng.randint(2, min(len(name), 14))])
    return prefixes


def _report(figures: dict) -> str:
    return "\n".join(
        [
            f"Search benchmark: {figures['engine']} engine on {figures['database']}, "
            f"{figures['products']:,} listings (load average {figures['load_average']}).",
            f"  searches with facets ({figures['queries']}): p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms (CPU {figures['cpu_p95_ms']} ms), max {figures['max_ms']} ms",
            f"  autocomplete: p50 {figures['suggest_p50_ms']} ms, p95 {figures['suggest_p95_ms']} ms",
            f"  full rebuild: {figures['rebuild_s']} s, {figures['index_docs_per_s']:,} listings/s",
            *(
                [
                    f"  peer ({figures['peer']['engine']}): {figures['peer']['queries']} queries "
                    f"({figures['peer']['timed_out']} cut off at {figures['peer']['time_cap_s']} s), "
                    f"p50 {figures['peer']['p50_ms']} ms, p95 {figures['peer']['p95_ms']} ms; "
                    f"ours on the same queries p95 {figures['peer']['ours_p95_ms']} ms: ratio {figures['peer_ratio']}"
                ]
                if "peer" in figures
                else []
            ),
        ]
    )
