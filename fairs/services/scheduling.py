"""Writes for scheduling a fair's meetings into its slots and tables through the pure solver.

Organisers ask for a run (`fair_schedule_request`): it is checked at once (rights, the fair's
status, its sessions, the pinned meetings), then the solver runs as a background job
(fairs.tasks.schedule_fair → `fair_schedule_job` → `fair_schedule`), for up to the time limit,
on the task worker in production and at once on the embedded default. The organisers' pages show
the job's progress and result (background.models.Job); one run at a time per fair.
"""

import dataclasses
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from background.models import Job
from background.services import JobAlreadyActive, job_start
from fairs import notifications, permissions, tasks
from fairs.models import (
    FairPage,
    Meeting,
    Participant,
)
from fairs.scheduling import PinnedConflict, SchedulingError, check_pins, parse_instance, solve
from fairs.selectors.organiser import SCHEDULE_JOB, schedule_job_subject

Status = FairPage.Status

# --- scheduling --------------------------------------------------------------------------------


def schedule_instance(fair: FairPage) -> dict:
    """The solver's plain instance for the fair's meetings between approved participants."""
    slots = fair.slots()
    meetings = list(
        Meeting.objects.filter(fair=fair)
        .not_cancelled()
        .exclude(participants__status__in=["pending", "rejected", "withdrawn"])
        .prefetch_related("participants")
        .order_by("pk")
    )
    people = {p.pk: p for meeting in meetings for p in meeting.participants.all()}
    instance = {
        "slots": [slot.key for slot in slots],
        "tables": {slot.key: slot.tables for slot in slots},
        "participants": [
            {"id": str(pk), **({"available": p.available_slots} if p.available_slots else {})}
            for pk, p in sorted(people.items())
        ],
        "meetings": [
            {
                "id": str(m.pk),
                "participants": [str(p.pk) for p in m.participants.all()],
                "weight": m.weight,
                **({"pinned_slot": m.slot_key} if m.pinned else {}),
            }
            for m in meetings
        ],
    }
    if fair.max_meetings_per_participant:
        instance["max_meetings_per_participant"] = fair.max_meetings_per_participant
    return instance


@dataclass(frozen=True)
class ScheduleOutcome:
    scheduled: int
    unscheduled: int
    objective: float
    upper_bound: float | None
    solver: str
    seconds: float


def _schedulable_instance(fair: FairPage, user) -> dict:
    """The solver's instance, once the user and the fair may be scheduled (else the reason)."""
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can schedule meetings."))
    fair.refresh_from_db(fields=["status"])
    if fair.status not in (Status.SCHEDULING, Status.RUNNING):
        raise ValidationError(_("Start scheduling first: meeting requests must be closed."))
    instance = schedule_instance(fair)
    if not instance["slots"]:
        raise ValidationError(_("The fair has no meeting sessions to schedule into."))
    return instance


@transaction.atomic
def fair_schedule_request(*, fair: FairPage, user, time_limit: int = 10) -> Job:
    """Queue a scheduling run of the fair, refusing at once what the run would refuse.

    The pinned meetings are checked now (a conflict names the meetings, as the run would), so
    the organiser learns it on the page they submitted. A second request while a run is queued
    or running is refused.
    """
    instance = _schedulable_instance(fair, user)
    try:
        check_pins(parse_instance(instance))
    except SchedulingError as error:
        raise ValidationError(str(error)) from error
    try:
        return job_start(
            kind=SCHEDULE_JOB,
            subject=schedule_job_subject(fair.pk),
            task=tasks.schedule_fair,
            requested_by=user,
            params={"fair_id": fair.pk, "time_limit": time_limit},
            budget_seconds=int(time_limit),
        )
    except JobAlreadyActive:
        raise ValidationError(
            _(
                "The scheduler is already running for this fair. Wait for it to finish: this page shows its progress."
            ),
            code="running",
        ) from None


def fair_schedule_job(job: Job) -> dict:
    """The background part of a requested run (fairs.tasks.schedule_fair): the solver and its writes.

    Returns the outcome for the job's result; a refusal (ValidationError, PermissionDenied)
    becomes the reason the organisers see.
    """
    fair = FairPage.objects.filter(pk=job.params.get("fair_id")).first()
    if fair is None:
        raise ValidationError(_("The fair no longer exists."))
    outcome = fair_schedule(fair=fair, user=job.requested_by, time_limit=job.params.get("time_limit", 10))
    return dataclasses.asdict(outcome)


@transaction.atomic
def fair_schedule(*, fair: FairPage, user, time_limit: float = 10.0) -> ScheduleOutcome:
    """Run the solver over the fair's meetings and write each one's slot and table.

    Pinned meetings keep their slots. Pins that cannot all be honoured raise
    ValidationError naming the meetings, and nothing changes.
    """
    instance = _schedulable_instance(fair, user)
    try:
        schedule = solve(instance, time_limit=time_limit)
    except PinnedConflict as error:
        raise ValidationError(str(error)) from error
    placed = {int(a["meeting"]): (a["slot"], a["table"]) for a in schedule["assignments"]}
    meetings = list(Meeting.objects.filter(fair=fair).select_for_update())
    for meeting in meetings:
        meeting.slot_key, meeting.table = placed.get(meeting.pk, ("", None))
        if not meeting.slot_key:
            meeting.pinned = False
    # Clear first: the unique (slot, table) constraint must hold after every row, not only at the end.
    Meeting.objects.filter(fair=fair).update(table=None)
    Meeting.objects.bulk_update(meetings, ["slot_key", "table", "pinned"])
    notifications.schedule_ready(
        list(
            Participant.objects.filter(
                fair=fair, status=Participant.Status.APPROVED, meetings__slot_key__gt=""
            )
            .distinct()
            .prefetch_related("representatives")
            .select_related("user", "fair")
        )
    )
    return ScheduleOutcome(
        scheduled=len(schedule["assignments"]),
        unscheduled=len(schedule["unscheduled"]),
        objective=schedule["objective"],
        upper_bound=schedule["upper_bound"],
        solver=schedule["solver"],
        seconds=schedule["seconds"],
    )
