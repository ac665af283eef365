"""bench_pages: the production server's pages per second, cached and uncached, against /healthz."""

import asyncio
import json

import pytest
from django.core.management import CommandError, call_command

from demo.load_client import read_response
from scripts import scratch_database
from tests.helpers import own_sqlite_database

PAGES = ["home", "category", "cooperative", "product", "fair", "search", "listing"]


def test_the_working_database_is_never_the_benchmark_one(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the check compares SQLite paths")
    working = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    with pytest.raises(CommandError, match="must not be the database you work in"):
        call_command("bench_pages", duration=0.1, database_url=working)


def test_a_database_named_otherwise_is_refused(tmp_path):
    with pytest.raises(CommandError, match="must contain 'bench'"):
        call_command("bench_pages", duration=0.1, database_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    assert not (tmp_path / "shop.sqlite3").exists()


def test_bad_durations_and_sizes_are_refused():
    with pytest.raises(CommandError, match="--duration"):
        call_command("bench_pages", duration=0)
    with pytest.raises(CommandError, match="--concurrency"):
        call_command("bench_pages", concurrency=0)


@pytest.mark.parametrize(
    ("raw", "status", "closes"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 200, True),
        (b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno", 404, False),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\nyes\r\n0\r\n\r\n",
            200,
            False,
        ),
    ],
)
def test_the_load_client_reads_exactly_one_response(raw, status, closes):
    async def read():
        reader = asyncio.StreamReader()
        reader.feed_data(raw + b"HTTP/1.1 200 OK\r\n")  # the next response, on a kept connection
        reader.feed_eof()
        return await read_response(reader), await reader.read()

    assert asyncio.run(read()) == ((status, closes), b"HTTP/1.1 200 OK\r\n")


def test_the_load_client_reads_a_body_without_length_to_the_end():
    async def read():
        reader = asyncio.StreamReader()
        reader.feed_data(b"HTTP/1.0 200 OK\r\n\r\nuntil the end")
        reader.feed_eof()
        return await read_response(reader)

    assert asyncio.run(read()) == (200, True)


@own_sqlite_database
def test_bench_pages_serves_every_page_cached_and_uncached_and_prints_one_json_object(tmp_path, capsys):
    """End to end, as a user runs it: a small demo site, gunicorn twice, a fraction of a second per
    page. Slow (it fills the database with a small demo and collects the static files)."""
    database = tmp_path / "pages-bench.sqlite3"
    scratch_database.copy_sqlite(database)  # migrated: the command's `migrate` finds nothing to do

    call_command(
        "bench_pages",
        duration=0.3,
        warmup=0.1,
        concurrency=2,
        workers=1,
        port=18551,
        small=True,
        json=True,
        database_url=f"sqlite:///{database}",
    )

    figures = json.loads(capsys.readouterr().out)
    assert figures["server"].startswith("gunicorn ")
    assert figures["workers"] == 1
    assert figures["healthz_rps"] > 0
    assert figures["database"].startswith("sqlite ")
    assert [(page["page"], page["cached"]) for page in figures["pages"]] == [
        (name, cached) for name in PAGES for cached in (True, False)
    ]
    for page in figures["pages"]:
        assert {"path", "cached", "rps", "p95_ms", "ratio"} <= page.keys()
        assert page["path"].startswith("/")
        assert page["rps"] > 0
        assert page["p95_ms"] > 0
        assert page["ratio"] == pytest.approx(page["rps"] / figures["healthz_rps"], abs=0.001)
        assert page["errors"] == 0
        assert page["server_cpu_ms"] is not None  # read from /proc: the tests run on Linux
    assert set(figures["goals"]) == {
        "cached_at_least_half_of_healthz",
        "uncached_product_and_category_at_least_15_percent",
    }
    assert database.exists()  # kept, to be reused
