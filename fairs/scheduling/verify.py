"""Check a schedule against its instance, independently of how it was produced (tests and the bench)."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from fairs.scheduling.instance import Instance, parse_instance

SOLVERS = {"greedy", "cp-sat"}


def verify(instance: dict[str, Any] | Instance, schedule: dict[str, Any]) -> list[str]:
    """Return every violated rule as a sentence; an empty list means the schedule is valid."""
    parsed = parse_instance(instance)
    violations: list[str] = []
    meeting_index = parsed.meeting_index
    slot_index = parsed.slot_index
    people = parsed.participant_ids

    assignments = schedule.get("assignments")
    unscheduled = schedule.get("unscheduled")
    if not isinstance(assignments, list) or not isinstance(unscheduled, list):
        return ["the schedule needs an 'assignments' list and an 'unscheduled' list"]

    seen = Counter([row.get("meeting") for row in assignments if isinstance(row, dict)] + list(unscheduled))
    for meeting in parsed.meetings:
        if seen[meeting.id] != 1:
            violations.append(f"meeting {meeting.id!r} appears {seen[meeting.id]} times (expected once)")
    for name in seen:
        if name not in meeting_index:
            violations.append(f"unknown meeting {name!r}")

    tables_taken: dict[tuple[int, int], str] = {}
    per_slot = Counter()
    busy: dict[tuple[int, int], str] = {}
    load = Counter()
    weight = 0.0
    held: set[str] = set()
    for row in assignments:
        if not isinstance(row, dict):
            violations.append(f"assignment {row!r} is not an object")
            continue
        name, slot_name, table = row.get("meeting"), row.get("slot"), row.get("table")
        if name not in meeting_index or name in held:
            continue
        held.add(name)
        meeting = parsed.meetings[meeting_index[name]]
        weight += meeting.weight
        if slot_name not in slot_index:
            violations.append(f"meeting {name!r} is in unknown slot {slot_name!r}")
            continue
        slot = slot_index[slot_name]
        per_slot[slot] += 1
        if not isinstance(table, int) or isinstance(table, bool) or not 1 <= table <= parsed.tables[slot]:
            violations.append(
                f"meeting {name!r} has table {table!r}, outside 1..{parsed.tables[slot]} in {slot_name!r}"
            )
        elif (slot, table) in tables_taken:
            violations.append(
                f"table {table} in {slot_name!r} holds {tables_taken[slot, table]!r} and {name!r}"
            )
        else:
            tables_taken[slot, table] = name
        if meeting.pinned_slot is not None and meeting.pinned_slot != slot:
            violations.append(
                f"meeting {name!r} is pinned to {parsed.slot_ids[meeting.pinned_slot]!r}, not {slot_name!r}"
            )
        for participant in meeting.participants:
            load[participant] += 1
            if not parsed.availability[participant] >> slot & 1:
                violations.append(f"{people[participant]!r} is not available in {slot_name!r} for {name!r}")
            other = busy.setdefault((participant, slot), name)
            if other != name:
                violations.append(f"{people[participant]!r} has {other!r} and {name!r} both in {slot_name!r}")

    for slot, count in per_slot.items():
        if count > parsed.tables[slot]:
            violations.append(
                f"{count} meetings in {parsed.slot_ids[slot]!r}, which has {parsed.tables[slot]} tables"
            )
    cap = parsed.max_meetings_per_participant
    if cap is not None:
        for participant, count in load.items():
            if count > cap:
                violations.append(f"{people[participant]!r} has {count} meetings, over the cap of {cap}")
    for meeting in parsed.meetings:
        if meeting.pinned_slot is not None and meeting.id not in held:
            violations.append(f"pinned meeting {meeting.id!r} is not scheduled")

    objective = schedule.get("objective")
    if not isinstance(objective, int | float) or not math.isclose(
        objective, weight, rel_tol=1e-9, abs_tol=1e-9
    ):
        violations.append(f"objective {objective!r} is not the scheduled weight {weight}")
    upper_bound = schedule.get("upper_bound")
    if upper_bound is not None and (
        not isinstance(upper_bound, int | float) or upper_bound < weight - 1e-9 * max(1.0, weight)
    ):
        violations.append(f"upper_bound {upper_bound!r} is below the scheduled weight {weight}")
    if schedule.get("solver") not in SOLVERS:
        violations.append(f"solver {schedule.get('solver')!r} is not one of {sorted(SOLVERS)}")
    return violations
