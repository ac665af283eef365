"""Which cooperatives answer a buyer's demand, how well, and why: the scorer fairs and RFQs share.

A demand (a `BuyerDemand`: at a fair, or a request for quotation) is scored against a `Supplier`,
a plain description of a cooperative: its products, the certifications it holds today, where it
ships from and delivers to, and, at a fair, what it showcases and the capacity it stated when it
registered. A score is a sum of explained parts, each a value from 0 to 1 times its weight:

=================  ======  ==============================================================
component          weight  value
=================  ======  ==============================================================
text               35      the product that best answers the demand, found through the
                           search service (never an engine): 1 for the listed product the
                           demand names; 0.6–1 for a search hit, by its relevance next to
                           the best hit (words typed with marks keep only the hits that
                           have them as written, if any do); scaled down by the share of the demand's words
                           kept when the full text found nothing; ×0.9 when the supplier
                           showcases some products and this is not one of them; 0.5 for a
                           product of the demand's category and 0.35 for one of its group
                           (food for rice, or rice for food), when no word matched
certifications     10      share of the required certifications (VietGAP, organic…) the
                           cooperative holds today; 1 when none is required
stars              10      the product's valid OCOP stars against the minimum asked: 1 at or
                           above it, 0.3 one star short, 0 otherwise; with no minimum
                           0.6 (no stars), 0.8 (3★), 0.9 (4★) or 1 (5★)
capacity           15      monthly capacity (the product's, else the one the supplier
                           stated) over the demanded quantity, capped at 1, when the units
                           compare (kg, tạ, yến, tấn and g; l and ml); 0.5 when unknown
price              10      1 at or below the target price per unit, falling to 0 at 50 %
                           above it; 1 with no target; 0.5 when the units do not compare
distance           10      1 / (1 + km / 400) between the provinces' administrative centres
                           (where the goods go, and the cooperative's): 1 in the same
                           province, about 0.7 at 180 km, 0.26 from Hà Nội to Hồ Chí Minh
                           City; at least 0.8 when the cooperative delivers there; 0.5 when
                           either province is unknown (a buyer from abroad)
=================  ======  ==============================================================

These weights sum to 90; `total()` scales any set of weights to 0–100. A fair adds its own
"interest" part (10, so its weights sum to 100: fairs/matching.py). The product-bound parts
(certifications, stars, capacity, price) count only when some product of the cooperative
answers the demand.

Each part keeps the facts behind it, and `reasons()` turns them into sentences ("matches the
demand for 2 tấn a month of gạo ST25; OCOP 4★; 180 km away").

`rank_cooperatives(rfq)` ranks the whole catalogue for a request for quotation: the cooperatives
of one search of its text and those selling in its category, with a fixed number of queries.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog import search
from catalog.localization import vnd
from catalog.models import CooperativeCertification, CooperativePage, ProductPage, Province
from catalog.search.query import MAX_TERMS, MAX_TEXT_LENGTH
from catalog.selectors import listed_products, with_valid_stars
from catalog.text import fold
from marketplace.models import BuyerDemand

WEIGHTS = {
    "text": 35,
    "certifications": 10,
    "stars": 10,
    "capacity": 15,
    "price": 10,
    "distance": 10,
}
PRODUCT_PARTS = ("certifications", "stars", "capacity", "price")

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
# Products of an RFQ's category read for ranking at most (search hits first, then the best rated):
# a broad group ("food") would otherwise load most of the catalogue.
MAX_CANDIDATE_PRODUCTS = 500

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


def _marked_first(words: tuple[str, ...], hits: list[search.Hit]) -> list[search.Hit]:
    """Where the demand's words carry marks and some hits hold them as written, only those hits.

    Marks are optional to the search ("bưởi", pomelo, finds "buổi", a session), which is right for
    a buyer typing without them; one who typed them meant that word. When no hit has the words
    as written (a slip of the marks), every hit stays.
    """
    marked = {word for word in words if fold(word) != word.lower()}
    if not marked:
        return hits
    written = [
        hit
        for hit in hits
        if marked <= set(_WORD.findall(unicodedata.normalize("NFC", f"{hit.name} {hit.description}").lower()))
    ]
    return written or hits


def text_hits(text: str, cache_: dict | None = None) -> tuple[list[search.Hit], float]:
    """Search hits for a demand's text and the share of its words they match (1 for all of them)."""
    cache_ = {} if cache_ is None else cache_
    words = tuple(search_words(text))
    if not words:
        return [], 0.0
    attempts = [words, *(words[:n] for n in RELAXED_WORDS if n < len(words))]
    for attempt in attempts:
        if attempt not in cache_:
            hits = _marked_first(attempt, _search(attempt))
            if attempt != words:
                # The search forgives a typing error ("hang" finds "vàng"); fine for the words
                # the buyer chose, noise for a word kept alone, so it must be in the name.
                wanted = {fold(word) for word in attempt}
                hits = [hit for hit in hits if wanted <= set(fold(hit.name).split())]
            cache_[attempt] = hits
        if cache_[attempt]:
            return cache_[attempt], len(attempt) / len(words)
    return [], 0.0


