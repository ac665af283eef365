"""Who may do what in the catalogue, and the one answer to "whom does this user work for".

A person works for a cooperative or an alliance by belonging to its staff group
(`CooperativePage.staff_group`, `Alliance.staff_group`; see catalog/services.py).
`staffing(user)` is the only place that reads those memberships for a user; the
admin, the imports, moderation, the API and the fairs all ask it. It is worked out
once per user object (one query) and forgotten when catalog.services changes the
user's staff groups.

Wagtail's permission policies for the catalogue's reference data live here too;
catalog/wagtail_hooks.py only registers them.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F, Q
from wagtail.models import Page
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

_CACHE_ATTR = "_catalog_staffing"


@dataclass(frozen=True)
class Staffing:
    """The cooperatives and alliances a user is on the staff of (ids)."""

    cooperative_ids: frozenset[int] = frozenset()
    alliance_ids: frozenset[int] = frozenset()

    def staffs_cooperative(self, cooperative_id: int | None) -> bool:
        return cooperative_id is not None and cooperative_id in self.cooperative_ids

    def staffs_alliance(self, alliance_id: int | None) -> bool:
        return alliance_id is not None and alliance_id in self.alliance_ids


NOBODY = Staffing()


def staffing(user) -> Staffing:
    """Which cooperatives and alliances `user` staffs. Superusers are not staff by this
    measure (they may do everything anyway; each question says so itself)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cooperative_ids, alliance_ids = set(), set()
        rows = Group.objects.filter(user=user).values_list("cooperative", "alliance")
        for cooperative_id, alliance_id in rows:
            if cooperative_id is not None:
                cooperative_ids.add(cooperative_id)
            if alliance_id is not None:
                alliance_ids.add(alliance_id)
        cached = Staffing(frozenset(cooperative_ids), frozenset(alliance_ids))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_staffing(user) -> None:
    """Drop the remembered answer after the user's staff groups changed."""
    user.__dict__.pop(_CACHE_ATTR, None)


def staffed_cooperatives(user):
    """The cooperatives `user` staffs, as a queryset (every cooperative for a superuser)."""
    from catalog.models import CooperativePage

    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return CooperativePage.objects.all()
    return CooperativePage.objects.filter(pk__in=staffing(user).cooperative_ids)


def staffed_alliances(user):
    """The alliances `user` staffs, as a queryset."""
    from catalog.models import Alliance

    return Alliance.objects.filter(pk__in=staffing(user).alliance_ids)


def is_cooperative_staff(user, cooperative) -> bool:
    """Whether `user` is on the staff of `cooperative`."""
    return cooperative is not None and staffing(user).staffs_cooperative(cooperative.pk)


def is_alliance_staff(user) -> bool:
    """Whether `user` is on the staff of any alliance."""
    return bool(staffing(user).alliance_ids)


def may_see_task_failures(user) -> bool:
    """Administrators and alliance staff see the failed background tasks (emails, index updates,
    jobs); cooperatives' staff and buyers do not."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or is_alliance_staff(user)


def may_import_products(user) -> bool:
    """Administrators, and the staff of at least one cooperative (for their own cooperatives' rows)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(staffing(user).cooperative_ids)


def may_edit_stock(user, page) -> bool:
    """Whoever may edit a product page may change its stock and capacity."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or page.permissions_for_user(user).can_edit()


def pages_visible_in_chooser(user):
    """The pages `user` may see in the page chooser, or None for all of them (administrators).

    Live pages under the title they are live with (a pending retitle is a draft too), and the
    pages the user may edit, as Wagtail's page permissions give them: their cooperative's
    subtree for its staff, what their group's page permissions grant to alliance staff.
    """
    if user.is_superuser:
        return None
    editable = PagePermissionPolicy(Page).instances_user_has_permission_for(user, "change")
    return Page.objects.filter(Q(depth=1) | Q(live=True, draft_title=F("title")) | Q(pk__in=editable))


# --- the people behind a cooperative or an alliance (for notifications) -----------------------


def cooperative_staff_users(cooperative):
    """Active users on the staff of `cooperative` who have an email address."""
    if cooperative.staff_group_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(is_active=True, groups=cooperative.staff_group_id)
        .exclude(email="")
        .order_by("email")
    )


def cooperatives_staff_emails(cooperatives) -> dict[int, list[str]]:
    """The email addresses of each cooperative's active staff (as `cooperative_staff_users`), by
    cooperative id, in one query for any number of cooperatives."""
    by_group = {c.staff_group_id: c.pk for c in cooperatives if c.staff_group_id is not None}
    emails: dict[int, list[str]] = {pk: [] for pk in by_group.values()}
    memberships = (
        get_user_model()
        .groups.through.objects.filter(group_id__in=list(by_group), user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("group_id", "user__email")
    )
    for group_id, email in memberships:
        emails[by_group[group_id]].append(email)
    return emails


def alliance_staff_users(alliances):
    """Active, non-superuser users on the staff of any of `alliances` (a queryset), with an email."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, groups__alliance__in=alliances)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


# --- Wagtail permission policies ---------------------------------------------------------------


class SuperuserOnlyPermissionPolicy(BasePermissionPolicy):
    """Reference data (alliances and their provinces, categories) is managed by administrators only."""

    def _allowed(self, user) -> bool:
        return user.is_active and user.is_superuser

    def user_has_permission(self, user, action):
        return self._allowed(user)

    def user_has_any_permission(self, user, actions):
        return self._allowed(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class AllianceStaffPermissionPolicy(SuperuserOnlyPermissionPolicy):
    """Administrators and the staff of any alliance."""

    def _allowed(self, user) -> bool:
        return user.is_active and (user.is_superuser or is_alliance_staff(user))

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__alliance__isnull=False))
            .distinct()
        )
