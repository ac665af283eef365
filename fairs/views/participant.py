"""Participants' pages: registration, the participation page (demands, recommendations, meeting
requests, meetings), the printable schedule with its iCalendar file, and the badge.

Views parse the request, check who is asking, call fairs.services and render. A service's
ValidationError is shown on the page with a 400 and nothing changes; PermissionDenied is a 403.
Objects of another fair are 404s.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import verified_email_required
from catalog.models import Province
from catalog.qr import inline_qr_svg

from .. import forms, ical, permissions, services
from ..models import FairPage, Participant
from ..selectors import public as selectors


def _fair(fair_id: int) -> FairPage:
    fair = selectors.live_fair(fair_id)
    if fair is None:
        raise Http404("No such fair")
    return fair


def _own_participant(request, fair: FairPage, participant_id: int) -> Participant:
    participant = fair.participants.filter(pk=participant_id).select_related("cooperative").first()
    if participant is None:
        raise Http404("No such participant at this fair")
    if not permissions.acts_for(request.user, participant):
        raise PermissionDenied(_("You do not act for this participant."))
    return participant


def _provinces():
    return Province.objects.order_by("name").only("code", "name")


# --- registration ------------------------------------------------------------------------------


@login_required
@require_GET
def register(request, fair_id: int):
    """Register as a buyer or as one of the user's cooperatives."""
    fair = _fair(fair_id)
    registered = list(permissions.participants_of(request.user, fair).select_related("cooperative"))
    registered_cooperatives = {p.cooperative_id for p in registered if p.cooperative_id}
    cooperatives = [
        (cooperative, cooperative.pk in registered_cooperatives)
        for cooperative in selectors.registrable_cooperatives(request.user)
    ]
    return render(
        request,
        "fairs/participant/register.html",
        {
            "fair": fair,
            "cooperatives": cooperatives,
            "is_registered_buyer": any(p.role == Participant.Role.BUYER for p in registered),
            "registered": registered,
        },
    )


def _registration_response(request, fair, template: str, form, representatives, extra=None, status=200):
    context = {
        "fair": fair,
        "form": form,
        "representatives": representatives,
        "provinces": _provinces(),
        **(extra or {}),
    }
    return render(request, template, context, status=status)


def _register_with(request, fair, *, form, representatives, submit, template, extra=None):
    """Validate, call the service through `submit(data)`, then go to the participation page."""
    # Both are validated, so every error shows at once.
    valid = [form.is_valid(), representatives.is_valid()] if request.method == "POST" else [False]
    if all(valid):
        rows = [row for row in representatives.cleaned_data if row and row.get("name")]
        try:
            participant = submit(form.data_for_service(rows))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("%(name)s is registered for %(fair)s. The organisers will review the registration.")
                % {"name": participant.name, "fair": fair.display_name},
            )
            return redirect("fairs:mine", fair.pk)
    status = 400 if request.method == "POST" else 200
    return _registration_response(request, fair, template, form, representatives, extra, status)


@login_required
@verified_email_required
@require_http_methods(["GET", "POST"])
def register_buyer(request, fair_id: int):
    fair = _fair(fair_id)
    data = request.POST if request.method == "POST" else None
    form = forms.BuyerRegistrationForm(data, fair=fair)
    representatives = forms.RepresentativeFormSet(data, prefix="rep")
    return _register_with(
        request,
        fair,
        form=form,
        representatives=representatives,
        submit=lambda registration: services.participant_register_buyer(
            fair=fair, user=request.user, data=registration
        ),
        template="fairs/participant/register_buyer.html",
    )


@login_required
@verified_email_required
@require_http_methods(["GET", "POST"])
def register_cooperative(request, fair_id: int, cooperative_id: int):
    fair = _fair(fair_id)
    cooperative = selectors.registrable_cooperatives(request.user).filter(pk=cooperative_id).first()
    if cooperative is None:
        raise Http404("Not one of your cooperatives")
    data = request.POST if request.method == "POST" else None
    form = forms.CooperativeRegistrationForm(
        data, fair=fair, products=selectors.registrable_products(cooperative)
    )
    representatives = forms.RepresentativeFormSet(data, prefix="rep")
    return _register_with(
        request,
        fair,
        form=form,
        representatives=representatives,
        submit=lambda registration: services.participant_register_cooperative(
            fair=fair, user=request.user, cooperative=cooperative, data=registration
        ),
        template="fairs/participant/register_cooperative.html",
        extra={"cooperative": cooperative},
    )


