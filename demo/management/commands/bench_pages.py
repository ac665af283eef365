"""`manage.py bench_pages [--duration S] [--concurrency C] [--workers W] [--json] [--database-url URL]`.

How many anonymous pages a second the production server serves, each against `/healthz`, the
trivial view that touches nothing: the home page, a category, a cooperative, a product, a fair, a
search and the product listing `/san-pham/`, each from the page cache (cached) and rendered
(uncached).

It never touches the database you work in. The demo site lives in a database of its own
(bench-data/pages.sqlite3 on SQLite, `<name>_bench_pages` on the PostgreSQL server of
DATABASE_URL, or `--database-url`), migrated and filled by `load_demo_data` the first time and
reused afterwards (`--rebuild` starts it afresh); its pictures and collected static files sit next
to it. The command then starts the production server twice on 127.0.0.1, gunicorn with W sync
workers and debug off: once with the page cache on, once with it off (PAGE_CACHE_SECONDS=0), so
the uncached figures are what a page costs to render, with nothing bench-only in the site. Each
page is loaded for S seconds by C connections of an asyncio HTTP/1.1 client (demo/load_client.py)
after a short warm-up, as an anonymous visitor without cookies behind an HTTPS proxy.

`/healthz` is loaded before and after the pages of each server, and `healthz_rps` is the mean of
the four runs; each page's `ratio` is its requests per second over that. On a shared machine
requests per second move with what else runs, so each figure also carries the server's CPU time
per request (gunicorn's master and workers, from /proc), and `cpu_ratio`, /healthz's CPU per
request over the page's: the ratio the server would reach with the cores to itself.

The cache is whatever the environment configures (local memory by default: each worker has its
own). The figures depend on the machine and on what else it runs; the README records ours.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import override_settings

from catalog import selectors
from catalog.models import CatalogueIndexPage, CooperativePage, ProductPage
from demo.benchmarks import (
    bench_url,
    display,
    drop_database,
    ensure_postgres_database,
    is_postgres,
    is_working_database,
    machine,
    percentile,
    server_version,
)
from demo.load_client import HEADERS, load
from fairs.models import FairPage, Participant

HOST = "127.0.0.1"
PAGES = ("home", "category", "cooperative", "product", "fair", "search", "listing")
SEARCH_TEXT = "mật ong"
# The goals of issue 11: cached pages at half of /healthz or more, uncached product and category
# pages at 15% or more.
CACHED_GOAL = 0.5
UNCACHED_GOAL = 0.15
UNCACHED_GOAL_PAGES = ("product", "category")


class Command(BaseCommand):
    help = (
        "Measure anonymous pages per second on the production server (gunicorn, debug off), cached "
        "and uncached, against /healthz, on the demo site in a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--duration", type=float, default=10.0, metavar="S", help="Seconds per page (10)."
        )
        parser.add_argument(
            "--warmup", type=float, default=1.0, metavar="S", help="Warm-up seconds per page (1)."
        )
        parser.add_argument("--concurrency", type=int, default=8, metavar="C", help="Connections (8).")
        parser.add_argument("--workers", type=int, default=2, metavar="W", help="gunicorn sync workers (2).")
        parser.add_argument("--port", type=int, default=0, help="Port on 127.0.0.1 (default: a free one).")
        parser.add_argument(
            "--database-url",
            metavar="URL",
            help="The benchmark database (default: bench-data/pages.sqlite3 on SQLite, <name>_bench_pages "
            "on the PostgreSQL server of DATABASE_URL). Never your own database.",
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="Drop the benchmark database and build it again."
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="Build a small demo site (one cooperative per province with one product, no pictures, "
            "no orders): for a quick check of the command, not for figures.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object, nothing else.")
        # Set by the command when it runs itself inside the benchmark database.
        parser.add_argument("--in-bench-database", action="store_true", help="Internal.")

    def handle(self, *args, **options):
        if options["in_bench_database"]:
            self.stdout.write(json.dumps(self._prepare(small=options["small"])))
            return
        if options["duration"] <= 0 or options["warmup"] < 0:
            raise CommandError("--duration must be above 0 and --warmup 0 or more.")
        if not 1 <= options["concurrency"] <= 256 or not 1 <= options["workers"] <= 32:
            raise CommandError("--concurrency must be between 1 and 256 and --workers between 1 and 32.")
        url = options["database_url"] or bench_url(
            sqlite_file="pages.sqlite3", postgres_suffix="bench_pages", command="bench_pages"
        )
        if is_working_database(url):
            raise CommandError("The benchmark database must not be the database you work in.")
        if "bench" not in urlsplit(url).path:
            # --rebuild drops it: a mistyped URL must not take real data with it.
            raise CommandError("The benchmark database's name or folder must contain 'bench'.")
        if options["rebuild"]:
            drop_database(url)
        if is_postgres(url):
            ensure_postgres_database(url)
        self.stderr.write(f"Benchmark database: {display(url)}")

        files = _files_dir(url)
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(files / "media"),
            "STATIC_ROOT": str(files / "static"),
        }
        prepared = json.loads(
            self._manage(
                ["bench_pages", "--in-bench-database", *(["--small"] if options["small"] else [])],
                env={**environment, "DJANGO_DEBUG": "true"},
            )
        )
        production = {
            **environment,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
        }
        if _static_files_changed(files / "static"):
            self.stderr.write("Collecting static files (the production storage needs their manifest).")
            self._manage(["collectstatic", "--noinput", "--verbosity=0"], env=production)

        port = options["port"] or _free_port()
        paths = prepared["paths"]
        healthz, pages = [], []
        for cached in (True, False):
            with _server(
                port, workers=options["workers"], env=production, cached=cached, log=self.stderr
            ) as server:
                # /healthz before and after the pages, so a change in the machine's load shows.
                healthz.append(self._load("/healthz", port, options, server=server))
                for name in PAGES:
                    self._check(name, paths[name], port, cached=cached, workers=options["workers"])
                    measured = self._load(paths[name], port, options, server=server)
                    pages.append({"page": name, "path": paths[name], "cached": cached, **measured})
                healthz.append(self._load("/healthz", port, options, server=server))
        healthz_rps = round(sum(run["rps"] for run in healthz) / len(healthz), 1)
        healthz_cpu = [run["server_cpu_ms"] for run in healthz if run["server_cpu_ms"]]
        healthz_cpu_ms = round(sum(healthz_cpu) / len(healthz_cpu), 3) if healthz_cpu else None
        for page in pages:
            page["ratio"] = round(page["rps"] / healthz_rps, 3) if healthz_rps else None
            page["cpu_ratio"] = (
                round(healthz_cpu_ms / page["server_cpu_ms"], 3)
                if healthz_cpu_ms and page["server_cpu_ms"]
                else None
            )
        pages.sort(key=lambda page: (PAGES.index(page["page"]), not page["cached"]))
        figures = {
            "server": f"gunicorn {_gunicorn_version()}",
            "workers": options["workers"],
            "healthz_rps": healthz_rps,
            "pages": [_ordered(page) for page in pages],
            "goals": _goals(pages),
            # Context for reading the figures above.
            "healthz_runs": [
                {key: run[key] for key in ("rps", "p95_ms", "server_cpu_ms")} for run in healthz
            ],
            "healthz_server_cpu_ms": healthz_cpu_ms,
            "database": prepared["database"],
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "concurrency": options["concurrency"],
            "duration_s": options["duration"],
            **machine(),
        }
        self.stdout.write(json.dumps(figures, ensure_ascii=False) if options["json"] else _report(figures))

    def _manage(self, arguments: list[str], *, env: dict) -> str:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, no shell
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(
                f"`manage.py {arguments[0]}` failed (exit status {done.returncode}); see above."
            )
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def _check(self, name: str, path: str, port: int, *, cached: bool, workers: int) -> None:
        """The page answers 200, and, with the cache on, comes from it once each worker has kept it
        (with the local-memory cache each worker keeps its own copy)."""
        states = []
        for _ in range(2 * workers + 2):
            status, state = _get(port, path)
            if status != 200:
                raise CommandError(f"The {name} page {path} answered {status}.")
            states.append(state)
            if not cached or state == "hit":
                return
        raise CommandError(f"The {name} page {path} did not come from the page cache ({states}).")

    def _load(self, path: str, port: int, options, *, server) -> dict:
        if options["warmup"]:
            load(HOST, port, path, concurrency=options["concurrency"], seconds=options["warmup"])
        cpu_before = _cpu_seconds(server.pid)
        result = load(HOST, port, path, concurrency=options["concurrency"], seconds=options["duration"])
        cpu_after = _cpu_seconds(server.pid)
        if not result.served:
            raise CommandError(f"{path}: no request was served ({dict(result.errors)}).")
        figures = {
            "rps": round(result.rps, 1),
            "p95_ms": percentile(result.latencies_ms, 95),
            "errors": sum(result.errors.values()),
            "server_cpu_ms": (
                round((cpu_after - cpu_before) * 1000 / result.served, 3)
                if cpu_before is not None and cpu_after is not None
                else None
            ),
        }
        self.stderr.write(
            f"  {path}: {figures['rps']} req/s, p95 {figures['p95_ms']} ms, "
            f"server CPU {figures['server_cpu_ms']} ms a request"
        )
        return figures

    # --- inside the benchmark database ----------------------------------------------------------

    def _prepare(self, *, small: bool) -> dict:
        log = self.stderr
        call_command("migrate", interactive=False, verbosity=0, stdout=log, stderr=log)
        if ProductPage.objects.live().exists():
            log.write("Reusing the demo site in this database (--rebuild builds it again).")
        else:
            log.write("Building the demo site (takes minutes).")
            size = (
                {
                    "cooperatives_per_province": 1,
                    "products_per_cooperative": 1,
                    "no_images": True,
                    "no_orders": True,
                }
                if small
                else {}
            )
            # The demo's emails would print to stdout, which carries only the JSON.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                call_command("load_demo_data", **size, stdout=log, stderr=log)
        return {"database": f"{connection.vendor} {server_version()}", "paths": pages_to_load()}


def pages_to_load() -> dict[str, str]:
    """One page of each kind from the demo site: the fullest category, cooperative and fair, and a
    product among the featured OCOP ones."""
    listing = CatalogueIndexPage.objects.live().get().url
    category = max(selectors.category_groups_with_counts(), key=lambda group: group.product_count)
    cooperative = (
        CooperativePage.objects.live()
        .annotate(n=Count("products", filter=Q(products__live=True)))
        .order_by("-n", "pk")
        .first()
    )
    product = selectors.featured_ocop_products(limit=1)
    fair = (
        FairPage.objects.live()
        .annotate(
            n=Count(
                "participants",
                filter=Q(
                    participants__role=Participant.Role.COOPERATIVE,
                    participants__status=Participant.Status.APPROVED,
                ),
            )
        )
        .order_by("-n", "pk")
        .first()
    )
    if cooperative is None or not product or fair is None:
        raise CommandError("The benchmark database lacks the demo site: run with --rebuild.")
    return {
        "home": "/",
        "category": f"{listing}category/{category.slug}/",
        "cooperative": cooperative.url,
        "product": product[0].url,
        "fair": fair.url,
        "search": f"/tim-kiem/?q={quote(SEARCH_TEXT)}",
        "listing": listing,
    }


# --- the server -------------------------------------------------------------------------------------


@contextmanager
def _server(port: int, *, workers: int, env: dict, cached: bool, log):
    """gunicorn on 127.0.0.1:port with `workers` sync workers, the page cache on or off; stopped after."""
    executable = Path(sys.executable).with_name("gunicorn")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "gunicorn"]
    # The production server's own settings (config/gunicorn.conf.py, as `make serve` runs it), with
    # the address and the number of workers of this run, sync workers, no access log, and workers
    # never replaced: with the local-memory cache a replaced worker would start with an empty cache.
    command += ["-c", str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py")]
    seconds = env.get("PAGE_CACHE_SECONDS", "") if cached else "0"
    if cached and not (seconds.isdigit() and int(seconds) > 0):
        seconds = "300"  # the production default, whatever debug mode's default of 0 says
    env = {
        **env,
        "PAGE_CACHE_SECONDS": seconds,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    log.write(
        f"Starting gunicorn ({workers} workers, page cache {'on' if cached else 'off'}) on port {port}."
    )
    server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)  # noqa: S603 - no shell
    try:
        _wait_until_up(server, port)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server, port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped (exit status {server.returncode}); see above.")
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise CommandError(f"gunicorn did not answer on port {port} within {timeout:.0f} s.")


def _get(port: int, path: str) -> tuple[int, str | None]:
    """One GET as the load client sends it: the status and the page cache's header."""
    client = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = dict(header.split(": ", 1) for header in HEADERS)
        client.request("GET", path, headers=headers)
        response = client.getresponse()
        response.read()
        return response.status, response.getheader("X-Page-Cache")
    finally:
        client.close()


