"""Who takes part in a fair; what buyers want to buy is marketplace.BuyerDemand, linked by FairDemand."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.models.rfqs import BuyerKind


def new_badge_code() -> str:
    """The code on a participant's badge and in its QR code: unguessable, short enough to type."""
    return secrets.token_hex(5).upper()


class Participant(models.Model):
    """A registration at a fair: a cooperative that supplies, or a buyer that wants to buy.

    Co-organisers approve the participants from their own provinces; the lead organiser
    approves anyone. Available slots are slot keys of the fair (`FairPage.slots()`); an
    empty list means every slot.
    """

    class Role(models.TextChoices):
        COOPERATIVE = "cooperative", _("Cooperative")
        BUYER = "buyer", _("Buyer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    BuyerKind = BuyerKind  # one list of buyer kinds, shared with requests for quotation

    class Booth(models.TextChoices):
        NONE = "", _("No booth")
        STANDARD = "standard", _("Standard booth (3×3 m)")
        DOUBLE = "double", _("Double booth (3×6 m)")
        CORNER = "corner", _("Corner booth")
        OUTDOOR = "outdoor", _("Outdoor space")

    fair = models.ForeignKey(
        "fairs.FairPage", on_delete=models.CASCADE, related_name="participants", verbose_name=_("fair")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fair_registrations",
        verbose_name=_("registered by"),
    )
    cooperative = models.ForeignKey(
        "catalog.CooperativePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fair_registrations",
        verbose_name=_("cooperative"),
    )
    name = models.CharField(
        _("name"), max_length=255, help_text=_("The cooperative's or the company's name.")
    )
    buyer_kind = models.CharField(_("kind of buyer"), max_length=20, choices=BuyerKind.choices, blank=True)
    province = models.ForeignKey(
        "catalog.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fair_participants",
        verbose_name=_("province"),
    )
    country = models.CharField(
        _("country"), max_length=2, default="VN", help_text=_("Two-letter code, for buyers from abroad.")
    )
    booth = models.CharField(_("booth"), max_length=20, choices=Booth.choices, blank=True)
    booth_area_m2 = models.PositiveSmallIntegerField(
        _("booth area (m²)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    showcased_products = models.ManyToManyField(
        "catalog.ProductPage", blank=True, related_name="fair_showcases", verbose_name=_("showcased products")
    )
    supply_quantity = models.PositiveIntegerField(
        _("can supply per month"), null=True, blank=True, help_text=_("In the unit below.")
    )
    supply_unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. kg, tấn, chai"))
    delivery_provinces = models.ManyToManyField(
        "catalog.Province", blank=True, related_name="+", verbose_name=_("delivers to")
    )
    available_slots = models.JSONField(_("available slots"), default=list, blank=True)
    interested_in = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="interested_parties",
        verbose_name=_("wants to meet"),
    )
    # A buyer's demands posted in this registration (the demands live in marketplace).
    demands = models.ManyToManyField(
        "marketplace.BuyerDemand", through="FairDemand", blank=True, related_name="fair_participants"
    )
    badge_code = models.CharField(
        _("badge code"), max_length=12, unique=True, default=new_badge_code, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["fair", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "cooperative"],
                condition=Q(cooperative__isnull=False),
                name="fairs_one_registration_per_cooperative",
            ),
            models.UniqueConstraint(
                fields=["fair", "user"],
                condition=Q(role="buyer"),
                name="fairs_one_buyer_registration_per_user",
            ),
            models.CheckConstraint(
                condition=Q(role="cooperative", cooperative__isnull=False)
                | Q(role="buyer", cooperative__isnull=True),
                name="fairs_cooperatives_name_their_cooperative",
            ),
        ]
        indexes = [models.Index(fields=["fair", "status", "role"])]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Representative(models.Model):
    """A person who comes to the fair for a participant."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["participant", "pk"]

    def __str__(self):
        return self.name


class FairDemand(models.Model):
    """Links a buyer's demand (marketplace.BuyerDemand) to the fair registration it was posted in."""

    demand = models.OneToOneField(
        "marketplace.BuyerDemand", on_delete=models.CASCADE, primary_key=True, related_name="fair_entry"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="fair_demands")

    class Meta:
        verbose_name = _("demand at a fair")
        verbose_name_plural = _("demands at fairs")

    def __str__(self):
        return f"{self.demand_id} @ {self.participant_id}"


def participant_of(demand) -> Participant | None:
    """The fair registration a demand was posted in, or None for a request for quotation."""
    try:
        return demand.fair_entry.participant
    except FairDemand.DoesNotExist:
        return None
