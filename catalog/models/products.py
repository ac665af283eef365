"""Product categories, OCOP certificates and the fast-changing numbers of a listing."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey

OCOP_VALIDITY_MONTHS = 36
OCOP_EXPIRING_DAYS = 90


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def ocop_default_expiry(issued_on: datetime.date) -> datetime.date:
    """An OCOP certificate is valid for 36 months from its issue date."""
    return add_months(issued_on, OCOP_VALIDITY_MONTHS)


class Category(models.Model):
    """One of the six OCOP product groups, or a subcategory of one."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent group"),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    @property
    def group(self) -> "Category":
        return self.parent or self


class OcopCertificateQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(issued_on__lte=day, expires_on__gte=day)

    def valid(self):
        return self.valid_on(timezone.localdate())


class OcopCertificate(models.Model):
    """An OCOP rating decision (quyết định công nhận sản phẩm OCOP) for one product.

    Stars show only while the certificate is valid; the status is computed from
    today's date, so an expired rating disappears without anyone acting.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRING = "expiring", _("Expiring soon")
        EXPIRED = "expired", _("Expired")
        NOT_YET_VALID = "not_yet_valid", _("Not yet valid")

    product = ParentalKey("catalog.ProductPage", on_delete=models.CASCADE, related_name="ocop_certificates")
    stars = models.PositiveSmallIntegerField(
        _("stars"),
        choices=[(3, "3★"), (4, "4★"), (5, "5★")],
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    decision_number = models.CharField(_("decision number"), max_length=100)
    issuing_authority = models.CharField(
        _("issuing authority"),
        max_length=200,
        help_text=_("The provincial People's Committee for 3 and 4 stars; central for 5 stars."),
    )
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(
        _("expiry date"), blank=True, help_text=_("Leave empty for issue date + 36 months.")
    )
    expiry_notice_sent_on = models.DateField(null=True, blank=True, editable=False)

    objects = OcopCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("OCOP certificate")
        verbose_name_plural = _("OCOP certificates")
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self):
        return f"{self.decision_number} ({self.stars}★)"

    def clean(self):
        if self.issued_on and not self.expires_on:
            self.expires_on = ocop_default_expiry(self.issued_on)
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})

    def status_on(self, day: datetime.date) -> str:
        if day < self.issued_on:
            return self.Status.NOT_YET_VALID
        if day > self.expires_on:
            return self.Status.EXPIRED
        if (self.expires_on - day).days <= OCOP_EXPIRING_DAYS:
            return self.Status.EXPIRING
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def is_valid(self) -> bool:
        return self.status in (self.Status.VALID, self.Status.EXPIRING)


class ProductInventory(models.Model):
    """Stock and capacity of a listing: changed often, so kept out of page revisions."""

    product = models.OneToOneField("catalog.ProductPage", on_delete=models.CASCADE, related_name="inventory")
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Units available now; empty if not tracked.")
    )
    monthly_capacity = models.PositiveIntegerField(
        _("monthly capacity"),
        null=True,
        blank=True,
        help_text=_("Units the cooperative can supply per month."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock and capacity")
        verbose_name_plural = _("stock and capacity")

    def __str__(self):
        return f"{self.product_id}: {self.stock}"
