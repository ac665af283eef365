"""Reads for the admin's screens of requests for quotation (marketplace/admin_rfqs.py).

Who sees which RFQ is the rule of marketplace/permissions.py (`may_view_rfq`): a cooperative's
staff see the RFQs their cooperatives are invited to or quoted on, and the open public ones;
alliance staff see the open public ones (to invite the cooperatives they oversee); superusers see
every RFQ. The list never loads who the buyer is. Each screen costs the same number of queries
however many RFQs, quotes, revisions, lines or messages it shows (tests/marketplace/
test_admin_rfqs.py counts them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, TextChoices, prefetch_related_objects
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.localization import vnd
from catalog.models import Category, CooperativeCertification, CooperativePage, Province
from catalog.permissions import staffing
from catalog.selectors import listed_products
from marketplace import permissions
from marketplace.matching import Match, rank_cooperatives
from marketplace.models import BuyerDemand, Quote, QuoteRevision, RfqInvitation, RfqMessage
from marketplace.selectors import quotes as quote_selectors
from marketplace.selectors.rfqs import open_rfqs

MAX_MATCHES = 25


class Show(TextChoices):
    """Which of a cooperative's RFQs the list shows (its tabs)."""

    INVITED = "invited", gettext_lazy("Invited to quote")
    PUBLIC = "public", gettext_lazy("Open to all")
    QUOTED = "quoted", gettext_lazy("Quoted")


def _open_public() -> Q:
    return Q(pk__in=open_rfqs().filter(visibility=BuyerDemand.Visibility.PUBLIC).values("pk"))


def _parts(user) -> dict[str, Q]:
    """The RFQs `user` sees, by tab: what each of their roles brings."""
    who = staffing(user)
    parts: dict[str, Q] = {}
    if who.cooperative_ids:
        ids = who.cooperative_ids
        parts[Show.INVITED] = Q(pk__in=RfqInvitation.objects.filter(cooperative_id__in=ids).values("rfq_id"))
        parts[Show.QUOTED] = Q(pk__in=Quote.objects.filter(cooperative_id__in=ids).values("rfq_id"))
    if who.cooperative_ids or who.alliance_ids:
        parts[Show.PUBLIC] = _open_public()
    return parts


def show_choices(user) -> list[tuple[str, str]]:
    """The tabs offered to `user` (none when there is only one way to look: alliance staff, superusers)."""
    if user.is_superuser:
        return []
    parts = _parts(user)
    return [(value, label) for value, label in Show.choices if value in parts] if len(parts) > 1 else []


def admin_rfqs(user) -> QuerySet[BuyerDemand]:
    """The RFQs `user` sees in the admin, newest first, with what the list shows: category, delivery
    province, and the quotes and invitations of the user's cooperatives (`own_quotes`,
    `own_invitations`; every quote for a superuser)."""
    rfqs = BuyerDemand.objects.filter(kind=BuyerDemand.Kind.RFQ)
    ids = staffing(user).cooperative_ids
    if not user.is_superuser:
        parts = list(_parts(user).values())
        if not parts:
            return rfqs.none()
        seen = parts[0]
        for part in parts[1:]:
            seen |= part
        rfqs = rfqs.filter(seen)
    quotes = Quote.objects.select_related("cooperative").order_by("cooperative__title", "pk")
    if not user.is_superuser:
        quotes = quotes.filter(cooperative_id__in=ids)
    invitations = RfqInvitation.objects.filter(cooperative_id__in=ids).select_related("cooperative")
    return (
        rfqs.select_related("category", "delivery_province")
        .prefetch_related(
            Prefetch("quotes", queryset=quotes, to_attr="own_quotes"),
            Prefetch("invitations", queryset=invitations.order_by("pk"), to_attr="own_invitations"),
        )
        .order_by("-created_at", "-pk")
    )


