"""Small helpers shared by the test modules."""

import os

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url) -> int:
    """Queries for one request, with caches emptied so prefetching (not a cache) keeps them flat."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# For the end-to-end runs of a command that builds a SQLite database of its own whatever the suite's
# database is: the same run on the suite's PostgreSQL pass would repeat the SQLite pass to the byte.
own_sqlite_database = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="builds its own SQLite database: the suite's SQLite run covers it",
)
