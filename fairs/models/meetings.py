"""From a match to a signed agreement: scores, meeting requests, meetings and agreements."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.storage import private_storage, random_name


class MatchScore(models.Model):
    """How well a cooperative at a fair answers one buyer demand, and why.

    `components` holds each part of the score (text, certification, capacity, price,
    distance, interest) with the figures behind it, so pages can say why two should meet.
    """

    fair = models.ForeignKey("fairs.FairPage", on_delete=models.CASCADE, related_name="match_scores")
    demand = models.ForeignKey(
        "marketplace.BuyerDemand", on_delete=models.CASCADE, related_name="match_scores"
    )
    supplier = models.ForeignKey("fairs.Participant", on_delete=models.CASCADE, related_name="match_scores")
    product = models.ForeignKey(
        "catalog.ProductPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(_("score"))
    components = models.JSONField(_("components"), default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match score")
        verbose_name_plural = _("match scores")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "supplier"], name="fairs_one_score_per_demand_and_supplier"
            )
        ]
        indexes = [models.Index(fields=["fair", "-score"])]

    def __str__(self):
        return f"{self.demand} ← {self.supplier}: {self.score:.2f}"


class MeetingRequest(models.Model):
    """One participant asks another for a B2B meeting, about a demand or a product."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed when scheduling started")

    fair = models.ForeignKey("fairs.FairPage", on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey("fairs.Participant", on_delete=models.CASCADE, related_name="requests_sent")
    recipient = models.ForeignKey(
        "fairs.Participant", on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    demand = models.ForeignKey(
        "marketplace.BuyerDemand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_requests",
    )
    product = models.ForeignKey(
        "catalog.ProductPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    OPEN = (Status.PENDING, Status.ACCEPTED)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("recipient")), name="fairs_no_request_to_oneself"
            ),
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="fairs_one_open_request_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.requester} → {self.recipient}"


class MeetingQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.exclude(outcome=Meeting.Outcome.CANCELLED)


class Meeting(models.Model):
    """A B2B meeting at a fair: two or more participants, then a slot and a table, then an outcome.

    A meeting not yet held is cancelled (outcome "cancelled", slot and table freed) when one of
    its participants is rejected or withdraws (fairs.services.registration). It stays on record
    for the organisers, but no schedule, calendar, badge, API or report shows it as a meeting.
    """

    class Outcome(models.TextChoices):
        PENDING = "", _("Not yet recorded")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")
        FOLLOW_UP = "follow_up", _("Held, with a follow-up")
        CANCELLED = "cancelled", _("Cancelled: a participant left the fair")

    fair = models.ForeignKey("fairs.FairPage", on_delete=models.CASCADE, related_name="meetings")
    participants = models.ManyToManyField("fairs.Participant", related_name="meetings")
    request = models.OneToOneField(
        MeetingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting"
    )
    demand = models.ForeignKey(
        "marketplace.BuyerDemand", on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    weight = models.PositiveSmallIntegerField(_("priority"), default=1, validators=[MinValueValidator(1)])
    slot_key = models.CharField(_("slot"), max_length=20, blank=True)
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    pinned = models.BooleanField(
        _("pinned"),
        default=False,
        help_text=_("A pinned meeting keeps its slot when the schedule is run again."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("note"), max_length=500, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["fair", "slot_key", "table", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "slot_key", "table"],
                condition=~Q(slot_key=""),
                name="fairs_one_meeting_per_table_and_slot",
            ),
            models.CheckConstraint(
                condition=~Q(pinned=True, slot_key=""), name="fairs_pinned_meetings_have_a_slot"
            ),
        ]

    def __str__(self):
        return f"{_('Meeting')} {self.pk}"

    @property
    def is_scheduled(self) -> bool:
        return bool(self.slot_key)


def agreement_document_path(agreement: "Agreement", filename: str) -> str:
    """A random name in the private storage: the fair and the file's own name give nothing away."""
    return random_name("agreements", filename)


class Agreement(models.Model):
    """A memorandum of understanding or a contract signed at or after a fair (biên bản ghi nhớ, hợp đồng)."""

    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", _("Memorandum of understanding")
        CONTRACT = "contract", _("Contract")

    fair = models.ForeignKey("fairs.FairPage", on_delete=models.CASCADE, related_name="agreements")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    buyer = models.ForeignKey(
        "fairs.Participant", on_delete=models.PROTECT, related_name="agreements_as_buyer"
    )
    supplier = models.ForeignKey(
        "fairs.Participant", on_delete=models.PROTECT, related_name="agreements_as_supplier"
    )
    products = models.ManyToManyField("catalog.ProductPage", blank=True, related_name="+")
    volume = models.CharField(_("volume"), max_length=200, help_text=_("e.g. 2 tấn/tháng trong 12 tháng"))
    value_vnd = models.PositiveBigIntegerField(_("value (đồng)"))
    signed_on = models.DateField(_("signed on"))
    # In the private storage, read only through fairs.views.agreements (who may: fairs.permissions).
    document = models.FileField(
        _("signed document"),
        upload_to=agreement_document_path,
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
    )
    document_name = models.CharField(
        _("document's file name"), max_length=255, blank=True, help_text=_("As it was uploaded.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.buyer} – {self.supplier}"


class AgreementOrder(models.Model):
    """An order placed in the marketplace under an agreement: one per delivery of the schedule its
    buyer set (fairs.services.agreement_place_orders). The cooperative works the order as any other."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="orders")
    order = models.OneToOneField("marketplace.Order", on_delete=models.CASCADE, related_name="fair_agreement")
    delivery = models.PositiveSmallIntegerField(_("delivery"))
    deliver_on = models.DateField(_("delivery date"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order under an agreement")
        verbose_name_plural = _("orders under agreements")
        ordering = ["agreement", "deliver_on", "pk"]

    def __str__(self):
        return f"{self.agreement_id} → {self.order_id}"
