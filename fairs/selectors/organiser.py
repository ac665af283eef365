"""Reads for the organisers' pages: the dashboard's figures, the participant list, the table
plan, check-ins and the meeting page. Each returns what its page shows in a fixed number of
queries, however many rows there are."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.timezone import localtime

from background import selectors as background_selectors
from background.models import Job
from catalog.models import ProductPage, Province

from .. import permissions
from ..models import Agreement, FairPage, Meeting, MeetingRequest, Participant, Slot
from .follow_up import MEETING_RELATED

PARTICIPANTS_PER_PAGE = 50
RECENT_CHECK_INS = 10
# The background job of a scheduling run (fairs/services/scheduling.py), about one fair.
SCHEDULE_JOB = "fairs.schedule"


def schedule_job_subject(fair_id: int) -> str:
    return f"fair:{fair_id}"


def schedule_job(fair: FairPage) -> Job | None:
    """The fair's latest scheduling run (queued, running or finished), or None."""
    return background_selectors.latest_job(kind=SCHEDULE_JOB, subject=schedule_job_subject(fair.pk))


def fair_for_organisers(fair_id: int) -> FairPage:
    """The fair with what every organiser page shows of it (organisers, sessions)."""
    return get_object_or_404(
        FairPage.objects.select_related("lead_organiser").prefetch_related("co_organisers", "sessions"),
        pk=fair_id,
    )


def slot_label(slot: Slot, sessions: dict) -> str:
    starts, ends = localtime(slot.starts_at), localtime(slot.ends_at)
    session = sessions.get(slot.session_id)
    return "{session}{date} {start}–{end}".format(
        session=f"{session.name} · " if session else "",
        date=date_format(starts, "d/m"),
        start=date_format(starts, "H:i"),
        end=date_format(ends, "H:i"),
    )


def slot_labels(fair: FairPage) -> dict[str, str]:
    """Slot key → "Session · 12/12 08:30–08:50", in time order (uses the prefetched sessions)."""
    sessions = {s.pk: s for s in fair.sessions.all()}
    return {slot.key: slot_label(slot, sessions) for slot in fair.slots()}


# --- dashboard ---------------------------------------------------------------------------------


@dataclass
class DashboardFigures:
    participants: dict = field(default_factory=dict)  # (role, status) → count
    participant_total: int = 0
    requests: dict = field(default_factory=dict)  # status → count
    meetings_scheduled: int = 0
    meetings_unscheduled: int = 0
    meetings_pinned: int = 0
    meetings_held: int = 0
    checked_in: int = 0
    agreements: int = 0
    agreements_value_vnd: int = 0
    contracts: int = 0
    memoranda: int = 0

    def participant_rows(self) -> list[dict]:
        """One row per role, one column per status, for the dashboard's table."""
        rows = []
        for role, role_label in Participant.Role.choices:
            counts = [self.participants.get((role, status), 0) for status in Participant.Status.values]
            rows.append({"role": role, "label": role_label, "counts": counts, "total": sum(counts)})
        return rows

    def request_rows(self) -> list[dict]:
        return [
            {"status": status, "label": label, "count": self.requests.get(status, 0)}
            for status, label in MeetingRequest.Status.choices
        ]


def dashboard_figures(fair: FairPage) -> DashboardFigures:
    figures = DashboardFigures()
    for row in (
        Participant.objects.filter(fair=fair).values("role", "status").annotate(n=Count("pk")).order_by()
    ):
        figures.participants[row["role"], row["status"]] = row["n"]
    figures.participant_total = sum(figures.participants.values())
    figures.checked_in = Participant.objects.filter(fair=fair, checked_in_at__isnull=False).count()
    for row in MeetingRequest.objects.filter(fair=fair).values("status").annotate(n=Count("pk")).order_by():
        figures.requests[row["status"]] = row["n"]
    meetings = (
        Meeting.objects.filter(fair=fair)
        .not_cancelled()
        .aggregate(
            scheduled=Count("pk", filter=~Q(slot_key="")),
            unscheduled=Count("pk", filter=Q(slot_key="")),
            pinned=Count("pk", filter=Q(pinned=True)),
            held=Count("pk", filter=Q(outcome__in=[Meeting.Outcome.HELD, Meeting.Outcome.FOLLOW_UP])),
        )
    )
    figures.meetings_scheduled = meetings["scheduled"]
    figures.meetings_unscheduled = meetings["unscheduled"]
    figures.meetings_pinned = meetings["pinned"]
    figures.meetings_held = meetings["held"]
    agreements = Agreement.objects.filter(fair=fair).aggregate(
        n=Count("pk"),
        value=Sum("value_vnd"),
        contracts=Count("pk", filter=Q(kind=Agreement.Kind.CONTRACT)),
        memoranda=Count("pk", filter=Q(kind=Agreement.Kind.MEMORANDUM)),
    )
    figures.agreements = agreements["n"]
    figures.agreements_value_vnd = agreements["value"] or 0
    figures.contracts = agreements["contracts"]
    figures.memoranda = agreements["memoranda"]
    return figures


