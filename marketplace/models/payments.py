"""Records of money arriving and leaving: card-processor events, bank statement lines, refunds, payouts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models.orders import Order, PaymentMethod, Purchase


class StripeEvent(models.Model):
    """A webhook event, recorded once in the same transaction as its effect, so replays do nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    purchase = models.ForeignKey(Purchase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("card processor event")
        verbose_name_plural = _("card processor events")

    def __str__(self) -> str:
        return self.event_id


class BankStatementLine(models.Model):
    """One credit on a bank statement, matched to an order or left for staff to review.

    `account` names the receiving account ("<BIN>:<number>", or "platform"); a statement line's
    `reference` is unique per account, so importing a statement twice changes nothing.
    """

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        REVIEW = "review", _("Needs review")
        SETTLED = "settled", _("Settled by hand")
        IGNORED = "ignored", _("Not an order payment")

    class Problem(models.TextChoices):
        NONE = "", _("None")
        SHORT = "short", _("Less than the order total")
        OVER = "over", _("More than the order total")
        UNKNOWN = "unknown", _("No order found")
        NOT_PAYABLE = "not_payable", _("The order cannot take this payment")

    account = models.CharField(max_length=40)
    cooperative = models.ForeignKey(
        "catalog.CooperativePage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("bank reference"), max_length=100)
    booked_on = models.DateField(_("date"))
    amount_vnd = models.BigIntegerField(_("amount (đồng)"))
    description = models.CharField(_("description"), max_length=500)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    problem = models.CharField(max_length=20, choices=Problem.choices, blank=True, default="")
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff_note = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["-booked_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "reference"], name="statement_reference_once_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.reference}"


class Refund(models.Model):
    """Money given back on an order. A card refund is requested, then confirmed by the processor."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_vnd = models.PositiveBigIntegerField(_("amount (đồng)"))
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    stripe_refund = models.CharField(max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount_vnd}"


class Payout(models.Model):
    """Money the platform paid out to a cooperative, with the bank transfer's reference."""

    cooperative = models.ForeignKey(
        "catalog.CooperativePage", on_delete=models.PROTECT, related_name="payouts"
    )
    amount_vnd = models.PositiveBigIntegerField(_("amount (đồng)"))
    reference = models.CharField(_("bank reference"), max_length=100)
    paid_on = models.DateField(_("paid on"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "reference"], name="payout_reference_once"),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id}: {self.amount_vnd}"
