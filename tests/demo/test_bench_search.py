"""bench_search: the figures it reports, and that it measures in a database of its own."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from demo.management.commands.bench_search import measure, percentile, query_mix
from scripts import scratch_database
from tests import factories
from tests.helpers import own_sqlite_database

FIGURES = {
    "engine",
    "database",
    "products",
    "queries",
    "p50_ms",
    "p95_ms",
    "shared_buffers",
    "suggest_p95_ms",
    "index_docs_per_s",
}


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0


def test_query_mix_is_the_same_for_the_same_seed():
    first = query_mix(50, seed=7, categories=["food"], provinces=["01"])
    assert first == query_mix(50, seed=7, categories=["food"], provinces=["01"])
    assert first != query_mix(50, seed=8, categories=["food"], provinces=["01"])
    assert any(q.text == "" for q in first)
    assert any(q.text for q in first)


@pytest.mark.django_db
def test_measure_reports_every_figure_for_the_catalogue_it_indexed():
    cooperative = factories.cooperative(name="HTX Nước mắm Phú Quốc", province="91")
    for n in range(3):
        factories.product(cooperative=cooperative, name=f"Nước mắm cốt nhĩ {n}", category="food-condiments")

    figures = measure(queries=20, seed=1)

    assert FIGURES <= figures.keys()
    assert figures["engine"] == "database"
    assert figures["products"] == 3
    assert figures["queries"] == 20
    assert 0 < figures["p50_ms"] <= figures["p95_ms"]
    assert figures["index_docs_per_s"] > 0
    if connection.vendor == "postgresql":
        assert figures["shared_buffers"].endswith(("kB", "MB", "GB"))
    else:
        assert figures["shared_buffers"] is None


def test_the_working_database_is_never_the_benchmark_one(settings):
    working = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the check compares SQLite paths")
    with pytest.raises(CommandError, match="must not be the database you work in"):
        call_command("bench_search", products=10, queries=5, database=working)


@own_sqlite_database
def test_bench_search_builds_its_own_database_and_prints_one_json_object(tmp_path, capsys):
    """End to end, in a subprocess, as a user runs it: slow (it builds the demo). The database is a
    copy of the migrated template, so the command's `migrate` finds nothing to do."""
    scratch_database.copy_sqlite(tmp_path / "bench.sqlite3")
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"

    call_command("bench_search", products=300, queries=20, json=True, database=url)

    figures = json.loads(capsys.readouterr().out)
    assert FIGURES <= figures.keys()
    assert figures["products"] >= 300
    assert figures["queries"] == 20
    assert (tmp_path / "bench.sqlite3").exists()
