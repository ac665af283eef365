"""Moderation emails, hung on Wagtail's workflow signals (connected in catalog/apps.py).

The alliance review task (catalog.models.moderation.AllianceReviewTask) decides who may
review; these handlers only pass its events on to catalog/notifications.py, which
writes the emails. Wagtail's own moderation emails (to administrators on submission,
to the submitter on approval or rejection) are moved to after commit as well, so a
rolled-back submission, such as a product import that fails halfway, emails nobody.
"""

from functools import partial

from django.db import transaction
from wagtail.admin import signal_handlers as wagtail_admin_signal_handlers
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import (
    task_approved,
    task_rejected,
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

from . import notifications
from .models import AllianceReviewTask

# Wagtail's email notifiers, as wagtail.admin.signal_handlers connects them.
_WAGTAIL_NOTIFIERS = (
    (
        task_submitted,
        TaskState,
        "group_approval_task_submitted_email_notification",
        wagtail_admin_signal_handlers.task_submission_email_notifier,
    ),
    (
        workflow_submitted,
        WorkflowState,
        "workflow_state_submitted_email_notification",
        wagtail_admin_signal_handlers.workflow_submission_email_notifier,
    ),
    (
        workflow_rejected,
        WorkflowState,
        "workflow_state_rejected_email_notification",
        wagtail_admin_signal_handlers.workflow_rejection_email_notifier,
    ),
    (
        workflow_approved,
        WorkflowState,
        "workflow_state_approved_email_notification",
        wagtail_admin_signal_handlers.workflow_approval_email_notifier,
    ),
)


def _is_alliance_review(task_state: TaskState) -> bool:
    return isinstance(task_state.task.specific, AllianceReviewTask)


def listing_submitted(sender, instance: TaskState, user=None, **kwargs) -> None:
    """A listing reached an alliance review: tell the responsible alliance's staff."""
    if _is_alliance_review(instance):
        notifications.listing_submitted(task_state=instance, user=user)


def listing_approved(sender, instance: TaskState, user=None, **kwargs) -> None:
    """The alliance approved a listing and that ended its workflow: tell the cooperative."""
    workflow_state = instance.workflow_state
    if _is_alliance_review(instance) and workflow_state.status == WorkflowState.STATUS_APPROVED:
        notifications.listing_approved(workflow_state=workflow_state, user=user)


def listing_rejected(sender, instance: TaskState, user=None, **kwargs) -> None:
    """The alliance asked for changes: tell the cooperative, with the reviewer's comment."""
    workflow_state = instance.workflow_state
    if _is_alliance_review(instance) and workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        notifications.listing_rejected(workflow_state=workflow_state, user=user, comment=instance.comment)


def _after_commit(notifier):
    def notify_after_commit(sender, **kwargs):
        transaction.on_commit(partial(notifier, sender=sender, **kwargs))

    return notify_after_commit


def connect() -> None:
    task_submitted.connect(listing_submitted, dispatch_uid="catalog_listing_submitted_email")
    task_approved.connect(listing_approved, dispatch_uid="catalog_listing_approved_email")
    task_rejected.connect(listing_rejected, dispatch_uid="catalog_listing_rejected_email")
    for signal, sender, dispatch_uid, notifier in _WAGTAIL_NOTIFIERS:
        # Taking Wagtail's dispatch_uid works whichever app is ready first: connected after
        # Wagtail's, it replaces it; connected before, Wagtail's own connect is ignored.
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(_after_commit(notifier), sender=sender, dispatch_uid=dispatch_uid, weak=False)
