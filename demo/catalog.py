"""The demo catalogue, built through catalog.services as an alliance and cooperatives would.

`build_catalogue()` creates alliances for all 34 provinces and the national VCA, cooperatives
in every province with products in all six OCOP groups (some with valid, expiring or expired
OCOP certificates, demo/data/cooperatives.py says which), puts the demo accounts on their
staff, and leaves a draft and a listing in review for the Hà Nội alliance.

It is idempotent: what already exists (keyed on names, tax codes and SKUs) is left as it
is, so a second run adds nothing and changes nothing. `build_scale_catalogue` adds a large
catalogue through `products_bulk_upsert`, whose SKUs are deterministic, so running it again
updates rows instead of duplicating.
"""

import datetime
import random
import time
from dataclasses import dataclass

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog import search, services
from catalog.models import Alliance, Category, CooperativePage, ProductPage, Province, Ward
from catalog.models.products import OCOP_EXPIRING_DAYS
from catalog.places import UnknownWard, resolve_ward

from .data.accounts import ADMIN, HTX1, HTX2, LIENMINH
from .data.cooperatives import COOPERATIVES, FIVE_STAR, NATIONAL_ALLIANCE, OCOP_SHOWCASE, CooperativeSpec
from .data.products import SCALE_SKU_PREFIX, TEMPLATES, VARIANTS, ProductTemplate
from .images import demo_image
from .result import DemoResult

HTX1_PROVINCE = "01"  # htx1@ works for a Hà Nội cooperative …
HTX2_PROVINCE = "91"  # … and htx2@ for one in An Giang (Phú Quốc fish sauce).
MINISTRY_RENAMED_ON = datetime.date(2025, 3, 1)  # Bộ NN&PTNT merged into Bộ NN&MT
PROVINCES_MERGED_ON = datetime.date(2025, 7, 1)


def build_catalogue(
    result: DemoResult,
    *,
    users: dict,
    cooperatives_per_province: int,
    products_per_cooperative: int | None,
    images: bool,
    log,
) -> list["BuiltCooperative"]:
    """Alliances, cooperatives, their products, the demo staff and the review examples, in that order."""
    admin = users[ADMIN.email]
    alliances = _alliances(result)
    cooperatives = _cooperatives(result, admin=admin, per_province=cooperatives_per_province, log=log)
    _products(
        result,
        cooperatives=cooperatives,
        admin=admin,
        limit=products_per_cooperative,
        images=images,
        log=log,
    )
    _staff(users=users, cooperatives=cooperatives, alliances=alliances)
    _review_examples(result, cooperatives=cooperatives, users=users, images=images)
    return cooperatives


def _province_label(province: Province) -> str:
    city = province.division_type.startswith("thành phố")
    return f"{'thành phố' if city else 'tỉnh'} {province.name}"


def _alliances(result: DemoResult) -> dict[str, Alliance]:
    """The national VCA and one alliance per province, each covering its own province."""
    existing = {a.name: a for a in Alliance.objects.all()}
    by_province: dict[str, Alliance] = {}
    if NATIONAL_ALLIANCE not in existing:
        services.alliance_create(
            name=NATIONAL_ALLIANCE,
            kind=Alliance.Kind.NATIONAL,
            short_name="VCA",
            email="vca@demo.coop.vn",
        )
        result.add("alliances")
    for province in Province.objects.all():
        name = f"Liên minh Hợp tác xã {_province_label(province)}"
        alliance = existing.get(name)
        if alliance is None:
            alliance = services.alliance_create(
                name=name,
                kind=Alliance.Kind.PROVINCIAL,
                provinces=[province],
                short_name=f"LMHTX {province.name}",
            )
            result.add("alliances")
        by_province[province.code] = alliance
    return by_province


def _tax_code(province_code: str, index: int) -> str:
    """A 10-digit code: province digits, a sequence and a mod-11 check digit, as real codes have."""
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    for attempt in range(3):
        body = f"{province_code}{8_000_000 + index * 3 + attempt:07d}"
        check = 10 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        if check < 10:
            return f"{body}{check}"
    raise AssertionError("three consecutive sequences cannot all lack a check digit")


@dataclass
class BuiltCooperative:
    page: CooperativePage
    spec: CooperativeSpec
    index: int


