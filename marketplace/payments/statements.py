"""Reading the cells of a bank statement: dates and amounts the way Vietnamese banks export them.

No Django imports, like the rest of marketplace/payments/: marketplace/services/statements.py
reads the file, calls these on each cell and turns a `CellError`'s code into a translated message.

- Dates: `dd/mm/yyyy` (one-digit day and month allowed) or ISO `yyyy-mm-dd`, either optionally
  followed by a time, which is dropped (`01/03/2025 10:15:22`, `2025-03-01T10:15:22` as an
  Excel date-time cell arrives).
- Amounts: whole đồng, signed (a minus sign is a debit), with or without thousands separators:
  `1250000`, `1.250.000`, `1,250,000`, `-50.000`. Anything with decimals (`1250000.50`,
  `1.250.000,00`) is refused rather than rounded: đồng have no minor unit, so a decimal amount
  means the column holds something else.
"""

from __future__ import annotations

import datetime
import re

# A statement line above a thousand billion đồng is not a payment for an order.
MAX_AMOUNT_VND = 10**15

_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[.,])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})" + _TIME)
_ISO = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})" + _TIME)


class CellError(ValueError):
    """A cell that cannot be read; `code` says why: empty, not_a_number, decimal, zero, too_large,
    not_a_date."""

    def __init__(self, code: str, value: str) -> None:
        super().__init__(f"{code}: {value[:40]!r}")
        self.code = code
        self.value = value


def parse_amount(text: str) -> int:
    """The signed whole-đồng amount in `text` (negative for a debit); CellError if it is not one."""
    value = text.strip()
    if not value:
        raise CellError("empty", text)
    sign = 1
    if value[0] in "+-":
        sign = -1 if value[0] == "-" else 1
        value = value[1:].strip()
    if _PLAIN.fullmatch(value) or _GROUPED.fullmatch(value):
        digits = value.replace(".", "").replace(",", "").lstrip("0") or "0"
        if len(digits) > len(str(MAX_AMOUNT_VND)):
            raise CellError("too_large", text)
        amount = int(digits)
    elif re.fullmatch(r"[0-9.,]*[0-9][.,][0-9]+", value):
        raise CellError("decimal", text)
    else:
        raise CellError("not_a_number", text)
    if amount == 0:
        raise CellError("zero", text)
    if amount > MAX_AMOUNT_VND:
        raise CellError("too_large", text)
    return sign * amount


def parse_date(text: str) -> datetime.date:
    """The date in `text` (day first with slashes, or ISO); CellError("not_a_date") otherwise."""
    value = text.strip()
    match = _DAY_FIRST.fullmatch(value) or _ISO.fullmatch(value)
    if not match:
        raise CellError("empty" if not value else "not_a_date", text)
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise CellError("not_a_date", text) from None
