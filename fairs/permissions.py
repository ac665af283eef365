"""Who may do what at a fair. Every view, action and API route asks here, on the server.

- Organisers are the staff of the lead alliance and of the co-organising alliances.
- The lead organiser's staff approve anyone; a co-organiser's staff approve the participants
  from the provinces their alliance covers.
- A cooperative participant acts through the staff of its cooperative; a buyer through the
  account that registered it.
"""

from django.db.models import Q

from catalog.permissions import is_cooperative_staff, staffing

from .models import FairPage, Participant


def _alliance_ids(user) -> set[int]:
    return set(staffing(user).alliance_ids)


def is_organiser(user, fair: FairPage) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    organisers = {fair.lead_organiser_id, *fair.co_organisers.values_list("pk", flat=True)}
    return bool(organisers & _alliance_ids(user))


def is_lead_organiser(user, fair: FairPage) -> bool:
    return user.is_authenticated and (user.is_superuser or fair.lead_organiser_id in _alliance_ids(user))


def approvable_participants(user, fair: FairPage):
    """The participants of `fair` this user may approve or reject."""
    participants = Participant.objects.filter(fair=fair)
    if is_lead_organiser(user, fair):
        return participants
    if not is_organiser(user, fair):
        return participants.none()
    from catalog.models import Province

    provinces = Province.objects.filter(
        alliances__in=_alliance_ids(user) & set(fair.co_organisers.values_list("pk", flat=True))
    )
    return participants.filter(province__in=provinces)


def can_approve(user, participant: Participant) -> bool:
    return approvable_participants(user, participant.fair).filter(pk=participant.pk).exists()


def acts_for(user, participant: Participant) -> bool:
    """Whether `user` speaks for `participant`: its cooperative's staff, or the buyer who registered."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:  # site administrators act for anyone, e.g. for a cooperative without staff
        return True
    if participant.role == Participant.Role.BUYER:
        return participant.user_id == user.pk
    return is_staff_of(user, participant.cooperative)


def participants_of(user, fair: FairPage):
    """The registrations at `fair` that `user` acts for."""
    if not user.is_authenticated:
        return Participant.objects.none()
    return Participant.objects.filter(fair=fair).filter(
        Q(role=Participant.Role.BUYER, user=user)
        | Q(role=Participant.Role.COOPERATIVE, cooperative_id__in=staffing(user).cooperative_ids)
    )


def is_staff_of(user, cooperative) -> bool:
    """Whether `user` is on the staff of `cooperative` (and so may register it)."""
    return is_cooperative_staff(user, cooperative)


def can_view_agreement_document(user, agreement) -> bool:
    """Whether `user` may read an agreement's signed document: one of its two parties (the
    cooperative's staff, the buyer's account) or an organiser of its fair."""
    return (
        acts_for(user, agreement.buyer)
        or acts_for(user, agreement.supplier)
        or is_organiser(user, agreement.fair)
    )


def is_buyer_in(user, participants) -> bool:
    """Whether `user` is the account that registered one of `participants` as a buyer."""
    return user.is_authenticated and any(
        p.role == Participant.Role.BUYER and p.user_id == user.pk for p in participants
    )


def may_send_rfq_after(user, meeting, participants) -> bool:
    """ "Send an RFQ" after a meeting held with a follow-up: its buyer only (`participants`: the
    meeting's, as loaded), not the cooperative, the organisers or an administrator acting for it."""
    return meeting.outcome == meeting.Outcome.FOLLOW_UP and is_buyer_in(user, participants)


def may_order_under(user, agreement) -> bool:
    """Turn an agreement into marketplace orders: its buyer's own account, since the orders are
    placed (and paid) in that buyer's name."""
    return is_buyer_in(user, [agreement.buyer])