def in_tab(rfqs: QuerySet[BuyerDemand], user, show: str) -> QuerySet[BuyerDemand]:
    """Those of `rfqs` in one of the user's tabs (`Show`); all of them for a tab not theirs."""
    part = _parts(user).get(show)
    return rfqs if part is None else rfqs.filter(part)


def search_rfqs(rfqs: QuerySet[BuyerDemand], query: str) -> QuerySet[BuyerDemand]:
    """RFQs holding every word of `query` in their title or details."""
    for word in (query or "").split()[:8]:
        rfqs = rfqs.filter(Q(title__icontains=word[:100]) | Q(details__icontains=word[:100]))
    return rfqs


def category_choices() -> list[tuple[str, str]]:
    """The product groups and their subcategories, each under its group, for a filter."""
    categories = list(Category.objects.select_related("parent").order_by("sort_order", "name"))
    groups = [c for c in categories if c.parent_id is None]
    choices = []
    for group in groups:
        choices.append((str(group.pk), group.name))
        choices.extend((str(c.pk), f"— {c.name}") for c in categories if c.parent_id == group.pk)
    return choices


def province_choices() -> list[tuple[str, str]]:
    return list(Province.objects.order_by("name").values_list("code", "name"))


def of_category(rfqs: QuerySet[BuyerDemand], category_id: str) -> QuerySet[BuyerDemand]:
    """RFQs of a category or of one of its subcategories."""
    return rfqs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))


# --- one RFQ -----------------------------------------------------------------------------------


def certification_labels(schemes) -> list[str]:
    """The names of certification schemes (VietGAP, organic…) as staff read them."""
    labels = CooperativeCertification.Scheme
    return [str(labels(scheme).label) if scheme in labels.values else str(scheme) for scheme in schemes]


def invited_among(rfq: BuyerDemand, cooperatives) -> dict[int, RfqInvitation]:
    """The invitations of these cooperatives to `rfq`, by cooperative id."""
    ids = [c.pk for c in cooperatives]
    if not ids:
        return {}
    return {i.cooperative_id: i for i in rfq.invitations.filter(cooperative_id__in=ids)}


def quote_views(user, rfq: BuyerDemand) -> list[quote_selectors.QuoteView]:
    """The quotes `user` may see on `rfq` (marketplace.selectors.quotes.quote_views), with who
    wrote each revision (one query more)."""
    views = quote_selectors.quote_views(user, rfq)
    prefetch_related_objects([revision for view in views for revision in view.revisions], "created_by")
    return views


@dataclass(frozen=True)
class QuotableProduct:
    sku: str
    title: str
    unit: str
    vat_rate: str
    vat_label: str


def quotable_products(cooperative: CooperativePage) -> list[QuotableProduct]:
    """The cooperative's listed products, which its quote lines may name by SKU."""
    products = listed_products().filter(cooperative=cooperative).order_by("title", "pk")
    return [
        QuotableProduct(p.sku, p.title, p.unit, p.vat_rate, str(p.get_vat_rate_display()))
        for p in products.only("pk", "sku", "title", "unit", "vat_rate")
    ]


def thread(rfq: BuyerDemand, cooperative: CooperativePage) -> list[RfqMessage]:
    """The messages between the RFQ's buyer and `cooperative`, oldest first, with their authors (the
    caller has checked who asks: `permissions.rfq_cooperatives`)."""
    messages = RfqMessage.objects.filter(rfq=rfq, cooperative=cooperative).select_related("author")
    return list(messages.order_by("created_at", "pk"))


@dataclass(frozen=True)
class RankedMatch:
    match: Match
    invited: bool


def overseen_matches(user, rfq: BuyerDemand, *, limit: int = MAX_MATCHES) -> list[RankedMatch]:
    """The cooperatives `user` oversees (`permissions.oversees`) that best answer `rfq`, best first,
    and whether each is invited already."""
    matches = rank_cooperatives(rfq, limit=None)
    overseen = permissions.overseen_among(user, [match.cooperative for match in matches])
    matches = [match for match in matches if match.cooperative.pk in overseen][:limit]
    invited = invited_among(rfq, [match.cooperative for match in matches])
    return [RankedMatch(match, match.cooperative.pk in invited) for match in matches]


