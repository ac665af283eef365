"""Who may do what with carts and orders: one function per question.

Buyers act on their own purchases; a cooperative's staff on that cooperative's orders; alliance
staff on the orders of cooperatives seated in their provinces (the national alliance everywhere),
for refunds and settlement. Superusers may do everything.
"""

from django.db.models import Q

from accounts.permissions import has_verified_email
from catalog.models import Alliance, CooperativePage
from catalog.permissions import staffed_cooperatives, staffing
from marketplace.models import Quote


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_check_out(user) -> bool:
    """Verified buyers (anyone with a confirmed email address) may check out."""
    return _active(user) and has_verified_email(user)


def is_buyer_of(user, order) -> bool:
    return _active(user) and order.purchase.buyer_id == user.pk


def may_fulfil(user, cooperative) -> bool:
    """Confirm, ship, deliver and cancel the cooperative's orders: its staff and superusers."""
    if not _active(user):
        return False
    return user.is_superuser or staffing(user).staffs_cooperative(cooperative.pk)


def oversees(user, cooperative) -> bool:
    """Alliance staff whose alliance covers the cooperative's province (national: all)."""
    ids = staffing(user).alliance_ids if _active(user) else frozenset()
    if not ids:
        return False
    covering = Q(kind=Alliance.Kind.NATIONAL) | Q(provinces=cooperative.province_id)
    return Alliance.objects.filter(covering, pk__in=ids).exists()


def may_refund(user, cooperative) -> bool:
    """Refunds: the cooperative's staff, alliance staff overseeing it, and superusers."""
    return may_fulfil(user, cooperative) or oversees(user, cooperative)


def may_view_settlement(user, cooperative) -> bool:
    return may_refund(user, cooperative)


def may_reconcile(user, cooperative) -> bool:
    """Import bank statements into a cooperative's account and settle their lines by hand: its staff
    and superusers. `None` is the platform's own account: superusers only."""
    if cooperative is None:
        return _active(user) and user.is_superuser
    return may_fulfil(user, cooperative)


def may_reconcile_any(user) -> bool:
    """Whether to show the reconciliation screens at all: superusers and the staff of a cooperative."""
    return _active(user) and (user.is_superuser or bool(staffing(user).cooperative_ids))


def may_record_payout(user, cooperative) -> bool:
    """Record money the platform paid out to a cooperative: superusers and alliance staff overseeing it."""
    return _active(user) and (user.is_superuser or oversees(user, cooperative))


def may_view_any_settlement(user) -> bool:
    """Whether to show the settlement screen: superusers, cooperative staff and alliance staff."""
    if not _active(user):
        return False
    people = staffing(user)
    return user.is_superuser or bool(people.cooperative_ids) or bool(people.alliance_ids)


def may_change_terms(user, cooperative) -> bool:
    """A cooperative's terms of sale (bank account, shipping, cash on delivery): its staff and superusers."""
    return may_fulfil(user, cooperative)


def terms_cooperatives(user):
    """The cooperatives whose terms of sale `user` may change (every one for a superuser)."""
    return staffed_cooperatives(user)


def may_change_any_terms(user) -> bool:
    return _active(user) and (user.is_superuser or bool(staffing(user).cooperative_ids))


def order_cooperatives(user):
    """The cooperatives whose orders `user` may see in the admin: a CooperativePage queryset, or None
    for every cooperative (superusers and national alliance staff).

    A cooperative's staff see its orders; alliance staff those of the cooperatives seated in their
    alliances' provinces (read-only but for refunds: `may_fulfil` and `may_refund` decide actions).
    """
    if not _active(user):
        return CooperativePage.objects.none()
    if user.is_superuser:
        return None
    who = staffing(user)
    alliances = Alliance.objects.filter(pk__in=who.alliance_ids)
    if who.alliance_ids and alliances.filter(kind=Alliance.Kind.NATIONAL).exists():
        return None
    covered = Q(pk__in=who.cooperative_ids)
    if who.alliance_ids:
        covered |= Q(province__in=alliances.values("provinces"))
    return CooperativePage.objects.filter(covered)


def may_see_orders(user) -> bool:
    """Whether the admin's order screens are for `user` at all (menu item, list): superusers and the
    staff of any cooperative or alliance."""
    if not _active(user):
        return False
    who = staffing(user)
    return user.is_superuser or bool(who.cooperative_ids or who.alliance_ids)


def may_see_order(user, order) -> bool:
    return may_refund(user, order.cooperative)


# --- B2B trade: requests for quotation and quotes -------------------------------------------------


def may_post_rfq(user) -> bool:
    """Verified buyers post requests for quotation (as they check out)."""
    return may_check_out(user)


def owns_rfq(user, rfq) -> bool:
    return _active(user) and rfq.buyer_id == user.pk


def is_invited(user, rfq) -> bool:
    """Staff of a cooperative invited to quote on the RFQ."""
    if not _active(user):
        return False
    cooperatives = staffing(user).cooperative_ids
    return bool(cooperatives) and rfq.invitations.filter(cooperative_id__in=cooperatives).exists()


def may_view_rfq(user, rfq) -> bool:
    """A public RFQ is seen by anyone (the buyer hidden); an invited-only one by its buyer, the staff of
    invited or quoting cooperatives, and superusers."""
    if rfq.kind != rfq.Kind.RFQ:
        return False
    if rfq.visibility == rfq.Visibility.PUBLIC or owns_rfq(user, rfq):
        return True
    if not _active(user):
        return False
    if user.is_superuser or is_invited(user, rfq):
        return True
    cooperatives = staffing(user).cooperative_ids
    return bool(cooperatives) and rfq.quotes.filter(cooperative_id__in=cooperatives).exists()


