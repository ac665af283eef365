"""Matching at a fair: which cooperative answers which buyer demand, how well, and why.

Every demand of a buyer registered at the fair is scored against every cooperative
registered there (pending ones too, so approving a participant needs no new run;
the readers show approved participants only). The scorer is marketplace.matching's, shared with
requests for quotation (its docstring has the table of parts: text 35, certifications 10,
stars 10, capacity 15, price 10, distance 10). What the fair brings to it:

- the suppliers are the fair's registrations: a product the cooperative does not showcase
  at the fair counts ×0.9 in the text part, the capacity stated on the registration stands in
  for a product without one, and a cooperative that delivers to the buyer's province gets
  at least 0.8 for distance;
- the distance runs to the buyer's delivery province, else its own;
- one more part, **interest** (weight 10, so the total runs from 0 to 100): 0.5 for each
  side that said it wants to meet the other.

The product-bound parts (certifications, stars, capacity, price) count only when some
product of the cooperative answers the demand, and a pair with neither such a product
nor stated interest is not stored: it would only be noise on the pages.

`MatchScore.components` keeps each part's value with the facts behind it, and
`match_reasons()` turns them into sentences ("matches the demand for 2 tấn a month of
gạo ST25; OCOP 4★; 180 km away"). The write is `fairs.services.fair_refresh_matches`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from catalog.models import ProductPage, Province
from catalog.selectors import with_valid_stars
from marketplace import matching as scoring
from marketplace.matching import (
    PROVINCE_CENTRES,
    UNKNOWN,
    Supplier,
    distance_km,
    held_schemes,
    hits_by_cooperative,
    in_base_units,
    search_words,
    text_hits,
)

from .models import BuyerDemand, FairPage, MatchScore, Meeting, MeetingRequest, Participant

__all__ = [
    "PROVINCE_CENTRES",
    "UNKNOWN",
    "WEIGHTS",
    "Recommendation",
    "compute_matches",
    "distance_km",
    "in_base_units",
    "match_reasons",
    "recommendations_for",
    "search_words",
    "text_hits",
    "total",
]

# The shared parts (marketplace.matching) and the fair's own: 100 in all.
WEIGHTS = {**scoring.WEIGHTS, "interest": 10}
assert sum(WEIGHTS.values()) == 100  # noqa: S101 - a module invariant, checked once at import


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class _FairSupplier:
    participant: Participant
    supplier: Supplier
    wants: set[int]


def _suppliers(fair: FairPage) -> dict[str, _FairSupplier]:
    """The fair's cooperatives (not rejected or withdrawn) by tax code, with what scoring needs."""
    participants = (
        Participant.objects.filter(
            fair=fair,
            role=Participant.Role.COOPERATIVE,
            status__in=[Participant.Status.PENDING, Participant.Status.APPROVED],
        )
        .select_related("cooperative")
        .prefetch_related(
            # All of them: "valid today" is CooperativeCertification.is_valid, in Python.
            "cooperative__certifications",
            Prefetch("showcased_products", queryset=ProductPage.objects.only("pk")),
            Prefetch("delivery_provinces"),
            Prefetch("interested_in", queryset=Participant.objects.only("pk")),
        )
    )
    participants = list(participants)
    products = with_valid_stars(
        ProductPage.objects.live()
        .filter(archived_at__isnull=True, cooperative__in=[p.cooperative_id for p in participants])
        .select_related("category", "category__parent", "inventory")
        .order_by("pk")
    )
    by_cooperative: dict[int, dict[int, ProductPage]] = defaultdict(dict)
    for product in products:
        by_cooperative[product.cooperative_id][product.pk] = product
    return {
        p.cooperative.tax_code: _FairSupplier(
            participant=p,
            supplier=Supplier(
                cooperative=p.cooperative,
                products=by_cooperative[p.cooperative_id],
                schemes=held_schemes(p.cooperative),
                province_id=p.cooperative.province_id or p.province_id,
                delivers_to={province.pk for province in p.delivery_provinces.all()},
                showcased={s.pk for s in p.showcased_products.all()},
                stated_capacity=(p.supply_quantity, p.supply_unit),
            ),
            wants={o.pk for o in p.interested_in.all()},
        )
        for p in participants
    }


def _demands(fair: FairPage, demand_ids: Iterable[int] | None = None) -> list[BuyerDemand]:
    demands = BuyerDemand.objects.filter(
        fair_entry__participant__fair=fair,
        fair_entry__participant__status__in=[Participant.Status.PENDING, Participant.Status.APPROVED],
    )
    if demand_ids is not None:
        demands = demands.filter(pk__in=list(demand_ids))
    return list(
        demands.select_related("fair_entry__participant", "category", "category__parent", "product")
        .prefetch_related(
            Prefetch("fair_entry__participant__interested_in", queryset=Participant.objects.only("pk"))
        )
        .order_by("pk")
    )


def _interest_component(demand: BuyerDemand, supplier: _FairSupplier) -> dict:
    buyer = demand.fair_entry.participant
    buyer_wants = supplier.participant.pk in {o.pk for o in buyer.interested_in.all()}
    supplier_wants = buyer.pk in supplier.wants
    return {
        "value": 0.5 * buyer_wants + 0.5 * supplier_wants,
        "buyer_wants": buyer_wants,
        "supplier_wants": supplier_wants,
    }


def total(components: dict) -> float:
    """The weighted sum of the parts, 0 to 100."""
    return scoring.total(components, WEIGHTS)


