"""Small helpers shared by the test modules."""

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
