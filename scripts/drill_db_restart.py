"""The database-restart drill's load and figures, against a server started by scripts/drill-db-restart.sh.

    python scripts/drill_db_restart.py --base URL --seed seed.json --restart "pg_ctlcluster 15 main restart"

A bounded load (a few visitors browsing, a few buyers each adding a line and checking out, cash on
delivery, one request at a time each) runs for --duration seconds; after --restart-after seconds
the --restart command restarts PostgreSQL. Every request is timed and classified. Afterwards the
database is searched for anything half written by a checkout. Prints one JSON object:

- `requests`: ok (2xx/3xx), unavailable_503, other (by status, or the client's error);
- `latency_ms`: p50/p95/max of all requests, and the slowest 503 (failing fast means this is small);
- `restart_s`: how long the restart command took; `outage_s`: from the first failed request to the
  last; `recovered_after_s`: from the restart's start to the first good answer after the last
  failure (nothing failed after it);
- `checkouts`: attempted, answered 201, 503, other; `purchases_in_database` and how many of them
  were committed while their buyer got no 201 (the answer was lost, not the purchase);
- `half_written`: purchases without orders, orders without lines, totals that do not add up, and
  stock taken without an order line for it (or the reverse). All zero is the goal.
"""

import argparse
import json
import shlex
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
from smoke_production import Browser, expect

HALF_WRITTEN = {
    "purchases_without_orders": """
        SELECT count(*) FROM marketplace_purchase p
        WHERE NOT EXISTS (SELECT 1 FROM marketplace_order o WHERE o.purchase_id = p.id)""",
    "orders_without_lines": """
        SELECT count(*) FROM marketplace_order o
        WHERE NOT EXISTS (SELECT 1 FROM marketplace_orderline l WHERE l.order_id = o.id)""",
    "purchase_totals_not_adding_up": """
        SELECT count(*) FROM marketplace_purchase p
        WHERE p.total_vnd <> (SELECT sum(o.total_vnd) FROM marketplace_order o WHERE o.purchase_id = p.id)""",
    "order_subtotals_not_adding_up": """
        SELECT count(*) FROM marketplace_order o
        WHERE o.subtotal_vnd <> (SELECT sum(l.line_total_vnd) FROM marketplace_orderline l WHERE l.order_id = o.id)""",
}
STOCK = "SELECT i.stock FROM catalog_productinventory i JOIN catalog_productpage p ON p.page_ptr_id = i.product_id WHERE p.sku = %s"
ORDERED = "SELECT coalesce(sum(quantity), 0) FROM marketplace_orderline WHERE sku = %s AND stock_tracked"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.results: list[tuple[float, float, str, str]] = []  # start, end, kind, outcome

    def call(self, kind: str, request):
        began = time.monotonic()
        try:
            outcome = str(request().status)
        except OSError as error:  # refused, reset, timed out: the client's view of a failure
            outcome = type(error).__name__
        with self.lock:
            self.results.append((began, time.monotonic(), kind, outcome))
        return outcome


def browse(recorder: Recorder, browser: Browser, paths: list[str], stop: threading.Event):
    while not stop.is_set():
        for path in paths:
            if stop.is_set():
                return
            recorder.call("page", lambda path=path: browser.get(path, timeout=10))


def shop(recorder: Recorder, browser: Browser, seed: dict, stop: threading.Event):
    shipping = {
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "province": seed["province"],
        "ward": seed["ward"],
        "address": "12 Hàng Bạc",
    }
    while not stop.is_set():
        added = recorder.call(
            "cart",
            lambda: browser.post(
                "/api/v1/cart/lines", payload={"sku": seed["product_sku"], "quantity": 1}, timeout=10
            ),
        )
        if added != "201":
            continue
        recorder.call(
            "checkout",
            lambda: browser.post(
                "/api/v1/checkout", payload={"payment_method": "cod", "shipping": shipping}, timeout=10
            ),
        )


