"""Fixtures for the marketplace tests.

`threadable_db` gives threads a database each can open. pytest-django's SQLite test database is
in memory with a shared cache, where concurrent writers get "table is locked" errors that a real
SQLite file never gives; so for SQLite the test database is copied to a file (WAL, BEGIN IMMEDIATE,
as config/settings.py configures it) for the test's duration. PostgreSQL needs nothing.

Threads cannot share the test's transaction, so these tests commit, and the database is flushed
after each one. The flush would take with it what the migrations loaded (provinces, wards,
categories, the page tree), so the fixture asks for serialized rollback: the migrated content is
put back before each such test.

Card payments: `localstripe` (session) starts the Stripe stand-in on a free 127.0.0.1 port and gives
its base URL, or skips the test saying why; `card_settings` points the STRIPE_* settings at it;
`stripe_stub` is a recording HTTP stub for what localstripe ignores (headers). See stripe_helpers.
"""

import sqlite3

import pytest
from django.db import connections

from tests.marketplace import stripe_helpers
from tests.marketplace.stripe_stub import RecordingStripeStub


@pytest.fixture
def threadable_db(django_db_serialized_rollback, transactional_db, tmp_path):
    connection = connections["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    copy = sqlite3.connect(tmp_path / "test.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    # Closing the in-memory connection would drop the session's test database: set it aside instead.
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(tmp_path / "test.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """localstripe's base URL (http://127.0.0.1:<port>), for the whole session; skips if it cannot run."""
    log_path = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    try:
        process, url = stripe_helpers.start_localstripe(log_path)
    except RuntimeError as error:
        pytest.skip(str(error))
    try:
        yield url
    finally:
        stripe_helpers.stop_localstripe(process)


@pytest.fixture
def card_settings(settings, localstripe):
    """Card payment configured against localstripe (which takes any sk_test_ key)."""
    settings.STRIPE_SECRET_KEY = stripe_helpers.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = stripe_helpers.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = stripe_helpers.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_JS_URL = f"{localstripe}/js.stripe.com/v3/"
    return settings


@pytest.fixture
def stripe_stub():
    """A recording stand-in for Stripe's API on a free 127.0.0.1 port (tests/marketplace/stripe_stub.py)."""
    with RecordingStripeStub() as stub:
        yield stub
