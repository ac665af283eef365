"""The pure rule every ledger transaction obeys: whole-đồng, non-zero amounts that sum to zero.

No Django imports, like fairs/scheduling/: the service (marketplace/ledger/services.py) calls
`check_balanced` before writing anything, and the tests exercise it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# PostgreSQL's bigint; a larger amount would fail in the database instead of here.
MAX_AMOUNT_VND = 2**63 - 1


class UnbalancedPostings(ValueError):
    """The postings cannot form a transaction; `code` says why, for callers that translate it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_balanced(postings: Iterable[tuple[Any, Any]]) -> None:
    """Raise UnbalancedPostings unless `postings` is a non-empty list of (account, amount) that sums to zero.

    Amounts are signed whole đồng (debit positive, credit negative): exactly `int`, so floats,
    Decimals and booleans (which Python counts as ints) are refused.
    """
    rows = list(postings)
    if not rows:
        raise UnbalancedPostings("empty", "a transaction needs at least one posting")
    total = 0
    for _account, amount in rows:
        if type(amount) is not int:
            raise UnbalancedPostings("amount_type", f"amount {amount!r} is not a whole number of đồng")
        if amount == 0:
            raise UnbalancedPostings("zero", "a posting cannot be zero")
        if abs(amount) > MAX_AMOUNT_VND:
            raise UnbalancedPostings("out_of_range", f"amount {amount} is too large")
        total += amount
    if total != 0:
        raise UnbalancedPostings("unbalanced", f"postings sum to {total}, not zero")
