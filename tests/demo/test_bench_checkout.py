"""bench_checkout: the figures it reports, an exact race, and a database of its own that it drops."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.helpers import own_sqlite_database

FIGURES = {"database", "race", "purchases", "purchases_per_s", "p50_ms", "p95_ms"}


def test_the_working_database_is_never_the_benchmark_one(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the check compares SQLite paths")
    working = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    with pytest.raises(CommandError, match="must not be the database you work in"):
        call_command("bench_checkout", purchases=5, database=working)


def test_a_database_named_otherwise_is_refused(tmp_path):
    with pytest.raises(CommandError, match="must contain 'bench'"):
        call_command("bench_checkout", purchases=5, database=f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    assert not (tmp_path / "shop.sqlite3").exists()


@own_sqlite_database
def test_bench_checkout_races_exactly_and_prints_one_json_object(tmp_path, capsys):
    """End to end, in a subprocess, as a user runs it: slow (it migrates a fresh database)."""
    database = tmp_path / "checkout-bench.sqlite3"

    call_command("bench_checkout", purchases=20, concurrency=2, json=True, database=f"sqlite:///{database}")

    figures = json.loads(capsys.readouterr().out)
    assert FIGURES <= figures.keys()
    assert figures["database"].startswith("sqlite ")
    assert figures["race"] == {"orders": 10, "out_of_stock": 40, "oversold": 0, "errors": 0}
    assert figures["purchases"] == 20
    assert figures["purchase_errors"] == {}
    assert figures["buyers_are"] == "processes"  # as a server's workers are, unless --threads
    assert figures["purchases_per_s"] > 0
    assert 0 < figures["p50_ms"] <= figures["p95_ms"]
    assert figures["queries_per_checkout"] <= 22
    assert not database.exists()  # dropped, as no --keep was given
