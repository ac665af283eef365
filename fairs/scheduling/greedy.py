"""The fast baseline: a greedy placement followed by local improvement.

The greedy places pinned meetings first, then the meetings the bound's b-matching would hold
(scarcest first: fewest possible slots), then the rest heaviest first, each in the feasible slot
with the most free tables. Local improvement then tries to fit each unscheduled meeting in: by
moving the meetings that block it to other slots, by swapping two slots along an alternating
chain of two-person meetings (Kempe chain), or by dropping lighter meetings when that gains
weight, until a pass gains nothing or the time budget is spent. The plan is always valid.
"""

from __future__ import annotations

import heapq
import time

from fairs.scheduling.instance import Instance, slots_of

UNSCHEDULED = -1
EPSILON = 1e-9


class Plan:
    """A mutable assignment of meetings to slots, with the bookkeeping to test moves in O(meeting size)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.slot_of = [UNSCHEDULED] * len(instance.meetings)
        self.busy = [0] * len(instance.participant_ids)
        self.load = [0] * len(instance.participant_ids)
        self.used = [0] * instance.slot_count
        self.occupant: list[dict[int, int]] = [{} for _ in instance.participant_ids]
        self.open_slots = 0
        for slot, tables in enumerate(instance.tables):
            if tables > 0:
                self.open_slots |= 1 << slot
        # Per slot, a lazy min-heap of (weight, meeting) of the movable meetings held there.
        self.lightest: list[list[tuple[float, int]]] = [[] for _ in instance.tables]
        self.objective = 0.0

    def place(self, meeting: int, slot: int) -> None:
        info = self.instance.meetings[meeting]
        self.slot_of[meeting] = slot
        bit = 1 << slot
        for participant in info.participants:
            self.busy[participant] |= bit
            self.load[participant] += 1
            self.occupant[participant][slot] = meeting
        self.used[slot] += 1
        if self.used[slot] >= self.instance.tables[slot]:
            self.open_slots &= ~bit
        if info.pinned_slot is None:
            heapq.heappush(self.lightest[slot], (info.weight, meeting))
        self.objective += info.weight

    def remove(self, meeting: int) -> int:
        info = self.instance.meetings[meeting]
        slot = self.slot_of[meeting]
        self.slot_of[meeting] = UNSCHEDULED
        bit = 1 << slot
        for participant in info.participants:
            self.busy[participant] &= ~bit
            self.load[participant] -= 1
            del self.occupant[participant][slot]
        self.used[slot] -= 1
        self.open_slots |= bit
        self.objective -= info.weight
        return slot

    def free_slots(self, meeting: int) -> int:
        """Slots where `meeting` could be placed now (availability, tables, no double booking, cap)."""
        instance = self.instance
        mask = instance.meeting_slot_masks[meeting] & self.open_slots
        cap = instance.participant_cap
        for participant in instance.meetings[meeting].participants:
            if self.load[participant] >= cap:
                return 0
            mask &= ~self.busy[participant]
        return mask

    def roomiest(self, mask: int) -> int:
        """Of the slots in `mask`, the one with the most free tables (earliest on ties)."""
        best, best_slack = UNSCHEDULED, -1
        tables, used = self.instance.tables, self.used
        for slot in slots_of(mask):
            slack = tables[slot] - used[slot]
            if slack > best_slack:
                best, best_slack = slot, slack
        return best

    def lightest_in(self, slot: int, exclude: set[int]) -> int:
        """The lightest movable meeting held in `slot`, not in `exclude`, or UNSCHEDULED."""
        heap = self.lightest[slot]
        while heap and self.slot_of[heap[0][1]] != slot:
            heapq.heappop(heap)
        if not heap:
            return UNSCHEDULED
        if heap[0][1] not in exclude:
            return heap[0][1]
        for _, meeting in heapq.nsmallest(len(exclude) + 1, heap):
            if self.slot_of[meeting] == slot and meeting not in exclude:
                return meeting
        return UNSCHEDULED

    def lightest_of(self, participant: int, exclude: set[int]) -> int:
        """The lightest movable meeting of `participant`, not in `exclude`, or UNSCHEDULED."""
        best, best_weight = UNSCHEDULED, float("inf")
        for meeting in self.occupant[participant].values():
            info = self.instance.meetings[meeting]
            if info.pinned_slot is None and meeting not in exclude and info.weight < best_weight:
                best, best_weight = meeting, info.weight
        return best


def greedy(instance: Instance, preference: list[int] | None = None) -> Plan:
    """Place pinned meetings, then the rest, each in its roomiest feasible slot.

    Meetings the bound's b-matching holds (`preference`, higher first) go first, scarcest first;
    the others follow heaviest first.
    """
    plan = Plan(instance)
    masks = instance.meeting_slot_masks
    meetings = instance.meetings
    for index, meeting in enumerate(meetings):
        if meeting.pinned_slot is not None:
            plan.place(index, meeting.pinned_slot)
    preference = preference or [0] * len(meetings)
    degree = [len(items) for items in instance.meetings_of_participant]
    order = sorted(
        (index for index, meeting in enumerate(meetings) if meeting.pinned_slot is None),
        key=lambda index: (
            -preference[index],
            -meetings[index].weight if not preference[index] else 0,
            masks[index].bit_count(),
            -meetings[index].weight,
            -max(degree[p] for p in meetings[index].participants),
            index,
        ),
    )
    for index in order:
        mask = plan.free_slots(index)
        if mask:
            plan.place(index, plan.roomiest(mask))
    return plan


def _relocate(plan: Plan, meetings: list[int], avoid: int) -> list[tuple[int, int]] | None:
    """Move each of `meetings` (already removed) to a free slot other than `avoid`; None if one cannot go."""
    done: list[tuple[int, int]] = []
    for meeting in meetings:
        mask = plan.free_slots(meeting) & ~(1 << avoid)
        if not mask:
            for moved, _ in done:
                plan.remove(moved)
            return None
        slot = plan.roomiest(mask)
        plan.place(meeting, slot)
        done.append((meeting, slot))
    return done


def _try_insert(plan: Plan, meeting: int, slot: int, allow_drop: bool) -> list[int] | None:
    """Try to hold `meeting` in `slot`, moving or dropping others; return the dropped meetings, or None.

    Meetings that block it (sharing a participant in `slot`, filling the slot's tables, or holding
    a participant at the cap) are first moved to other slots; if that fails and `allow_drop`, they
    are dropped instead when their total weight is less than the meeting's. The plan is left
    unchanged when the move fails.
    """
    instance = plan.instance
    info = instance.meetings[meeting]
    blockers: list[int] = []
    for participant in info.participants:
        other = plan.occupant[participant].get(slot)
        if other is not None:
            if instance.meetings[other].pinned_slot is not None:
                return None
            if other not in blockers:
                blockers.append(other)
    chosen = set(blockers)
    capped = [
        p
        for p in info.participants
        if plan.load[p] >= instance.participant_cap and plan.occupant[p].get(slot) is None
    ]
    full = plan.used[slot] - len(blockers) >= instance.tables[slot]
    if instance.tables[slot] == 0:
        return None

    # Moves first: relocating the participant-blockers keeps everybody's load; a cap or a full
    # slot needs a drop, tried below.
    if not capped and not full:
        slots_before = [plan.remove(b) for b in blockers]
        plan.place(meeting, slot)
        if _relocate(plan, blockers, avoid=slot) is not None:
            return []
        plan.remove(meeting)
        for blocker, old in zip(blockers, slots_before, strict=True):
            plan.place(blocker, old)
    if not allow_drop:
        return None

    dropped = list(blockers)
    for participant in capped:
        if any(participant in instance.meetings[m].participants for m in dropped):
            continue
        lightest = plan.lightest_of(participant, chosen)
        if lightest == UNSCHEDULED:
            return None
        dropped.append(lightest)
        chosen.add(lightest)
    if full:
        extra = [m for m in dropped if plan.slot_of[m] == slot]
        if plan.used[slot] - len(extra) >= instance.tables[slot]:
            lightest = plan.lightest_in(slot, chosen)
            if lightest == UNSCHEDULED:
                return None
            dropped.append(lightest)
            chosen.add(lightest)
    if sum(instance.meetings[m].weight for m in dropped) >= info.weight - EPSILON:
        return None
    for other in dropped:
        plan.remove(other)
    plan.place(meeting, slot)
    return dropped


MAX_CHAIN = 64


def _chain(plan: Plan, start: int, first: int, second: int, avoid: int) -> list[int] | None:
    """The meetings on the alternating chain from participant `start` (slot `first`, then `second`, ...).

    None if a meeting on it cannot swap slots (pinned, more than two people, unavailable), if the
    chain reaches `avoid` or grows past MAX_CHAIN.
    """
    instance = plan.instance
    masks = instance.meeting_slot_masks
    swap = (1 << first) | (1 << second)
    chain: list[int] = []
    person, slot = start, first
    while True:
        meeting = plan.occupant[person].get(slot)
        if meeting is None:
            return chain
        info = instance.meetings[meeting]
        if info.pinned_slot is not None or len(info.participants) != 2 or masks[meeting] & swap != swap:
            return None
        chain.append(meeting)
        if len(chain) > MAX_CHAIN:
            return None
        one, other = info.participants
        person = other if one == person else one
        if person == avoid:
            return None
        slot = second if slot == first else first


def _kempe_insert(plan: Plan, meeting: int) -> bool:
    """Free a slot for a two-person meeting by swapping two slots along an alternating chain.

    Participant u is free in slot a and v in slot b; swapping a and b along the chain of v's
    meetings (v in a, its partner in b, ...) frees v in a, as in König's edge-colouring proof.
    """
    instance = plan.instance
    info = instance.meetings[meeting]
    if len(info.participants) != 2:
        return False
    u, v = info.participants
    cap = instance.participant_cap
    if plan.load[u] >= cap or plan.load[v] >= cap:
        return False
    mask = instance.meeting_slot_masks[meeting]
    tables, used = instance.tables, plan.used
    for one, other in ((u, v), (v, u)):
        for first in slots_of(mask & ~plan.busy[one]):
            for second in slots_of(mask & ~plan.busy[other]):
                if second == first:
                    continue
                chain = _chain(plan, other, first, second, avoid=one)
                if not chain:
                    continue
                leaving = sum(1 for m in chain if plan.slot_of[m] == first)
                arriving = len(chain) - leaving
                if used[first] - leaving + arriving + 1 > tables[first]:
                    continue
                if used[second] - arriving + leaving > tables[second]:
                    continue
                moves = [(m, second if plan.slot_of[m] == first else first) for m in chain]
                for m, _ in moves:
                    plan.remove(m)
                for m, slot in moves:
                    plan.place(m, slot)
                plan.place(meeting, first)
                return True
    return False


def improve(plan: Plan, deadline: float) -> Plan:
    """Local improvement: insert unscheduled meetings by moving or dropping lighter ones, while it gains."""
    instance = plan.instance
    masks = instance.meeting_slot_masks
    weights = [meeting.weight for meeting in instance.meetings]
    while time.monotonic() < deadline:
        before = plan.objective
        waiting = sorted(
            (m for m, slot in enumerate(plan.slot_of) if slot == UNSCHEDULED and masks[m]),
            key=lambda m: -weights[m],
        )
        for position, meeting in enumerate(waiting):
            if position % 64 == 0 and time.monotonic() >= deadline:
                break
            if plan.slot_of[meeting] != UNSCHEDULED:
                continue
            mask = plan.free_slots(meeting)
            if mask:
                plan.place(meeting, plan.roomiest(mask))
                continue
            candidates = slots_of(masks[meeting])
            placed = False
            for slot in candidates:
                if _try_insert(plan, meeting, slot, allow_drop=False) is not None:
                    placed = True
                    break
            if placed or _kempe_insert(plan, meeting):
                continue
            for slot in candidates:
                dropped = _try_insert(plan, meeting, slot, allow_drop=True)
                if dropped is not None:
                    for other in dropped:
                        free = plan.free_slots(other)
                        if free:
                            plan.place(other, plan.roomiest(free))
                    break
        if plan.objective <= before + EPSILON:
            break
    return plan
