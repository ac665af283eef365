"""The checks of the production smoke test, run against a server started by scripts/smoke-production.sh.

    python scripts/smoke_production.py --base http://127.0.0.1:18480 --seed seed.json

It talks to gunicorn as the reverse proxy in front of it would: with `X-Forwarded-Proto: https`, so
the production settings (HTTPS redirect, secure cookies, CSRF's origin check) stay as they are, and
it keeps cookies itself (it must send the Secure ones over plain HTTP). The standard library only,
and psycopg to read the task worker's results from the database. Each check prints one line saying
what it did; the first failure stops the run with exit status 1.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent


class SmokeFailure(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Browser:
    """One visitor: cookies kept across requests, CSRF token sent on unsafe methods."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.netloc = parts.netloc
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"https://{parts.netloc}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form=None, payload=None, timeout: float = 30) -> Response:
        headers = {
            "Host": self.netloc,
            "X-Forwarded-Proto": "https",
            "User-Agent": "smoke-production",
            "Accept-Language": "vi",
        }
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD"):
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Response:
        return self.request("POST", path, **kwargs)


def expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise SmokeFailure(f"{what}: expected {status}, got {response.status}: {response.text[:300]}")
    return response


class Run:
    def __init__(self):
        self.started = time.monotonic()
        self.checks = 0

    def check(self, description: str, action):
        began = time.monotonic()
        try:
            detail = action()
        except SmokeFailure as failure:
            print(f"  FAIL {description}: {failure}", flush=True)
            raise
        self.checks += 1
        suffix = f" ({detail})" if detail else ""
        print(f"  ok   {time.monotonic() - began:5.2f} s  {description}{suffix}", flush=True)
        return detail


