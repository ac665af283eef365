"""/healthz answers without touching anything; /readyz checks the database, the cache and search."""

import pytest
from django.test import override_settings


def test_healthz_touches_nothing_and_sets_no_cookie(client, settings):
    """No django_db mark: a query would fail the test."""
    settings.ALLOWED_HOSTS = ["example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")  # a load balancer probing by IP over HTTP
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_reports_each_check(client, settings):
    settings.ALLOWED_HOSTS = ["example.org"]
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "cache": "ok", "search": "ok"},
    }
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_names_an_unreachable_cache(client, refused_port):
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{refused_port}/0",
    }
    with override_settings(CACHES={"default": unreachable}):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    # What failed, not how: the driver's message (hosts, ports, users) goes to the log only.
    assert body["checks"]["cache"] == "failed"
    assert str(refused_port) not in response.content.decode()


@pytest.mark.django_db
def test_readyz_names_an_unreachable_search_engine(client, settings, refused_port):
    settings.SEARCH_ENGINE = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{refused_port}"
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["search"]


@pytest.mark.django_db
def test_other_methods_and_paths_go_on_to_the_site(client):
    assert client.post("/healthz").status_code in (301, 403, 404, 405)
    assert client.get("/healthz/").status_code in (301, 404)