def _cpu_seconds(master: int) -> float | None:
    """CPU time used so far by gunicorn's master and its workers (from /proc; None elsewhere).

    The machine may be shared: requests per second then move with what else runs, while the
    server's CPU time per request does not, or much less."""
    try:
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that ended meanwhile
            # After the command name: state, ppid, …; utime and stime are the 12th and 13th.
            if int(entry.name) == master or int(fields[1]) == master:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _files_dir(url: str) -> Path:
    """Where the benchmark database's pictures and static files go: beside a SQLite file, or under
    bench-data/ for a server database."""
    if is_postgres(url):
        return Path(settings.BASE_DIR) / "bench-data" / f"{urlsplit(url).path.lstrip('/')}-files"
    path = Path(urlsplit(url).path)
    return path.with_name(f"{path.stem}-files")


def _static_files_changed(static_root: Path) -> bool:
    """Whether collectstatic must run: no manifest yet, or a source file newer than it (collectstatic
    post-processes every file each time, which takes a while)."""
    from django.contrib.staticfiles import finders

    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):  # what collectstatic ignores
            if os.path.getmtime(storage.path(path)) > built:
                return True
    return False


def _gunicorn_version() -> str:
    import gunicorn

    return gunicorn.__version__


# --- the figures ------------------------------------------------------------------------------------


