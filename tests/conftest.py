"""Shared fixtures. Migrations load the places, categories, page tree and review workflow."""

import socket

import pytest
from django.core.cache import cache
from django.utils import translation

from catalog.places import clear_caches
from tests import factories
from tests.factories import fairs as fair_factories


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