def manage(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def finished_tasks(database_url: str, task_path: str) -> list[tuple[str, list[str]]]:
    """(status, worker ids) of each task of `task_path` in django-tasks-db's table."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return connection.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
            (task_path,),
        ).fetchall()


def wait_for(condition, *, seconds: float, every: float = 0.5):
    deadline = time.monotonic() + seconds
    while True:
        outcome = condition()
        if outcome or time.monotonic() > deadline:
            return outcome
        time.sleep(every)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:18480")
    parser.add_argument(
        "--seed", required=True, help="the JSON printed by `manage.py load_smoke_data --json`"
    )
    parser.add_argument("--cache", default="local memory", help="what the cache is, for the report")
    options = parser.parse_args()
    seed = json.loads(Path(options.seed).read_text(encoding="utf-8"))
    database_url = os.environ["DATABASE_URL"]
    run = Run()
    visitor = Browser(options.base)
    buyer = Browser(options.base)

    def ready():
        body = expect(visitor.get("/readyz"), 200, "/readyz").json()
        return (
            ", ".join(f"{name} {result}" for name, result in body["checks"].items())
            + f"; cache: {options.cache}"
        )

    def page(path: str, *needles: str):
        def action():
            response = expect(visitor.get(path), 200, path)
            for needle in needles:
                if needle not in response.text:
                    raise SmokeFailure(f"{path} answered 200 without {needle!r}")
            return f"200, {len(response.body) / 1024:.1f} kB" + (f", shows {needles[0]!r}" if needles else "")

        return action

    def http_redirects_to_https():
        connection = http.client.HTTPConnection(visitor.host, visitor.port, timeout=10)
        connection.request("GET", "/", headers={"Host": visitor.netloc})
        answer = connection.getresponse()
        answer.read()
        connection.close()
        if answer.status != 301 or not answer.getheader("Location", "").startswith("https://"):
            raise SmokeFailure(f"plain HTTP answered {answer.status} {answer.getheader('Location')}")
        return f"301 to {answer.getheader('Location')}"

    def searched():
        query = quote("mat ong")
        link = f'href="{seed["product_url"]}"'
        began = time.monotonic()
        # The product reaches the index through the search-index task the worker runs: wait for it.
        found = wait_for(
            lambda: link in expect(visitor.get(f"/tim-kiem/?q={query}"), 200, "search page").text, seconds=30
        )
        if not found:
            raise SmokeFailure("the search page did not list the product within 30 s (index task not run?)")
        return f"'mat ong' without marks lists {seed['product_sku']}, indexed {time.monotonic() - began:.1f} s after the first try"

    def api_search():
        body = expect(visitor.get("/api/v1/search?q=" + quote("mật ong")), 200, "search API").json()
        skus = [hit["sku"] for hit in body["hits"]]
        if seed["product_sku"] not in skus:
            raise SmokeFailure(f"the search API did not return {seed['product_sku']}: {skus}")
        return f"engine {body['engine']}, {body['total']} hit(s), took {body['took_ms']} ms"

    def log_in():
        form = expect(buyer.get("/accounts/login/"), 200, "log-in page").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        if not token:
            raise SmokeFailure("no CSRF token on the log-in page")
        answer = buyer.post(
            "/accounts/login/",
            form={
                "login": seed["buyer"],
                "password": seed["password"],
                "csrfmiddlewaretoken": token.group(1),
            },
        )
        expect(answer, 302, "log-in")
        if "sessionid" not in buyer.cookies:
            raise SmokeFailure("logged in without a session cookie")
        return f"{seed['buyer']}, 302 to {answer.headers.get('Location')}"

    order = {}

    def cart_and_checkout():
        expect(
            buyer.post("/api/v1/cart/lines", payload={"sku": seed["product_sku"], "quantity": 2}),
            201,
            "cart line",
        )
        shipping = {
            "name": "Nguyễn Thị Lan",
            "phone": "0912 345 678",
            "province": seed["province"],
            "ward": seed["ward"],
            "address": "12 Hàng Bạc",
        }
        placed = expect(
            buyer.post("/api/v1/checkout", payload={"payment_method": "vietqr", "shipping": shipping}),
            201,
            "checkout",
        ).json()
        transfer = placed["payment"]["transfers"][0]
        order.update(
            number=placed["orders"][0]["number"], total=placed["total_vnd"], code=placed["payment_code"]
        )
        if not transfer["payload"]:
            raise SmokeFailure("the VietQR transfer has no QR payload")
        return (
            f"purchase {order['code']}, order {order['number']}, {order['total']:,} đồng, VietQR payload made"
        )

    def statement_import():
        today = datetime.datetime.now(tz=datetime.UTC).date().strftime("%d/%m/%Y")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sao-ke.csv"
            path.write_text(
                "date,amount_vnd,description,reference\n"
                f"{today},{order['total']},NGUYEN THI LAN CK {order['code'].lower()} thanh toan,FT{int(time.time())}\n",
                encoding="utf-8",
            )
            done = manage("import_bank_statement", str(path), "--cooperative", seed["cooperative"])
        if done.returncode or done.stdout.strip() != "matched 1, review 0, duplicate 0":
            raise SmokeFailure(
                f"import_bank_statement: {done.returncode} {done.stdout.strip()} {done.stderr.strip()}"
            )
        return done.stdout.strip()

    def order_paid():
        body = expect(buyer.get(f"/api/v1/orders/{order['number']}"), 200, "order").json()
        if body["payment_status"] != "paid":
            raise SmokeFailure(f"order {order['number']} is {body['payment_status']}, not paid")
        return f"{order['number']} payment_status paid"

    def task_run_by_worker():
        # load_smoke_data published the product in a process of its own; the index update went to
        # the queue when that committed (catalog/search/tasks.py), for the worker to run.
        tasks = finished_tasks(database_url, "catalog.search.tasks.reindex_products")
        ran = [(status, workers) for status, workers in tasks if status == "SUCCESSFUL" and workers]
        if not ran:
            raise SmokeFailure(f"no reindex_products task was run by a worker: {tasks}")
        return f"catalog.search.tasks.reindex_products, queued by load_smoke_data: SUCCESSFUL, run by worker {ran[0][1][0]}"

    print(f"Smoke test of {options.base}:", flush=True)
    try:
        run.check("readiness: /readyz answers 200", ready)
        run.check("plain HTTP is redirected to HTTPS (debug off)", http_redirects_to_https)
        run.check("home page /", page("/", "<html"))
        run.check("product listing /san-pham/", page("/san-pham/", seed["product_name"]))
        run.check(
            f"product page {seed['product_url']}", page(seed["product_url"], seed["product_name"], "180.000")
        )
        run.check("search page finds the product (indexed by the worker)", searched)
        run.check("a task queued by another process was run by the worker", task_run_by_worker)
        run.check("search API /api/v1/search?q=mật ong", api_search)
        run.check("buyer logs in (allauth, rate limits in the cache)", log_in)
        run.check("cart and checkout through the API, paid by VietQR transfer", cart_and_checkout)
        run.check("bank statement import matches the transfer", statement_import)
        run.check("the order is paid (API)", order_paid)
    except SmokeFailure:
        return 1
    print(f"All {run.checks} checks passed in {time.monotonic() - run.started:.1f} s.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
