"""Scale meeting weights to integers for OR-Tools, without ever understating them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

MAX_SCALE = 10**6


def integer_weights(weights: Sequence[float]) -> tuple[list[int], int, bool]:
    """Scale weights to integers: (scaled, scale, exact). Inexact scaling rounds up, so bounds stay valid."""
    scale = 1
    for weight in weights:
        denominator = Fraction(weight).limit_denominator(MAX_SCALE).denominator
        scale = math.lcm(scale, denominator)
        if scale > MAX_SCALE:
            scale = MAX_SCALE
            break
    scaled = [weight * scale for weight in weights]
    exact = all(abs(value - round(value)) < 1e-9 * max(1.0, value) for value in scaled)
    if exact:
        return [round(value) for value in scaled], scale, True
    return [math.ceil(value - 1e-9) for value in scaled], scale, False
