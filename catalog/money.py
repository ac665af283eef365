"""Amounts in đồng, written the way each language writes them.

The đồng has no minor unit, so amounts are whole numbers: a float here is a bug
upstream, and we refuse it rather than round it.
"""

VND_SIGN = "₫"


def group_digits(amount: int, separator: str) -> str:
    """`10000` → `10.000` with "." (thousands grouped, whatever the locale's own settings)."""
    return f"{amount:,}".replace(",", separator)


def format_vnd(amount: int, language: str) -> str:
    """`1.250.000 ₫` in Vietnamese, `₫1,250,000` in English (the default is Vietnamese)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"An amount in đồng is a whole number, not {type(amount).__name__}.")
    sign = "-" if amount < 0 else ""
    if (language or "").lower().startswith("en"):
        return f"{sign}{VND_SIGN}{group_digits(abs(amount), ',')}"
    return f"{sign}{group_digits(abs(amount), '.')} {VND_SIGN}"