def hits_by_cooperative(hits: Iterable[search.Hit]) -> dict[str, list[search.Hit]]:
    """The hits grouped by their cooperative's tax code."""
    grouped: dict[str, list[search.Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.cooperative_tax_code].append(hit)
    return grouped


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Supplier:
    """A cooperative as the scorer sees it.

    `products` are loaded `with_valid_stars`, with their category (and its parent) and inventory.
    `showcased` is the set of product ids shown at a fair (None where there is no such choice);
    `stated_capacity` the monthly (quantity, unit) the cooperative stated when registering, used
    when a product has no capacity of its own; `province_id` where the goods come from.
    """

    cooperative: CooperativePage
    products: dict[int, ProductPage]
    schemes: set[str]
    province_id: str | None
    delivers_to: set[str] = field(default_factory=set)
    showcased: set[int] | None = None
    stated_capacity: tuple[int | None, str] | None = None


def held_schemes(cooperative: CooperativePage) -> set[str]:
    """The certification schemes the cooperative holds today (from its prefetched certifications)."""
    return {c.scheme for c in cooperative.certifications.all() if c.is_valid}


def _text_component(demand: BuyerDemand, supplier: Supplier, hits, top: float, coverage: float) -> dict:
    """The product of `supplier` that best answers `demand`, as the text part.

    `hits` are the search hits among the supplier's products; `top` is the best score of
    the whole search, so a cooperative whose best product ranks low scores low.
    """
    best: tuple[float, ProductPage, str] | None = None
    showcased = supplier.showcased

    def consider(value: float, product: ProductPage, how: str) -> None:
        nonlocal best
        if showcased is not None and product.pk not in showcased:
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
    part = {
        "value": round(value, 3),
        "how": how,
        "product_id": product.pk,
        "product_sku": product.sku,
        "product_name": product.title,
        "product_name_en": product.name_en,
        **facts,
    }
    if showcased is not None:
        part["showcased"] = product.pk in showcased
    return part


def _certifications_component(demand: BuyerDemand, supplier: Supplier) -> dict:
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


def _capacity_component(demand: BuyerDemand, supplier: Supplier, product: ProductPage) -> dict:
    inventory = getattr(product, "inventory", None)
    sources = [(inventory.monthly_capacity if inventory else None, product.unit, "product")]
    if supplier.stated_capacity is not None:
        sources.append((*supplier.stated_capacity, "registration"))
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
    facts = {
        "price": product.price_vnd,
        "unit": product.unit,
        "target": demand.target_price_vnd,
        "target_unit": demand.unit,
    }
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


def _distance_component(to: str | None, supplier: Supplier, provinces: Mapping[str, str]) -> dict:
    origin = supplier.province_id
    km = distance_km(to, origin)
    delivers = to in supplier.delivers_to if to else False
    facts = {"from": provinces.get(origin, ""), "to": provinces.get(to, ""), "delivers": delivers}
    if km is None:
        return {"value": DELIVERS_THERE if delivers else UNKNOWN, "km": None, **facts}
    value = 1 / (1 + km / HALF_VALUE_KM)
    if delivers:
        value = max(value, DELIVERS_THERE)
    return {"value": round(value, 3), "km": round(km), **facts}


def score_parts(
    demand: BuyerDemand,
    supplier: Supplier,
    *,
    hits,
    top: float,
    coverage: float,
    to: str | None,
    provinces: Mapping[str, str],
) -> tuple[dict, ProductPage | None]:
    """The parts of one cooperative's score for one demand, and the product that answers it
    (None when none does: the product-bound parts are then 0).

    `hits` are the search hits among the supplier's products, `top` and `coverage` those of the
    whole search (`text_hits`); `to` is the province the goods go to.
    """
    text = _text_component(demand, supplier, hits, top, coverage)
    product = supplier.products.get(text.get("product_id"))
    parts = {"text": text}
    if product is None:
        for name in PRODUCT_PARTS:
            parts[name] = {"value": 0.0, "no_product": True}
    else:
        parts["certifications"] = _certifications_component(demand, supplier)
        parts["stars"] = _stars_component(demand, product)
        parts["capacity"] = _capacity_component(demand, supplier, product)
        parts["price"] = _price_component(demand, product)
    parts["distance"] = _distance_component(to, supplier, provinces)
    return parts, product


def total(parts: dict, weights: Mapping[str, float] = WEIGHTS) -> float:
    """The weighted sum of the parts, scaled to 0–100 by the sum of the weights."""
    weighted = sum(weights[name] * part["value"] for name, part in parts.items())
    return round(weighted * 100 / sum(weights.values()), 1)


# --- reasons -----------------------------------------------------------------------------------


def _number(value) -> str:
    """2.000 in Vietnamese, 2,000 in English (Django's Vietnamese formats do not group digits)."""
    return f"{round(value):,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))


def quantity_text(quantity, unit: str, per_month: bool) -> str:
    """ "2.000 kg a month", or "2.000 kg" for a one-off quantity."""
    if per_month:
        return _("%(quantity)s %(unit)s a month") % {"quantity": _number(quantity), "unit": unit}
    return f"{_number(quantity)} {unit}"


def _scheme_labels(schemes: Iterable[str]) -> str:
    labels = CooperativeCertification.Scheme
    return ", ".join(str(labels(s).label) if s in labels.values else s for s in schemes)


def _text_reasons(text: dict) -> list[str]:
    if not text.get("product_id"):
        return []
    name = text.get("product_name_en") if get_language() == "en" and text.get("product_name_en") else None
    name = name or text.get("product_name", "")
    demanded = quantity_text(text.get("quantity"), text.get("unit", ""), text.get("per_month", False))
    values = {"quantity": demanded, "what": text.get("demand", ""), "product": name}
    if text.get("how") in ("listed", "text"):
        return [_("Matches the demand for %(quantity)s of %(what)s: %(product)s") % values]
    return [_("Sells %(product)s, in the category of the demand for %(quantity)s of %(what)s") % values]


def _stars_reasons(stars: dict) -> list[str]:
    if stars.get("stars"):
        if stars.get("minimum") and stars["stars"] < stars["minimum"]:
            return [
                _("OCOP %(stars)s★, below the %(minimum)s★ asked")
                % {"stars": stars["stars"], "minimum": stars["minimum"]}
            ]
        return [_("OCOP %(stars)s★") % {"stars": stars["stars"]}]
    if stars.get("minimum") and not stars.get("no_product"):
        return [_("No valid OCOP rating (%(minimum)s★ asked)") % {"minimum": stars["minimum"]}]
    return []


def _certification_reasons(certifications: dict) -> list[str]:
    reasons = []
    missing = certifications.get("missing", [])
    matched = [s for s in certifications.get("required", []) if s not in missing]
    if matched:
        reasons.append(_("Certified: %(schemes)s") % {"schemes": _scheme_labels(matched)})
    if missing:
        reasons.append(_("Lacks the certification asked: %(schemes)s") % {"schemes": _scheme_labels(missing)})
    return reasons


def _capacity_reasons(capacity: dict) -> list[str]:
    if not capacity.get("comparable"):
        return []
    supply = quantity_text(capacity["capacity"], capacity["unit"], True)
    if capacity["value"] >= 1:
        return [_("Can supply %(supply)s") % {"supply": supply}]
    return [
        _("Can supply %(supply)s, %(percent)s%% of the quantity asked")
        % {"supply": supply, "percent": round(capacity["value"] * 100)}
    ]


def _price_reasons(price: dict) -> list[str]:
    if not price.get("comparable"):
        return []
    # The target is per the demand's unit, which may not be the product's (tấn against kg).
    target = (
        f"{vnd(price['target'])}/{price['target_unit']}" if price.get("target_unit") else vnd(price["target"])
    )
    values = {"price": vnd(price["price"]), "unit": price["unit"], "target": target}
    if price.get("above_target_percent"):
        values["percent"] = price["above_target_percent"]
        return [_("%(price)s/%(unit)s, %(percent)s%% above the target of %(target)s") % values]
    return [_("%(price)s/%(unit)s, within the target of %(target)s") % values]


def _distance_reasons(distance: dict) -> list[str]:
    reasons = []
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
    return reasons


def reasons(parts: dict) -> list[str]:
    """Why this cooperative answers the demand, in the active language, from the stored facts
    (no query): the product and quantity, stars, certifications, capacity, price and distance."""
    parts = parts or {}
    return [
        *_text_reasons(parts.get("text", {})),
        *_stars_reasons(parts.get("stars", {})),
        *_certification_reasons(parts.get("certifications", {})),
        *_capacity_reasons(parts.get("capacity", {})),
        *_price_reasons(parts.get("price", {})),
        *_distance_reasons(parts.get("distance", {})),
    ]


# --- ranking the catalogue for a request for quotation -----------------------------------------


@dataclass
class Match:
    """A cooperative that answers an RFQ: its best product, its score (0–100) and the parts."""

    cooperative: CooperativePage
    product: ProductPage
    score: float
    parts: dict

    @property
    def reasons(self) -> list[str]:
        return reasons(self.parts)


def _category_filter(category) -> Q:
    """Products the text part counts for `category`: of it, of its subcategories, or of its group."""
    return Q(category=category) | Q(category__parent=category) | Q(category=category.group)


def _catalogue_suppliers(rfq: BuyerDemand, hits: list[search.Hit]) -> list[Supplier]:
    """The cooperatives worth scoring for `rfq`, each with the products that may answer it:
    the search hits, the product it names and those of its category (two queries)."""
    hit_ids = [hit.product_id for hit in hits]
    wanted = Q(pk__in=hit_ids)
    if rfq.product_id:
        wanted |= Q(pk=rfq.product_id)
    if rfq.category_id:
        wanted |= _category_filter(rfq.category)
    products = (
        with_valid_stars(listed_products().filter(wanted))
        .select_related("cooperative", "category", "category__parent", "inventory")
        .prefetch_related("cooperative__certifications")
        .order_by(
            Case(When(pk__in=hit_ids or [0], then=Value(0)), default=Value(1), output_field=IntegerField()),
            F("valid_stars").desc(nulls_last=True),
            "pk",
        )[:MAX_CANDIDATE_PRODUCTS]
    )
    suppliers: dict[int, Supplier] = {}
    for product in products:
        cooperative = product.cooperative
        supplier = suppliers.get(cooperative.pk)
        if supplier is None:
            supplier = suppliers[cooperative.pk] = Supplier(
                cooperative=cooperative,
                products={},
                schemes=held_schemes(cooperative),
                province_id=cooperative.province_id,
            )
        supplier.products[product.pk] = product
    return list(suppliers.values())


def rank_cooperatives(rfq: BuyerDemand, *, limit: int | None = 10) -> list[Match]:
    """The cooperatives of the whole catalogue that best answer `rfq`, best first (`limit` of them;
    all with None). Scored on the shared parts (no fair's "interest"), out of 100, with the
    distance to the RFQ's delivery province.

    Candidates are the cooperatives of one search of the RFQ's text (up to three when the whole
    text finds nothing) and those selling in its category; a fixed number of queries whatever
    their number. `rfq` should come with its category (and the category's parent) loaded.
    """
    hits, coverage = text_hits(rfq.title)
    top = max((hit.score for hit in hits), default=0.0)
    suppliers = _catalogue_suppliers(rfq, hits)
    if not suppliers:
        return []
    provinces = dict(Province.objects.values_list("code", "name"))
    grouped = hits_by_cooperative(hits)
    matches = []
    for supplier in suppliers:
        own = [hit for hit in grouped[supplier.cooperative.tax_code] if hit.product_id in supplier.products]
        parts, product = score_parts(
            rfq,
            supplier,
            hits=own,
            top=top,
            coverage=coverage,
            to=rfq.delivery_province_id,
            provinces=provinces,
        )
        if product is not None:
            matches.append(Match(supplier.cooperative, product, total(parts), parts))
    matches.sort(key=lambda match: (-match.score, match.cooperative.tax_code))
    return matches if limit is None else matches[:limit]