def _ordered(page: dict) -> dict:
    keys = ("page", "path", "cached", "rps", "p95_ms", "ratio", "errors", "server_cpu_ms", "cpu_ratio")
    return {key: page[key] for key in keys}


def _goals(pages: list[dict]) -> dict:
    cached = [page for page in pages if page["cached"]]
    uncached = [page for page in pages if not page["cached"] and page["page"] in UNCACHED_GOAL_PAGES]
    return {
        "cached_at_least_half_of_healthz": all(page["ratio"] >= CACHED_GOAL for page in cached),
        "uncached_product_and_category_at_least_15_percent": all(
            page["ratio"] >= UNCACHED_GOAL for page in uncached
        ),
    }


def _report(figures: dict) -> str:
    lines = [
        f"{figures['server']}, {figures['workers']} workers, {figures['database']}, cache {figures['cache']}; "
        f"{figures['concurrency']} connections, {figures['duration_s']:g} s per page",
        f"/healthz: {figures['healthz_rps']} req/s",
    ]
    for page in figures["pages"]:
        lines.append(
            f"{page['page']:<12} {'cached' if page['cached'] else 'uncached':<9} {page['rps']:>8} req/s  "
            f"p95 {page['p95_ms']:>7} ms  {page['ratio']:.0%} of /healthz  "
            f"(server CPU {page['server_cpu_ms']} ms a request)  {page['path']}"
        )
    goals = figures["goals"]
    lines.append(
        f"Goals: cached ≥ 50% of /healthz {'met' if goals['cached_at_least_half_of_healthz'] else 'NOT met'}; "
        f"uncached product and category ≥ 15% "
        f"{'met' if goals['uncached_product_and_category_at_least_15_percent'] else 'NOT met'}."
    )
    return "\n".join(lines)
