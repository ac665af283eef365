"""Browser journeys: a real server process on 127.0.0.1, a real database with the demo data,
and Debian's Chromium driven by Playwright.

The server runs in its own process against its own database (a temporary SQLite
file, or a scratch database on the PostgreSQL server when DATABASE_URL points at
one), so journeys see exactly what a user of `make run` sees.
"""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from scripts import scratch_database
from tests.marketplace import stripe_helpers
from tests.marketplace.stripe_helpers import start_localstripe, stop_localstripe

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # All journeys share one server: keep them on one xdist worker. xdist's own hook reads
            # the marker, so this one runs first (tryfirst); pyproject.toml registers the marker
            # for runs without xdist.
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scratch_database(tmp: Path):
    """A database URL for the server, a copy of the migrated template (scripts/scratch_database.py),
    and a clean-up function."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        on, _, _name = url.rpartition("/")
        name = f"coop_e2e_{uuid.uuid4().hex[:8]}"
        scratch_database.create(name, scratch_database.TEMPLATE_PREFIX, on=on)
        return f"{on}/{name}", lambda: scratch_database.drop(name, on=on)
    scratch_database.copy_sqlite(tmp / "e2e.sqlite3")
    return f"sqlite:///{tmp / 'e2e.sqlite3'}", lambda: None


@pytest.fixture(scope="session")
def site_env():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; `make test` installs Debian's chromium when run as root"
        )
    tmp = Path(tempfile.mkdtemp(prefix="coop-e2e-"))
    database_url, drop = _scratch_database(tmp)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_DEBUG": "true",
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    # Card payments against localstripe on 127.0.0.1, when it is installed (`make localstripe`).
    try:
        card_processor, localstripe_url = start_localstripe(tmp / "localstripe.log")
    except RuntimeError as error:
        card_processor, localstripe_url, localstripe_error = None, None, str(error)
    else:
        localstripe_error = ""
        env |= {
            "STRIPE_SECRET_KEY": stripe_helpers.SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": stripe_helpers.PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": stripe_helpers.WEBHOOK_SECRET,
            "STRIPE_API_BASE": localstripe_url,
            "STRIPE_JS_URL": f"{localstripe_url}/js.stripe.com/v3/",
        }
    manage = [sys.executable, str(ROOT / "manage.py")]
    # A copy of the migrated template: `migrate` checks that it has nothing left to do.
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo_data"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    yield {
        "env": env,
        "manage": manage,
        "tmp": tmp,
        "localstripe": localstripe_url,
        "localstripe_error": localstripe_error,
    }
    if card_processor is not None:
        stop_localstripe(card_processor)
    drop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def live_site(site_env):
    port = _free_port()
    env = {**site_env["env"], "SITE_BASE_URL": f"http://127.0.0.1:{port}"}
    server = subprocess.Popen(
        [*site_env["manage"], "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base_url + "/", timeout=2)  # noqa: S310 - loopback only
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        raise RuntimeError(f"server did not start: {server.stderr.read().decode()[-2000:]}")
    if site_env["localstripe"]:
        stripe_helpers.register_webhook(
            site_env["localstripe"],
            url=f"{base_url}/payments/stripe/webhook/",
            secret=stripe_helpers.WEBHOOK_SECRET,
            name="e2e",
        )
    yield base_url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def manage_shell(site_env):
    """Run Python against the server's database (for looking up ids, never for shortcuts)."""

    def run(code: str) -> str:
        result = subprocess.run(
            [*site_env["manage"], "shell", "-v0", "-c", code],
            env=site_env["env"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    return run


@pytest.fixture(scope="module")
def browser():
    """Chromium, for one module of journeys.

    Between its calls, Playwright's sync API marks its event loop as running in this thread
    (playwright/sync_api/_context_manager.py), and Django then refuses database work in it
    (SynchronousOnlyOperation): the tests that follow the journeys on this xdist worker failed so.
    So Playwright lives for one module at a time, and the mark is cleared when it stops."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        asyncio._set_running_loop(None)


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(base_url=live_site, viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
