"""A URL converter for database ids that refuses numbers no database column can hold.

Django's `int` converter accepts any length of digits, so `/…/10^30/` reached the
database and failed there with an overflow: a 500 instead of a 404. `<id:…>` matches
only ids from 1 to the largest 64-bit signed integer, so anything else is a 404 before
a view runs.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # Django reads ValueError as "no match": a 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
