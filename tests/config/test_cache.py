"""The cache: Redis when REDIS_URL is set, and pages still served while Redis cannot be reached."""

import socket
import time
import uuid

import environ
import pytest
import redis
from django.core.cache import cache, caches
from django.test import override_settings

from config.cache import FaultTolerantRedisCache, caches_from_environment
from tests import factories
from tests.accounts.conftest import log_in, logged_in_id

PASSWORD = "dung-mat-khau-2025!"


def _from(**variables):
    """The cache settings for these variables alone, whatever the process environment holds."""
    env = environ.Env()
    env.ENVIRON = variables
    return caches_from_environment(env)


def _redis_cache(location: str, **options) -> dict:
    return {
        "BACKEND": "config.cache.FaultTolerantRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **options},
    }


@pytest.fixture
def unreachable_cache(refused_port):
    with override_settings(CACHES={"default": _redis_cache(f"redis://127.0.0.1:{refused_port}/0")}):
        yield caches["default"]


@pytest.fixture
def live_redis():
    """The local Redis at 127.0.0.1:6379, under a key prefix of this test's own."""
    try:
        redis.Redis(socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis answers at 127.0.0.1:6379")
    settings_dict = _redis_cache("redis://127.0.0.1:6379/0")
    with override_settings(CACHES={"default": settings_dict}):
        yield caches["default"]
        client = redis.Redis()
        keys = list(client.scan_iter(f"{settings_dict['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)


# --- settings -------------------------------------------------------------------------------------


def test_without_redis_url_the_cache_is_local_memory():
    assert _from()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_makes_it_the_fault_tolerant_redis_cache_with_short_timeouts():
    config = _from(REDIS_URL="redis://10.0.0.5:6379/1", REDIS_TIMEOUT="0.25")
    assert config["BACKEND"] == "config.cache.FaultTolerantRedisCache"
    assert config["LOCATION"] == "redis://10.0.0.5:6379/1"
    assert config["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}


def test_cache_url_still_works_and_a_redis_one_is_fault_tolerant_too():
    assert _from(CACHE_URL="dummycache://")["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"
    assert _from(CACHE_URL="redis://10.0.0.5:6379/2")["BACKEND"] == "config.cache.FaultTolerantRedisCache"


def test_redis_url_wins_over_cache_url():
    config = _from(REDIS_URL="redis://10.0.0.5:6379/1", CACHE_URL="locmemcache://", CACHE_KEY_PREFIX="san")
    assert (config["LOCATION"], config["KEY_PREFIX"]) == ("redis://10.0.0.5:6379/1", "san")


# --- the backend, Redis down ----------------------------------------------------------------------


def test_an_unreachable_redis_answers_as_an_empty_cache(unreachable_cache):
    assert isinstance(unreachable_cache, FaultTolerantRedisCache)
    unreachable_cache.set("k", "v")
    assert unreachable_cache.get("k") is None
    assert unreachable_cache.get("k", "fallback") == "fallback"
    assert unreachable_cache.get_many(["k", "j"]) == {}
    assert unreachable_cache.set_many({"k": 1, "j": 2}) == ["k", "j"]
    assert unreachable_cache.has_key("k") is False
    assert unreachable_cache.add("lock", True) is True  # a lock taken with add() lets the caller through
    assert unreachable_cache.get_or_set("k", "computed") == "computed"
    with pytest.raises(ValueError, match="not found"):
        unreachable_cache.incr("k")
    unreachable_cache.delete("k")
    unreachable_cache.delete_many(["k"])
    unreachable_cache.clear()


def test_after_an_error_redis_is_left_alone_for_a_pause_then_asked_again():
    """A server that accepts and never answers costs one timeout per pause, not one per call."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        silent.setblocking(False)
        location = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        backend = FaultTolerantRedisCache(
            location, {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
        )

        def connections_made() -> int:
            made = 0
            while True:
                try:
                    accepted, _ = silent.accept()
                except BlockingIOError:
                    return made
                accepted.close()
                made += 1

        for n in range(10):
            assert backend.get(f"k{n}") is None
        assert connections_made() == 1

        backend._unreachable_until = time.monotonic() - 1  # the pause is over
        assert backend.get("again") is None
        assert connections_made() == 1


def test_ping_raises_for_the_readiness_probe(unreachable_cache):
    with pytest.raises(redis.ConnectionError):
        unreachable_cache.ping()


@pytest.mark.django_db
def test_readyz_still_names_the_unreachable_cache(client, unreachable_cache):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["checks"]["cache"] == "failed"


# --- the site, Redis down ---------------------------------------------------------------------------


@pytest.fixture
def product(db):
    return factories.product(name="Mật ong hoa nhãn", stock=10)


@pytest.mark.django_db
def test_pages_are_served_while_the_cache_is_unreachable(client, unreachable_cache, product):
    for path in ("/", "/san-pham/", product.url, "/accounts/login/", "/tim-kiem/?q=mat+ong"):
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_logging_in_works_while_the_cache_is_unreachable(client, unreachable_cache):
    buyer = factories.user(email="mua@example.org", password=PASSWORD)

    response = log_in(client, "mua@example.org", PASSWORD)

    assert response.status_code == 302
    assert logged_in_id(client) == str(buyer.pk)


# --- the site, Redis up ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rate_limits_count_in_redis_when_it_is_up(client, live_redis):
    assert cache.add("probe", 1) is True  # really Redis, really answering
    assert cache.get("probe") == 1
    factories.user(email="mua@example.org", password=PASSWORD)

    for n in range(6):
        log_in(client, "mua@example.org", f"wrong-{n}")
    response = log_in(client, "mua@example.org", PASSWORD)

    assert response.status_code in (200, 429)
    assert logged_in_id(client) is None
