"""Emails to the people who must act: listings to review, review outcomes, expiring OCOP ratings.

When a listing is submitted, the staff of the alliance responsible for the
cooperative's province are told; when it is approved or changes are requested,
the cooperative's staff are. Wagtail sends its own moderation emails too (to
superusers on submission, to the submitter on approval or rejection), so each
function leaves out whoever Wagtail already notifies about the same event.
Wagtail's workflow signals call these (catalog/signal_handlers.py); mail goes out
only after the transaction commits, so a rolled-back action sends nothing.

The daily `ocop_expiry_notices` command (catalog/tasks.py) tells cooperatives about OCOP
certificates entering their last 90 days, once per certificate.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.users.models import UserProfile

from background import mail

from .models import Alliance, CooperativePage, OcopCertificate
from .models.moderation import responsible_province_id
from .models.products import OCOP_EXPIRING_DAYS
from .permissions import alliance_staff_users, cooperative_staff_users


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def send_after_commit(emails: list[Email]) -> None:
    """Send the emails by the background email task once the current transaction commits
    (background/mail.py): a rolled-back write sends nothing, and a mail server that is down
    never breaks the write; the task retries what it could not send."""
    mail.send_after_commit(EmailMessage(email.subject, email.body, None, [email.to]) for email in emails)


def responsible_reviewers(province_id: str | None):
    """Active users who review listings from this province (the inverse of reviewer_province_ids).

    Staff of every alliance whose provinces include it, and national alliance staff
    when no provincial alliance covers it. Administrators are left out: they see
    everything and Wagtail notifies them itself.
    """
    if province_id is None:
        return get_user_model().objects.none()
    covering = Q(provinces=province_id)
    if not Alliance.objects.filter(kind=Alliance.Kind.PROVINCIAL, provinces=province_id).exists():
        covering |= Q(kind=Alliance.Kind.NATIONAL)
    return alliance_staff_users(Alliance.objects.filter(covering))


def _cooperative_of(page: Page) -> CooperativePage | None:
    specific = page.specific
    if isinstance(specific, CooperativePage):
        return specific
    cooperative = getattr(specific, "cooperative", None)
    if cooperative is None:
        parent = specific.get_parent()
        cooperative = parent.specific if parent and isinstance(parent.specific, CooperativePage) else None
    return cooperative


def _admin_edit_url(page: Page) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("wagtailadmin_pages:edit", args=[page.pk])


def _wagtail_notifies(user, notification: str, *, triggering_user) -> bool:
    """Whether Wagtail's own notifier for `notification` emails `user` (see wagtail.admin.mail)."""
    return bool(
        user is not None
        and user != triggering_user
        and user.is_active
        and user.email
        and getattr(UserProfile.get_for_user(user), f"{notification}_notifications")
    )


# While a bulk upload runs, submission notices are collected here and sent as one email per reviewer.
_collected_submissions: ContextVar[list | None] = ContextVar("collected_submissions", default=None)


@contextmanager
def one_email_per_reviewer() -> Iterator[None]:
    """Send each reviewer one email listing every listing submitted inside the block.

    A cooperative uploading 300 listings should cost its alliance one email, not 300.
    """
    token = _collected_submissions.set([])
    try:
        yield
        collected = _collected_submissions.get()
    finally:
        _collected_submissions.reset(token)
    by_reviewer = defaultdict(list)
    for reviewer_email, line in collected:
        by_reviewer[reviewer_email].append(line)
    emails = []
    for reviewer_email, lines in by_reviewer.items():
        if len(lines) == 1:
            subject = _("Listing to review")
        else:
            subject = _("%(count)s listings to review") % {"count": len(lines)}
        body = _("These listings were submitted for review:\n\n%(lines)s\n") % {"lines": "\n".join(lines)}
        emails.append(Email(to=reviewer_email, subject=subject, body=body))
    send_after_commit(emails)


def listing_submitted(*, task_state: TaskState, user=None) -> list[Email]:
    """Tell the responsible alliance's staff that a listing waits for their review."""
    page = task_state.workflow_state.content_object
    if not isinstance(page, Page):
        return []
    page = page.specific
    cooperative = _cooperative_of(page)
    reviewers = responsible_reviewers(responsible_province_id(page))
    if user is not None and user.is_authenticated:
        reviewers = reviewers.exclude(pk=user.pk)
    subject = _("Listing to review: %(title)s") % {"title": page.get_admin_display_title()}
    body = _(
        "%(cooperative)s submitted “%(title)s” for review.\n\n"
        "Review it in the admin (Dashboard → Awaiting your review) or at:\n%(url)s\n"
    ) % {
        "cooperative": cooperative.title if cooperative else "",
        "title": page.get_admin_display_title(),
        "url": _admin_edit_url(page),
    }
    emails = [Email(to=reviewer.email, subject=subject, body=body) for reviewer in reviewers]
    collected = _collected_submissions.get()
    if collected is not None:
        line = f"- {cooperative.title if cooperative else ''}: {page.get_admin_display_title()} — {_admin_edit_url(page)}"
        collected.extend((email.to, line) for email in emails)
        return emails
    send_after_commit(emails)
    return emails


def _outcome_recipients(workflow_state: WorkflowState, notification: str, *, user):
    page = workflow_state.content_object
    cooperative = _cooperative_of(page) if isinstance(page, Page) else None
    if cooperative is None:
        return page, []
    recipients = cooperative_staff_users(cooperative)
    if user is not None and user.is_authenticated:
        recipients = recipients.exclude(pk=user.pk)
    requester = workflow_state.requested_by
    if _wagtail_notifies(requester, notification, triggering_user=user):
        recipients = recipients.exclude(pk=requester.pk)
    return page.specific, list(recipients)


