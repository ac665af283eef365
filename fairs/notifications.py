"""Emails about fairs: registration received, approved or rejected; meeting requests and answers;
the schedule. Sent after the transaction commits, like the catalogue's (catalog.notifications)."""

from django.utils.translation import gettext as _

from catalog.notifications import Email, send_after_commit

from .models import Meeting, MeetingRequest, Participant


def _addresses(participant: Participant) -> list[str]:
    """Who hears about a participant: the person who registered it and its representatives."""
    addresses = [participant.user.email, *(r.email for r in participant.representatives.all())]
    return list(dict.fromkeys(a for a in addresses if a))


def _send(participant: Participant, subject: str, body: str) -> None:
    send_after_commit([Email(to=address, subject=subject, body=body) for address in _addresses(participant)])


def registration_received(participant: Participant) -> None:
    fair = participant.fair
    _send(
        participant,
        _("Registration received: %(fair)s") % {"fair": fair.title},
        _(
            "We have received the registration of %(name)s for %(fair)s (%(start)s – %(end)s).\n\n"
            "The organisers will review it and write to you when it is approved.\n"
        )
        % {"name": participant.name, "fair": fair.title, "start": fair.starts_on, "end": fair.ends_on},
    )


def registration_decided(participant: Participant) -> None:
    fair = participant.fair
    if participant.status == Participant.Status.APPROVED:
        subject = _("Registration approved: %(fair)s") % {"fair": fair.title}
        body = _(
            "The registration of %(name)s for %(fair)s is approved.\n\n"
            "Your badge code is %(code)s. You can now see your recommended partners and request meetings.\n"
        ) % {"name": participant.name, "fair": fair.title, "code": participant.badge_code}
    else:
        subject = _("Registration not approved: %(fair)s") % {"fair": fair.title}
        body = _("The organisers of %(fair)s did not approve the registration of %(name)s.\n") % {
            "name": participant.name,
            "fair": fair.title,
        }
    _send(participant, subject, body)


def meeting_requested(request: MeetingRequest) -> None:
    _send(
        request.recipient,
        _("%(name)s asks to meet you at %(fair)s")
        % {"name": request.requester.name, "fair": request.fair.title},
        _("%(name)s asks for a B2B meeting.\n\n%(message)s\n\nAccept or decline it on your fair page.\n")
        % {"name": request.requester.name, "message": request.message},
    )


def meeting_request_answered(request: MeetingRequest) -> None:
    accepted = request.status == MeetingRequest.Status.ACCEPTED
    subject = (
        _("%(name)s accepted your meeting request")
        if accepted
        else _("%(name)s declined your meeting request")
    ) % {"name": request.recipient.name}
    body = (
        _(
            "Your meeting with %(name)s at %(fair)s will be given a slot and a table when the organisers schedule.\n"
        )
        if accepted
        else _("%(name)s declined your meeting request at %(fair)s.\n")
    ) % {"name": request.recipient.name, "fair": request.fair.title}
    _send(request.requester, subject, body)


def meeting_cancelled(meeting: Meeting, *, leaving: Participant) -> None:
    """Tell the other participants of a meeting that it is off, because `leaving` left the fair."""
    for other in meeting.participants.all():
        if other.pk == leaving.pk:
            continue
        _send(
            other,
            _("Meeting cancelled: %(fair)s") % {"fair": meeting.fair.title},
            _(
                "%(name)s no longer takes part in %(fair)s, so your meeting with them is cancelled "
                "and its slot is free.\n"
            )
            % {"name": leaving.name, "fair": meeting.fair.title},
        )


def schedule_ready(participants: list[Participant]) -> None:
    for participant in participants:
        _send(
            participant,
            _("Your meeting schedule for %(fair)s") % {"fair": participant.fair.title},
            _("The organisers have scheduled the meetings. Your slots and tables are on your fair page.\n"),
        )
