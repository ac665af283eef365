"""A category's monthly market price drawn as a small server-side SVG: the median as a line, the
lowest–highest range as a band around it, one point per month that has an item.

Pure geometry: market-price items (marketplace/selectors/market.py) in, the numbers a template
needs out (marketplace/templates/marketplace/charts/price_chart.html); no database, no JavaScript.
Months without an item (fewer than three cooperatives) are gaps: the line and band break there
rather than draw a price nobody traded at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 136, 12, 16, 40  # room for the price labels and the month labels


@dataclass(frozen=True)
class Point:
    month: str  # YYYY-MM
    x: float
    median_y: float
    min_y: float
    max_y: float
    item: dict


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class MonthLabel:
    month: str
    x: float


@dataclass(frozen=True)
class Chart:
    unit: str
    points: list[Point]
    segments: list[list[Point]]  # runs of consecutive months
    ticks: list[Tick]
    months: list[MonthLabel]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    def polyline(self, segment: list[Point]) -> str:
        return " ".join(f"{p.x:.1f},{p.median_y:.1f}" for p in segment)

    def band(self, segment: list[Point]) -> str:
        upper = [f"{p.x:.1f},{p.max_y:.1f}" for p in segment]
        lower = [f"{p.x:.1f},{p.min_y:.1f}" for p in reversed(segment)]
        return " ".join(upper + lower)

    @property
    def shapes(self) -> list[dict]:
        """What to draw per run: a band and a line, or for a lone month a range bar."""
        return [
            {"lone": len(s) == 1, "band": self.band(s), "line": self.polyline(s), "point": s[0]}
            for s in self.segments
        ]


def nice_step(span: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over `span`."""
    raw = max(span, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(int(factor * power), 1)
    raise AssertionError("unreachable")


def price_chart(items: list[dict], *, months: list[str]) -> Chart | None:
    """The chart of `items` (one unit, one place, one category) over `months` (YYYY-MM, oldest
    first); None when no item falls in them."""
    by_month = {item["month"]: item for item in items}
    shown = [month for month in months if month in by_month]
    if not shown:
        return None
    low = min(by_month[m]["min_vnd"] for m in shown)
    high = max(by_month[m]["max_vnd"] for m in shown)
    step = nice_step(high - low if high > low else max(high // 2, 1))
    bottom = (low // step) * step
    top = -(-high // step) * step
    if top == bottom:  # one price throughout: give it room above and below
        bottom, top = max(bottom - step, 0), top + step
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return TOP + plot_height * (top - value) / (top - bottom)

    def x(index: int) -> float:
        return LEFT + plot_width * (index + 0.5) / len(months)

    points, segments, previous = [], [], None
    for index, month in enumerate(months):
        item = by_month.get(month)
        if item is None:
            continue
        point = Point(month, x(index), y(item["median_vnd"]), y(item["min_vnd"]), y(item["max_vnd"]), item)
        if previous is None or previous != index - 1:
            segments.append([])
        segments[-1].append(point)
        points.append(point)
        previous = index
    every = max(1, math.ceil(len(months) / 6))  # at most six month labels: legible on a phone
    labels = [
        MonthLabel(month, x(index))
        for index, month in enumerate(months)
        if (len(months) - 1 - index) % every == 0
    ]
    ticks = [Tick(value, y(value)) for value in range(bottom, top + 1, step)]
    return Chart(unit=items[0]["unit"], points=points, segments=segments, ticks=ticks, months=labels)