def log_in(browser: Browser, email: str, password: str) -> None:
    import re

    form = expect(browser.get("/accounts/login/"), 200, "log-in page").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    expect(
        browser.post(
            "/accounts/login/", form={"login": email, "password": password, "csrfmiddlewaretoken": token}
        ),
        302,
        "log-in",
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True)
    parser.add_argument("--seed", required=True)
    parser.add_argument(
        "--database", required=True, help="the server's DATABASE_URL, to look for half-written rows"
    )
    parser.add_argument("--restart", required=True, help="the command that restarts PostgreSQL")
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of load in all (default 45)")
    parser.add_argument(
        "--restart-after", type=float, default=10.0, help="seconds of load before the restart"
    )
    parser.add_argument("--visitors", type=int, default=3)
    options = parser.parse_args()
    seed = json.loads(Path(options.seed).read_text(encoding="utf-8"))

    with psycopg.connect(options.database) as connection:
        stock_before = connection.execute(STOCK, (seed["product_sku"],)).fetchone()[0]
        ordered_before = connection.execute(ORDERED, (seed["product_sku"],)).fetchone()[0]

    recorder, stop = Recorder(), threading.Event()
    buyers = []
    for email in seed["buyers"]:
        browser = Browser(options.base)
        log_in(browser, email, seed["password"])
        buyers.append(browser)
    paths = ["/", "/san-pham/", seed["product_url"], "/api/v1/search?q=mat%20ong", "/api/v1/provinces"]
    threads = [
        threading.Thread(target=browse, args=(recorder, Browser(options.base), paths, stop), daemon=True)
        for _ in range(options.visitors)
    ] + [threading.Thread(target=shop, args=(recorder, buyer, seed, stop), daemon=True) for buyer in buyers]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(options.restart_after)
    restart_began = time.monotonic()
    restarted = subprocess.run(shlex.split(options.restart), capture_output=True, text=True, check=False)  # noqa: S603 - the operator's command
    restart_ended = time.monotonic()
    time.sleep(max(0.0, options.duration - (restart_ended - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=15)

    results = sorted(recorder.results)
    outcomes = Counter(outcome for *_, outcome in results)
    ok = sum(n for outcome, n in outcomes.items() if outcome[:1] in "23" and outcome.isdigit())
    failures = [r for r in results if not (r[3].isdigit() and r[3][:1] in "23")]
    last_failure_end = max((r[1] for r in failures), default=None)
    recovered = next((r for r in results if r[0] > (last_failure_end or 0) and r[3][:1] in "23"), None)
    latencies = [(end - began) * 1000 for began, end, *_ in results]
    slowest_503 = max(
        ((end - began) * 1000 for began, end, _, outcome in results if outcome == "503"), default=0
    )
    checkouts = Counter(outcome for _, _, kind, outcome in results if kind == "checkout")

    with psycopg.connect(options.database) as connection:
        half_written = {name: connection.execute(query).fetchone()[0] for name, query in HALF_WRITTEN.items()}
        stock_after = connection.execute(STOCK, (seed["product_sku"],)).fetchone()[0]
        ordered_after = connection.execute(ORDERED, (seed["product_sku"],)).fetchone()[0]
        purchases = connection.execute("SELECT count(*) FROM marketplace_purchase").fetchone()[0]
    half_written["stock_taken_without_order_lines"] = (stock_before - stock_after) - (
        ordered_after - ordered_before
    )

    figures = {
        "duration_s": round(time.monotonic() - started, 1),
        "clients": {"visitors": options.visitors, "buyers": len(buyers)},
        "requests": {
            "total": len(results),
            "ok": ok,
            "unavailable_503": outcomes.get("503", 0),
            "other": {
                outcome: n
                for outcome, n in outcomes.items()
                if outcome != "503" and outcome not in ("200", "201", "301", "302")
            },
        },
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "max": round(max(latencies, default=0), 1),
            "slowest_503": round(slowest_503, 1),
        },
        "restart": {
            "command": options.restart,
            "exit_status": restarted.returncode,
            "seconds": round(restart_ended - restart_began, 1),
        },
        "outage_s": round((failures[-1][1] - failures[0][0]), 1) if failures else 0.0,
        "first_failure_after_restart_began_s": round(failures[0][0] - restart_began, 1) if failures else None,
        "recovered_after_s": round(recovered[1] - restart_began, 1) if recovered and failures else None,
        "checkouts": {
            "attempted": sum(checkouts.values()),
            "answered_201": checkouts.get("201", 0),
            "answered_503": checkouts.get("503", 0),
            "other": {k: v for k, v in checkouts.items() if k not in ("201", "503")},
            "purchases_in_database": purchases,
            "committed_without_a_201": purchases - checkouts.get("201", 0),
        },
        "half_written": half_written,
    }
    print(json.dumps(figures, ensure_ascii=False))
    if restarted.returncode:
        print(f"The restart command failed: {restarted.stderr.strip()}", file=sys.stderr)
    return 0 if not any(half_written.values()) and recovered is not None else 1


if __name__ == "__main__":
    sys.exit(main())