def _cooperatives(
    result, *, admin, per_province: int, log, specs=COOPERATIVES, first_index: int = 0
) -> list[BuiltCooperative]:
    provinces = {p.code: p for p in Province.objects.all()}
    plan = [
        (code, index, spec, _tax_code(code, index))
        for code, province_specs in sorted(specs.items())
        for index, spec in enumerate(province_specs[:per_province], start=first_index)
    ]
    existing = {
        c.tax_code: c
        for c in CooperativePage.objects.filter(tax_code__in=[t for *_, t in plan]).select_related("province")
    }
    built = []
    for code, index, spec, tax_code in plan:
        province = provinces[code]
        cooperative = existing.get(tax_code)
        if cooperative is None:
            cooperative = _create_cooperative(
                spec, province=province, index=index, tax_code=tax_code, admin=admin
            )
            result.add("cooperatives")
        built.append(BuiltCooperative(page=cooperative, spec=spec, index=index))
    log(f"{len(built)} cooperatives in {len({b.page.province_id for b in built})} provinces")
    return built


def build_more_cooperatives(
    result: DemoResult, specs: dict[str, tuple[CooperativeSpec, ...]], *, first_index: int, images: bool, log
) -> list[BuiltCooperative]:
    """Cooperatives beyond the catalogue's two per province, with their products (the fairs demo's).

    `first_index` keeps their tax codes apart from the catalogue's own; present ones are kept.
    """
    admin = get_user_model().objects.get(email=ADMIN.email)
    per_province = max(len(province_specs) for province_specs in specs.values())
    built = _cooperatives(
        result, admin=admin, per_province=per_province, log=log, specs=specs, first_index=first_index
    )
    _products(result, cooperatives=built, admin=admin, limit=None, images=images, log=log)
    return built


def _create_cooperative(spec, *, province, index, tax_code, admin) -> CooperativePage:
    rng = random.Random(tax_code)
    ward = _ward(spec.ward, province=province, index=index)
    founded = rng.randint(1997, 2021)
    members = rng.choice((rng.randint(7, 40), rng.randint(40, 350)))
    label = _province_label(province)
    story = (
        f"<p>{spec.name} được thành lập năm {founded}, hiện có {members} thành viên tại "
        f"{ward.name}, {label}. Lĩnh vực chính: {spec.sector.lower()}.</p>"
        "<p>Hợp tác xã liên kết với các hộ thành viên từ khâu giống, canh tác đến đóng gói, "
        "giữ chất lượng đồng đều và truy xuất được nguồn gốc từng lô hàng.</p>"
    )
    cooperative, _created = services.cooperative_upsert(
        data=services.CooperativeData(
            tax_code=tax_code,
            name=spec.name,
            kind=spec.kind,
            province=province,
            ward=ward,
            address=f"{ward.name}, {label[0].upper()}{label[1:]}",
            sector=spec.sector,
            members=members,
            founded_year=founded,
            phone=f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            email=f"lienhe.{tax_code}@demo.coop.vn",
            story=story,
        ),
        publish=True,
        verified=True,
        user=admin,
    )
    return cooperative


def _ward(hint: str, *, province: Province, index: int) -> Ward:
    try:
        return resolve_ward(hint, province=province)
    except UnknownWard:
        wards = list(Ward.objects.filter(province=province).order_by("code"))
        return wards[(index * 17) % len(wards)]


def _sku(template: ProductTemplate, built: BuiltCooperative) -> str:
    """Template code, province code and the cooperative's number there: NM-PQ-911."""
    return f"{template.sku}-{built.page.province_id}{built.index + 1}"


def _existing_skus(cooperative: CooperativePage) -> set[str]:
    # By tree position: a product saved only as a draft may lack the denormalised cooperative.
    return set(
        ProductPage.objects.filter(
            path__startswith=cooperative.path, depth=cooperative.depth + 1
        ).values_list("sku", flat=True)
    )


def _products(result, *, cooperatives, admin, limit, images: bool, log) -> None:
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    today = timezone.localdate()
    ordinal = 0
    for built in cooperatives:
        cooperative, spec = built.page, built.spec
        existing = _existing_skus(cooperative)
        for position, key in enumerate(spec.products[:limit]):
            ordinal += 1
            template = TEMPLATES[key]
            sku = _sku(template, built)
            if sku in existing:
                continue
            rng = random.Random(sku)
            category = categories[template.category]
            image_id = _template_image(template, category, cooperative) if images else None
            state = OCOP_SHOWCASE.get((cooperative.province_id, built.index, position))
            # Signature products are certified, and every fifth other one.
            certified = state is not None or position == 0 or ordinal % 5 == 0
            services.product_create(
                cooperative=cooperative,
                data=_product_data(
                    template,
                    sku=sku,
                    category=category,
                    cooperative=cooperative,
                    spec=spec,
                    rng=rng,
                    image_id=image_id,
                    ocop=_ocop(
                        template,
                        cooperative,
                        spec,
                        signature=position == 0,
                        ordinal=ordinal,
                        state=state,
                        today=today,
                    )
                    if certified
                    else None,
                ),
                user=admin,
                publish=True,
            )
            result.add("products")
            if image_id:
                result.add("images")
    log(f"{result.created.get('products', 0)} products created")


