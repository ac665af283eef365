"""Fixtures for the marketplace tests.

`threadable_db` gives threads a database each can open. pytest-django's SQLite test database is
in memory with a shared cache, where concurrent writers get "table is locked" errors that a real
SQLite file never gives; so for SQLite the test database is copied to a file (WAL, BEGIN IMMEDIATE,
as config/settings.py configures it) for the test's duration. PostgreSQL needs nothing.

Threads cannot share the test's transaction, so these tests commit, and the database is flushed
after each one. The flush would take with it what the migrations loaded (provinces, wards,
categories, the page tree), so the fixture asks for serialized rollback: the migrated content is
put back before each such test.
"""

import sqlite3

import pytest
from django.db import connections


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
