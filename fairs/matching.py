"""Matching at a fair: which cooperative answers which buyer demand, how well, and why.

Every demand of a buyer registered at the fair is scored against every cooperative
registered there (pending ones too, so approving a participant needs no new run;
the readers show approved participants only). A score is a sum of explained parts,
each a value from 0 to 1 times its weight, so the total runs from 0 to 100:

=================  ======  ==============================================================
component          weight  value
=================  ======  ==============================================================
text               35      the product that best answers the demand, found through the
                           search service (never an engine): 1 for the listed product the
                           demand names; 0.6–1 for a search hit, by its relevance next to
                           the best hit; scaled down by the share of the demand's words
                           kept when the full text found nothing; ×0.9 when the product
                           is not one the cooperative showcases at the fair; 0.5 for a
                           product of the demand's category and 0.35 for one of its group
                           (food for rice, or rice for food), when no word matched
certifications     10      share of the required certifications (VietGAP, organic…) the
                           cooperative holds today; 1 when none is required
stars              10      the product's valid OCOP stars against the minimum asked: 1 at or
                           above it, 0.3 one star short, 0 otherwise; with no minimum
                           0.6 (no stars), 0.8 (3★), 0.9 (4★) or 1 (5★)
capacity           15      monthly capacity (the product's, else the registration's)
                           over the demanded quantity, capped at 1, when the units
                           compare (kg, tạ, yến, tấn and g; l and ml); 0.5 when unknown
price              10      1 at or below the target price per unit, falling to 0 at 50 %
                           above it; 1 with no target; 0.5 when the units do not compare
distance           10      1 / (1 + km / 400) between the provinces' administrative centres
                           (the buyer's delivery province, else its own, and the
                           cooperative's): 1 in the same province, about 0.7 at 180 km,
                           0.26 from Hà Nội to Hồ Chí Minh City; at least 0.8 when the
                           cooperative delivers there; 0.5 for a buyer from abroad
interest           10      0.5 for each side that said it wants to meet the other
=================  ======  ==============================================================

The product-bound parts (certifications, stars, capacity, price) count only when some
product of the cooperative answers the demand, and a pair with neither such a product
nor stated interest is not stored: it would only be noise on the pages.

`MatchScore.components` keeps each part's value with the facts behind it, and
`match_reasons()` turns them into sentences ("matches the demand for 2 tấn a month of
gạo ST25; OCOP 4★; 180 km away"). The write is `fairs.services.fair_refresh_matches`.
"""

import csv
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import Prefetch, Q
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog import search
from catalog.localization import vnd
from catalog.models import CooperativeCertification, ProductPage, Province
from catalog.search.query import MAX_TERMS, MAX_TEXT_LENGTH
from catalog.selectors import with_valid_stars
from catalog.text import fold

from .models import BuyerDemand, FairPage, MatchScore, Meeting, MeetingRequest, Participant

WEIGHTS = {
    "text": 35,
    "certifications": 10,
    "stars": 10,
    "capacity": 15,
    "price": 10,
    "distance": 10,
    "interest": 10,
}
assert sum(WEIGHTS.values()) == 100  # noqa: S101 - a module invariant, checked once at import

PROVINCE_CENTRES = Path(__file__).parent / "data" / "province_centres.csv"
EARTH_RADIUS_KM = 6371.0
# The distance at which the distance part falls to one half.
HALF_VALUE_KM = 400
DELIVERS_THERE = 0.8
UNKNOWN = 0.5
SEARCH_PAGE_SIZE = 100
NOT_SHOWCASED = 0.9
# When the whole text finds nothing, the first two words, then the first, are tried.
RELAXED_WORDS = (2, 1)
PRICE_TOLERANCE = 0.5
CATEGORY_VALUES = {"category": 0.5, "group": 0.35}
STARS_WITHOUT_MINIMUM = {None: 0.6, 3: 0.8, 4: 0.9, 5: 1.0}
ONE_STAR_SHORT = 0.3

