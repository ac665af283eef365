"""A cooperative's terms of sale on the e-trading floor: where buyers' transfers go, shipping, COD.

Kept out of the cooperative's page, like ProductInventory, because they change without review and
must never appear in a public page revision. The catalogue owns them so that the cooperative
import (catalog/imports.py) can fill the bank columns; the marketplace reads them.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_FEE_VND = 10**12

bank_bin_validator = RegexValidator(r"^\d{6}$", _("A bank BIN is 6 digits (e.g. 970436 for Vietcombank)."))
bank_account_validator = RegexValidator(
    r"^[0-9A-Za-z]{4,19}$", _("An account number has 4 to 19 letters or digits, without spaces.")
)


class CooperativeTerms(models.Model):
    """Bank account, shipping and cash-on-delivery settings of one cooperative."""

    class Shipping(models.TextChoices):
        PICKUP = "pickup", _("Pickup at the cooperative")
        FLAT = "flat", _("Flat fee")
        FREE_ABOVE = "free_above", _("Flat fee, free above an amount")

    cooperative = models.OneToOneField(
        "catalog.CooperativePage", on_delete=models.CASCADE, related_name="terms"
    )
    bank_bin = models.CharField(_("bank BIN"), max_length=6, blank=True, validators=[bank_bin_validator])
    bank_account = models.CharField(
        _("bank account number"), max_length=19, blank=True, validators=[bank_account_validator]
    )
    bank_account_name = models.CharField(_("account holder name"), max_length=70, blank=True)
    shipping = models.CharField(
        _("shipping"), max_length=20, choices=Shipping.choices, default=Shipping.PICKUP
    )
    shipping_fee_vnd = models.PositiveBigIntegerField(
        _("shipping fee (đồng)"), default=0, validators=[MaxValueValidator(MAX_FEE_VND)]
    )
    free_shipping_from_vnd = models.PositiveBigIntegerField(
        _("free shipping from (đồng)"), null=True, blank=True, validators=[MaxValueValidator(MAX_FEE_VND)]
    )
    cash_on_delivery = models.BooleanField(_("accept cash on delivery"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("terms of sale")
        verbose_name_plural = _("terms of sale")

    def __str__(self) -> str:
        return f"{self.cooperative_id}: {self.shipping}"

    def clean(self):
        super().clean()
        bank = [self.bank_bin, self.bank_account, self.bank_account_name]
        if any(bank) and not all(bank):
            raise ValidationError(_("Give the bank BIN, the account number and the holder's name together."))
        if self.shipping == self.Shipping.PICKUP and self.shipping_fee_vnd:
            raise ValidationError({"shipping_fee_vnd": _("Pickup at the cooperative has no fee.")})
        if self.shipping == self.Shipping.FREE_ABOVE and not self.free_shipping_from_vnd:
            raise ValidationError(
                {"free_shipping_from_vnd": _("Say from which order amount shipping is free.")}
            )
        if self.shipping != self.Shipping.FREE_ABOVE and self.free_shipping_from_vnd:
            raise ValidationError(
                {"free_shipping_from_vnd": _("Only 'free above an amount' shipping has a threshold.")}
            )

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_bin and self.bank_account and self.bank_account_name)
