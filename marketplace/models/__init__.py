"""Marketplace models: carts, purchases and orders, payments, and the double-entry ledger.

The ledger's models live in marketplace/ledger/models.py and are imported here so that Django
finds them under the `marketplace` app.
"""

from marketplace.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from marketplace.models.carts import Cart, CartLine
from marketplace.models.orders import Order, OrderEvent, OrderLine, PaymentMethod, Purchase
from marketplace.models.payments import BankStatementLine, Payout, Refund, StripeEvent

__all__ = [
    "BankStatementLine",
    "Cart",
    "CartLine",
    "LedgerAccount",
    "LedgerPosting",
    "LedgerTransaction",
    "Order",
    "OrderEvent",
    "OrderLine",
    "PaymentMethod",
    "Payout",
    "Purchase",
    "Refund",
    "StripeEvent",
]
