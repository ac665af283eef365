"""Health probes for load balancers and orchestrators, answered before any other middleware.

`/healthz` says the process is alive and touches nothing: no database, no cache, no session.
`/readyz` says it can serve: it checks the database, the cache and the search engine, and answers
503 naming what failed. Both are answered first, so a probe by IP over plain HTTP gets through
whatever ALLOWED_HOSTS and the HTTPS redirect say, and neither sets a cookie.
"""

import logging
import time

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTHZ = "/healthz"
READYZ = "/readyz"


def _database() -> None:
    for connection in connections.all(initialized_only=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


def _cache() -> None:
    # The Redis cache serves pages without Redis when it is down (config/cache.py), hiding its
    # errors: ask it directly first, so that the probe sees them.
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    token = str(time.monotonic_ns())
    cache.set("readyz", token, 10)
    if cache.get("readyz") != token:
        raise RuntimeError("the cache did not keep a value")


def _search() -> None:
    from catalog import search

    chosen = search.engine()
    if chosen.name != "database":  # the database engine is the database, checked above
        chosen.count()


CHECKS = {"database": _database, "cache": _cache, "search": _search}


def readiness() -> dict[str, str]:
    """Each check's outcome, "ok" or "failed". The error itself goes to the log only: /readyz answers
    anyone, and a driver's message names hosts, ports and database users."""
    outcome = {}
    for name, check in CHECKS.items():
        try:
            check()
            outcome[name] = "ok"
        except Exception as error:  # a probe reports every failure, whatever its kind
            logger.warning("Readiness check %s failed: %s: %s", name, type(error).__name__, error)
            outcome[name] = "failed"
    return outcome


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == HEALTHZ:
                return _no_store(HttpResponse("ok", content_type="text/plain"))
            if request.path == READYZ:
                checks = readiness()
                failed = sorted(name for name, result in checks.items() if result != "ok")
                body = {"status": "ok" if not failed else "unavailable", "failed": failed, "checks": checks}
                return _no_store(JsonResponse(body, status=503 if failed else 200))
        return self.get_response(request)
