"""`manage.py bench_checkout [--purchases N] [--concurrency C] [--threads] [--json] [--keep]`.

It never touches the database you work in. Each run starts from a fresh database of its own
(bench-data/checkout.sqlite3 on SQLite, `<name>_bench_checkout` on the PostgreSQL server of
DATABASE_URL), migrated, and drops it afterwards unless `--keep`. The command runs itself again as
a subprocess with DATABASE_URL pointing there, which builds three cooperatives with terms of sale
(bank account, cash on delivery allowed), products with stock and 8 + 50 verified buyers, all
through the services, and then runs two workloads, each buyer a thread with its own connection:

- the race: 50 buyers check out the last 10 units of one product at the same moment. Exact means
  10 orders, 40 "out of stock" answers, nothing oversold and no other error;
- throughput: N purchases (default 2,000) of three-line carts, one line from each cooperative,
  by C concurrent buyers (default 8). A purchase is three `cart_add` and a `checkout`, paid by
  cash on delivery or VietQR transfer. p50/p95 time the checkout call alone; purchases per second
  count the whole purchase, from the first buyer's start to the last one's end. Each buyer is a
  process, as a production server's workers are (gunicorn's sync workers); `--threads` makes them
  threads of one process instead, which share one core through Python's GIL.

Emails go to the in-memory backend and DEBUG is off, as in production. The figures depend on the
machine and on what else it runs; the README records ours.
"""

import json
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext, override_settings

from catalog import services as catalog_services
from catalog.models import Category, ProductInventory, Ward
from catalog.places import resolve_province
from demo.accounts import demo_user
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
from demo.result import DemoResult
from marketplace.models import CartLine, OrderLine
from marketplace.services.carts import cart_add, cart_for_user, cart_remove
from marketplace.services.checkout import CheckoutData, OutOfStock, ShippingAddress, checkout

RACE_BUYERS = 50
RACE_UNITS = 10
THROUGHPUT_BUYERS = 8
PRODUCTS_PER_COOPERATIVE = 4
COOPERATIVES = (
    # tax code, name, province, shipping terms
    ("1409999001", "HTX Bench Mật ong Mộc Châu", "14", {"shipping": "flat", "shipping_fee_vnd": 30_000}),
    (
        "9109999002",
        "HTX Bench Nước mắm Phú Quốc",
        "91",
        {"shipping": "free_above", "shipping_fee_vnd": 40_000, "free_shipping_from_vnd": 500_000},
    ),
    ("1909999003", "HTX Bench Chè Thái Nguyên", "19", {"shipping": "pickup"}),
)
BANK = {"bank_bin": "970436", "bank_account": "0071000999999", "bank_account_name": "HTX BENCH"}


