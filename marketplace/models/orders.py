"""Purchases, the orders they split into, and each order's lines and events.

A buyer's checkout makes one Purchase (the unit they pay, named by its payment code) and one Order
per cooperative (the unit that cooperative fulfils). Order status and payment status are separate
columns, each moved only by a conditional update from the tables in marketplace/services/moves.py;
every move leaves an OrderEvent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models.pages import VatRate


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    VIETQR = "vietqr", _("Bank transfer (VietQR)")
    COD = "cod", _("Cash on delivery")


class Purchase(models.Model):
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="purchases")
    payment_code = models.CharField(_("payment code"), max_length=12, unique=True)
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    total_vnd = models.PositiveBigIntegerField(_("total (đồng)"))
    shipping_name = models.CharField(_("recipient"), max_length=120)
    shipping_phone = models.CharField(_("phone"), max_length=20)
    shipping_province = models.ForeignKey(
        "catalog.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    shipping_ward = models.ForeignKey(
        "catalog.Ward", on_delete=models.PROTECT, related_name="+", verbose_name=_("ward or commune")
    )
    shipping_address = models.CharField(_("street address"), max_length=255)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # Card payments: the Stripe PaymentIntent, created after the checkout transaction commits.
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.payment_code


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")

    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="orders")
    cooperative = models.ForeignKey(
        "catalog.CooperativePage",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("cooperative"),
    )
    number = models.CharField(_("order number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLACED)
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    subtotal_vnd = models.PositiveBigIntegerField(_("subtotal (đồng)"))
    shipping_vnd = models.PositiveBigIntegerField(_("shipping (đồng)"))
    total_vnd = models.PositiveBigIntegerField(_("total (đồng)"))
    commission_vnd = models.PositiveBigIntegerField(_("platform commission (đồng)"), default=0)
    refunded_vnd = models.PositiveBigIntegerField(_("refunded (đồng)"), default=0)
    shipping_method = models.CharField(_("shipping"), max_length=20)
    # The bank account a transfer goes to, as it was at checkout.
    bank_bin = models.CharField(max_length=6, blank=True)
    bank_account = models.CharField(max_length=19, blank=True)
    bank_account_name = models.CharField(max_length=70, blank=True)
    # While True the order's lines hold stock; released on cancellation or expiry.
    holds_stock = models.BooleanField(default=False)
    hold_until = models.DateTimeField(null=True, blank=True, db_index=True)
    expired = models.BooleanField(_("expired unpaid"), default=False)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cooperative", "status"]), models.Index(fields=["payment_status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_vnd__lte=models.F("total_vnd")), name="refund_within_total"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def paid(self) -> bool:
        return self.payment_status in (
            self.PaymentStatus.PAID,
            self.PaymentStatus.PARTLY_REFUNDED,
            self.PaymentStatus.REFUNDED,
        )


class OrderLine(models.Model):
    """One product in an order, with the price and VAT rate as they were at checkout."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.ProductPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    unit = models.CharField(_("unit"), max_length=30)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_vnd = models.PositiveBigIntegerField(_("unit price (đồng)"))
    line_total_vnd = models.PositiveBigIntegerField(_("line total (đồng)"))
    vat_rate = models.CharField(_("VAT rate"), max_length=3, choices=VatRate.choices)
    # Whether checkout took this line's quantity from tracked stock (so a release gives it back).
    stock_tracked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """One move of an order's status or payment status, or a note on it, with who made it."""

    class Actor(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        COOPERATIVE = "cooperative", _("Cooperative")
        ALLIANCE = "alliance", _("Alliance staff")
        SYSTEM = "system", _("System")
        STRIPE = "stripe", _("Card processor")
        BANK = "bank", _("Bank statement")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40)
    actor = models.CharField(max_length=20, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
