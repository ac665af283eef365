"""Marketplace models: carts, purchases and orders, payments, the double-entry ledger, and B2B trade
(buyers' demands and requests for quotation, invitations, quotes).

The ledger's models live in marketplace/ledger/models.py and are imported here so that Django
finds them under the `marketplace` app.
"""

from marketplace.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from marketplace.models.carts import Cart, CartLine
from marketplace.models.orders import Order, OrderEvent, OrderLine, PaymentMethod, Purchase
from marketplace.models.payments import BankStatementLine, Payout, Refund, StripeEvent
from marketplace.models.rfqs import (
    BuyerDemand,
    BuyerKind,
    PaymentTerms,
    Quote,
    QuoteLine,
    QuoteRevision,
    RfqInvitation,
    RfqMessage,
)

__all__ = [
    "BankStatementLine",
    "BuyerDemand",
    "BuyerKind",
    "Cart",
    "CartLine",
    "LedgerAccount",
    "LedgerPosting",
    "LedgerTransaction",
    "Order",
    "OrderEvent",
    "OrderLine",
    "PaymentMethod",
    "PaymentTerms",
    "Payout",
    "Purchase",
    "Quote",
    "QuoteLine",
    "QuoteRevision",
    "Refund",
    "RfqInvitation",
    "RfqMessage",
    "StripeEvent",
]
