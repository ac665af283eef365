"""Dates counted from the day a test runs, for values made when pytest collects the tests.

Parametrize lists and other module-level values are built at collection, which may be the day before the
tests run (the site's day is Vietnam's, and its midnight is 17:00 UTC). So they hold `days(n)`, never a
date, and the date is read when the test uses it:

- `dated(value)` is `value` with each `days(n)` in it (in dicts, lists and tuples) made its date, for a
  service; `dated(value, text=True)` makes it the date's ISO text, for a JSON body
  (`tests.marketplace.test_api.call` does that to every body it sends).
- In a form posted through Django's test client, `days(n)` is sent as is: the client writes `str(value)`
  when it makes the request, and that is the date's ISO text.
"""

import dataclasses
import datetime

from django.utils import timezone


@dataclasses.dataclass(frozen=True)
class Days:
    """`n` days after today (before it, if negative), today being the site's date as the app reads it,
    `timezone.localdate()`, at the moment the date is asked for."""

    n: int

    def date(self) -> datetime.date:
        return timezone.localdate() + datetime.timedelta(days=self.n)

    def __str__(self) -> str:
        return self.date().isoformat()

    def __repr__(self) -> str:
        return f"days({self.n})"


def days(n: int) -> Days:
    """The date `n` days from today, read when the test uses it (see the module's docstring)."""
    return Days(n)


def dated(value, *, text: bool = False):
    """`value` with each `days(n)` in it made its date (its ISO text if `text`), today."""
    if isinstance(value, Days):
        return str(value) if text else value.date()
    if isinstance(value, dict):
        return {key: dated(item, text=text) for key, item in value.items()}
    if isinstance(value, list):
        return [dated(item, text=text) for item in value]
    if isinstance(value, tuple):
        return tuple(dated(item, text=text) for item in value)
    return value
