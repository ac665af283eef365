"""Shared fixtures. Migrations load the places, categories, page tree and review workflow."""

import pytest

from catalog.places import clear_caches
from tests import factories


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
