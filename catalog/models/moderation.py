"""Moderation routed to the alliance responsible for the cooperative's province.

A listing submitted for review waits for the staff of the provincial alliance
covering the cooperative's seat (the national alliance where no provincial one
does). Only they, and site administrators, may approve or reject it. The emails
about each step are sent by catalog/signal_handlers.py, from Wagtail's workflow signals.
"""

from functools import partial

from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast, Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.models import LockableMixin, Page, Task, TaskState


def responsible_province_id(obj) -> str | None:
    """The province whose alliance reviews this cooperative or product page."""
    specific = obj.specific if isinstance(obj, Page) else obj
    if hasattr(specific, "tax_code"):
        return specific.province_id
    cooperative = getattr(specific, "cooperative", None)
    if cooperative is None and isinstance(specific, Page):
        parent = specific.get_parent()
        cooperative = parent.specific if parent else None
    return getattr(cooperative, "province_id", None)


def reviewer_province_ids(user) -> set[str] | None:
    """Provinces whose listings `user` reviews; None means every province (administrators)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    cache_attr = "_reviewer_province_ids"
    if not hasattr(user, cache_attr):
        from catalog.permissions import staffed_alliances

        from .alliances import Alliance
        from .places import Province

        alliances = list(staffed_alliances(user).prefetch_related("provinces"))
        provinces: set[str] = set()
        for alliance in alliances:
            provinces.update(p.code for p in alliance.provinces.all())
        if any(a.kind == Alliance.Kind.NATIONAL for a in alliances):
            # The national alliance covers provinces that no provincial alliance covers.
            provinces.update(
                Province.objects.filter(~Q(alliances__kind=Alliance.Kind.PROVINCIAL)).values_list(
                    "code", flat=True
                )
            )
        setattr(user, cache_attr, provinces)
    return getattr(user, cache_attr)


def user_reviews(user, obj) -> bool:
    provinces = reviewer_province_ids(user)
    if provinces is None:
        return True
    return bool(provinces) and responsible_province_id(obj) in provinces


def publish_approved_revision(workflow_state, user=None) -> None:
    """Publish the revision a reviewer approved, recording them as its publisher."""
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)


class AllianceReviewTask(Task):
    """Review by the alliance of the cooperative's province (duyệt tin bởi liên minh HTX tỉnh)."""

    def start(self, workflow_state, user=None):
        obj = workflow_state.content_object
        if isinstance(obj, LockableMixin) and obj.locked_by_id and not user_reviews(obj.locked_by, obj):
            # Cooperative staff may lock their own pages; a lock they hold must not keep
            # the reviewers out (as GroupApprovalTask does for non-members).
            obj.locked, obj.locked_by, obj.locked_at = False, None, None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        workflow_state = task_state.workflow_state
        if action_name == "approve" and user_reviews(user, workflow_state.content_object):
            # Alliance staff hold no page publish permission (it would let them publish
            # any province's listings from the editor), and Wagtail's default finish
            # publishes as the approving user with a permission check, which would refuse
            # and roll the approval back. Approving this review is their authority to
            # publish this one listing, so this workflow state publishes on that basis.
            workflow_state.on_finish = partial(publish_approved_revision, workflow_state)
        return super().on_action(task_state, user, action_name, **kwargs)

    def user_can_access_editor(self, obj, user):
        return user_reviews(user, obj)

    def locked_for_user(self, obj, user):
        return not user_reviews(user, obj)

    def user_can_lock(self, obj, user):
        return user_reviews(user, obj)

    def get_actions(self, obj, user):
        if user_reviews(user, obj):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        provinces = reviewer_province_ids(user)
        if provinces is None:
            return states
        if not provinces:
            return TaskState.objects.none()
        from .pages import CooperativePage

        cooperatives = CooperativePage.objects.filter(province_id__in=provinces)
        # Products are found by their place in the tree, not by ProductPage.cooperative:
        # that column is filled in only when a revision is published, so it is still
        # empty for a new listing waiting for its first review.
        page_ids = (
            Page.objects.annotate(parent_path=Substr("path", 1, Length("path") - Page.steplen))
            .filter(Q(pk__in=cooperatives.values("pk")) | Q(parent_path__in=cooperatives.values("path")))
            .annotate(pk_text=Cast("pk", CharField()))
            .values("pk_text")
        )
        return states.filter(workflow_state__object_id__in=page_ids)

    @classmethod
    def get_description(cls):
        return _("Staff of the alliance responsible for the cooperative's province approve or reject")

    class Meta:
        verbose_name = _("Alliance review task")
        verbose_name_plural = _("Alliance review tasks")
