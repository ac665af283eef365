"""PostgreSQL: a search narrowed by words, a category or a province reads through index bitmaps,
with room for them (catalog.search.database.BITMAP_MEMORY), and leaves the setting as it was."""

import pytest
from django.db import connection

from catalog import search
from catalog.search import SearchQuery
from catalog.search.database import BITMAP_MEMORY, DatabaseEngine
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem is PostgreSQL's"),
]


def work_mem() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        return cursor.fetchone()[0]


@pytest.fixture
def seen(monkeypatch):
    """work_mem as the counts of each search see it."""
    values = []
    counts = DatabaseEngine._counts

    def recording(self, *args, **kwargs):
        values.append(work_mem())
        return counts(self, *args, **kwargs)

    monkeypatch.setattr(DatabaseEngine, "_counts", recording)
    return values


@pytest.mark.parametrize("server", ["4MB", "64MB"])
def test_a_narrowed_search_has_room_for_its_bitmaps_then_the_setting_is_as_it_was(
    seen, server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # indexed, as after a commit
        factories.product(name="Mật ong hoa nhãn")
    with connection.cursor() as cursor:
        cursor.execute(f"SET work_mem = '{server}'")

    assert search.search(SearchQuery(text="mat ong")).total == 1

    # Raised to BITMAP_MEMORY, never lowered below what the server gives.
    assert seen == [BITMAP_MEMORY if server == "4MB" else server]
    assert work_mem() == server