def score_pair(
    demand: BuyerDemand, supplier: _FairSupplier, *, hits, top: float, coverage: float, provinces: dict
) -> MatchScore | None:
    """The unsaved score of one cooperative for one demand, or None when there is nothing to say."""
    buyer = demand.fair_entry.participant
    components, product = scoring.score_parts(
        demand,
        supplier.supplier,
        hits=hits,
        top=top,
        coverage=coverage,
        # The buyer's delivery province, else its own.
        to=demand.delivery_province_id or buyer.province_id,
        provinces=provinces,
    )
    interest = _interest_component(demand, supplier)
    if product is None and not interest["value"]:
        return None
    components["interest"] = interest
    return MatchScore(
        fair_id=buyer.fair_id,
        demand=demand,
        supplier=supplier.participant,
        product=product,
        score=total(components),
        components=components,
    )


def compute_matches(fair: FairPage, *, demand_ids: Iterable[int] | None = None) -> list[MatchScore]:
    """Unsaved scores for every demand × cooperative pair of the fair worth showing
    (of the given demands only, when `demand_ids` is given).

    One search per demand text (up to three when the whole text finds nothing), and a
    fixed number of queries for the fair's participants and products.
    """
    suppliers = _suppliers(fair)
    if not suppliers:
        return []
    provinces = dict(Province.objects.values_list("code", "name"))
    searches: dict = {}
    scores = []
    for demand in _demands(fair, demand_ids):
        hits, coverage = text_hits(demand.title, searches)
        top = max((hit.score for hit in hits), default=0.0)
        by_cooperative = hits_by_cooperative(hits)
        for code, supplier in suppliers.items():
            products = supplier.supplier.products
            own = [hit for hit in by_cooperative[code] if hit.product_id in products]
            match = score_pair(demand, supplier, hits=own, top=top, coverage=coverage, provinces=provinces)
            if match is not None:
                scores.append(match)
    return scores


# --- reasons -----------------------------------------------------------------------------------


def match_reasons(match: MatchScore, *, viewer: str | None = None) -> list[str]:
    """Why these two should meet, in the active language, from the stored facts (no query).

    `viewer` is the role of the participant reading ("buyer" or "cooperative"), for
    the sentences about who asked to meet whom.
    """
    parts = match.components or {}
    reasons = scoring.reasons(parts)
    interest = parts.get("interest", {})
    buyer_wants, supplier_wants = interest.get("buyer_wants"), interest.get("supplier_wants")
    if buyer_wants and supplier_wants:
        reasons.append(_("Both sides want to meet"))
    elif buyer_wants:
        reasons.append(
            _("You asked to meet them")
            if viewer == "buyer"
            else _("The buyer wants to meet this cooperative")
        )
    elif supplier_wants:
        reasons.append(
            _("You asked to meet them")
            if viewer == "cooperative"
            else _("The cooperative wants to meet this buyer")
        )
    return reasons


# --- reading -----------------------------------------------------------------------------------


@dataclass
class Recommendation:
    """Someone worth meeting at the fair: the best match with them, and why."""

    other: Participant
    score: float
    demand: BuyerDemand
    product: ProductPage | None
    reasons: list[str]
    match: MatchScore
    # The open (pending or accepted) meeting request between the two, if any.
    already_requested: MeetingRequest | None = None
    meeting: Meeting | None = None


def recommendations_for(*, participant: Participant, limit: int = 10) -> list[Recommendation]:
    """The approved participants `participant` should meet, best first, one entry each.

    A buyer gets cooperatives (each with the demand it answers best); a cooperative gets
    buyers (each with its demand the cooperative answers best). Three queries however
    many there are. An unapproved participant gets none: it cannot ask for meetings yet.
    """
    if not participant.is_approved:
        return []
    approved = Participant.Status.APPROVED
    scores = MatchScore.objects.select_related(
        "demand", "product", "supplier", "demand__fair_entry__participant"
    )
    if participant.role == Participant.Role.BUYER:
        scores = scores.filter(
            demand__fair_entry__participant=participant,
            supplier__status=approved,
            supplier__role=Participant.Role.COOPERATIVE,
            fair_id=participant.fair_id,
        ).select_related("supplier__cooperative", "supplier__province")
        other_of = lambda match: match.supplier  # noqa: E731
    else:
        scores = scores.filter(
            supplier=participant,
            demand__fair_entry__participant__status=approved,
            fair_id=participant.fair_id,
        ).select_related("demand__fair_entry__participant__province")
        other_of = lambda match: match.demand.fair_entry.participant  # noqa: E731
    best: dict[int, MatchScore] = {}
    for match in scores.order_by("-score", "pk"):
        other = other_of(match)
        if other.pk not in best:
            best[other.pk] = match
            if len(best) >= limit:
                break
    if not best:
        return []
    others = list(best)
    requests = MeetingRequest.objects.filter(status__in=MeetingRequest.OPEN).filter(
        Q(requester=participant, recipient__in=others) | Q(recipient=participant, requester__in=others)
    )
    requested = {
        (r.recipient_id if r.requester_id == participant.pk else r.requester_id): r for r in requests
    }
    links = (
        Meeting.participants.through.objects.filter(meeting__participants=participant, participant__in=others)
        .exclude(meeting__outcome=Meeting.Outcome.CANCELLED)
        .select_related("meeting")
    )
    meetings = {link.participant_id: link.meeting for link in links}
    viewer = participant.role
    return [
        Recommendation(
            other=other_of(match),
            score=match.score,
            demand=match.demand,
            product=match.product,
            reasons=match_reasons(match, viewer=viewer),
            match=match,
            already_requested=requested.get(pk),
            meeting=meetings.get(pk),
        )
        for pk, match in best.items()
    ]
