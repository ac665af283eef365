"""B2B trade: what buyers need (requests for quotation), who is invited, quotes and their revisions.

`BuyerDemand` was born in `fairs` (a buyer's demand at a fair) and keeps its table,
`fairs_buyerdemand`. A demand posted at a fair is linked to its registration by `fairs.FairDemand`;
a request for quotation (`kind` RFQ) stands on its own, with a deadline, a visibility and quotes.

A quote belongs to one cooperative and one RFQ; every time the cooperative changes it, a new
`QuoteRevision` is written, and the quote points at its latest (the buyer sees the history).
Accepting a quote is one conditional update, sent → accepted (marketplace/services/quotes.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.pages import VatRate


class BuyerKind(models.TextChoices):
    """What kind of business a buyer is: on fair registrations and on requests for quotation."""

    HOUSEHOLD = "household", _("Household business")
    RETAILER = "retailer", _("Retailer")
    SUPERMARKET = "supermarket", _("Supermarket chain")
    WHOLESALER = "wholesaler", _("Wholesaler or distributor")
    PROCESSOR = "processor", _("Processor")
    EXPORTER = "exporter", _("Exporter")
    IMPORTER = "importer", _("Importer abroad")
    HORECA = "horeca", _("Restaurant or hotel")


class BuyerDemand(models.Model):
    """What a buyer wants to buy (nhu cầu mua): what, how much, at what price and quality, where, when.

    Posted within a fair registration (`kind` FAIR, linked by fairs.FairDemand), or on its own as
    a request for quotation (`kind` RFQ) that cooperatives answer with quotes.
    """

    class Kind(models.TextChoices):
        FAIR = "fair", _("Demand at a fair")
        RFQ = "rfq", _("Request for quotation")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public, on the supply–demand board")
        INVITED = "invited", _("Invited cooperatives only")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for quotes")
        AWARDED = "awarded", _("Quote accepted")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demands", verbose_name=_("buyer")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FAIR)
    title = models.CharField(_("what"), max_length=200, help_text=_("e.g. Gạo ST25, nước mắm cốt nhĩ"))
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("category"),
    )
    product = models.ForeignKey(
        "catalog.ProductPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("a listed product"),
    )
    details = models.TextField(_("details"), blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. kg, tấn, chai"))
    per_month = models.BooleanField(_("every month"), default=True)
    target_price_vnd = models.PositiveBigIntegerField(
        _("target price per unit (đồng)"), null=True, blank=True
    )
    required_certifications = models.JSONField(
        _("required certifications"),
        default=list,
        blank=True,
        help_text=_("Schemes such as vietgap, organic, haccp."),
    )
    min_ocop_stars = models.PositiveSmallIntegerField(
        _("OCOP stars, at least"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
    )
    delivery_province = models.ForeignKey(
        "catalog.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deliver to"),
    )
    needed_from = models.DateField(_("needed from"), null=True, blank=True)
    needed_until = models.DateField(_("needed until"), null=True, blank=True)
    # A request for quotation's own fields (a demand at a fair leaves them at their defaults).
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField(_("quotes until"), null=True, blank=True)
    company_kind = models.CharField(
        _("buyer's business"), max_length=20, choices=BuyerKind.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "fairs_buyerdemand"  # born in fairs; the table kept its name when it moved here
        verbose_name = _("buyer demand")
        verbose_name_plural = _("buyer demands")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status", "visibility", "deadline"], name="rfq_board_idx")]

    def __str__(self):
        return self.title

    @property
    def is_rfq(self) -> bool:
        return self.kind == self.Kind.RFQ


class RfqInvitation(models.Model):
    """A cooperative invited to quote on an RFQ, by its buyer or by alliance staff."""

    rfq = models.ForeignKey(BuyerDemand, on_delete=models.CASCADE, related_name="invitations")
    cooperative = models.ForeignKey(
        "catalog.CooperativePage", on_delete=models.CASCADE, related_name="rfq_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_alliance = models.BooleanField(_("invited by alliance staff"), default=False)
    # The match score and reasons the inviter saw (empty when invited by hand).
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation to quote")
        verbose_name_plural = _("invitations to quote")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "cooperative"], name="marketplace_one_invitation_per_rfq")
        ]

    def __str__(self):
        return f"{self.rfq} → {self.cooperative}"


class PaymentTerms(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer before delivery")
    DEPOSIT = "deposit", _("Deposit by transfer, the rest on delivery")
    COD = "cod", _("Cash on delivery")


class Quote(models.Model):
    """One cooperative's answer to one RFQ; its terms are those of its latest revision."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not chosen")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    rfq = models.ForeignKey(BuyerDemand, on_delete=models.CASCADE, related_name="quotes")
    cooperative = models.ForeignKey(
        "catalog.CooperativePage", on_delete=models.PROTECT, related_name="quotes"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # The latest revision's figures, kept here so lists and the accept update need no join.
    total_vnd = models.PositiveBigIntegerField(_("total (đồng)"), default=0)
    valid_until = models.DateField(_("valid until"))
    order = models.OneToOneField(
        "marketplace.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="quote"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["total_vnd", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rfq", "cooperative"], name="marketplace_one_quote_per_cooperative"
            ),
            # At most one accepted quote per RFQ, whatever races.
            models.UniqueConstraint(
                fields=["rfq"], condition=models.Q(status="accepted"), name="marketplace_one_accepted_quote"
            ),
        ]

    def __str__(self):
        return f"{self.rfq} ← {self.cooperative} (r{self.revision})"


class QuoteRevision(models.Model):
    """One version of a quote, kept for the buyer to see how it changed."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    valid_until = models.DateField(_("valid until"))
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), validators=[MaxValueValidator(365)])
    delivery_terms = models.CharField(_("delivery terms"), max_length=300, blank=True)
    payment_terms = models.CharField(_("payment terms"), max_length=10, choices=PaymentTerms.choices)
    deposit_percent = models.PositiveSmallIntegerField(
        _("deposit (%)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    subtotal_vnd = models.PositiveBigIntegerField(_("subtotal (đồng)"))
    total_vnd = models.PositiveBigIntegerField(_("total (đồng)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quote revision")
        verbose_name_plural = _("quote revisions")
        ordering = ["quote", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "number"], name="marketplace_one_revision_number")
        ]

    def __str__(self):
        return f"{self.quote} r{self.number}"


class QuoteLine(models.Model):
    """A line of a quote revision: a listed product or free text, quantity and unit price in đồng."""

    revision = models.ForeignKey(QuoteRevision, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.ProductPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=255)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=30)
    unit_price_vnd = models.PositiveBigIntegerField(_("unit price (đồng)"))
    vat_rate = models.CharField(_("VAT rate"), max_length=3, choices=VatRate.choices)
    line_total_vnd = models.PositiveBigIntegerField(_("line total (đồng)"))

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["revision", "pk"]

    def __str__(self):
        return f"{self.quantity} × {self.description}"


class RfqMessage(models.Model):
    """A message in the thread between an RFQ's buyer and one cooperative (never exposing contacts)."""

    rfq = models.ForeignKey(BuyerDemand, on_delete=models.CASCADE, related_name="messages")
    cooperative = models.ForeignKey("catalog.CooperativePage", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_buyer = models.BooleanField()
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message about an RFQ")
        verbose_name_plural = _("messages about RFQs")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["rfq", "cooperative", "created_at"], name="rfq_thread_idx")]

    def __str__(self):
        return self.body[:60]
