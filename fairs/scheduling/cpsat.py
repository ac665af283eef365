"""Improve a plan with OR-Tools CP-SAT and prove a bound on the best possible weight.

One Boolean per (meeting, slot) where the meeting could be held; pinned meetings are constants
that take their tables, their participants' slots and part of their caps. Tables are only a
capacity here; numbers are handed out afterwards. Weights are scaled to integers; when they
cannot be scaled exactly they are rounded *up*, so the bound stays valid for the real weights.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from fairs.scheduling.greedy import UNSCHEDULED, Plan
from fairs.scheduling.instance import Instance, slots_of
from fairs.scheduling.weights import integer_weights


@dataclass(frozen=True)
class CpSatOutcome:
    """What CP-SAT found: a plan (slot per meeting) if any, and a proven bound on the total weight."""

    slot_of: list[int] | None
    upper_bound: float | None
    optimal: bool


def variable_count(instance: Instance) -> int:
    """About how many Booleans the model needs: a cheap size estimate before building it."""
    return sum(mask.bit_count() for mask in instance.meeting_slot_masks)


def solve_cpsat(
    instance: Instance,
    hint: Plan,
    *,
    deadline: float,
    known_bound: float | None = None,
    workers: int = 2,
    seed: int = 0,
) -> CpSatOutcome:
    """Maximise the scheduled weight with CP-SAT, hinted with `hint`, until `deadline` (monotonic clock).

    `known_bound`, a bound already proven, caps the objective: it cuts off no solution and
    lets CP-SAT prove optimality as soon as it reaches it.
    """
    meetings = instance.meetings
    cap = instance.participant_cap
    tables_left = list(instance.tables)
    cap_left = [cap] * len(instance.participant_ids)
    blocked = [0] * len(instance.participant_ids)
    pinned_weight = 0.0
    for meeting in meetings:
        if meeting.pinned_slot is not None:
            pinned_weight += meeting.weight
            tables_left[meeting.pinned_slot] -= 1
            for participant in meeting.participants:
                cap_left[participant] -= 1
                blocked[participant] |= 1 << meeting.pinned_slot
    open_slots = sum(1 << slot for slot, left in enumerate(tables_left) if left > 0)

    model = cp_model.CpModel()
    variables: list[cp_model.IntVar] = []
    var_meeting: list[int] = []
    var_slot: list[int] = []
    by_participant_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_slot: list[list[cp_model.IntVar]] = [[] for _ in instance.slot_ids]
    by_participant: list[list[cp_model.IntVar]] = [[] for _ in instance.participant_ids]
    movable = [index for index, meeting in enumerate(meetings) if meeting.pinned_slot is None]
    scaled, scale, exact = integer_weights([meetings[index].weight for index in movable])
    objective_weights: list[int] = []
    for index, weight in zip(movable, scaled, strict=True):
        meeting = meetings[index]
        mask = instance.meeting_slot_masks[index] & open_slots
        own: list[cp_model.IntVar] = []
        for participant in meeting.participants:
            mask &= ~blocked[participant]
            if cap_left[participant] <= 0:
                mask = 0
        for slot in slots_of(mask):
            variable = model.new_bool_var("")
            variables.append(variable)
            var_meeting.append(index)
            var_slot.append(slot)
            objective_weights.append(weight)
            own.append(variable)
            by_slot[slot].append(variable)
            for participant in meeting.participants:
                by_participant_slot.setdefault((participant, slot), []).append(variable)
                by_participant[participant].append(variable)
        if len(own) > 1:
            model.add_at_most_one(own)
    for group in by_participant_slot.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    for slot, group in enumerate(by_slot):
        if len(group) > tables_left[slot]:
            model.add(cp_model.LinearExpr.sum(group) <= tables_left[slot])
    for participant, group in enumerate(by_participant):
        if len(group) > cap_left[participant]:
            model.add(cp_model.LinearExpr.sum(group) <= cap_left[participant])
    objective = cp_model.LinearExpr.weighted_sum(variables, objective_weights)
    model.maximize(objective)
    if known_bound is not None and math.isfinite(known_bound):
        model.add(objective <= math.floor((known_bound - pinned_weight) * scale + 1e-6))
    for variable, meeting, slot in zip(variables, var_meeting, var_slot, strict=True):
        model.add_hint(variable, hint.slot_of[meeting] == slot)

    solver = cp_model.CpSolver()
    # Reading the answer back takes about a microsecond per Boolean.
    time_left = deadline - time.monotonic() - 0.05 - 2e-6 * len(variables)
    if time_left <= 0.05:
        return CpSatOutcome(slot_of=None, upper_bound=None, optimal=False)
    solver.parameters.max_time_in_seconds = time_left
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)

    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        return CpSatOutcome(slot_of=None, upper_bound=None, optimal=False)
    bound = solver.best_objective_bound
    upper_bound = None
    if math.isfinite(bound):
        if exact:
            bound = math.floor(bound + 1e-6)
        upper_bound = pinned_weight + bound / scale
    slot_of = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = solver.response_proto.solution
        slot_of = [
            meeting.pinned_slot if meeting.pinned_slot is not None else UNSCHEDULED for meeting in meetings
        ]
        for position, variable in enumerate(variables):
            if values[variable.index]:
                slot_of[var_meeting[position]] = var_slot[position]
    return CpSatOutcome(
        slot_of=slot_of, upper_bound=upper_bound, optimal=status == cp_model.OPTIMAL and exact
    )
