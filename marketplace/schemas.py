"""Shapes of the marketplace API (marketplace/api.py): what comes in, what goes out.

Inputs are strict so that a wrong type is a 400, not a guess: quantities are JSON integers
(not "3", 2.5 or true), bounded by the cart's own limit; strings are bounded in length and
refuse control characters (PostgreSQL refuses NUL outright). Money is whole đồng, as integers.
"""

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, StrictBool, StrictInt

from marketplace import pricing
from marketplace.models import Order, PaymentMethod

CONTROL = {chr(c) for c in range(32)} - {"\n", "\r", "\t"} | {"\x7f"}


def _no_control_characters(value: str) -> str:
    if any(c in CONTROL for c in value):
        raise ValueError("contains a control character")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
Quantity = Annotated[StrictInt, Field(ge=1, le=pricing.MAX_QUANTITY, description="Whole units, at least 1.")]

# What a cooperative's staff may move an order to (`placed` is never a person's move).
StaffStatus = Literal["confirmed", "shipped", "delivered", "completed", "cancelled"]
OrderStatus = Literal[tuple(Order.Status.values)]
Method = Literal[tuple(PaymentMethod.values)]


class ErrorOut(Schema):
    detail: str


# --- cart --------------------------------------------------------------------------------------


class CooperativeBriefOut(Schema):
    tax_code: str
    name: str


class CartLineOut(Schema):
    id: int
    sku: str
    name: str
    quantity: int
    unit_price_vnd: int = Field(description="Today's unit price for this quantity (wholesale tiers applied).")
    line_total_vnd: int
    problems: list[str] = Field(description="Why the line cannot be bought as it is (empty when it can).")
    price_changed: bool = Field(description="Today's unit price differs from the one the buyer last saw.")
    seen_unit_price_vnd: int = Field(description="The unit price the buyer last saw.")


class CartGroupOut(Schema):
    cooperative: CooperativeBriefOut
    lines: list[CartLineOut]
    subtotal_vnd: int
    shipping_vnd: int


class CartOut(Schema):
    groups: list[CartGroupOut]
    total_vnd: int
    payment_methods: list[str] = Field(
        description="How this cart can be paid now (every cooperative in it must accept the method)."
    )


class CartLineIn(Schema):
    sku: Text = Field(..., min_length=1, max_length=64)
    cooperative: Text | None = Field(
        None, max_length=20, description="Tax code of the cooperative, needed only when several sell the SKU."
    )
    quantity: Quantity


class QuantityIn(Schema):
    quantity: Quantity


# --- checkout ----------------------------------------------------------------------------------


class ShippingIn(Schema):
    name: Text = Field(..., max_length=120)
    phone: Text = Field(..., max_length=30, description="A Vietnamese number, e.g. 0912 345 678.")
    province: Text = Field(..., max_length=10, description="Province code (2025 list), e.g. 01.")
    ward: Text = Field(..., max_length=10, description="Ward or commune code of that province.")
    address: Text = Field(..., max_length=255, description="House number and street.")


class CheckoutIn(Schema):
    payment_method: Method
    shipping: ShippingIn
    note: Text = Field("", max_length=1000)


class OrderBriefOut(Schema):
    number: str
    cooperative: CooperativeBriefOut
    total_vnd: int
    status: str
    payment_status: str
    payment_method: str
    created_at: datetime.datetime


class TransferOut(Schema):
    order: str = Field(description="The order number, also the transfer's description.")
    amount_vnd: int
    payload: str | None = Field(description="The VietQR (EMVCo) payload to draw as a QR code.")
    bank_bin: str
    account: str
    account_name: str


class PaymentOut(Schema):
    method: str
    client_secret: str | None = Field(None, description="Card: for Stripe.js's Payment Element.")
    payment_intent: str | None = Field(None, description="Card: the Stripe PaymentIntent id.")
    publishable_key: str | None = Field(None, description="Card: the Stripe publishable key.")
    transfers: list[TransferOut] | None = Field(None, description="Bank transfer: one per order.")
    error: str | None = Field(
        None,
        description="Card: the card processor could not be reached; the purchase stands, "
        "ask again with POST /purchases/{payment_code}/card.",
    )


class PurchaseOut(Schema):
    purchase: int = Field(description="The purchase's id.")
    payment_code: str
    total_vnd: int
    orders: list[OrderBriefOut]
    payment: PaymentOut


class ShortLineOut(Schema):
    sku: str
    name: str
    wanted: int
    available: int


class OutOfStockOut(Schema):
    detail: str
    lines: list[ShortLineOut]


# --- orders ------------------------------------------------------------------------------------


class OrderListOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[OrderBriefOut]


class OrderLineOut(Schema):
    sku: str
    name: str
    unit: str
    quantity: int
    unit_price_vnd: int
    line_total_vnd: int
    vat_rate: str


class OrderEventOut(Schema):
    at: datetime.datetime
    kind: str = Field(
        description='"status:<status>", "payment:<status>", "refund:requested|failed" or "note".'
    )
    actor: str


class PlaceOut(Schema):
    code: str
    name: str


class AddressOut(Schema):
    name: str
    phone: str
    province: PlaceOut
    ward: PlaceOut
    address: str


class OrderOut(Schema):
    number: str
    cooperative: CooperativeBriefOut
    status: str
    payment_status: str
    total_vnd: int
    lines: list[OrderLineOut]
    events: list[OrderEventOut]
    payment_code: str
    payment_method: str
    subtotal_vnd: int
    shipping_vnd: int
    refunded_vnd: int
    shipping_method: str
    carrier: str
    tracking_number: str
    cancel_reason: str
    created_at: datetime.datetime
    shipping: AddressOut
    note: str
    transfer: TransferOut | None = Field(description="Bank transfer orders: where and how much to pay.")


class CancelIn(Schema):
    reason: Text = Field("", max_length=500)


class StatusIn(Schema):
    to: StaffStatus
    carrier: Text = Field("", max_length=100)
    tracking: Text = Field("", max_length=100)
    reason: Text = Field("", max_length=500, description="Required to cancel.")
    cash_collected: StrictBool = Field(
        False, description="Cash on delivery: the cash was collected (marks the order paid when delivered)."
    )
