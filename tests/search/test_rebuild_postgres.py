"""PostgreSQL: a rebuild fills a fresh copy of the document table and puts it in place
(catalog.search.tables). The schema stays the migrations' one, readers read the old rows meanwhile,
and a write made during the rebuild waits for it and is not lost."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
from django.db import connection

from catalog import search
from catalog.models import ProductPage, SearchDocument
from catalog.search import SearchQuery, tables
from catalog.search.database import DatabaseEngine
from catalog.search.documents import documents_for
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the table swap is PostgreSQL's; SQLite rebuilds in place"
)

TABLE = "catalog_searchdocument"


def schema() -> dict:
    """What the migrations made of the table, as PostgreSQL prints it back (names included)."""
    queries = {
        "columns": (
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attstorage, "
            "a.attcompression, a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attstattarget "
            "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        ),
        "indexes": "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass ORDER BY 1",
        "constraints": "SELECT conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred "
        "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1",
        "statistics": "SELECT stxname, pg_get_statisticsobjdef(oid) FROM pg_statistic_ext "
        "WHERE stxrelid = %s::regclass ORDER BY 1",
        "options": "SELECT reloptions FROM pg_class WHERE oid = %s::regclass",
    }
    with connection.cursor() as cursor:
        found = {}
        for name, sql in queries.items():
            cursor.execute(sql, [TABLE])
            found[name] = cursor.fetchall()
    return found


def found(text: str) -> list[str]:
    return [hit.sku for hit in search.search(SearchQuery(text=text)).hits]


def in_thread(call):
    """`call`, closing the thread's own connection after it."""

    def run():
        try:
            return call()
        finally:
            connection.close()

    return run


def rebuild_of(products, halfway: threading.Event, go_on: threading.Event, *, pause_reading: bool = True):
    """A rebuild of `products` for another thread; with `pause_reading`, it says `halfway` after the
    first listing and waits to `go_on`."""

    def documents():
        read = list(documents_for([product.pk for product in products]))
        yield read[0]
        if pause_reading:
            halfway.set()
            assert go_on.wait(30)
        yield from read[1:]

    return in_thread(lambda: DatabaseEngine().rebuild(documents()))


@pytest.mark.django_db
def test_a_rebuild_leaves_the_table_as_the_migrations_made_it():
    factories.product(name="Bưởi Diễn")
    before = schema()
    assert {"catalog_search_match", "catalog_search_sample_facets"} <= {name for name, _ in before["indexes"]}
    assert before["statistics"]
    assert before["options"] == [(["toast_tuple_target=128"],)]

    assert search.rebuild()["indexed"] == 1
    search.rebuild()

    assert schema() == before
    assert len(found("buoi dien")) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [TABLE + "_next"])
        assert cursor.fetchone() == (None,)


def test_readers_read_the_old_rows_and_a_write_waits_for_the_new_table(
    django_db_serialized_rollback, transactional_db
):
    pomelo = factories.product(name="Bưởi Diễn")
    orange = factories.product(name="Cam Vinh")
    search.rebuild()
    halfway, go_on = threading.Event(), threading.Event()

    with ThreadPoolExecutor(max_workers=3) as pool:
        rebuilt = pool.submit(rebuild_of([pomelo, orange], halfway, go_on))
        assert halfway.wait(30)
        # Meanwhile a reader reads the old rows, without waiting.
        assert pool.submit(in_thread(lambda: found("buoi"))).result(timeout=10) == [pomelo.sku]
        # The pomelo is taken off sale: its removal waits for the rebuild, which holds it.
        removal = pool.submit(in_thread(lambda: search.remove_products([pomelo.pk])))
        with pytest.raises(FutureTimeout):
            removal.result(timeout=1)
        go_on.set()
        assert rebuilt.result(timeout=60) == 2
        removal.result(timeout=30)

    # The removal went to the new table: not lost under the rebuild's copy of the pomelo.
    assert found("buoi") == []
    assert found("cam vinh") == [orange.sku]
    assert list(SearchDocument.objects.values_list("product_id", flat=True)) == [orange.pk]


def test_a_rebuild_that_fails_while_reading_leaves_the_index_as_it_was(
    django_db_serialized_rollback, transactional_db
):
    """Outside a transaction the documents are read on another thread's connection: an error there
    reaches the caller, nothing is swapped in, and that connection is closed."""
    pomelo = factories.product(name="Bưởi Diễn")
    search.rebuild()

    def documents():
        yield from documents_for([pomelo.pk])
        raise ValueError("the catalogue could not be read")

    def connections_open() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cursor.fetchone()[0]

    before = connections_open()
    with pytest.raises(ValueError, match="could not be read"):
        DatabaseEngine().rebuild(documents())

    assert found("buoi") == [pomelo.sku]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [TABLE + "_next"])
        assert cursor.fetchone() == (None,)
    for _ in range(50):  # a closed connection's server process ends a moment later
        if connections_open() == before:
            break
        time.sleep(0.1)
    assert connections_open() == before


@pytest.mark.parametrize("pause", ["reading", "swapping"])
def test_a_product_deleted_during_a_rebuild_is_gone_and_neither_deadlocks(
    django_db_serialized_rollback, transactional_db, monkeypatch, pause
):
    """Deleting a product page deletes its document in the same transaction (Django's cascade), while
    the rebuild holds the table. The deletion waits for the rebuild, whether it starts while the
    listings are read or just before the swap, and neither is aborted as a deadlock (with the table's
    foreign key, dropping the old table at the swap waited for the deletion's lock on the pages)."""
    pomelo = factories.product(name="Bưởi Diễn")
    orange = factories.product(name="Cam Vinh")
    search.rebuild()
    halfway, go_on = threading.Event(), threading.Event()

    if pause == "swapping":
        put_in_place = tables.put_in_place

        def paused(*args, **kwargs):
            halfway.set()
            assert go_on.wait(30)
            return put_in_place(*args, **kwargs)

        monkeypatch.setattr(tables, "put_in_place", paused)

    with ThreadPoolExecutor(max_workers=2) as pool:
        rebuilt = pool.submit(rebuild_of([pomelo, orange], halfway, go_on, pause_reading=pause == "reading"))
        assert halfway.wait(30)
        deleted = pool.submit(in_thread(lambda: ProductPage.objects.get(pk=pomelo.pk).delete()))
        with pytest.raises(FutureTimeout):
            deleted.result(timeout=1)  # it waits for the rebuild
        go_on.set()
        assert rebuilt.result(timeout=60) == 2
        deleted.result(timeout=30)

    assert not ProductPage.objects.filter(pk=pomelo.pk).exists()
    assert list(SearchDocument.objects.values_list("product_id", flat=True)) == [orange.pk]
    assert found("cam vinh") == [orange.sku]
