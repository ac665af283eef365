"""Proven upper bounds on the scheduled weight, and which meetings the best bound would hold.

The strong bound drops the slots: each participant can hold at most `min(cap, available
slots)` meetings and all slots together hold at most the total tables. Maximising the weight
under those limits is a b-matching; on the bipartite double cover (every participant has a
"left" and a "right" copy, every meeting two arcs of half its weight) it is a min-cost flow,
solved exactly by OR-Tools, whose optimum bounds the real one from above. Meetings of more
than two people keep only their two most limited participants, which only loosens the bound.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from fairs.scheduling.instance import Instance
from fairs.scheduling.weights import integer_weights


@dataclass(frozen=True)
class FlowBound:
    """The b-matching bound and, per meeting, how many of its two arcs the optimum uses (0–2)."""

    upper_bound: float
    preference: list[int]


def participant_limits(instance: Instance) -> list[int]:
    """Per participant, the most meetings they could hold: the cap, or their available slots."""
    cap = instance.participant_cap
    return [min(cap, mask.bit_count()) for mask in instance.availability]


def simple_upper_bound(instance: Instance) -> float:
    """The least of: every possible meeting; the heaviest meetings that fit all tables (pinned first)."""
    masks = instance.meeting_slot_masks
    meetings = instance.meetings
    possible = [index for index, mask in enumerate(masks) if mask]
    everything = math.fsum(meetings[index].weight for index in possible)
    pinned = [index for index in possible if meetings[index].pinned_slot is not None]
    free = [meetings[index].weight for index in possible if meetings[index].pinned_slot is None]
    room = max(0, sum(instance.tables) - len(pinned))
    by_tables = math.fsum(meetings[index].weight for index in pinned) + math.fsum(heapq.nlargest(room, free))
    return min(everything, by_tables)


def flow_bound(instance: Instance) -> FlowBound:
    """The b-matching bound (see the module docstring), with the meetings its optimum holds."""
    meetings = instance.meetings
    masks = instance.meeting_slot_masks
    people = len(instance.participant_ids)
    limits = participant_limits(instance)
    possible = [index for index, mask in enumerate(masks) if mask]
    weights, scale, _ = integer_weights([meetings[index].weight for index in possible])
    tables = sum(instance.tables)

    source, hub, sink, left, right = 0, 1, 2, 3, 3 + people
    tails = [source, source]
    heads = [hub, sink]
    capacities = [2 * tables, 2 * len(possible)]
    costs = [0, 0]
    for participant, limit in enumerate(limits):
        tails += [hub, right + participant]
        heads += [left + participant, sink]
        capacities += [limit, limit]
        costs += [0, 0]
    first_arc = len(tails)
    for index, weight in zip(possible, weights, strict=True):
        one, other = sorted(meetings[index].participants, key=lambda p: limits[p])[:2]
        tails += [left + one, left + other]
        heads += [right + other, right + one]
        capacities += [1, 1]
        costs += [-weight, -weight]

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int64),
        np.array(heads, dtype=np.int64),
        np.array(capacities, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies = np.zeros(3 + 2 * people, dtype=np.int64)
    supplies[source] = 2 * min(tables, len(possible))
    supplies[sink] = -supplies[source]
    flow.set_nodes_supplies(np.arange(3 + 2 * people, dtype=np.int64), supplies)
    if flow.solve() != flow.OPTIMAL:
        return FlowBound(upper_bound=math.inf, preference=[0] * len(meetings))
    used = flow.flows(arcs[first_arc:])
    preference = [0] * len(meetings)
    for position, index in enumerate(possible):
        preference[index] = int(used[2 * position] + used[2 * position + 1])
    return FlowBound(upper_bound=-flow.optimal_cost() / (2 * scale), preference=preference)
