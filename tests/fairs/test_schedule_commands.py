"""`schedule_meetings` and `bench_schedule`: exit codes, no partial files, valid output."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fairs.scheduling import verify

ROOT = Path(__file__).resolve().parents[2]


def _instance(**changes) -> dict:
    instance = {
        "slots": ["s01", "s02", "s03"],
        "tables": {"s01": 2, "s02": 2, "s03": 1},
        "participants": [{"id": "b1"}, {"id": "b2", "available": ["s02", "s03"]}, {"id": "c1"}, {"id": "c2"}],
        "meetings": [
            {"id": "m1", "participants": ["b1", "c1"], "weight": 3, "pinned_slot": "s02"},
            {"id": "m2", "participants": ["b1", "c2"], "weight": 2},
            {"id": "m3", "participants": ["b2", "c1"]},
            {"id": "m4", "participants": ["b2", "c2"], "weight": 1.5},
        ],
        "max_meetings_per_participant": 2,
    }
    instance.update(changes)
    return instance


def _run(tmp_path: Path, content: str | None, *extra: str) -> tuple[Path, str]:
    source, target = tmp_path / "instance.json", tmp_path / "schedule.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    out = StringIO()
    call_command("schedule_meetings", "--input", str(source), "--output", str(target), *extra, stdout=out)
    return target, out.getvalue()


def test_a_good_run_writes_a_valid_schedule(tmp_path):
    instance = _instance()
    target, out = _run(tmp_path, json.dumps(instance), "--time-limit", "2")
    schedule = json.loads(target.read_text(encoding="utf-8"))
    assert verify(instance, schedule) == []
    assert {"meeting": "m1", "slot": "s02", "table": 1} in schedule["assignments"]
    assert set(schedule) >= {"assignments", "unscheduled", "objective", "upper_bound", "solver", "seconds"}
    assert "Scheduled" in out
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


MALFORMED = {
    "bad-json": '{"slots": ["s01",',
    "not-an-object": "[1, 2]",
    "unknown-participant": json.dumps(_instance(meetings=[{"id": "m1", "participants": ["b1", "zz"]}])),
    "unknown-slot": json.dumps(_instance(participants=[{"id": "b1", "available": ["s99"]}])),
    "duplicate-meeting": json.dumps(
        _instance(
            meetings=[{"id": "m1", "participants": ["b1", "c1"]}, {"id": "m1", "participants": ["b2", "c1"]}]
        )
    ),
    "duplicate-participant": json.dumps(_instance(participants=[{"id": "b1"}, {"id": "b1"}])),
    "one-participant": json.dumps(_instance(meetings=[{"id": "m1", "participants": ["b1"]}])),
    "same-participant-twice": json.dumps(_instance(meetings=[{"id": "m1", "participants": ["b1", "b1"]}])),
    "non-positive-weight": json.dumps(
        _instance(meetings=[{"id": "m1", "participants": ["b1", "c1"], "weight": -1}])
    ),
    "bad-tables": json.dumps(_instance(tables="sixty")),
    "tables-for-unknown-slot": json.dumps(_instance(tables={"s01": 1, "s02": 1, "s03": 1, "s04": 1})),
}


@pytest.mark.parametrize("content", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_instance_exits_2_and_writes_nothing(tmp_path, content):
    with pytest.raises(CommandError) as caught:
        _run(tmp_path, content)
    assert caught.value.returncode == 2
    assert not (tmp_path / "schedule.json").exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "instance.json"]


def test_a_missing_input_file_exits_2(tmp_path):
    with pytest.raises(CommandError, match="Cannot read") as caught:
        _run(tmp_path, None)
    assert caught.value.returncode == 2
    assert not (tmp_path / "schedule.json").exists()


def test_a_pinned_conflict_exits_3_naming_the_meetings(tmp_path):
    instance = _instance()
    instance["meetings"][1]["pinned_slot"] = "s02"  # b1 is pinned to m1 in s02 already.
    with pytest.raises(CommandError) as caught:
        _run(tmp_path, json.dumps(instance))
    assert caught.value.returncode == 3
    assert "'m1'" in str(caught.value)
    assert "'m2'" in str(caught.value)
    assert not (tmp_path / "schedule.json").exists()


def test_a_failed_run_leaves_an_earlier_schedule_alone(tmp_path):
    (tmp_path / "schedule.json").write_text("earlier", encoding="utf-8")
    with pytest.raises(CommandError):
        _run(tmp_path, MALFORMED["bad-json"])
    assert (tmp_path / "schedule.json").read_text(encoding="utf-8") == "earlier"


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (MALFORMED["unknown-participant"], 2, "unknown participant 'zz'"),
        (
            json.dumps(_instance(participants=[{"id": "b1", "available": ["s01"]}, {"id": "c1"}])),
            3,
            "'m1' is pinned to 's02' but 'b1' is not available",
        ),
    ],
    ids=["malformed", "pinned-conflict"],
)
def test_exit_status_and_stderr_from_a_real_process(tmp_path, content, status, message):
    source, target = tmp_path / "instance.json", tmp_path / "schedule.json"
    source.write_text(content, encoding="utf-8")
    if status == 3:
        # Keep only the meeting whose pin is impossible.
        data = json.loads(content)
        data["meetings"] = [data["meetings"][0]]
        source.write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "schedule_meetings", "--input", str(source), "--output", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == status
    assert message in done.stderr
    assert not target.exists()


def test_bench_prints_json_for_a_tiny_size():
    out = StringIO()
    call_command(
        "bench_schedule", "--json", "--sizes", "12:30", "--time-limit", "1", "--seed", "3", stdout=out
    )
    report = json.loads(out.getvalue())
    [row] = report["instances"]
    assert {"participants", "meetings", "seconds", "objective", "upper_bound", "ratio"} <= set(row)
    assert (row["participants"], row["meetings"]) == (12, 30)
    assert 0 < row["ratio"] <= 1
