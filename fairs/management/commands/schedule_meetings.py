"""`manage.py schedule_meetings --input instance.json --output schedule.json [--time-limit S]`.

Schedules a fair's B2B meetings into slots and tables from a plain JSON instance, with no
database. Exit status 2 for a malformed instance (or a missing or unreadable file), 3 when
the pinned meetings cannot all be honoured; in both cases no output file is written. The
schedule is written atomically (a temporary file renamed over the target) only on success.
"""

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fairs.scheduling import MalformedInstance, PinnedConflict, solve

MALFORMED = 2
PINNED_CONFLICT = 3


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and `os.replace`."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Schedule fair meetings into timeslots and tables (greedy + local search, then OR-Tools CP-SAT)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="Instance JSON file.")
        parser.add_argument("--output", required=True, type=Path, help="Where to write the schedule JSON.")
        parser.add_argument(
            "--time-limit", type=float, default=10.0, metavar="SECONDS", help="Whole-run budget (default 10)."
        )

    def handle(self, *args, **options):
        source: Path = options["input"]
        target: Path = options["output"]
        time_limit: float = options["time_limit"]
        if not time_limit > 0:
            raise CommandError(f"--time-limit must be positive, got {time_limit}", returncode=MALFORMED)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the instance {source}: {error}", returncode=MALFORMED) from error
        try:
            instance = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{source} is not valid JSON: {error}", returncode=MALFORMED) from error
        try:
            schedule = solve(instance, time_limit=time_limit)
        except MalformedInstance as error:
            raise CommandError(f"Malformed instance {source}: {error}", returncode=MALFORMED) from error
        except PinnedConflict as error:
            raise CommandError(str(error), returncode=PINNED_CONFLICT) from error
        try:
            write_atomically(target, json.dumps(schedule, ensure_ascii=False, indent=1) + "\n")
        except OSError as error:
            raise CommandError(f"Cannot write the schedule to {target}: {error}") from error
        held = len(schedule["assignments"])
        total = held + len(schedule["unscheduled"])
        bound = schedule["upper_bound"]
        self.stdout.write(
            f"Scheduled {held} of {total} meetings: weight {schedule['objective']:g}"
            f" (bound {'none' if bound is None else f'{bound:g}'}), {schedule['solver']},"
            f" {schedule['seconds']:.1f} s → {target}"
        )