# --- the participation page --------------------------------------------------------------------


def _recommendations(participant: Participant):
    """Partners suggested by fairs.matching, or None while that module is not installed."""
    try:
        from fairs import matching
    except ImportError:
        return None
    return matching.recommendations_for(participant=participant, limit=10)


def _mine(request, fair: FairPage, *, status: int = 200, bound: dict | None = None):
    views = selectors.participations(user=request.user, fair=fair)
    for view in views:
        participant = view.participant
        form = (bound or {}).get(participant.pk)
        if participant.role == Participant.Role.BUYER:
            view.demand_form = form or forms.DemandForm(participant=participant)
        if participant.is_approved:
            view.recommendations = _recommendations(participant)
    return render(
        request,
        "fairs/participant/mine.html",
        {
            "fair": fair,
            "participations": views,
            "provinces": _provinces(),
            "requests_are_open": fair.requests_are_open,
            "registration_is_open": fair.registration_is_open,
        },
        status=status,
    )


@login_required
@require_GET
def mine(request, fair_id: int):
    return _mine(request, _fair(fair_id))


@login_required
@require_POST
def demand_add(request, fair_id: int, participant_id: int):
    fair = _fair(fair_id)
    participant = _own_participant(request, fair, participant_id)
    form = forms.DemandForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            services.demand_create(buyer=request.user, participant=participant, data=form.data_for_service())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your demand is posted."))
            return redirect(reverse("fairs:mine", args=[fair.pk]) + f"#participant-{participant.pk}")
    return _mine(request, fair, status=400, bound={participant.pk: form})


