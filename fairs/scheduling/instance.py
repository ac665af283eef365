"""Parse and check a meeting-scheduling instance (the plain JSON the fair views and the command hand in).

Everything downstream works on slot, participant and meeting *indices*; availability is a
bitmask over slots. Malformed input raises `MalformedInstance`; pinned meetings that cannot
all be honoured raise `PinnedConflict`, naming the meetings.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any


class SchedulingError(Exception):
    """Base of the errors the scheduler raises on bad input."""


class MalformedInstance(SchedulingError, ValueError):
    """The instance is not well formed (unknown ids, duplicates, bad numbers, bad JSON)."""


class PinnedConflict(SchedulingError):
    """The pinned meetings cannot all be held at their pinned slots."""

    def __init__(self, conflicts: list[tuple[str, list[str]]]) -> None:
        self.conflicts = conflicts
        self.meetings = sorted({meeting for _, ids in conflicts for meeting in ids})
        super().__init__("Pinned meetings cannot all be honoured: " + "; ".join(m for m, _ in conflicts))


TOP_LEVEL_KEYS = {"slots", "tables", "participants", "meetings", "max_meetings_per_participant"}
PARTICIPANT_KEYS = {"id", "available"}
MEETING_KEYS = {"id", "participants", "weight", "pinned_slot"}


@dataclass(frozen=True, slots=True)
class Meeting:
    """A B2B meeting between two or more participants (buyer and cooperative, usually)."""

    id: str
    participants: tuple[int, ...]
    weight: float
    pinned_slot: int | None


@dataclass(frozen=True)
class Instance:
    """A parsed instance: slots in time order, tables per slot, participants and meetings."""

    slot_ids: tuple[str, ...]
    tables: tuple[int, ...]
    participant_ids: tuple[str, ...]
    availability: tuple[int, ...]
    meetings: tuple[Meeting, ...]
    max_meetings_per_participant: int | None

    @property
    def slot_count(self) -> int:
        return len(self.slot_ids)

    @cached_property
    def all_slots_mask(self) -> int:
        return (1 << len(self.slot_ids)) - 1

    @cached_property
    def participant_cap(self) -> int:
        """The cap per participant, or the number of slots when there is none (never binding)."""
        if self.max_meetings_per_participant is None:
            return len(self.slot_ids)
        return min(self.max_meetings_per_participant, len(self.slot_ids))

    @cached_property
    def meeting_slot_masks(self) -> tuple[int, ...]:
        """Per meeting, the slots in which every participant is available (the pinned one only, if pinned)."""
        masks = []
        for meeting in self.meetings:
            mask = self.all_slots_mask
            for participant in meeting.participants:
                mask &= self.availability[participant]
            if meeting.pinned_slot is not None:
                mask &= 1 << meeting.pinned_slot
            masks.append(mask)
        return tuple(masks)

    @cached_property
    def meetings_of_participant(self) -> tuple[tuple[int, ...], ...]:
        lists: list[list[int]] = [[] for _ in self.participant_ids]
        for index, meeting in enumerate(self.meetings):
            for participant in meeting.participants:
                lists[participant].append(index)
        return tuple(tuple(items) for items in lists)

    @cached_property
    def meeting_index(self) -> dict[str, int]:
        return {meeting.id: index for index, meeting in enumerate(self.meetings)}

    @cached_property
    def slot_index(self) -> dict[str, int]:
        return {slot: index for index, slot in enumerate(self.slot_ids)}


def slots_of(mask: int) -> list[int]:
    """The slot indices set in a bitmask, in time order."""
    slots = []
    index = 0
    while mask:
        if mask & 1:
            slots.append(index)
        mask >>= 1
        index += 1
    return slots


def _fail(message: str) -> MalformedInstance:
    return MalformedInstance(message)


def _check_keys(item: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise _fail(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(f"{where}: id must be a non-empty string, got {value!r}")
    return value


def _parse_tables(raw: Any, slot_ids: tuple[str, ...]) -> tuple[int, ...]:
    def count(value: Any, where: str) -> int:
        if not _is_int(value) or value < 0:
            raise _fail(f"tables{where} must be a non-negative integer, got {value!r}")
        return value

    if isinstance(raw, Mapping):
        unknown = sorted(set(raw) - set(slot_ids))
        if unknown:
            raise _fail(f"tables names unknown slot(s) {', '.join(map(repr, unknown))}")
        missing = [slot for slot in slot_ids if slot not in raw]
        if missing:
            raise _fail(f"tables gives no count for slot(s) {', '.join(map(repr, missing))}")
        return tuple(count(raw[slot], f"[{slot!r}]") for slot in slot_ids)
    return tuple(count(raw, "") for _ in slot_ids)


def _parse_weight(raw: Any, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw) or raw <= 0:
        raise _fail(f"{where}: weight must be a positive number, got {raw!r}")
    return float(raw)


def _objects(data: Mapping, name: str, keys) -> Iterator[tuple[Mapping, str]]:
    """Each object of the list `data[name]`, checked for unknown keys, with its id."""
    items = data[name]
    if not isinstance(items, list):
        raise _fail(f"{name} must be a list")
    for position, item in enumerate(items):
        where = f"{name}[{position}]"
        if not isinstance(item, Mapping):
            raise _fail(f"{where} must be an object")
        _check_keys(item, keys, where)
        yield item, _parse_id(item.get("id"), where)


def parse_instance(data: Any) -> Instance:
    """Check `data` (decoded JSON) and build an `Instance`; raise `MalformedInstance` with a clear message."""
    if isinstance(data, Instance):
        return data
    if not isinstance(data, Mapping):
        raise _fail("the instance must be a JSON object")
    _check_keys(data, TOP_LEVEL_KEYS, "instance")
    for key in ("slots", "tables", "participants", "meetings"):
        if key not in data:
            raise _fail(f"instance: missing {key!r}")

    raw_slots = data["slots"]
    if not isinstance(raw_slots, list) or not raw_slots:
        raise _fail("slots must be a non-empty list of slot ids")
    slot_ids = tuple(_parse_id(slot, "slots") for slot in raw_slots)
    slot_index: dict[str, int] = {}
    for index, slot in enumerate(slot_ids):
        if slot in slot_index:
            raise _fail(f"slots: duplicate slot id {slot!r}")
        slot_index[slot] = index
    all_slots = (1 << len(slot_ids)) - 1
    tables = _parse_tables(data["tables"], slot_ids)

    participant_ids: list[str] = []
    participant_index: dict[str, int] = {}
    availability: list[int] = []
    for item, participant in _objects(data, "participants", PARTICIPANT_KEYS):
        if participant in participant_index:
            raise _fail(f"participants: duplicate participant id {participant!r}")
        mask = all_slots
        if "available" in item and item["available"] is not None:
            available = item["available"]
            if not isinstance(available, list):
                raise _fail(f"participant {participant!r}: available must be a list of slot ids")
            mask = 0
            for slot in available:
                if not isinstance(slot, str) or slot not in slot_index:
                    raise _fail(f"participant {participant!r}: unknown slot {slot!r} in available")
                mask |= 1 << slot_index[slot]
        participant_index[participant] = len(participant_ids)
        participant_ids.append(participant)
        availability.append(mask)

    meetings: list[Meeting] = []
    meeting_ids: set[str] = set()
    for item, meeting_id in _objects(data, "meetings", MEETING_KEYS):
        if meeting_id in meeting_ids:
            raise _fail(f"meetings: duplicate meeting id {meeting_id!r}")
        meeting_ids.add(meeting_id)
        members = item.get("participants")
        if not isinstance(members, list) or len(members) < 2:
            raise _fail(f"meeting {meeting_id!r}: needs a list of two or more participants")
        indices = []
        for member in members:
            if not isinstance(member, str) or member not in participant_index:
                raise _fail(f"meeting {meeting_id!r}: unknown participant {member!r}")
            indices.append(participant_index[member])
        if len(set(indices)) != len(indices):
            raise _fail(f"meeting {meeting_id!r}: a participant is listed twice")
        weight = _parse_weight(item.get("weight", 1), f"meeting {meeting_id!r}")
        pinned = item.get("pinned_slot")
        if pinned is not None and (not isinstance(pinned, str) or pinned not in slot_index):
            raise _fail(f"meeting {meeting_id!r}: unknown pinned_slot {pinned!r}")
        meetings.append(
            Meeting(
                id=meeting_id,
                participants=tuple(indices),
                weight=weight,
                pinned_slot=None if pinned is None else slot_index[pinned],
            )
        )

    cap = data.get("max_meetings_per_participant")
    if cap is not None and (not _is_int(cap) or cap < 0):
        raise _fail(f"max_meetings_per_participant must be a non-negative integer, got {cap!r}")

    return Instance(
        slot_ids=slot_ids,
        tables=tables,
        participant_ids=tuple(participant_ids),
        availability=tuple(availability),
        meetings=tuple(meetings),
        max_meetings_per_participant=cap,
    )


def check_pins(instance: Instance) -> None:
    """Raise `PinnedConflict` unless every pinned meeting can be held at its pinned slot."""
    conflicts: list[tuple[str, list[str]]] = []
    slots = instance.slot_ids
    people = instance.participant_ids
    pinned_at: dict[tuple[int, int], str] = {}
    per_slot: dict[int, list[str]] = {}
    per_participant: dict[int, list[str]] = {}
    for meeting in instance.meetings:
        slot = meeting.pinned_slot
        if slot is None:
            continue
        per_slot.setdefault(slot, []).append(meeting.id)
        for participant in meeting.participants:
            per_participant.setdefault(participant, []).append(meeting.id)
            if not instance.availability[participant] >> slot & 1:
                conflicts.append(
                    (
                        f"meeting {meeting.id!r} is pinned to {slots[slot]!r} "
                        f"but {people[participant]!r} is not available then",
                        [meeting.id],
                    )
                )
            other = pinned_at.setdefault((participant, slot), meeting.id)
            if other != meeting.id:
                conflicts.append(
                    (
                        f"meetings {other!r} and {meeting.id!r} are both pinned to {slots[slot]!r} "
                        f"and share {people[participant]!r}",
                        [other, meeting.id],
                    )
                )
    for slot, ids in per_slot.items():
        if len(ids) > instance.tables[slot]:
            conflicts.append(
                (
                    f"{len(ids)} meetings are pinned to {slots[slot]!r}, which has {instance.tables[slot]} "
                    f"table(s): {', '.join(map(repr, ids))}",
                    ids,
                )
            )
    cap = instance.max_meetings_per_participant
    if cap is not None:
        for participant, ids in per_participant.items():
            if len(ids) > cap:
                conflicts.append(
                    (
                        f"{people[participant]!r} has {len(ids)} pinned meetings, over the cap of {cap}: "
                        f"{', '.join(map(repr, ids))}",
                        ids,
                    )
                )
    if conflicts:
        raise PinnedConflict(conflicts)