def _descriptions(template: ProductTemplate, *, cooperative: CooperativePage, spec: CooperativeSpec):
    ward = cooperative.ward.name if cooperative.ward_id else cooperative.province.name
    return (
        f"<p>{template.about}</p><p>Sản phẩm của {spec.name}, {ward}, "
        f"{_province_label(cooperative.province)}.</p>",
        f"<p>{template.about_en}</p><p>Made by {anyascii(spec.name)}.</p>",
    )


def _product_data(
    template,
    *,
    sku,
    category,
    cooperative,
    spec,
    rng,
    image_id,
    ocop,
    name=None,
    price=None,
    descriptions=None,
):
    description, description_en = descriptions or _descriptions(template, cooperative=cooperative, spec=spec)
    return services.ProductData(
        sku=sku,
        name=name or template.name,
        name_en=template.name_en,
        category=category,
        unit=template.unit,
        price_vnd=price or _round_price(template.price_vnd * rng.uniform(0.92, 1.1)),
        description=description,
        description_en=description_en,
        min_order_qty=template.min_order_qty,
        stock=None if category.group.slug == "tourism" else rng.randint(0, 40) * 25,
        monthly_capacity=rng.randint(2, 80) * 50,
        months_in_season=list(template.months),
        origin_province=cooperative.province,
        shelf_life_days=template.shelf_life_days,
        packaging=template.unit,
        main_image_id=image_id,
        ocop=ocop,
    )


def _round_price(value: float) -> int:
    step = 1_000 if value < 1_000_000 else 50_000
    return max(step, round(value / step) * step)


def _ocop(template, cooperative, spec, *, signature, ordinal, state, today) -> services.OcopData:
    """A certificate whose age gives the wanted state: valid (default), expiring or expired."""
    stars = 5 if (signature and template.key in FIVE_STAR) else (4 if ordinal % 2 else 3)
    if state == "expired":
        age_days = 1_200 + ordinal % 200
    elif state == "expiring":
        age_days = 1_095 - (20 + ordinal % (OCOP_EXPIRING_DAYS - 30))
    else:
        age_days = 60 + (ordinal * 37) % 900  # well inside the 36 months
    issued_on = today - datetime.timedelta(days=age_days)
    number = 100 + (ordinal * 7919) % 3800
    if stars == 5:
        ministry_renamed = issued_on >= MINISTRY_RENAMED_ON
        return services.OcopData(
            stars=5,
            decision_number=f"{number}/QĐ-{'BNNMT' if ministry_renamed else 'BNN-VPĐP'}",
            issued_on=issued_on,
            issuing_authority="Bộ Nông nghiệp và Môi trường"
            if ministry_renamed
            else "Bộ Nông nghiệp và Phát triển nông thôn",
        )
    # Before the 2025 merger the certificate names the province of the day.
    if spec.former_province and issued_on < PROVINCES_MERGED_ON:
        authority = f"UBND tỉnh {spec.former_province}"
    else:
        authority = f"UBND {_province_label(cooperative.province)}"
    return services.OcopData(
        stars=stars,
        decision_number=f"{number}/QĐ-UBND",
        issued_on=issued_on,
        issuing_authority=authority,
    )


def _staff(*, users, cooperatives, alliances) -> None:
    """htx1@ in a Hà Nội cooperative, htx2@ in An Giang, lienminh@ in the Hà Nội alliance."""
    by_province = {b.page.province_id: b.page for b in cooperatives if b.index == 0}
    services.cooperative_add_staff(cooperative=by_province[HTX1_PROVINCE], user=users[HTX1.email])
    services.cooperative_add_staff(cooperative=by_province[HTX2_PROVINCE], user=users[HTX2.email])
    services.alliance_add_staff(alliance=alliances[HTX1_PROVINCE], user=users[LIENMINH.email])