# --- participants ------------------------------------------------------------------------------


def participants_for_approval(user, fair: FairPage, *, status: str = "", role: str = "", province=None):
    """The participants this organiser may decide on (a co-organiser: its provinces), filtered."""
    participants = permissions.approvable_participants(user, fair)
    if status:
        participants = participants.filter(status=status)
    if role:
        participants = participants.filter(role=role)
    if province is not None:
        participants = participants.filter(province=province)
    return (
        participants.select_related("province", "cooperative", "user")
        .annotate(
            meeting_count=Count(
                "meetings", filter=~Q(meetings__outcome=Meeting.Outcome.CANCELLED), distinct=True
            )
        )
        .order_by("status", "role", "name", "pk")
    )


def participant_provinces(fair: FairPage):
    """Provinces for the list's filter: the fair's own, or all of them for a fair open to every province."""
    provinces = Province.objects.filter(fairs=fair)
    return provinces if provinces.exists() else Province.objects.all()


def approved_participants(fair: FairPage):
    """The approved participants (to arrange meetings between), with how many meetings each has."""
    return (
        Participant.objects.filter(fair=fair, status=Participant.Status.APPROVED)
        .select_related("province")
        .annotate(
            meeting_count=Count(
                "meetings", filter=~Q(meetings__outcome=Meeting.Outcome.CANCELLED), distinct=True
            )
        )
        .order_by("role", "name", "pk")
    )


# --- table plan --------------------------------------------------------------------------------


@dataclass
class PlanSlot:
    key: str
    label: str
    tables: list  # [(table number, meeting or None)]
    unplaced: list = field(default_factory=list)  # meetings in this slot without a table

    @property
    def used(self) -> int:
        return sum(1 for _table, meeting in self.tables if meeting is not None)


def table_plan(fair: FairPage, *, slot_keys: list[str]) -> list[PlanSlot]:
    """For each slot asked for: every table in order, with the meeting held there (or None)."""
    labels = slot_labels(fair)
    slots = {slot.key: slot for slot in fair.slots()}
    meetings = (
        Meeting.objects.filter(fair=fair, slot_key__in=slot_keys)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("province").order_by("role", "name"),
            )
        )
        .order_by("slot_key", "table", "pk")
    )
    by_slot: dict[str, list[Meeting]] = {}
    for meeting in meetings:
        by_slot.setdefault(meeting.slot_key, []).append(meeting)
    plan = []
    for key in slot_keys:
        at_table = {m.table: m for m in by_slot.get(key, []) if m.table}
        plan.append(
            PlanSlot(
                key=key,
                label=labels[key],
                tables=[(n, at_table.get(n)) for n in range(1, slots[key].tables + 1)],
                unplaced=[m for m in by_slot.get(key, []) if not m.table],
            )
        )
    return plan


def unscheduled_meetings(fair: FairPage, *, limit: int = 100):
    return (
        Meeting.objects.filter(fair=fair, slot_key="")
        .not_cancelled()
        .prefetch_related(Prefetch("participants", queryset=Participant.objects.order_by("role", "name")))
        .order_by("-weight", "pk")[:limit]
    )


# --- check-in ----------------------------------------------------------------------------------


def recent_check_ins(fair: FairPage, *, limit: int = RECENT_CHECK_INS):
    return (
        Participant.objects.filter(fair=fair, checked_in_at__isnull=False)
        .select_related("province")
        .order_by("-checked_in_at", "-pk")[:limit]
    )


def checked_in_participant(fair: FairPage, participant_id: int) -> Participant | None:
    """The participant just checked in, with its representatives and its meetings of the day."""
    return (
        Participant.objects.filter(fair=fair, pk=participant_id)
        .select_related("province")
        .prefetch_related(
            "representatives",
            Prefetch(
                "meetings",
                queryset=Meeting.objects.exclude(slot_key="").prefetch_related("participants"),
            ),
        )
        .first()
    )


# --- one meeting -------------------------------------------------------------------------------


def meeting_for_page(fair: FairPage, meeting_id: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related(*MEETING_RELATED).prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("province", "cooperative").order_by(
                    "role", "name"
                ),
            ),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.select_related("buyer", "supplier").prefetch_related("products"),
            ),
        ),
        fair=fair,
        pk=meeting_id,
    )


def supplier_products(meeting: Meeting):
    """The published products of the meeting's cooperatives, for the agreement's checkboxes."""
    cooperatives = [p.cooperative_id for p in meeting.participants.all() if p.cooperative_id]
    return ProductPage.objects.live().filter(cooperative__in=cooperatives).order_by("title", "pk")