def listing_approved(*, workflow_state: WorkflowState, user=None) -> list[Email]:
    """Tell the cooperative's staff that their listing was approved and is live."""
    page, recipients = _outcome_recipients(workflow_state, "approved", user=user)
    if not recipients:
        return []
    subject = _("Listing approved: %(title)s") % {"title": page.get_admin_display_title()}
    body = _("“%(title)s” was approved and is now published.\n\n%(url)s\n") % {
        "title": page.get_admin_display_title(),
        "url": page.full_url or _admin_edit_url(page),
    }
    emails = [Email(to=recipient.email, subject=subject, body=body) for recipient in recipients]
    send_after_commit(emails)
    return emails


def listing_rejected(*, workflow_state: WorkflowState, user=None, comment: str = "") -> list[Email]:
    """Tell the cooperative's staff what the alliance asks them to change."""
    page, recipients = _outcome_recipients(workflow_state, "rejected", user=user)
    if not recipients:
        return []
    subject = _("Changes requested: %(title)s") % {"title": page.get_admin_display_title()}
    body = _("The alliance asks for changes to “%(title)s” before it can be published.\n\n") % {
        "title": page.get_admin_display_title()
    }
    if comment:
        body += _("Comment from the reviewer:\n%(comment)s\n\n") % {"comment": comment}
    body += _("Edit the listing and submit it again:\n%(url)s\n") % {"url": _admin_edit_url(page)}
    emails = [Email(to=recipient.email, subject=subject, body=body) for recipient in recipients]
    send_after_commit(emails)
    return emails


# --- OCOP certificates about to expire ----------------------------------------------------------


@dataclass
class OcopNoticeRun:
    """What a run of the expiry notices found and did."""

    expiring: int = 0
    notified_cooperatives: list[str] = field(default_factory=list)
    notified_certificates: int = 0
    emails: list[EmailMessage] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)


def ocop_certificates_due_for_notice(*, today: datetime.date, within_days: int):
    """Certificates expiring within `within_days` (today included) that nobody has been told about.

    A certificate already replaced by a later one for the same product needs no reminder,
    nor does one on an archived listing.
    """
    superseded = OcopCertificate.objects.filter(
        product=OuterRef("product"), expires_on__gt=OuterRef("expires_on"), issued_on__lte=today
    )
    return (
        OcopCertificate.objects.filter(
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=within_days),
            issued_on__lte=today,
            expiry_notice_sent_on__isnull=True,
            product__archived_at__isnull=True,
        )
        .exclude(Exists(superseded))
        .select_related("product")
        .order_by("expires_on", "pk")
    )


def cooperative_addresses(cooperative: CooperativePage) -> list[str]:
    """The cooperative's own address and its staff's, each once whatever its case."""
    addresses = [cooperative.email, *cooperative_staff_users(cooperative).values_list("email", flat=True)]
    unique: dict[str, str] = {}
    for address in addresses:
        if address:
            unique.setdefault(address.strip().lower(), address.strip())
    return list(unique.values())


def _ocop_notice(cooperative: CooperativePage, certificates, *, today: datetime.date, to: list[str]):
    lines = [
        _("%(product)s — OCOP %(stars)s★, decision %(number)s, expires on %(date)s (in %(days)s days)")
        % {
            "product": certificate.product.title,
            "stars": certificate.stars,
            "number": certificate.decision_number,
            "date": certificate.expires_on.strftime("%d/%m/%Y"),
            "days": (certificate.expires_on - today).days,
        }
        for certificate in certificates
    ]
    subject = _("OCOP certificates expiring soon: %(cooperative)s") % {"cooperative": cooperative.title}
    body = (
        _(
            "Dear %(cooperative)s,\n\n"
            "These OCOP certificates expire soon. Once a certificate expires, the listing stops "
            "showing its stars until a new certificate is recorded.\n\n"
        )
        % {"cooperative": cooperative.title}
        + "\n".join(f"- {line}" for line in lines)
        + "\n\n"
        + _("Apply for re-assessment in good time, then add the new decision to the product.\n")
    )
    return EmailMessage(subject, body, None, to)


def send_ocop_expiry_notices(
    *, today: datetime.date, within_days: int = OCOP_EXPIRING_DAYS, dry_run: bool = False
) -> OcopNoticeRun:
    """Email each cooperative once about its certificates entering the last `within_days` days.

    One email per cooperative, to its own address and its staff's. The certificates are marked
    as notified in the transaction that queues their emails for the background email task,
    which retries a send that fails (background/tasks.py); a cooperative with no address is
    left unmarked, to be tried again on the next run.
    """
    run = OcopNoticeRun()
    with transaction.atomic():
        by_cooperative: dict[int, list[OcopCertificate]] = defaultdict(list)
        for certificate in ocop_certificates_due_for_notice(today=today, within_days=within_days):
            by_cooperative[certificate.product.cooperative_id or certificate.product.get_parent().pk].append(
                certificate
            )
            run.expiring += 1
        cooperatives = CooperativePage.objects.in_bulk(list(by_cooperative))
        notified = []
        for cooperative_id, certificates in by_cooperative.items():
            cooperative = cooperatives[cooperative_id]
            to = cooperative_addresses(cooperative)
            if not to:
                run.without_address.append(cooperative.title)
                continue
            run.emails.append(_ocop_notice(cooperative, certificates, today=today, to=to))
            run.notified_cooperatives.append(cooperative.title)
            run.notified_certificates += len(certificates)
            notified.extend(certificate.pk for certificate in certificates)
        if not dry_run:
            OcopCertificate.objects.filter(pk__in=notified).update(expiry_notice_sent_on=today)
            mail.send_after_commit(run.emails)
    return run
