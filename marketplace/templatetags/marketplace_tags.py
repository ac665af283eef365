"""Template filters for the marketplace's templates: the PDF documents for now."""

from django import template

register = template.Library()


@register.filter
def sum_of(rows, key: str) -> int:
    """The whole-đồng total of `row[key]` over a list of dicts; a missing or empty amount counts 0.

    A float is refused, not rounded: statements add up exactly or not at all.
    """
    total = 0
    for row in rows or ():
        amount = row.get(key) or 0
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"An amount in đồng is a whole number, not {type(amount).__name__}.")
        total += amount
    return total