def may_quote(user, rfq, cooperative) -> bool:
    """Quote for `cooperative`: its staff, on a public RFQ or one the cooperative is invited to.
    (Whether the RFQ still takes quotes is the service's question, not a permission.)"""
    if not may_fulfil(user, cooperative) or rfq.kind != rfq.Kind.RFQ:
        return False
    if rfq.visibility == rfq.Visibility.PUBLIC:
        return True
    return rfq.invitations.filter(cooperative=cooperative).exists()


def _public(rfq) -> bool:
    return rfq.visibility == rfq.Visibility.PUBLIC


def may_invite(user, rfq, cooperative) -> bool:
    """Invite `cooperative` to quote: the RFQ's buyer (any cooperative), or, on a public RFQ, alliance
    staff overseeing it. An invited-only RFQ's buyer chose whom to ask: nobody else sees it, or adds
    to it."""
    return owns_rfq(user, rfq) or (_public(rfq) and oversees(user, cooperative))


def overseen_among(user, cooperatives) -> set[int]:
    """The ids of those of `cooperatives` that `user` oversees (as `oversees`), in one query."""
    ids = staffing(user).alliance_ids if _active(user) else frozenset()
    if not ids:
        return set()
    covered = Alliance.objects.filter(pk__in=ids).values_list("kind", "provinces")
    kinds, provinces = set(), set()
    for kind, province in covered:
        kinds.add(kind)
        provinces.add(province)
    national = Alliance.Kind.NATIONAL in kinds
    return {c.pk for c in cooperatives if national or c.province_id in provinces}


def may_invite_all(user, rfq, cooperatives) -> bool:
    """`may_invite` for each of `cooperatives` (at least one), in one query however many."""
    cooperatives = list(cooperatives)
    if not cooperatives:
        return False
    if owns_rfq(user, rfq):
        return True
    return _public(rfq) and overseen_among(user, cooperatives) >= {c.pk for c in cooperatives}


def may_see_buyer(user, rfq) -> bool:
    """Who posted an RFQ (name, organisation): its buyer, and the staff of the cooperative whose
    quote the buyer accepted. Everyone else sees the request without the person behind it."""
    if owns_rfq(user, rfq):
        return True
    cooperatives = staffing(user).cooperative_ids if _active(user) else frozenset()
    accepted = rfq.quotes.filter(status=Quote.Status.ACCEPTED, cooperative_id__in=cooperatives)
    return bool(cooperatives) and accepted.exists()


def may_read_thread(user, rfq, cooperative) -> bool:
    """The messages between an RFQ's buyer and one cooperative: those two sides only."""
    return owns_rfq(user, rfq) or may_fulfil(user, cooperative)


def thread_allowed(rfq, cooperative) -> bool:
    """Whether the RFQ's buyer and `cooperative` may talk at all: the RFQ is public, or the
    cooperative was invited to it or has quoted on it."""
    if rfq.kind != rfq.Kind.RFQ:
        return False
    if rfq.visibility == rfq.Visibility.PUBLIC:
        return True
    return (
        rfq.invitations.filter(cooperative=cooperative).exists()
        or rfq.quotes.filter(cooperative=cooperative).exists()
    )


def may_message(user, rfq, cooperative) -> bool:
    """Read and write the thread between the RFQ's buyer and `cooperative`: one of those two sides,
    where a thread may exist (`thread_allowed`)."""
    return may_read_thread(user, rfq, cooperative) and thread_allowed(rfq, cooperative)


def may_see_quote(user, quote) -> bool:
    """A quote is seen by the RFQ's buyer and by the quoting cooperative's staff (superusers too)."""
    return owns_rfq(user, quote.rfq) or may_fulfil(user, quote.cooperative)


def may_accept_quote(user, quote) -> bool:
    """Only the RFQ's buyer accepts a quote (which places an order in their name)."""
    return owns_rfq(user, quote.rfq)


def may_withdraw_quote(user, quote) -> bool:
    """The quoting cooperative's staff withdraw its quote."""
    return may_fulfil(user, quote.cooperative)


# --- market information -----------------------------------------------------------------------


def may_view_market(user) -> bool:
    """The market-information page and its exports (prices by province, demand against supply):
    alliance staff and superusers. A cooperative's staff and buyers read the public prices only."""
    return _active(user) and (user.is_superuser or bool(staffing(user).alliance_ids))


# --- the admin's RFQ screens (marketplace/admin_rfqs.py) ------------------------------------------


def may_see_rfq_screens(user) -> bool:
    """Whether the admin's screens of requests for quotation are for `user` at all (menu item, list):
    the staff of a cooperative (to quote), of an alliance (to invite the cooperatives it oversees),
    and superusers (to look)."""
    return may_see_orders(user)


def rfq_cooperatives(user, rfq):
    """The cooperatives `user` is on the staff of that take part in `rfq`, as a queryset: any of them
    on a public RFQ, those invited to it (or that quoted on it) when it is invited-only. For each,
    `may_message` holds, and `may_quote` too but for one that quoted on an invited-only RFQ without
    an invitation (which the services never make). Superusers act here for no cooperative of which
    they are not on the staff."""
    ids = staffing(user).cooperative_ids if _active(user) else frozenset()
    if not ids or rfq.kind != rfq.Kind.RFQ:
        return CooperativePage.objects.none()
    cooperatives = CooperativePage.objects.filter(pk__in=ids)
    if rfq.visibility == rfq.Visibility.PUBLIC:
        return cooperatives
    invited = rfq.invitations.filter(cooperative_id__in=ids).values("cooperative_id")
    quoted = rfq.quotes.filter(cooperative_id__in=ids).values("cooperative_id")
    return cooperatives.filter(Q(pk__in=invited) | Q(pk__in=quoted))
