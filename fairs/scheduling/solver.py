"""`solve()`: instance in, schedule out.

The b-matching bound (`bounds.py`) comes first: it is the proven upper bound and its optimum
guides the greedy order. Greedy and local improvement (`greedy.py`) give a valid plan in well
under a second for 3,000 meetings; CP-SAT (`cpsat.py`), hinted with it, then spends the rest of
the budget improving the plan and the bound, unless the plan already meets the bound or the
model is too big for the budget.
"""

from __future__ import annotations

import math
import time
from typing import Any

from fairs.scheduling.bounds import flow_bound, simple_upper_bound
from fairs.scheduling.greedy import EPSILON, UNSCHEDULED, greedy, improve
from fairs.scheduling.instance import Instance, check_pins, parse_instance

# Above this many (meeting, slot) Booleans per second of budget, CP-SAT spends the budget
# building, presolving and loading the model and did not improve the greedy result in our
# measurements (30,000 meetings: about 400,000 Booleans), so it is skipped.
CPSAT_VARIABLES_PER_SECOND = 5_000
# Share of the budget the local improvement may use when CP-SAT runs after it.
LOCAL_SHARE = 0.15
# Time kept back for numbering tables and writing the answer.
RESERVE_SECONDS = 0.2


def number_tables(instance: Instance, slot_of: list[int]) -> list[dict[str, Any]]:
    """Hand out tables 1..k in each slot, in the meetings' input order; assignments in slot order."""
    next_table = [1] * instance.slot_count
    rows: list[tuple[int, int, str]] = []
    for index, slot in enumerate(slot_of):
        if slot != UNSCHEDULED:
            rows.append((slot, next_table[slot], instance.meetings[index].id))
            next_table[slot] += 1
    rows.sort()
    return [
        {"meeting": meeting, "slot": instance.slot_ids[slot], "table": table} for slot, table, meeting in rows
    ]


def weight_of(instance: Instance, slot_of: list[int]) -> float:
    return math.fsum(
        meeting.weight
        for meeting, slot in zip(instance.meetings, slot_of, strict=True)
        if slot != UNSCHEDULED
    )


def solve(
    instance: dict[str, Any] | Instance,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    use_cpsat: bool | None = None,
) -> dict[str, Any]:
    """Schedule the meetings of `instance` into slots and tables, maximising the scheduled weight.

    `time_limit` bounds the whole call (seconds). `use_cpsat` forces CP-SAT on or off; by default
    it runs unless the model would be too big for the budget or the greedy result is already
    proven optimal. Raises `MalformedInstance` or `PinnedConflict`.
    """
    started = time.monotonic()
    parsed = parse_instance(instance)
    check_pins(parsed)
    deadline = started + max(0.0, time_limit - RESERVE_SECONDS)

    bound = flow_bound(parsed)
    upper_bound = min(simple_upper_bound(parsed), bound.upper_bound)
    plan = greedy(parsed, bound.preference)
    automatic = use_cpsat is None
    if use_cpsat is None:
        from fairs.scheduling.cpsat import variable_count

        use_cpsat = (
            variable_count(parsed) <= CPSAT_VARIABLES_PER_SECOND * time_limit
            and plan.objective < upper_bound - EPSILON
        )
    local_deadline = started + LOCAL_SHARE * time_limit if use_cpsat else deadline
    improve(plan, min(local_deadline, deadline))

    slot_of, solver = plan.slot_of, "greedy"
    objective = weight_of(parsed, slot_of)
    if automatic and objective >= upper_bound - EPSILON:
        use_cpsat = False
    if use_cpsat:
        from fairs.scheduling.cpsat import solve_cpsat

        outcome = solve_cpsat(
            parsed, plan, deadline=deadline, known_bound=upper_bound, workers=workers, seed=seed
        )
        if outcome.upper_bound is not None:
            upper_bound = min(upper_bound, outcome.upper_bound)
        if outcome.slot_of is not None:
            found = weight_of(parsed, outcome.slot_of)
            if found > objective + EPSILON:
                slot_of, objective, solver = outcome.slot_of, found, "cp-sat"

    return {
        "assignments": number_tables(parsed, slot_of),
        "unscheduled": [
            m.id for m, slot in zip(parsed.meetings, slot_of, strict=True) if slot == UNSCHEDULED
        ],
        "objective": objective,
        "upper_bound": None if upper_bound is None else max(upper_bound, objective),
        "solver": solver,
        "seconds": round(time.monotonic() - started, 3),
    }
