"""Shared fixtures. Migrations load the places, categories, page tree and review workflow."""

import io
import socket
import sqlite3

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import get_resolver
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from catalog import page_cache
from catalog.places import clear_caches
from scripts import scratch_database
from tests import factories
from tests.factories import fairs as fair_factories

# Hypothesis times its own input generation and each example; on a loaded CI machine those clocks
# fail tests that are right. Timing is for the benchmarks, never for the tests.
hypothesis_settings.register_profile("timeless", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("timeless")


# --- the test databases ----------------------------------------------------------------------------
# Each xdist worker's test database starts as a copy of a migrated template (scripts/scratch_database.py),
# made just before Django sets the databases up, so that Django keeps what it finds and its `migrate`
# has nothing to do: a second instead of half a minute of Django's migration state for each worker.
# The template is built once a machine for each set of migrations; `--create-db` migrates as usual.


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    return not request.config.getvalue("create_db")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb):
    if not django_db_keepdb:
        yield
        return
    from django.db import connections

    connection = connections["default"]
    name = connection.creation._get_test_db_name()
    if connection.vendor == "postgresql":
        where = connection.settings_dict
        on = f"postgres://{where['USER']}:{where['PASSWORD']}@{where['HOST']}:{where['PORT'] or 5432}"
        scratch_database.create(name, scratch_database.TEMPLATE_PREFIX, on=on)
        yield
        connections.close_all()
        scratch_database.drop(name, on=on)
    elif connection.creation.is_in_memory_db(name):
        # Shared in memory: it lives while a connection to it is open, this one until the end.
        holder = sqlite3.connect(name, uri=True)
        scratch_database.copy_sqlite(holder)
        yield
        holder.close()
    else:
        scratch_database.copy_sqlite(name)
        yield


@pytest.fixture(scope="session", autouse=True)
def _views_imported():
    """Every view is imported before any test patches a name that a view imports by value: a view
    module first imported under a test's monkeypatch would keep the patched object for good."""
    get_resolver().url_patterns  # noqa: B018 (loading the URLconf imports the views)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness (about a second per hash here) is not what the tests test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language(settings):
    """A request to /en/ leaves English active in the thread; each test starts in Vietnamese."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts log-ins and sign-ups per IP in the cache; every test client is 127.0.0.1."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_place_caches():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def _fresh_remembered_values():
    """Sites, menus and routes each process remembers under the page cache's generation: a test's database
    is rolled back, and another test's generation could be the same (a Redis not flushed)."""
    page_cache.remembered.clear()
    page_cache.routes.clear()
    yield
    page_cache.remembered.clear()
    page_cache.routes.clear()


@pytest.fixture
def buyer(db):
    return factories.user(email="buyer@example.org")


@pytest.fixture
def admin_user(db):
    return factories.superuser()


# An organiser, and an open fair that their alliance leads (the fairs and accounts tests share
# them; a module that needs other ones defines its own fixtures of these names).
@pytest.fixture
def organiser(db):
    return factories.user(email="lienminh@example.org")


@pytest.fixture
def fair(organiser):
    return fair_factories.fair(lead=factories.alliance(provinces=("01",), staff=[organiser]))


@pytest.fixture
def refused_port() -> int:
    """A port of 127.0.0.1 nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Background work on the real database task backend (django-tasks-db), as production runs it.
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """Tasks go to django-tasks-db's DatabaseBackend, as in production; `run_worker()` runs its worker.

    The worker is django-tasks-db's own `db_worker` command in batch mode: it runs every task that
    is due, then stops. Between tasks it recycles database connections (close_old_connections);
    inside a test's transaction that would close the connection holding the test's data, so only
    that step is turned off here.
    """
    settings.TASKS = DATABASE_BACKEND
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run_worker() -> str:
        out = io.StringIO()
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0",
            "--worker-id=test-worker",
            verbosity=0,
            stdout=out,
            stderr=out,
        )
        return out.getvalue()

    return run_worker