# --- what changed between two revisions of a quote ---------------------------------------------


@dataclass(frozen=True)
class RevisionRow:
    revision: QuoteRevision
    changes: list[str]


def _terms_text(revision: QuoteRevision) -> str:
    if revision.deposit_percent:
        return f"{revision.get_payment_terms_display()} ({revision.deposit_percent}%)"
    return str(revision.get_payment_terms_display())


def _line_key(line) -> str:
    return line.sku or f"{line.description}\x00{line.unit}"


def _line_changes(newer: QuoteRevision, older: QuoteRevision) -> list[str]:
    before = {_line_key(line): line for line in older.lines.all()}
    after = {_line_key(line): line for line in newer.lines.all()}
    changes = []
    for key, line in after.items():
        old = before.get(key)
        if old is None:
            changes.append(
                _("Line added: %(what)s, %(quantity)s %(unit)s × %(price)s")
                % {
                    "what": line.description,
                    "quantity": line.quantity,
                    "unit": line.unit,
                    "price": vnd(line.unit_price_vnd),
                }
            )
            continue
        if old.quantity != line.quantity:
            changes.append(
                _("%(what)s: quantity %(old)s → %(new)s %(unit)s")
                % {"what": line.description, "old": old.quantity, "new": line.quantity, "unit": line.unit}
            )
        if old.unit_price_vnd != line.unit_price_vnd:
            changes.append(
                _("%(what)s: unit price %(old)s → %(new)s")
                % {"what": line.description, "old": vnd(old.unit_price_vnd), "new": vnd(line.unit_price_vnd)}
            )
        if old.vat_rate != line.vat_rate:
            changes.append(
                _("%(what)s: VAT %(old)s → %(new)s")
                % {
                    "what": line.description,
                    "old": old.get_vat_rate_display(),
                    "new": line.get_vat_rate_display(),
                }
            )
    changes.extend(
        _("Line removed: %(what)s") % {"what": line.description}
        for key, line in before.items()
        if key not in after
    )
    return changes


def revision_changes(newer: QuoteRevision, older: QuoteRevision) -> list[str]:
    """What the cooperative changed from `older` to `newer`, one sentence each (no query when the
    revisions' lines are prefetched)."""
    changes = []
    if older.total_vnd != newer.total_vnd:
        changes.append(
            _("Total %(old)s → %(new)s") % {"old": vnd(older.total_vnd), "new": vnd(newer.total_vnd)}
        )
    changes.extend(_line_changes(newer, older))
    if older.valid_until != newer.valid_until:
        changes.append(
            _("Valid until %(old)s → %(new)s")
            % {
                "old": date_format(older.valid_until, "SHORT_DATE_FORMAT"),
                "new": date_format(newer.valid_until, "SHORT_DATE_FORMAT"),
            }
        )
    if older.lead_time_days != newer.lead_time_days:
        changes.append(
            _("Lead time %(old)s → %(new)s days") % {"old": older.lead_time_days, "new": newer.lead_time_days}
        )
    if (older.payment_terms, older.deposit_percent) != (newer.payment_terms, newer.deposit_percent):
        changes.append(
            _("Payment %(old)s → %(new)s") % {"old": _terms_text(older), "new": _terms_text(newer)}
        )
    if older.delivery_terms != newer.delivery_terms:
        changes.append(_("Delivery terms changed"))
    if older.note != newer.note:
        changes.append(_("Note changed"))
    return changes or [_("Sent again without changes")]


def revision_history(revisions: list[QuoteRevision]) -> list[RevisionRow]:
    """The revisions, newest first as given, each with what changed from the one before it."""
    rows = []
    for index, revision in enumerate(revisions):
        older = revisions[index + 1] if index + 1 < len(revisions) else None
        rows.append(RevisionRow(revision, revision_changes(revision, older) if older else []))
    return rows
