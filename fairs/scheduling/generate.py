"""Seeded, realistic instances for the benchmark and the tests.

Participants split 40/60 into buyers and cooperatives; every meeting pairs one buyer with one
cooperative (no pair twice), with some participants more sought after than others. Most
participants are there all day; some miss the morning or the afternoon, a few come for one
half-day only. Weights are 1–3 (most meetings 1), tables cover about 80% of the meetings, and
a few meetings are pinned where that is possible.
"""

from __future__ import annotations

import math
import random
from typing import Any

BUYER_SHARE = 0.4
TABLE_SHARE = 0.8
PIN_SHARE = 0.01
WEIGHTS = (1, 2, 3)
WEIGHT_ODDS = (0.5, 0.3, 0.2)


def _availability(rng: random.Random, slots: list[str]) -> list[str] | None:
    """All day for most; a missed block of slots for some; one half-day for a few."""
    roll = rng.random()
    count = len(slots)
    if roll < 0.7:
        return None
    if roll < 0.92:
        length = rng.randint(1, max(1, count // 3))
        start = rng.randrange(0, count - length + 1)
        return slots[:start] + slots[start + length :]
    half = count // 2
    return slots[:half] if rng.random() < 0.5 else slots[half:]


def generate_instance(
    participants: int,
    meetings: int,
    *,
    slots: int = 16,
    seed: int = 0,
    cap: int | None = 12,
    pin_share: float = PIN_SHARE,
) -> dict[str, Any]:
    """An instance of `participants` and `meetings` over `slots` slots, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - seeded benchmark data, not security
    slot_ids = [f"s{n:02d}" for n in range(1, slots + 1)]
    buyer_count = max(1, round(participants * BUYER_SHARE))
    cooperative_count = max(1, participants - buyer_count)
    buyers = [f"b{n}" for n in range(1, buyer_count + 1)]
    cooperatives = [f"c{n}" for n in range(1, cooperative_count + 1)]
    if meetings > buyer_count * cooperative_count:
        raise ValueError("more meetings than buyer–cooperative pairs")
    people = []
    available: dict[str, set[str]] = {}
    for person in buyers + cooperatives:
        slots_open = _availability(rng, slot_ids)
        available[person] = set(slot_ids if slots_open is None else slots_open)
        people.append({"id": person} if slots_open is None else {"id": person, "available": slots_open})

    # Popularity skews who meets whom: some buyers and cooperatives are in demand.
    buyer_pull = [rng.uniform(0.5, 1.5) for _ in buyers]
    cooperative_pull = [rng.uniform(0.5, 1.5) for _ in cooperatives]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < meetings:
        batch = meetings - len(pairs)
        for buyer, cooperative in zip(
            rng.choices(range(buyer_count), weights=buyer_pull, k=batch),
            rng.choices(range(cooperative_count), weights=cooperative_pull, k=batch),
            strict=True,
        ):
            pairs.add((buyer, cooperative))
            if len(pairs) == meetings:
                break

    tables = math.ceil(TABLE_SHARE * meetings / slots)
    pinned_in: dict[str, int] = {}
    busy: set[tuple[str, str]] = set()
    pinned_count: dict[str, int] = {}
    rows = []
    for number, (buyer, cooperative) in enumerate(sorted(pairs), start=1):
        members = [buyers[buyer], cooperatives[cooperative]]
        row: dict[str, Any] = {"id": f"m{number}", "participants": members}
        weight = rng.choices(WEIGHTS, weights=WEIGHT_ODDS)[0]
        if weight != 1:
            row["weight"] = weight
        if rng.random() < pin_share:
            common = [s for s in slot_ids if all(s in available[p] for p in members)]
            rng.shuffle(common)
            for slot in common:
                if (
                    pinned_in.get(slot, 0) < tables
                    and all((p, slot) not in busy for p in members)
                    and all(cap is None or pinned_count.get(p, 0) < cap for p in members)
                ):
                    row["pinned_slot"] = slot
                    pinned_in[slot] = pinned_in.get(slot, 0) + 1
                    for p in members:
                        busy.add((p, slot))
                        pinned_count[p] = pinned_count.get(p, 0) + 1
                    break
        rows.append(row)
    rng.shuffle(rows)

    instance: dict[str, Any] = {"slots": slot_ids, "tables": tables, "participants": people, "meetings": rows}
    if cap is not None:
        instance["max_meetings_per_participant"] = cap
    return instance