@login_required
@verified_email_required
@require_POST
def request_meeting(request, fair_id: int, participant_id: int):
    fair = _fair(fair_id)
    requester = _own_participant(request, fair, participant_id)
    form = forms.MeetingRequestForm(request.POST, fair=fair)
    if not form.is_valid():
        messages.error(request, _("The meeting request could not be read. Please try again."))
        return _mine(request, fair, status=400)
    recipient = selectors.recipient_in(fair, form.cleaned_data["recipient"])
    if recipient is None:
        raise Http404("No such participant at this fair")
    try:
        services.meeting_request_create(
            requester=requester,
            recipient=recipient,
            user=request.user,
            message=form.cleaned_data["message"],
            demand=form.cleaned_data["demand"],
            product=form.cleaned_data["product"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _mine(request, fair, status=400)
    messages.success(request, _("Your meeting request was sent to %(name)s.") % {"name": recipient.name})
    return redirect(reverse("fairs:mine", args=[fair.pk]) + f"#participant-{requester.pk}")


def _act(request, fair: FairPage, action, *, done: str = "", to: str = ""):
    """Run a service for the participation page: back to it with `done` on success, or the
    page again with the refusal and a 400."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _mine(request, fair, status=400)
    if done:
        messages.success(request, done)
    return redirect(to or reverse("fairs:mine", args=[fair.pk]))


@login_required
@require_POST
def request_answer(request, fair_id: int, request_id: int):
    fair = _fair(fair_id)
    meeting_request = selectors.request_in(fair, request_id)
    if meeting_request is None:
        raise Http404("No such meeting request at this fair")
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Accept or decline the request."))
        return _mine(request, fair, status=400)
    accept = form.cleaned_data["accept"]
    return _act(
        request,
        fair,
        lambda: services.meeting_request_answer(request=meeting_request, user=request.user, accept=accept),
        done=_("You accepted the meeting. The organisers will give it a time and a table.")
        if accept
        else _("You declined the meeting request."),
    )


@login_required
@require_POST
def request_withdraw(request, fair_id: int, request_id: int):
    fair = _fair(fair_id)
    meeting_request = selectors.request_in(fair, request_id)
    if meeting_request is None:
        raise Http404("No such meeting request at this fair")
    return _act(
        request,
        fair,
        lambda: services.meeting_request_withdraw(request=meeting_request, user=request.user),
        done=_("You withdrew the meeting request."),
    )


@login_required
@require_POST
def demand_delete(request, fair_id: int, participant_id: int, demand_id: int):
    fair = _fair(fair_id)
    participant = _own_participant(request, fair, participant_id)
    demand = participant.demands.filter(pk=demand_id).first()
    if demand is None:
        raise Http404("No such demand")
    return _act(
        request,
        fair,
        lambda: services.demand_delete(demand=demand, user=request.user),
        done=_("You deleted the demand “%(title)s”.") % {"title": demand.title},
    )


@login_required
@require_POST
def withdraw(request, fair_id: int, participant_id: int):
    fair = _fair(fair_id)
    participant = _own_participant(request, fair, participant_id)
    return _act(
        request,
        fair,
        lambda: services.participant_withdraw(participant=participant, user=request.user),
        done=_("The registration of %(name)s is withdrawn.") % {"name": participant.name},
    )


@login_required
@require_POST
def interest(request, fair_id: int, participant_id: int):
    fair = _fair(fair_id)
    participant = _own_participant(request, fair, participant_id)
    form = forms.InterestForm(request.POST)
    if not form.is_valid():
        return _mine(request, fair, status=400)
    other = selectors.recipient_in(fair, form.cleaned_data["other"])
    if other is None:
        raise Http404("No such participant at this fair")
    return _act(
        request,
        fair,
        lambda: services.participant_set_interest(
            participant=participant,
            other=other,
            user=request.user,
            interested=form.cleaned_data["interested"],
        ),
        to=reverse("fairs:mine", args=[fair.pk]) + f"#participant-{participant.pk}",
    )


# --- schedule, calendar file and badge ---------------------------------------------------------


def _visible_participant(request, participant_id: int) -> Participant:
    """The participant, if the user acts for it or organises its fair; 404 otherwise."""
    participant = selectors.participant_for(user=request.user, participant_id=participant_id)
    if participant is None or not participant.fair.live:
        raise Http404("No such participant")
    return participant


@login_required
@require_GET
def schedule(request, participant_id: int):
    participant = _visible_participant(request, participant_id)
    fair = participant.fair
    return render(
        request,
        "fairs/participant/schedule.html",
        {"participant": participant, "fair": fair, "meetings": selectors.schedule_of(participant)},
    )


def _table_location(fair: FairPage, table) -> str:
    place = fair.venue or fair.online_url
    if table is None:
        return place
    # The table signs at the venue say "Bàn"; the calendar entry matches what people will see.
    return f"{place} – Bàn {table}" if place else f"Bàn {table}"


@login_required
@require_GET
def schedule_ics(request, participant_id: int):
    participant = _visible_participant(request, participant_id)
    fair = participant.fair
    host = request.get_host().split(":")[0] or "localhost"
    events = [
        ical.Event(
            uid=f"fair-{fair.pk}-meeting-{view.meeting.pk}-participant-{participant.pk}@{host}",
            starts_at=view.slot.starts_at,
            ends_at=view.slot.ends_at,
            summary=f"B2B: {view.other_names}",
            location=_table_location(fair, view.meeting.table),
            description=fair.display_name,
        )
        for view in selectors.schedule_of(participant)
    ]
    text = ical.calendar(events, name=f"{fair.display_name} – {participant.name}", stamp=timezone.now())
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fair-{fair.pk}-schedule-{participant.pk}.ics"'
    return response


@login_required
@require_GET
def badge(request, participant_id: int):
    participant = _visible_participant(request, participant_id)
    return render(
        request,
        "fairs/participant/badge.html",
        {
            "participant": participant,
            "fair": participant.fair,
            "representatives": list(participant.representatives.all()),
            # Safe: generated by qrcode from the hexadecimal badge code, no user text inside.
            "qr_svg": mark_safe(inline_qr_svg(participant.badge_code)),  # noqa: S308
        },
    )