_WORD = re.compile(r"[^\W_]+")
_OPERATOR_WORDS = {"AND", "OR", "NOT", "NEAR"}
# Units folded (no marks, lower case) → (base unit, size in base units).
_UNITS = {
    "kg": ("kg", 1),
    "kgs": ("kg", 1),
    "kilo": ("kg", 1),
    "kilogram": ("kg", 1),
    "g": ("kg", 0.001),
    "gr": ("kg", 0.001),
    "gam": ("kg", 0.001),
    "gram": ("kg", 0.001),
    "yen": ("kg", 10),
    "ta": ("kg", 100),
    "tan": ("kg", 1000),
    "t": ("kg", 1000),
    "ton": ("kg", 1000),
    "tons": ("kg", 1000),
    "tonne": ("kg", 1000),
    "tonnes": ("kg", 1000),
    "l": ("l", 1),
    "lit": ("l", 1),
    "litre": ("l", 1),
    "liter": ("l", 1),
    "ml": ("l", 0.001),
}


# --- places ------------------------------------------------------------------------------------


@cache
def province_centres() -> dict[str, tuple[float, float]]:
    """Province code → (latitude, longitude) of its administrative centre, for the 34 provinces."""
    with PROVINCE_CENTRES.open(encoding="utf-8", newline="") as file:
        return {
            row["code"]: (float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(file)
        }


def distance_km(a: str | None, b: str | None) -> float | None:
    """Great-circle distance between two provinces' centres; None when either is unknown."""
    centres = province_centres()
    if a not in centres or b not in centres:
        return None
    (lat1, lon1), (lat2, lon2) = centres[a], centres[b]
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# --- units and words ---------------------------------------------------------------------------


def unit_base(unit: str) -> tuple[str, float]:
    """("kg", 1000) for "tấn"; the folded unit itself, size 1, for units that do not convert."""
    folded = fold(unit)
    return _UNITS.get(folded, (folded, 1))


def in_base_units(quantity: float, unit: str, other_unit: str) -> tuple[float, float] | None:
    """(quantity, 1) expressed in `other_unit`'s base, or None when the two units do not compare."""
    base, size = unit_base(unit)
    other_base, other_size = unit_base(other_unit)
    if not base or base != other_base:
        return None
    return quantity * size, other_size


def search_words(text: str) -> list[str]:
    """The plain words of a demand: no quotes, `*` or AND/OR/NOT, which the search refuses."""
    words = [w for w in _WORD.findall(unicodedata.normalize("NFC", text or "")) if w not in _OPERATOR_WORDS]
    words = [w.lower() for w in words][:MAX_TERMS]
    while words and len(" ".join(words)) > MAX_TEXT_LENGTH:
        words.pop()
    return words


def _search(words: tuple[str, ...]) -> list[search.Hit]:
    try:
        query = search.SearchQuery(text=" ".join(words), facets=(), page_size=SEARCH_PAGE_SIZE)
        return search.search(query).hits
    except search.SearchQueryError:
        return []


def text_hits(text: str, cache_: dict | None = None) -> tuple[list[search.Hit], float]:
    """Search hits for a demand's text and the share of its words they match (1 for all of them)."""
    cache_ = {} if cache_ is None else cache_
    words = tuple(search_words(text))
    if not words:
        return [], 0.0
    attempts = [words, *(words[:n] for n in RELAXED_WORDS if n < len(words))]
    for attempt in attempts:
        if attempt not in cache_:
            hits = _search(attempt)
            if attempt != words:
                # The search forgives a typing error ("hang" finds "vàng"); fine for the words
                # the buyer chose, noise for a word kept alone, so it must be in the name.
                wanted = {fold(word) for word in attempt}
                hits = [hit for hit in hits if wanted <= set(fold(hit.name).split())]
            cache_[attempt] = hits
        if cache_[attempt]:
            return cache_[attempt], len(attempt) / len(words)
    return [], 0.0


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class _Supplier:
    participant: Participant
    products: dict[int, ProductPage]
    showcased: set[int]
    schemes: set[str]
    delivers_to: set[str]
    wants: set[int]


def _suppliers(fair: FairPage) -> dict[str, _Supplier]:
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
        p.cooperative.tax_code: _Supplier(
            participant=p,
            products=by_cooperative[p.cooperative_id],
            showcased={s.pk for s in p.showcased_products.all()},
            schemes={c.scheme for c in p.cooperative.certifications.all() if c.is_valid},
            delivers_to={province.pk for province in p.delivery_provinces.all()},
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


def _text_component(demand: BuyerDemand, supplier: _Supplier, hits, top: float, coverage: float) -> dict:
    """The product of `supplier` that best answers `demand`, as the text part.

    `hits` are the search hits among the supplier's products; `top` is the best score of
    the whole search, so a cooperative whose best product ranks low scores low.
    """
    best: tuple[float, ProductPage, str] | None = None

    def consider(value: float, product: ProductPage, how: str) -> None:
        nonlocal best
        if product.pk not in supplier.showcased:
            value *= NOT_SHOWCASED
        if best is None or value > best[0]:
            best = (value, product, how)

    if demand.product_id and demand.product_id in supplier.products:
        consider(1.0, supplier.products[demand.product_id], "listed")
    for hit in hits:
        product = supplier.products.get(hit.product_id)
        if product is not None:
            relevance = max(hit.score, 0.0) / top if top > 0 else 1.0
            consider((0.6 + 0.4 * relevance) * (0.5 + 0.5 * coverage), product, "text")
    if best is None and demand.category_id:
        wanted = demand.category
        for product in supplier.products.values():
            category = product.category
            if category.pk == wanted.pk:
                consider(CATEGORY_VALUES["category"], product, "category")
            elif category.group.pk == wanted.pk or category.pk == wanted.group.pk:
                consider(CATEGORY_VALUES["group"], product, "group")
    facts = {
        "demand": demand.title,
        "quantity": demand.quantity,
        "unit": demand.unit,
        "per_month": demand.per_month,
    }
    if best is None:
        return {"value": 0.0, **facts}
    value, product, how = best
    return {
        "value": round(value, 3),
        "how": how,
        "product_id": product.pk,
        "product_sku": product.sku,
        "product_name": product.title,
        "product_name_en": product.name_en,
        "showcased": product.pk in supplier.showcased,
        **facts,
    }


def _certifications_component(demand: BuyerDemand, supplier: _Supplier) -> dict:
    required = list(dict.fromkeys(demand.required_certifications or []))
    held = sorted(supplier.schemes)
    if not required:
        return {"value": 1.0, "required": [], "held": held, "missing": []}
    missing = [scheme for scheme in required if scheme not in supplier.schemes]
    return {
        "value": round((len(required) - len(missing)) / len(required), 3),
        "required": required,
        "held": held,
        "missing": missing,
    }


def _stars_component(demand: BuyerDemand, product: ProductPage) -> dict:
    stars = product.valid_stars
    minimum = demand.min_ocop_stars
    if minimum is None:
        value = STARS_WITHOUT_MINIMUM.get(stars, 1.0)
    elif stars is not None and stars >= minimum:
        value = 1.0
    elif stars is not None and stars == minimum - 1:
        value = ONE_STAR_SHORT
    else:
        value = 0.0
    return {"value": value, "stars": stars, "minimum": minimum}


def _capacity_component(demand: BuyerDemand, supplier: _Supplier, product: ProductPage) -> dict:
    inventory = getattr(product, "inventory", None)
    sources = [
        (inventory.monthly_capacity if inventory else None, product.unit, "product"),
        (supplier.participant.supply_quantity, supplier.participant.supply_unit, "registration"),
    ]
    facts = {"demanded": demand.quantity, "demanded_unit": demand.unit, "per_month": demand.per_month}
    known = None
    for capacity, unit, source in sources:
        if not capacity or not unit:
            continue
        known = known or {"capacity": capacity, "unit": unit, "source": source}
        converted = in_base_units(capacity, unit, demand.unit)
        if converted is None:
            continue
        in_demand_units = converted[0] / converted[1]
        value = min(1.0, in_demand_units / demand.quantity)
        return {
            "value": round(value, 3),
            "capacity": capacity,
            "unit": unit,
            "source": source,
            "comparable": True,
            **facts,
        }
    return {"value": UNKNOWN, **(known or {}), "comparable": False, **facts}


def _price_component(demand: BuyerDemand, product: ProductPage) -> dict:
    facts = {"price": product.price_vnd, "unit": product.unit, "target": demand.target_price_vnd}
    if not demand.target_price_vnd:
        return {"value": 1.0, **facts}
    # Price per product unit, and the target per demand unit, both per the demand's unit.
    converted = in_base_units(1, demand.unit, product.unit)
    if converted is None or not product.price_vnd:
        return {"value": UNKNOWN, "comparable": False, **facts}
    demand_units_per_product_unit = converted[1] / converted[0]
    price_per_demand_unit = product.price_vnd / demand_units_per_product_unit
    ratio = price_per_demand_unit / demand.target_price_vnd
    value = 1.0 if ratio <= 1 else max(0.0, 1 - (ratio - 1) / PRICE_TOLERANCE)
    return {
        "value": round(value, 3),
        "comparable": True,
        "price_per_demand_unit": round(price_per_demand_unit),
        "above_target_percent": max(0, round((ratio - 1) * 100)),
        **facts,
    }


def _distance_component(demand: BuyerDemand, supplier: _Supplier, provinces: dict[str, str]) -> dict:
    buyer = demand.fair_entry.participant
    to = demand.delivery_province_id or buyer.province_id
    origin = supplier.participant.cooperative.province_id or supplier.participant.province_id
    km = distance_km(to, origin)
    delivers = to in supplier.delivers_to if to else False
    facts = {"from": provinces.get(origin, ""), "to": provinces.get(to, ""), "delivers": delivers}
    if km is None:
        return {"value": DELIVERS_THERE if delivers else UNKNOWN, "km": None, **facts}
    value = 1 / (1 + km / HALF_VALUE_KM)
    if delivers:
        value = max(value, DELIVERS_THERE)
    return {"value": round(value, 3), "km": round(km), **facts}


def _interest_component(demand: BuyerDemand, supplier: _Supplier) -> dict:
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
    return round(sum(WEIGHTS[name] * part["value"] for name, part in components.items()), 1)


def score_pair(
    demand: BuyerDemand, supplier: _Supplier, *, hits, top: float, coverage: float, provinces: dict
) -> MatchScore | None:
    """The unsaved score of one cooperative for one demand, or None when there is nothing to say."""
    text = _text_component(demand, supplier, hits, top, coverage)
    interest = _interest_component(demand, supplier)
    product = supplier.products.get(text.get("product_id"))
    if product is None and not interest["value"]:
        return None
    components = {"text": text}
    if product is None:
        for name in ("certifications", "stars", "capacity", "price"):
            components[name] = {"value": 0.0, "no_product": True}
    else:
        components["certifications"] = _certifications_component(demand, supplier)
        components["stars"] = _stars_component(demand, product)
        components["capacity"] = _capacity_component(demand, supplier, product)
        components["price"] = _price_component(demand, product)
    components["distance"] = _distance_component(demand, supplier, provinces)
    components["interest"] = interest
    return MatchScore(
        fair_id=demand.fair_entry.participant.fair_id,
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
        by_cooperative = defaultdict(list)
        for hit in hits:
            by_cooperative[hit.cooperative_tax_code].append(hit)
        for code, supplier in suppliers.items():
            own = [hit for hit in by_cooperative[code] if hit.product_id in supplier.products]
            match = score_pair(demand, supplier, hits=own, top=top, coverage=coverage, provinces=provinces)
            if match is not None:
                scores.append(match)
    return scores


# --- reasons -----------------------------------------------------------------------------------


def _number(value) -> str:
    """2.000 in Vietnamese, 2,000 in English (Django's Vietnamese formats do not group digits)."""
    return f"{round(value):,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))


def _quantity(quantity, unit: str, per_month: bool) -> str:
    if per_month:
        return _("%(quantity)s %(unit)s a month") % {"quantity": _number(quantity), "unit": unit}
    return f"{_number(quantity)} {unit}"


def _scheme_labels(schemes: Iterable[str]) -> str:
    labels = CooperativeCertification.Scheme
    return ", ".join(str(labels(s).label) if s in labels.values else s for s in schemes)


def match_reasons(match: MatchScore, *, viewer: str | None = None) -> list[str]:
    """Why these two should meet, in the active language, from the stored facts (no query).

    `viewer` is the role of the participant reading ("buyer" or "cooperative"), for
    the sentences about who asked to meet whom.
    """
    parts = match.components or {}
    reasons = []
    text = parts.get("text", {})
    if text.get("product_id"):
        name = text.get("product_name_en") if get_language() == "en" and text.get("product_name_en") else None
        name = name or text.get("product_name", "")
        demanded = _quantity(text.get("quantity"), text.get("unit", ""), text.get("per_month", False))
        if text.get("how") in ("listed", "text"):
            reasons.append(
                _("Matches the demand for %(quantity)s of %(what)s: %(product)s")
                % {"quantity": demanded, "what": text.get("demand", ""), "product": name}
            )
        else:
            reasons.append(
                _("Sells %(product)s, in the category of the demand for %(quantity)s of %(what)s")
                % {"quantity": demanded, "what": text.get("demand", ""), "product": name}
            )
    stars = parts.get("stars", {})
    if stars.get("stars"):
        if stars.get("minimum") and stars["stars"] < stars["minimum"]:
            reasons.append(
                _("OCOP %(stars)s★, below the %(minimum)s★ asked")
                % {"stars": stars["stars"], "minimum": stars["minimum"]}
            )
        else:
            reasons.append(_("OCOP %(stars)s★") % {"stars": stars["stars"]})
    elif stars.get("minimum") and not stars.get("no_product"):
        reasons.append(_("No valid OCOP rating (%(minimum)s★ asked)") % {"minimum": stars["minimum"]})
    certifications = parts.get("certifications", {})
    matched = [s for s in certifications.get("required", []) if s not in certifications.get("missing", [])]
    if matched:
        reasons.append(_("Certified: %(schemes)s") % {"schemes": _scheme_labels(matched)})
    if certifications.get("missing"):
        reasons.append(
            _("Lacks the certification asked: %(schemes)s")
            % {"schemes": _scheme_labels(certifications["missing"])}
        )
    capacity = parts.get("capacity", {})
    if capacity.get("comparable"):
        supply = _quantity(capacity["capacity"], capacity["unit"], True)
        if capacity["value"] >= 1:
            reasons.append(_("Can supply %(supply)s") % {"supply": supply})
        else:
            reasons.append(
                _("Can supply %(supply)s, %(percent)s%% of the quantity asked")
                % {"supply": supply, "percent": round(capacity["value"] * 100)}
            )
    price = parts.get("price", {})
    if price.get("comparable"):
        values = {"price": vnd(price["price"]), "unit": price["unit"], "target": vnd(price["target"])}
        if price.get("above_target_percent"):
            values["percent"] = price["above_target_percent"]
            reasons.append(_("%(price)s/%(unit)s, %(percent)s%% above the target of %(target)s") % values)
        else:
            reasons.append(_("%(price)s/%(unit)s, within the target of %(target)s") % values)
    distance = parts.get("distance", {})
    if distance.get("km") is not None:
        if distance["km"] < 1:
            reasons.append(_("In the same province (%(province)s)") % {"province": distance.get("to", "")})
        else:
            reasons.append(
                _("%(km)s km away, from %(origin)s")
                % {"km": _number(distance["km"]), "origin": distance.get("from", "")}
            )
    if distance.get("delivers"):
        reasons.append(_("Delivers to %(province)s") % {"province": distance.get("to", "")})
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
