"""Marketplace models: buyers' demands, quotes, orders and payments.

Only the double-entry ledger exists so far; its models live in marketplace/ledger/models.py and
are imported here so that Django finds them under the `marketplace` app.
"""

from marketplace.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction

__all__ = ["LedgerAccount", "LedgerPosting", "LedgerTransaction"]