def _review_examples(result, *, cooperatives, users, images: bool) -> None:
    """A draft and a listing waiting for the Hà Nội alliance, so the review flow has something to show."""
    cooperative = next(b.page for b in cooperatives if b.page.province_id == HTX1_PROVINCE and b.index == 0)
    existing = _existing_skus(cooperative)
    staff = users[HTX1.email]
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    for key, submit in (("mat-ong-rung", True), ("tra-duoc-lieu", False)):
        template = TEMPLATES[key]
        sku = f"{template.sku}-MOI"
        if sku in existing:
            continue
        category = categories[template.category]
        image_id = None
        if images:
            image_id = _template_image(template, category, cooperative)
            result.add("images")
        services.product_create(
            cooperative=cooperative,
            data=_product_data(
                template,
                sku=sku,
                category=category,
                cooperative=cooperative,
                spec=COOPERATIVES[HTX1_PROVINCE][0],
                rng=random.Random(sku),
                image_id=image_id,
                ocop=None,
            ),
            user=staff,
            submit=submit,
        )
        result.add("products")


# --- the scale catalogue -----------------------------------------------------------------------


def build_scale_catalogue(result: DemoResult, *, cooperatives, n: int, index: bool = True, log) -> None:
    """`n` products spread evenly over the demo cooperatives, variants of each one's own line.

    SKUs are `SC-<n>` with a global number, so each lands in the same cooperative on
    every run and a second run updates instead of adding. Without `index` the search
    index is left to the caller (bench_search rebuilds it, and times that).
    """
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    # Reuse the pictures of the curated products: a small pool, no new files.
    pictures = dict(
        ProductPage.objects.filter(main_image__isnull=False)
        .exclude(sku__startswith=SCALE_SKU_PREFIX)
        .order_by("pk")
        .values_list("sku", "main_image_id")
    )
    today = timezone.localdate()
    count = len(cooperatives)
    created = updated = 0
    started = time.monotonic()
    for position, built in enumerate(cooperatives):
        cooperative, spec = built.page, built.spec
        line = [TEMPLATES[key] for key in spec.products]
        descriptions = {t.key: _descriptions(t, cooperative=cooperative, spec=spec) for t in line}
        rng = random.Random(cooperative.tax_code)  # one stream per cooperative: same items, same values
        items = []
        for k, number in enumerate(range(position, n, count)):
            template = line[k % len(line)]
            category = categories[template.category]
            grades, packs = VARIANTS[category.group.slug]
            grade_vi, grade_en = grades[(k // len(line)) % len(grades)]
            pack_vi, pack_en, factor = packs[(k // (len(line) * len(grades))) % len(packs)]
            name = " ".join(part for part in (template.name, grade_vi, pack_vi) if part)
            ocop = None
            if number % 10 == 0:
                state = "expired" if number % 50 == 0 else None
                ocop = _ocop(
                    template, cooperative, spec, signature=False, ordinal=number, state=state, today=today
                )
            data = _product_data(
                template,
                sku=f"{SCALE_SKU_PREFIX}{number:07d}",
                name=name,
                price=_round_price(template.price_vnd * factor * rng.uniform(0.9, 1.12)),
                category=category,
                cooperative=cooperative,
                spec=spec,
                rng=rng,
                image_id=pictures.get(_sku(template, built)),
                ocop=ocop,
                descriptions=descriptions[template.key],
            )
            data.name_en = " ".join(part for part in (template.name_en, grade_en, pack_en) if part)
            items.append(data)
        if items:
            made, changed = services.products_bulk_upsert(
                cooperative=cooperative, items=items, publish=True, reindex=False
            )
            created, updated = created + made, updated + changed
        if (position + 1) % 10 == 0 or position + 1 == count:
            log(
                f"scale catalogue: {position + 1}/{count} cooperatives, {created} created, "
                f"{updated} updated ({time.monotonic() - started:.0f} s)"
            )
    result.add("scale products created", created)
    result.add("scale products updated", updated)
    if index and (created or updated):
        counts = search.rebuild()
        log(f"search index rebuilt: {counts['indexed']} listings ({time.monotonic() - started:.0f} s)")


def _template_image(template, category, cooperative) -> int:
    """A generated picture of a product template, in the cooperative's collection (its id)."""
    return demo_image(
        title=template.name,
        subtitle=template.name_en,
        group=category.group.slug,
        collection=cooperative.collection,
    ).pk
