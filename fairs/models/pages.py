"""The fair as a page: its public content and its set-up (organisers, provinces, dates, sessions).

Everything a fair's organisers decide before it opens is page content, edited, revised and
published in Wagtail like any page; the status is part of it, so moving a fair on (open,
scheduling, running, closed) is a published change with its history. What happens at the
fair (registrations, requests, meetings, agreements) lives in plain models that point here.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from catalog.page_cache import AnonymousPageCacheMixin, fragments

RICH_TEXT = ["bold", "italic", "h3", "ol", "ul", "link"]


@dataclass(frozen=True)
class Slot:
    """One meeting timeslot of a session. `key` is stable while the session keeps its place."""

    key: str
    session_id: int
    index: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    tables: int


class FairIndexPage(AnonymousPageCacheMixin, Page):
    """Fairs and connection events (hội chợ, kết nối cung cầu): upcoming first, then past ones."""

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("English introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["fairs.FairPage"]
    max_count = 1

    class Meta:
        verbose_name = _("fairs index")

    def get_context(self, request, *args, **kwargs):
        from fairs import selectors

        context = super().get_context(request, *args, **kwargs)
        context["upcoming"] = selectors.upcoming_fairs()
        context["past"] = selectors.past_fairs(limit=12)
        return context


class FairPage(AnonymousPageCacheMixin, Page):
    """A trade fair or exhibition (hội chợ, triển lãm), a supply–demand connection conference
    (hội nghị kết nối cung cầu) or an online fair, run by a lead alliance with co-organisers."""

    page_cache_params = ("page",)  # the booths' pages

    class Kind(models.TextChoices):
        TRADE_FAIR = "trade_fair", _("Trade fair or exhibition")
        CONNECTION = "connection", _("Supply–demand connection conference")
        ONLINE = "online", _("Online fair")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for registration")
        SCHEDULING = "scheduling", _("Scheduling meetings")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONNECTION)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)
    intro_en = RichTextField(_("English introduction"), blank=True, features=RICH_TEXT)
    programme = RichTextField(_("programme"), blank=True, features=RICH_TEXT)
    programme_en = RichTextField(_("English programme"), blank=True, features=RICH_TEXT)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=255, blank=True, help_text=_("Empty for an online fair."))
    online_url = models.URLField(_("online meeting address"), blank=True)
    lead_organiser = models.ForeignKey(
        "catalog.Alliance",
        on_delete=models.PROTECT,
        related_name="led_fairs",
        verbose_name=_("lead organiser"),
    )
    co_organisers = ParentalManyToManyField(
        "catalog.Alliance", blank=True, related_name="co_organised_fairs", verbose_name=_("co-organisers")
    )
    provinces = ParentalManyToManyField(
        "catalog.Province", blank=True, related_name="fairs", verbose_name=_("participating provinces")
    )
    registration_opens_on = models.DateField(_("registration opens on"))
    registration_closes_on = models.DateField(_("registration closes on"))
    has_booths = models.BooleanField(_("cooperatives book booths"), default=False)
    max_meetings_per_participant = models.PositiveSmallIntegerField(
        _("meetings per participant, at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Empty for no cap."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("name_en"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldPanel("venue"),
                FieldPanel("online_url"),
                FieldRowPanel([FieldPanel("registration_opens_on"), FieldPanel("registration_closes_on")]),
            ],
            heading=_("Dates and place"),
        ),
        MultiFieldPanel(
            [FieldPanel("lead_organiser"), FieldPanel("co_organisers"), FieldPanel("provinces")],
            heading=_("Organisers and provinces"),
        ),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("programme"),
        FieldPanel("programme_en"),
        MultiFieldPanel(
            [FieldPanel("has_booths"), FieldPanel("max_meetings_per_participant")],
            heading=_("Booths and meetings"),
        ),
        InlinePanel("sessions", label=_("Meeting sessions")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("name_en"), index.SearchField("venue")]
    parent_page_types = ["fairs.FairIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        if self.registration_opens_on and self.registration_closes_on:
            if self.registration_closes_on < self.registration_opens_on:
                errors["registration_closes_on"] = _("Registration cannot close before it opens.")
            elif self.ends_on and self.registration_closes_on > self.ends_on:
                errors["registration_closes_on"] = _("Registration must close by the last day of the fair.")
        if self.kind == self.Kind.ONLINE and not self.online_url:
            errors["online_url"] = _("An online fair needs the address of its online meetings.")
        if self.kind != self.Kind.ONLINE and not self.venue:
            errors["venue"] = _("Give the venue, or make the fair an online fair.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.title

    @property
    def registration_is_open(self) -> bool:
        today = timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.registration_opens_on <= today <= self.registration_closes_on
        )

    @property
    def requests_are_open(self) -> bool:
        """Meeting requests close when scheduling starts."""
        return self.status == self.Status.OPEN

    def organisers(self) -> list:
        return [self.lead_organiser, *self.co_organisers.all()]

    def slots(self) -> list[Slot]:
        """Every meeting slot of every session, in time order."""
        slots = [slot for session in self.sessions.all() for slot in session.slots()]
        return sorted(slots, key=lambda slot: (slot.starts_at, slot.key))

    def get_context(self, request, *args, **kwargs):
        from fairs import selectors

        context = super().get_context(request, *args, **kwargs)
        # What every visitor sees is kept (`{% kept %}`): the generation is read first.
        context["content_kept"] = fragments.for_page(request, "fair", self.page_cache_params)
        context.update(selectors.fair_page_context(fair=self, user=request.user))
        return context


class FairSession(Orderable):
    """A series of B2B meeting timeslots on one day, with a number of tables."""

    fair = ParentalKey(FairPage, on_delete=models.CASCADE, related_name="sessions")
    name = models.CharField(_("name"), max_length=120, help_text=_("e.g. Morning B2B meetings"))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("first slot starts at"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per slot"), default=20, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    slot_count = models.PositiveSmallIntegerField(
        _("number of slots"), validators=[MinValueValidator(1), MaxValueValidator(48)]
    )
    tables = models.PositiveSmallIntegerField(
        _("tables"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("starts_at")]),
        FieldRowPanel([FieldPanel("slot_minutes"), FieldPanel("slot_count"), FieldPanel("tables")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("meeting session")
        verbose_name_plural = _("meeting sessions")

    def __str__(self):
        return f"{self.name} ({self.date:%d/%m/%Y})"

    @property
    def first_start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))

    @property
    def last_end(self) -> datetime.datetime:
        return self.first_start + datetime.timedelta(minutes=self.slot_minutes * self.slot_count)

    def slots(self) -> list[Slot]:
        length = datetime.timedelta(minutes=self.slot_minutes)
        return [
            Slot(
                key=f"{self.pk}-{index + 1:02d}",
                session_id=self.pk,
                index=index,
                starts_at=self.first_start + index * length,
                ends_at=self.first_start + (index + 1) * length,
                tables=self.tables,
            )
            for index in range(self.slot_count)
        ]
