"""Writes for a fair itself: its set-up, organisers' access, status moves and match scores."""

import datetime
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Alliance, Province
from fairs import permissions
from fairs.models import (
    FairIndexPage,
    FairPage,
    FairSession,
    MeetingRequest,
)

Status = FairPage.Status
# Forward moves, and back from scheduling to open (to take late requests).
STATUS_MOVES = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.SCHEDULING, Status.DRAFT},
    Status.SCHEDULING: {Status.RUNNING, Status.OPEN},
    Status.RUNNING: {Status.CLOSED},
    Status.CLOSED: set(),
}


# --- the fair ----------------------------------------------------------------------------------


@dataclass
class SessionData:
    name: str
    date: datetime.date
    starts_at: datetime.time
    slot_count: int
    tables: int
    slot_minutes: int = 20


def check_sessions(sessions: Sequence, *, starts_on: datetime.date, ends_on: datetime.date) -> None:
    """Sessions fall within the fair's days and do not overlap (so no two slots overlap)."""
    spans = []
    for session in sessions:
        if not starts_on <= session.date <= ends_on:
            raise ValidationError(
                _("The session “%(name)s” is not within the fair's days.") % {"name": session.name}
            )
        start = datetime.datetime.combine(session.date, session.starts_at)
        end = start + datetime.timedelta(minutes=session.slot_minutes * session.slot_count)
        if end.date() != session.date:
            raise ValidationError(_("The session “%(name)s” runs past midnight.") % {"name": session.name})
        spans.append((start, end, session.name))
    spans.sort()
    for (_start, end, name), (next_start, _end, next_name) in itertools.pairwise(spans):
        if next_start < end:
            raise ValidationError(
                _("The sessions “%(a)s” and “%(b)s” overlap.") % {"a": name, "b": next_name}
            )


def _fairs_index() -> FairIndexPage:
    index = FairIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("There is no fairs index page to add the fair under."))
    return index


@transaction.atomic
def fair_create(
    *,
    title: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    lead_organiser: Alliance,
    registration_opens_on: datetime.date,
    registration_closes_on: datetime.date,
    co_organisers: Iterable[Alliance] = (),
    provinces: Iterable[Province] = (),
    sessions: Sequence[SessionData] = (),
    venue: str = "",
    online_url: str = "",
    name_en: str = "",
    intro: str = "",
    intro_en: str = "",
    programme: str = "",
    has_booths: bool = False,
    max_meetings_per_participant: int | None = None,
    status: str = Status.OPEN,
    slug: str = "",
    user=None,
) -> FairPage:
    """A published fair page under the fairs index, with its sessions."""
    check_sessions(sessions, starts_on=starts_on, ends_on=ends_on)
    fair = FairPage(
        title=title,
        slug=slug or None,
        kind=kind,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=venue,
        online_url=online_url,
        name_en=name_en,
        intro=intro,
        intro_en=intro_en,
        programme=programme,
        lead_organiser=lead_organiser,
        registration_opens_on=registration_opens_on,
        registration_closes_on=registration_closes_on,
        has_booths=has_booths,
        max_meetings_per_participant=max_meetings_per_participant,
    )
    fair.co_organisers = list(co_organisers)
    fair.provinces = list(provinces)
    fair.sessions = [
        FairSession(
            name=s.name,
            date=s.date,
            starts_at=s.starts_at,
            slot_minutes=s.slot_minutes,
            slot_count=s.slot_count,
            tables=s.tables,
        )
        for s in sessions
    ]
    if not fair.slug:
        from anyascii import anyascii
        from django.utils.text import slugify

        fair.slug = slugify(anyascii(title))[:200] or "fair"
    fair.full_clean(exclude=["path", "depth", "numchild", "url_path"])
    _fairs_index().add_child(instance=fair)
    fair.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    fair_grant_organiser_access(fair=fair)
    return fair


ORGANISER_PAGE_PERMISSIONS = ("change", "publish")


@transaction.atomic
def fair_grant_organiser_access(*, fair: FairPage) -> None:
    """Let the staff of the fair's organisers, and only them, edit and publish its page.

    Every alliance may add fairs under the index (catalog.services.alliance_create);
    editing one fair is for its lead and co-organisers, so rights are kept per fair page
    and follow changes to the organisers.
    """
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    groups = {a.staff_group_id for a in fair.organisers() if a.staff_group_id}
    GroupPagePermission.objects.filter(page=fair, group__alliance__isnull=False).exclude(
        group__in=groups
    ).delete()
    permissions_ = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=[f"{t}_page" for t in ORGANISER_PAGE_PERMISSIONS]
    )
    for group in groups:
        for permission in permissions_:
            GroupPagePermission.objects.get_or_create(group_id=group, page=fair, permission=permission)


@transaction.atomic
def fair_set_status(*, fair: FairPage, status: str, user) -> FairPage:
    """Move the fair on. Starting scheduling closes the meeting requests still waiting."""
    if not permissions.is_organiser(user, fair):
        raise PermissionDenied(_("Only the fair's organisers can change its status."))
    fair = FairPage.objects.select_for_update().get(pk=fair.pk).specific
    if status not in STATUS_MOVES.get(fair.status, set()):
        raise ValidationError(
            _("A fair cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": fair.get_status_display(),
                "new": Status(status).label if status in Status.values else status,
            }
        )
    fair.status = status
    fair.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
    if status == Status.SCHEDULING:
        fair.meeting_requests.filter(status=MeetingRequest.Status.PENDING).update(
            status=MeetingRequest.Status.CLOSED, answered_at=timezone.now()
        )
    return fair


# --- matching ----------------------------------------------------------------------------------


@transaction.atomic
def fair_refresh_matches(*, fair: FairPage, demand_ids: Iterable[int] | None = None) -> int:
    """Score the fair's demands against every cooperative again (fairs.matching), replacing
    their match scores: all of the fair's, or only those of `demand_ids` (a new demand needs
    no other pair rescored). Returns how many pairs were worth storing."""
    from fairs.matching import compute_matches
    from fairs.models import MatchScore

    scores = compute_matches(fair, demand_ids=demand_ids)
    stale = MatchScore.objects.filter(fair=fair)
    if demand_ids is not None:
        stale = stale.filter(demand_id__in=list(demand_ids))
    stale.delete()
    MatchScore.objects.bulk_create(scores, batch_size=500)
    return len(scores)