class Command(BaseCommand):
    help = (
        "Measure checkout: 50 buyers racing for 10 units, then N three-line purchases by C concurrent "
        "buyers (purchases/s, checkout p50/p95), in a fresh database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--purchases", type=int, default=2_000, metavar="N", help="Default 2000.")
        parser.add_argument(
            "--concurrency", type=int, default=THROUGHPUT_BUYERS, metavar="C", help="Default 8."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the carts (default 2026).")
        parser.add_argument(
            "--threads",
            action="store_true",
            help="Throughput buyers are threads of one process, which share one core, instead of "
            "processes, which use every core as a server's worker processes do (the race always "
            "uses threads).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object, nothing else.")
        parser.add_argument(
            "--keep", action="store_true", help="Keep the benchmark database afterwards (to look at it)."
        )
        parser.add_argument(
            "--database",
            metavar="URL",
            help="The benchmark database (default: bench-data/checkout.sqlite3 on SQLite, "
            "<name>_bench_checkout on the PostgreSQL server of DATABASE_URL). Never your own database; "
            "whatever it holds is dropped.",
        )
        # Set by the command when it runs itself inside the benchmark database.
        parser.add_argument("--in-bench-database", action="store_true", help="Internal.")

    def handle(self, *args, **options):
        if options["purchases"] < 1 or not 1 <= options["concurrency"] <= 64:
            raise CommandError("--purchases must be 1 or more and --concurrency between 1 and 64.")
        if options["in_bench_database"]:
            figures = self._measure(options)
            self.stdout.write(json.dumps(figures))
            return
        url = options["database"] or bench_url(
            sqlite_file="checkout.sqlite3", postgres_suffix="bench_checkout", command="bench_checkout"
        )
        if is_working_database(url):
            raise CommandError("The benchmark database must not be the database you work in.")
        if "bench" not in urlsplit(url).path:
            # It is dropped: a mistyped URL must not take real data with it.
            raise CommandError("The benchmark database's name or folder must contain 'bench'.")
        self.stderr.write(f"Benchmark database: {display(url)} (created afresh)")
        drop_database(url)
        if is_postgres(url):
            ensure_postgres_database(url)
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_checkout",
            "--in-bench-database",
            f"--purchases={options['purchases']}",
            f"--concurrency={options['concurrency']}",
            f"--seed={options['seed']}",
            *(["--threads"] if options["threads"] else []),
        ]
        try:
            # Only the JSON comes back on stdout; progress goes straight to stderr.
            done = subprocess.run(  # noqa: S603 - our own interpreter and command, no shell
                command,
                cwd=settings.BASE_DIR,
                env={**os.environ, "DATABASE_URL": url},
                stdout=subprocess.PIPE,
                text=True,
                check=False,
            )
        finally:
            if not options["keep"]:
                drop_database(url)
        if done.returncode:
            raise CommandError(f"The benchmark failed (exit status {done.returncode}); see above.")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        self.stdout.write(json.dumps(figures) if options["json"] else _report(figures))

    # --- inside the benchmark database ----------------------------------------------------------

    def _measure(self, options) -> dict:
        log = self.stderr
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0, stdout=log, stderr=log)
        log.write(f"Migrated in {time.perf_counter() - started:.0f} s.")
        # Production's settings for what is measured: no query log, mail not sent anywhere.
        with override_settings(DEBUG=False, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            world = build_world()
            log.write("Built 3 cooperatives, their products and 58 buyers; racing 50 buyers for 10 units.")
            race = run_race(world)
            log.write(f"Race: {race}. Now {options['purchases']} purchases by {options['concurrency']}.")
            queries = count_queries(world)
            throughput = run_throughput(
                world,
                purchases=options["purchases"],
                concurrency=options["concurrency"],
                seed=options["seed"],
                processes=not options["threads"],
            )
        return {
            "database": f"{connection.vendor} {server_version()}",
            "race": race,
            **throughput,
            **queries,
            **machine(),
        }


# --- the shop --------------------------------------------------------------------------------------


@dataclass
class World:
    """What the workloads buy from and who buys: built once per run."""

    cooperatives: list
    products: list[list]  # per cooperative, the products the throughput buys
    race_product: object
    buyers: list
    address: ShippingAddress


def _user(email: str):
    """A verified user, made as every demo account is (demo/accounts.py)."""
    return demo_user(DemoResult(), email=email)


def build_world() -> World:
    food = Category.objects.get(slug="food")
    cooperatives, products = [], []
    for index, (tax_code, name, province, shipping) in enumerate(COOPERATIVES):
        cooperative, _created = catalog_services.cooperative_upsert(
            data=catalog_services.CooperativeData(
                tax_code=tax_code, name=name, kind="htx", province=resolve_province(province)
            ),
            verified=True,
        )
        catalog_services.cooperative_terms_set(
            cooperative=cooperative, data=catalog_services.TermsData(**BANK, **shipping)
        )
        staff = _user(f"staff{index}@bench.coop.vn")
        catalog_services.cooperative_add_staff(cooperative=cooperative, user=staff)
        cooperatives.append(cooperative)
        products.append(
            [
                catalog_services.product_create(
                    cooperative=cooperative,
                    data=catalog_services.ProductData(
                        sku=f"BENCH-{index}-{n}",
                        name=f"{name.removeprefix('HTX Bench ')} loại {n + 1}",
                        category=food,
                        unit="hộp",
                        price_vnd=60_000 + 15_000 * n + 5_000 * index,
                        stock=1_000_000,
                        wholesale_tiers=[(3, 50_000 + 15_000 * n)] if n % 2 else [],
                    ),
                    publish=True,
                )
                for n in range(PRODUCTS_PER_COOPERATIVE)
            ]
        )
    race_product = catalog_services.product_create(
        cooperative=cooperatives[0],
        data=catalog_services.ProductData(
            sku="BENCH-RACE",
            name="Mật ong hoa nhãn, lô cuối",
            category=food,
            unit="chai",
            price_vnd=250_000,
            stock=RACE_UNITS,
        ),
        publish=True,
    )
    ward = Ward.objects.filter(province_id="01").order_by("code").first()
    address = ShippingAddress(
        name="Nguyễn Thị Lan", phone="0912 345 678", province="01", ward=ward.code, address="12 Hàng Bạc"
    )
    buyers = [_user(f"buyer{n:03d}@bench.coop.vn") for n in range(THROUGHPUT_BUYERS + RACE_BUYERS)]
    return World(
        cooperatives=cooperatives,
        products=products,
        race_product=race_product,
        buyers=buyers,
        address=address,
    )


def _in_threads(work, arguments) -> float:
    """Run work(argument) in one thread per argument, all released at once; the wall seconds taken.

    Each thread closes its own database connection at the end, as a request does.
    """
    start = threading.Barrier(len(arguments) + 1)

    def run(argument):
        try:
            start.wait()
            work(argument)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


# --- the race --------------------------------------------------------------------------------------


def run_race(world: World) -> dict:
    """50 buyers, each with one unit of the last 10 in the cart, check out at the same moment."""
    buyers = world.buyers[THROUGHPUT_BUYERS:]
    carts = []
    for buyer in buyers:
        cart = cart_for_user(user=buyer)
        cart_add(cart=cart, product=world.race_product, quantity=1)
        carts.append((buyer, cart))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def attempt(buyer_and_cart):
        buyer, cart = buyer_and_cart
        try:
            checkout(
                buyer=buyer, cart=cart, data=CheckoutData(payment_method="vietqr", shipping=world.address)
            )
            outcome = "orders"
        except OutOfStock:
            outcome = "out_of_stock"
        except Exception as error:
            sys.stderr.write(f"race error: {error!r}\n")
            outcome = "errors"
        with lock:
            outcomes[outcome] += 1

    _in_threads(attempt, carts)
    sold = OrderLine.objects.filter(product=world.race_product).aggregate(units=Sum("quantity"))["units"] or 0
    left = ProductInventory.objects.get(product=world.race_product).stock
    return {
        "orders": outcomes["orders"],
        "out_of_stock": outcomes["out_of_stock"],
        "oversold": max(0, sold - RACE_UNITS, -left),
        "errors": outcomes["errors"],
    }


# --- throughput ------------------------------------------------------------------------------------


def _fill(cart, world: World, rng: random.Random) -> None:
    for products in world.products:
        cart_add(cart=cart, product=rng.choice(products), quantity=rng.randint(1, 3))


def _method(rng: random.Random) -> str:
    return rng.choice(["cod", "vietqr"])


def count_queries(world: World) -> dict:
    """Queries of one purchase, made alone before the workload (which it also warms up)."""
    rng = random.Random(0)
    buyer = world.buyers[0]
    cart = cart_for_user(user=buyer)
    with CaptureQueriesContext(connection) as filling:
        _fill(cart, world, rng)
    with CaptureQueriesContext(connection) as paying:
        checkout(buyer=buyer, cart=cart, data=CheckoutData(payment_method="vietqr", shipping=world.address))
    return {"queries_per_cart_add": round(len(filling) / 3, 1), "queries_per_checkout": len(paying)}


def _shop(world: World, *, buyer, purchases: int, seed: int) -> tuple[list[float], Counter]:
    """One buyer's purchases, one after the other: checkout milliseconds, and failures by kind."""
    rng, timings, failed = random.Random(seed), [], Counter()
    cart = cart_for_user(user=buyer)
    for _ in range(purchases):
        try:
            _fill(cart, world, rng)
            data = CheckoutData(payment_method=_method(rng), shipping=world.address)
            started = time.perf_counter()
            checkout(buyer=buyer, cart=cart, data=data)
            timings.append((time.perf_counter() - started) * 1000)
        except Exception as error:
            failed[type(error).__name__] += 1
            if sum(failed.values()) <= 3:
                sys.stderr.write(f"purchase error: {error!r}\n")
            for line in CartLine.objects.filter(cart=cart):
                cart_remove(line=line)
    return timings, failed


def _in_processes(work, arguments) -> tuple[float, list, float]:
    """Like `_in_threads`, one forked process per argument: (wall seconds, results, CPU seconds of all)."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(arguments) + 1), context.Queue()
    connections.close_all()  # each child opens its own

    def run(argument):
        try:
            start.wait()
            cpu = time.process_time()
            result = work(argument)
            results.put((result, time.process_time() - cpu))
        finally:
            connections.close_all()

    children = [context.Process(target=run, args=(argument,)) for argument in arguments]
    for child in children:
        child.start()
    start.wait()
    began = time.perf_counter()
    done = [results.get() for _ in children]
    seconds = time.perf_counter() - began
    for child in children:
        child.join()
    return seconds, [result for result, _cpu in done], sum(cpu for _result, cpu in done)


def run_throughput(world: World, *, purchases: int, concurrency: int, seed: int, processes: bool) -> dict:
    """`purchases` purchases shared by `concurrency` buyers (threads or processes), one after another."""
    shares = [purchases // concurrency + (i < purchases % concurrency) for i in range(concurrency)]
    # The race's buyers are done; reuse them when asked for more buyers than throughput buyers.
    buyers = (world.buyers * (concurrency // len(world.buyers) + 1))[:concurrency]

    def shop(i):
        return _shop(world, buyer=buyers[i], purchases=shares[i], seed=seed + i)

    if processes:
        seconds, results, cpu = _in_processes(shop, list(range(concurrency)))
    else:
        results, lock = [], threading.Lock()

        def shop_and_keep(i):
            result = shop(i)
            with lock:
                results.append(result)

        cpu = time.process_time()
        seconds = _in_threads(shop_and_keep, list(range(concurrency)))
        cpu = time.process_time() - cpu
    timings = [ms for mine, _failed in results for ms in mine]
    failures = sum((failed for _mine, failed in results), Counter())
    return {
        "purchases": len(timings),
        "purchases_per_s": round(len(timings) / seconds, 1),
        "p50_ms": percentile(timings, 50) if timings else None,
        "p95_ms": percentile(timings, 95) if timings else None,
        "concurrency": concurrency,
        "buyers_are": "processes" if processes else "threads",
        "seconds": round(seconds, 1),
        "max_ms": round(max(timings), 1) if timings else None,
        "purchase_errors": dict(failures),
        # The benchmark's own CPU per purchase (not the database server's). Threads share one core
        # (Python's GIL), so with threads 1000 / this bounds purchases_per_s.
        "cpu_ms_per_purchase": round(cpu * 1000 / len(timings), 1) if timings else None,
    }


def _report(figures: dict) -> str:
    race = figures["race"]
    exact = race == {
        "orders": RACE_UNITS,
        "out_of_stock": RACE_BUYERS - RACE_UNITS,
        "oversold": 0,
        "errors": 0,
    }
    return "\n".join(
        [
            f"Checkout benchmark on {figures['database']} ({figures['cpu_count']} cores, "
            f"load average {figures['load_average']}).",
            f"  race, {RACE_BUYERS} buyers for {RACE_UNITS} units: {race['orders']} orders, "
            f"{race['out_of_stock']} out of stock, {race['oversold']} oversold, {race['errors']} errors"
            f" ({'exact' if exact else 'NOT exact'})",
            f"  {figures['purchases']} purchases by {figures['concurrency']} {figures['buyers_are']} "
            f"in {figures['seconds']} s: {figures['purchases_per_s']} purchases/s; checkout "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms",
            f"  queries: {figures['queries_per_cart_add']} per cart_add, "
            f"{figures['queries_per_checkout']} per checkout; "
            f"{figures['cpu_ms_per_purchase']} ms of the benchmark's own CPU per purchase",
        ]
    )
