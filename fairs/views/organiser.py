"""The organisers' pages of a fair (dashboard, approvals, status, direct meetings, the scheduler,
pins, the table plan, check-in) and the meeting page its participants share with them.

Every page asks fairs.permissions on the server; every action is a POST that calls one
fairs.services function and redirects with a message. A refused action (ValidationError)
is shown on the page with a 400 and changes nothing; acting beyond one's rights is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, services
from ..forms_organiser import (
    AgreementForm,
    CheckInForm,
    DecisionForm,
    MeetingForm,
    OutcomeForm,
    ParticipantFilterForm,
    PinForm,
    ScheduleForm,
    StatusForm,
)
from ..models import FairPage, Meeting, MeetingRequest, Participant
from ..selectors import organiser as selectors
from ..selectors.follow_up import rfq_url

CHECK_IN_SESSION_KEY = "fairs-check-in-{fair_id}"


def _organised_fair(request, fair_id: int) -> FairPage:
    """The fair, if this user organises it (404 for no such fair, 403 for someone else's)."""
    fair = selectors.fair_for_organisers(fair_id)
    if not permissions.is_organiser(request.user, fair):
        raise PermissionDenied(_("Only the fair's organisers can open this page."))
    return fair


def _back(request, default: str) -> str:
    """The page a form came from (a local `next`), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _render(request, template: str, context: dict, *, fair: FairPage, invalid: bool = False):
    context = {"fair": fair, "is_organiser": True, **context}
    return render(request, f"fairs/organiser/{template}", context, status=400 if invalid else 200)


# --- dashboard and status ----------------------------------------------------------------------


@login_required
def organise(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    moves = services.STATUS_MOVES.get(fair.status, set())
    return _render(
        request,
        "dashboard.html",
        {
            "figures": selectors.dashboard_figures(fair),
            "next_statuses": [(v, label) for v, label in FairPage.Status.choices if v in moves],
            "statuses": Participant.Status.choices,
            "is_lead": permissions.is_lead_organiser(request.user, fair),
            "job": selectors.schedule_job(fair),
        },
        fair=fair,
    )


def _status_consequences(fair: FairPage, status: str) -> list[str]:
    """What moving the fair to `status` will do, for the confirmation page."""
    Status = FairPage.Status
    if status == Status.DRAFT:
        return [_("The fair goes back to draft: registration closes until it is opened again.")]
    if status == Status.OPEN and fair.status == Status.SCHEDULING:
        return [_("Meeting requests open again. Requests closed when scheduling started stay closed.")]
    if status == Status.OPEN:
        return [_("Registration opens within the registration dates, and participants can request meetings.")]
    if status == Status.SCHEDULING:
        waiting = MeetingRequest.objects.filter(fair=fair, status=MeetingRequest.Status.PENDING).count()
        return [
            _("Meeting requests close: participants can no longer request or accept meetings."),
            _("%(n)s requests still awaiting an answer will be closed.") % {"n": waiting},
            _("You can then run the scheduler."),
        ]
    if status == Status.RUNNING:
        return [_("The fair is under way: check participants in and record the meetings' outcomes.")]
    if status == Status.CLOSED:
        return [_("The fair is over. Agreements can still be recorded; the status cannot change again.")]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def status(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    dashboard = reverse("fairs:organise", args=[fair.pk])
    if request.method == "POST":
        form = StatusForm(request.POST, fair=fair)
        if not form.is_valid():
            messages.error(request, _("A fair cannot move to that status from here."))
            return redirect(dashboard)
        try:
            fair = services.fair_set_status(fair=fair, status=form.cleaned_data["status"], user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(dashboard)
        messages.success(request, _("The fair is now: %(status)s.") % {"status": fair.get_status_display()})
        return redirect(dashboard)
    target = request.GET.get("to", "")
    form = StatusForm(fair=fair, initial={"status": target})
    allowed = dict(form.fields["status"].choices)
    if target not in allowed:
        return redirect(dashboard)
    return _render(
        request,
        "status_confirm.html",
        {
            "target": target,
            "target_label": allowed[target],
            "consequences": _status_consequences(fair, target),
        },
        fair=fair,
    )


# --- participants and approvals ----------------------------------------------------------------


def _statuses_that_may_become(status: str) -> set[str]:
    return {current for current, moves in services.REGISTRATION_MOVES.items() if status in moves}


@login_required
def participants(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    form = ParticipantFilterForm(request.GET or None, provinces=selectors.participant_provinces(fair))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.participants_for_approval(
        request.user,
        fair,
        status=filters.get("status", ""),
        role=filters.get("role", ""),
        province=filters.get("province"),
    )
    page_obj = Paginator(rows, selectors.PARTICIPANTS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "participants.html",
        {
            "form": form,
            "page_obj": page_obj,
            "is_lead": permissions.is_lead_organiser(request.user, fair),
            # Only the decisions REGISTRATION_MOVES allows from each status are offered.
            "approvable": _statuses_that_may_become(Participant.Status.APPROVED),
            "rejectable": _statuses_that_may_become(Participant.Status.REJECTED),
        },
        fair=fair,
    )


@login_required
@require_POST
def decide(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a participant, and approve or reject."))
    participant = get_object_or_404(Participant, fair=fair, pk=form.cleaned_data["participant_id"])
    approve = form.cleaned_data["decision"] == "approve"
    back = _back(request, reverse("fairs:participants", args=[fair.pk]))
    # The service refuses (403) a co-organiser deciding on another province's participant.
    try:
        services.participant_decide(participant=participant, user=request.user, approve=approve)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    if approve:
        messages.success(request, _("%(name)s is approved.") % {"name": participant.name})
    else:
        messages.success(request, _("%(name)s is rejected.") % {"name": participant.name})
    return redirect(back)


# --- meetings ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    form = MeetingForm(request.POST or None, participants=selectors.approved_participants(fair))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                fair=fair,
                participants=form.participants(),
                user=request.user,
                weight=form.cleaned_data["weight"],
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("The meeting is arranged. Run the scheduler to give it a slot."))
            return redirect("fairs:meeting", fair_id=fair.pk, meeting_id=meeting.pk)
    return _render(request, "meeting_new.html", {"form": form}, fair=fair, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def schedule_run(request, fair_id: int):
    """The scheduler: ask for a run (a background job), and see the latest run's progress or result."""
    fair = _organised_fair(request, fair_id)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fair_schedule_request(
                fair=fair, user=request.user, time_limit=form.cleaned_data["time_limit"]
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("The scheduler was started. Its progress and result are shown here."))
            return redirect("fairs:schedule_run", fair_id=fair.pk)
    job = selectors.schedule_job(fair)
    return _render(
        request,
        "schedule.html",
        {
            "form": form,
            "job": job,
            "outcome": _outcome(job),
            "figures": selectors.dashboard_figures(fair),
            "can_schedule": fair.status in (FairPage.Status.SCHEDULING, FairPage.Status.RUNNING),
            "unscheduled": selectors.unscheduled_meetings(fair),
        },
        fair=fair,
        invalid=bool(form.errors),
    )


def _outcome(job) -> dict | None:
    """A finished run's figures, with how close it came to the bound."""
    if job is None or job.status != job.Status.DONE or not job.result:
        return None
    outcome = dict(job.result)
    if outcome.get("upper_bound"):
        outcome["percent"] = round(100 * outcome["objective"] / outcome["upper_bound"], 1)
    return outcome


@login_required
@require_POST
def pin(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    labels = selectors.slot_labels(fair)
    form = PinForm(request.POST, slot_choices=labels.items())
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a meeting and a slot."))
    meeting = get_object_or_404(Meeting, fair=fair, pk=form.cleaned_data["meeting_id"])
    meeting.fair = fair
    slot_key = None if form.cleaned_data["unpin"] else form.cleaned_data["slot"]
    try:
        services.meeting_pin(meeting=meeting, user=request.user, slot_key=slot_key)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if slot_key is None:
            messages.success(request, _("The meeting is unpinned: the scheduler may move it."))
        else:
            messages.success(
                request,
                _("The meeting is pinned to %(slot)s. Run the scheduler to give it a table.")
                % {"slot": labels[slot_key]},
            )
    return redirect(_back(request, reverse("fairs:meeting", args=[fair.pk, meeting.pk])))


@login_required
def table_plan(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    labels = selectors.slot_labels(fair)
    chosen = request.GET.get("slot", "")
    if chosen == "all":
        keys = list(labels)
    elif chosen in labels:
        keys = [chosen]
    else:
        chosen = next(iter(labels), "")
        keys = [chosen] if chosen else []
    return _render(
        request,
        "table_plan.html",
        {"labels": labels, "chosen": chosen, "plan": selectors.table_plan(fair, slot_keys=keys)},
        fair=fair,
    )


# --- check-in ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, fair_id: int):
    fair = _organised_fair(request, fair_id)
    session_key = CHECK_IN_SESSION_KEY.format(fair_id=fair.pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_check_in(
                fair=fair, code=form.cleaned_data["code"], user=request.user
            )
        except ValidationError as error:
            form.add_error("code", ValidationError(error.messages))
        else:
            request.session[session_key] = participant.pk
            messages.success(request, _("Checked in: %(name)s.") % {"name": participant.name})
            return redirect("fairs:check_in", fair_id=fair.pk)
    last_id = request.session.get(session_key)
    last = selectors.checked_in_participant(fair, last_id) if last_id and not form.errors else None
    labels = selectors.slot_labels(fair)
    order = {key: n for n, key in enumerate(labels)}
    last_meetings = (
        sorted(last.meetings.all(), key=lambda m: order.get(m.slot_key, len(order))) if last else []
    )
    for m in last_meetings:
        m.slot_label = labels.get(m.slot_key, m.slot_key)
    return _render(
        request,
        "check_in.html",
        {
            "form": form,
            "last": last,
            "last_meetings": last_meetings,
            "recent": selectors.recent_check_ins(fair),
            "figures": selectors.dashboard_figures(fair),
        },
        fair=fair,
        invalid=bool(form.errors),
    )


# --- the meeting page (organisers and the meeting's own participants) --------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request, fair_id: int, meeting_id: int):
    fair = selectors.fair_for_organisers(fair_id)
    meeting = selectors.meeting_for_page(fair, meeting_id)
    meeting.fair = fair
    people = list(meeting.participants.all())
    is_organiser = permissions.is_organiser(request.user, fair)
    if not (is_organiser or any(permissions.acts_for(request.user, p) for p in people)):
        raise PermissionDenied(_("Only the meeting's participants and the fair's organisers can open it."))
    products = list(selectors.supplier_products(meeting))
    outcome_form = OutcomeForm(initial={"outcome": meeting.outcome, "note": meeting.outcome_note})
    agreement_form = AgreementForm(meeting=meeting, products=products)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "outcome":
            outcome_form = OutcomeForm(request.POST)
            if outcome_form.is_valid():
                try:
                    services.meeting_record_outcome(
                        meeting=meeting,
                        user=request.user,
                        outcome=outcome_form.cleaned_data["outcome"],
                        note=outcome_form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    outcome_form.add_error(None, ValidationError(error.messages))
                else:
                    messages.success(request, _("The meeting's outcome is recorded."))
                    return redirect("fairs:meeting", fair_id=fair.pk, meeting_id=meeting.pk)
        elif action == "agreement":
            agreement_form = AgreementForm(request.POST, request.FILES, meeting=meeting, products=products)
            if agreement_form.is_valid():
                data = agreement_form.cleaned_data
                try:
                    services.agreement_record(
                        fair=fair,
                        meeting=meeting,
                        user=request.user,
                        data=services.AgreementData(
                            kind=data["kind"],
                            buyer=data["buyer"],
                            supplier=data["supplier"],
                            products=list(data["products"]),
                            volume=data["volume"],
                            value_vnd=data["value_vnd"],
                            signed_on=data["signed_on"],
                            document=data["document"],
                        ),
                    )
                except ValidationError as error:
                    agreement_form.add_error(None, ValidationError(error.messages))
                else:
                    messages.success(request, _("The agreement is recorded."))
                    return redirect("fairs:meeting", fair_id=fair.pk, meeting_id=meeting.pk)
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    labels = selectors.slot_labels(fair)
    return render(
        request,
        "fairs/organiser/meeting.html",
        {
            "fair": fair,
            "meeting": meeting,
            "people": people,
            "is_organiser": is_organiser,
            "slot_label": labels.get(meeting.slot_key, ""),
            "outcome_form": outcome_form,
            "agreement_form": agreement_form,
            "agreements": list(meeting.agreements.all()),
            # The meeting's buyer follows it up: a request for quotation, orders under an agreement.
            "rfq_url": rfq_url(meeting)
            if permissions.may_send_rfq_after(request.user, meeting, people)
            else "",
            "orders_agreements": {
                a.pk for a in meeting.agreements.all() if permissions.may_order_under(request.user, a)
            },
            "pin_form": PinForm(
                slot_choices=labels.items(), initial={"meeting_id": meeting.pk, "slot": meeting.slot_key}
            )
            if is_organiser
            else None,
        },
        status=400 if (outcome_form.errors or agreement_form.errors) else 200,
    )
