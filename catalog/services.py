"""Writes for the catalogue: alliances, cooperatives, products, stock, OCOP certificates.

Every write goes through here, for the admin hooks, the imports, the demo data
and the tests alike (docs/architecture.md: tests build data the way production does).
"""

import dataclasses
import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from anyascii import anyascii
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
)

from . import page_cache, search
from .models import (
    Alliance,
    CatalogueIndexPage,
    Category,
    CooperativePage,
    CooperativeTerms,
    OcopCertificate,
    ProductInventory,
    ProductPage,
    Province,
    Ward,
    WholesaleTier,
)
from .models.products import ocop_default_expiry
from .permissions import forget_staffing

COOPERATIVE_PAGE_PERMISSIONS = ("add", "change", "lock")
COOPERATIVE_IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def _admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


# --- alliances ---------------------------------------------------------------------------------


@transaction.atomic
def alliance_create(
    *,
    name: str,
    kind: str = Alliance.Kind.PROVINCIAL,
    provinces: Iterable[Province] = (),
    short_name: str = "",
    email: str = "",
    phone: str = "",
) -> Alliance:
    """Create an alliance with its own staff group, which may use the admin to review listings."""
    group = Group.objects.create(name=f"Liên minh: {name}"[:150])
    group.permissions.add(_admin_access())
    alliance = Alliance(
        name=name, kind=kind, short_name=short_name, email=email, phone=phone, staff_group=group
    )
    alliance.full_clean()
    alliance.save()
    alliance.provinces.set(list(provinces))
    # Alliances organise fairs: their staff may add fair pages (each fair's own organisers
    # then edit it; fairs.services.fair_grant_organiser_access).
    for fairs_index in apps.get_model("fairs", "FairIndexPage").objects.all():
        GroupPagePermission.objects.create(group=group, page=fairs_index, permission_type="add")
    return alliance


@transaction.atomic
def alliance_add_staff(*, alliance: Alliance, user) -> None:
    user.groups.add(alliance.staff_group)
    forget_staffing(user)


# --- cooperatives ------------------------------------------------------------------------------


@transaction.atomic
def cooperative_provision_access(*, cooperative: CooperativePage) -> CooperativePage:
    """Give the cooperative a staff group, an image collection and edit rights on its own subtree.

    Staff may add and edit the cooperative's pages but not publish them: what they
    submit goes to the alliance for review.
    """
    if cooperative.staff_group_id is None:
        group = Group.objects.create(name=f"HTX {cooperative.tax_code}")
        group.permissions.add(_admin_access())
        for permission_type in COOPERATIVE_PAGE_PERMISSIONS:
            GroupPagePermission.objects.create(group=group, page=cooperative, permission_type=permission_type)
        cooperative.staff_group = group
    if cooperative.collection_id is None:
        collection = Collection.get_first_root_node().add_child(
            name=f"{cooperative.title} ({cooperative.tax_code})"[:255]
        )
        image_type = ContentType.objects.get(app_label="wagtailimages", model="image")
        for codename in COOPERATIVE_IMAGE_PERMISSIONS:
            GroupCollectionPermission.objects.create(
                group=cooperative.staff_group,
                collection=collection,
                permission=Permission.objects.get(content_type=image_type, codename=codename),
            )
        cooperative.collection = collection
    CooperativePage.objects.filter(pk=cooperative.pk).update(
        staff_group=cooperative.staff_group, collection=cooperative.collection
    )
    return cooperative


@transaction.atomic
def cooperative_add_staff(*, cooperative: CooperativePage, user) -> None:
    if cooperative.staff_group_id is None:
        cooperative_provision_access(cooperative=cooperative)
    user.groups.add(cooperative.staff_group)
    forget_staffing(user)


def _catalogue() -> CatalogueIndexPage:
    return CatalogueIndexPage.objects.get()


@dataclass
class CooperativeData:
    tax_code: str
    name: str
    kind: str
    province: Province
    ward: Ward | None = None
    address: str = ""
    sector: str = ""
    members: int | None = None
    founded_year: int | None = None
    phone: str = ""
    email: str = ""
    story: str = ""


@transaction.atomic
def cooperative_upsert(
    *, data: CooperativeData, publish: bool = True, verified: bool = True, user=None
) -> tuple[CooperativePage, bool]:
    """Create or update a cooperative keyed on its tax code; returns (cooperative, created)."""
    cooperative = CooperativePage.objects.filter(tax_code=data.tax_code).first()
    created = cooperative is None
    fields = {
        "title": data.name,
        "kind": data.kind,
        "province": data.province,
        "ward": data.ward,
        "address": data.address,
        "sector": data.sector,
        "members": data.members,
        "founded_year": data.founded_year,
        "phone": data.phone,
        "email": data.email,
    }
    if data.story:
        fields["story"] = data.story
    if created:
        cooperative = CooperativePage(
            tax_code=data.tax_code,
            slug=_unique_slug(data.name, suffix=data.tax_code),
            live=publish,
            owner=user,
            **fields,
        )
    else:
        for name, value in fields.items():
            setattr(cooperative, name, value)
    if verified:
        cooperative.verification = CooperativePage.Verification.VERIFIED
    cooperative.draft_title = cooperative.title
    if created:
        _catalogue().add_child(instance=cooperative)
    revision = cooperative.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
        cooperative.refresh_from_db()
    cooperative_provision_access(cooperative=cooperative)
    return cooperative, created


def _unique_slug(name: str, *, suffix: str) -> str:
    base = slugify(anyascii(name))[:60].strip("-") or "htx"
    return f"{base}-{slugify(suffix)}"


# --- products ----------------------------------------------------------------------------------


@dataclass
class OcopData:
    stars: int
    decision_number: str
    issued_on: datetime.date
    issuing_authority: str
    expires_on: datetime.date | None = None


@dataclass
class ProductData:
    sku: str
    name: str
    category: Category
    unit: str
    price_vnd: int
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    min_order_qty: int = 1
    stock: int | None = None
    monthly_capacity: int | None = None
    months_in_season: list[int] = field(default_factory=list)
    origin_province: Province | None = None
    shelf_life_days: int | None = None
    packaging: str = ""
    main_image_id: int | None = None
    ocop: OcopData | None = None
    # None keeps what the listing has (an import without these columns changes neither).
    vat_rate: str | None = None
    wholesale_tiers: Sequence[tuple[int, int]] | None = None  # (from quantity, unit price)


def _product_fields(data: ProductData) -> dict:
    optional = {"vat_rate": data.vat_rate} if data.vat_rate is not None else {}
    return optional | {
        "title": data.name,
        "draft_title": data.name,
        "name_en": data.name_en,
        "category": data.category,
        "unit": data.unit,
        "price_vnd": data.price_vnd,
        "description": data.description,
        "description_en": data.description_en,
        "min_order_qty": data.min_order_qty,
        "months_in_season": data.months_in_season,
        "origin_province": data.origin_province,
        "shelf_life_days": data.shelf_life_days,
        "packaging": data.packaging,
        "main_image_id": data.main_image_id,
    }


@transaction.atomic
def product_create(
    *, cooperative: CooperativePage, data: ProductData, user=None, publish: bool = False, submit: bool = False
) -> ProductPage:
    """Create one product under its cooperative.

    `publish` publishes it at once (operators and tests); `submit` sends it to the
    alliance for review, as the admin does when cooperative staff press Submit.
    """
    product = ProductPage(
        sku=data.sku,
        slug=_unique_slug(data.name, suffix=data.sku),
        cooperative=cooperative,
        live=False,
        owner=user,
        **_product_fields(data),
    )
    _set_tiers(product, data)
    cooperative.add_child(instance=product)
    _save_product_extras(product=product, data=data)
    revision = product.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
        product.refresh_from_db()
    elif submit:
        product_submit_for_review(product=product, user=user)
    return product


@transaction.atomic
def product_update(
    *, product: ProductPage, data: ProductData, user=None, publish: bool = False, submit: bool = False
):
    for name, value in _product_fields(data).items():
        setattr(product, name, value)
    _set_tiers(product, data)
    product.full_clean()
    _save_product_extras(product=product, data=data)
    revision = product.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
        product.refresh_from_db()
    elif submit:
        product_submit_for_review(product=product, user=user)
    return product


def _set_tiers(product: ProductPage, data: ProductData) -> None:
    if data.wholesale_tiers is not None:
        product.wholesale_tiers = [
            WholesaleTier(min_quantity=quantity, unit_price_vnd=price)
            for quantity, price in data.wholesale_tiers
        ]


def _save_product_extras(*, product: ProductPage, data: ProductData) -> None:
    ProductInventory.objects.update_or_create(
        product=product, defaults={"stock": data.stock, "monthly_capacity": data.monthly_capacity}
    )
    if data.ocop is not None:
        ocop_certificate_record(product=product, data=data.ocop)


@transaction.atomic
def product_submit_for_review(*, product: ProductPage, user=None) -> None:
    """Start the review workflow that routes the listing to its province's alliance."""
    workflow = product.get_workflow()
    if workflow is None or product.workflow_in_progress:
        return
    if product.latest_revision_id is None:
        product.save_revision(user=user)
    workflow.start(product, user)


@transaction.atomic
def product_set_stock(
    *, product: ProductPage, stock: int | None, monthly_capacity: int | None = None
) -> ProductInventory:
    """Stock is a plain row, not a page revision: no review, effective at once."""
    for label, value in (("stock", stock), ("monthly capacity", monthly_capacity)):
        if value is not None and value < 0:
            raise ValueError(f"The {label} cannot be negative.")
    inventory, _ = ProductInventory.objects.update_or_create(
        product=product, defaults={"stock": stock, "monthly_capacity": monthly_capacity}
    )
    return inventory


@transaction.atomic
def product_archive(*, product: ProductPage, user=None) -> ProductPage:
    """Take a listing off sale for good: unpublish it and mark it archived."""
    if product.live:
        product.unpublish(user=user, log_action=True)
    ProductPage.objects.filter(pk=product.pk).update(archived_at=timezone.now())
    product.refresh_from_db()
    return product


@transaction.atomic
def ocop_certificate_record(*, product: ProductPage, data: OcopData) -> OcopCertificate:
    """Record (or correct) an OCOP decision for a product, keyed on its decision number."""
    certificate = OcopCertificate.objects.filter(
        product=product, decision_number=data.decision_number
    ).first()
    certificate = certificate or OcopCertificate(product=product, decision_number=data.decision_number)
    certificate.stars = data.stars
    certificate.issued_on = data.issued_on
    certificate.issuing_authority = data.issuing_authority
    certificate.expires_on = data.expires_on or ocop_default_expiry(data.issued_on)
    certificate.full_clean()
    certificate.save()
    return certificate


# --- bulk: imports and the scale catalogue ------------------------------------------------------


def _children_next_step(parent: Page) -> int:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return (Page._str2int(last[-Page.steplen :]) + 1) if last else 1


# Values of these types go to the database as they are; anything else (dates, UUIDs, JSON)
# is prepared by its field. Preparing every value through its field was most of the time
# of a 100,000-listing import.
_PLAIN_TYPES = frozenset({str, int, bool, float, type(None)})


def _db_row(fields: Sequence, values: dict) -> list:
    return [
        value
        if type(value) in _PLAIN_TYPES and not isinstance(f, models.JSONField)
        else f.get_db_prep_save(value, connection)
        for f in fields
        for value in (values[f.attname],)
    ]


def _insert_rows(model, fields: Sequence, rows: Iterable[dict]) -> None:
    """INSERT raw rows into `model`'s own table (bulk_create refuses multi-table inheritance)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names come from model metadata
    with connection.cursor() as cursor:
        cursor.executemany(sql, [_db_row(fields, row) for row in rows])


def _update_rows(model, fields: Sequence, rows: Iterable[dict]) -> None:
    """UPDATE `fields` of `model`'s own table, one prepared statement for every row (keyed on "pk")."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608 - names come from model metadata
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*_db_row(fields, row), row["pk"]] for row in rows])


def _column_values(data: ProductData) -> dict:
    """`_product_fields` keyed on column attribute names, with related objects as their ids."""
    values = {}
    for name, value in _product_fields(data).items():
        attname = ProductPage._meta.get_field(name.removesuffix("_id")).attname
        values[attname] = value.pk if isinstance(value, models.Model) else value
    return values


# Page-table columns among the product's own values, and the publishing state.
_PAGE_COLUMNS = ("title", "draft_title")
_PUBLISHING_COLUMNS = ("live", "has_unpublished_changes", "first_published_at", "last_published_at")


@transaction.atomic
def products_bulk_upsert(
    *,
    cooperative: CooperativePage,
    items: Sequence[ProductData],
    publish: bool,
    user=None,
    reindex: bool = True,
) -> tuple[int, int]:
    """Create or update many products of one cooperative in a few statements.

    Products are keyed on (cooperative, SKU). New pages are written straight into
    the tree with computed paths, as raw rows of the page and product tables, and
    changed ones with one prepared UPDATE per table: that is what makes a
    100,000-row import or the scale catalogue take minutes instead of hours.
    Listings written here get no revision; the first edit in the admin makes one.
    They are reindexed for search after commit unless `reindex` is false (a caller
    writing a whole catalogue rebuilds the index once instead). Returns (created, updated).
    """
    if not items:
        return 0, 0
    values_by_sku = {data.sku: _column_values(data) for data in items}
    product_columns = list(next(iter(values_by_sku.values())))
    existing = {
        row["sku"]: row
        for row in ProductPage.objects.filter(cooperative=cooperative, sku__in=list(values_by_sku)).values(
            "pk", "sku", *_PUBLISHING_COLUMNS, *product_columns
        )
    }
    now = timezone.now()
    to_create = [data for data in items if data.sku not in existing]
    changed = []
    for sku, row in existing.items():
        new = values_by_sku[sku]
        is_changed = any(row[name] != value for name, value in new.items())
        if publish and (not row["live"] or row["has_unpublished_changes"]):
            new = {
                **new,
                "live": True,
                "has_unpublished_changes": False,
                "first_published_at": row["first_published_at"] or now,
                "last_published_at": now,
            }
            is_changed = True
        if is_changed:
            changed.append({**row, **new})
    if to_create:
        _create_product_rows(
            cooperative=cooperative,
            items=to_create,
            values_by_sku=values_by_sku,
            publish=publish,
            now=now,
            user=user,
        )
    if changed:
        page_fields = [Page._meta.get_field(name) for name in (*_PAGE_COLUMNS, *_PUBLISHING_COLUMNS)]
        own_fields = [f for f in ProductPage._meta.local_concrete_fields if f.attname in product_columns]
        _update_rows(Page, page_fields, changed)
        _update_rows(ProductPage, own_fields, changed)

    # Stock and certificates are not page fields: they are written for every row, changed or not.
    ids = {sku: row["pk"] for sku, row in existing.items()}
    ids.update(
        ProductPage.objects.filter(cooperative=cooperative, sku__in=[d.sku for d in to_create]).values_list(
            "sku", "pk"
        )
    )
    touched = [(ids[data.sku], data) for data in items if data.sku in ids]
    _replace_inventory_and_certificates(touched)
    if reindex:
        search.queue_products([pk for pk, _data in touched])
    # Rows written straight into the tables send no publish or save signals.
    page_cache.invalidate()
    return len(to_create), len(changed)


def _create_product_rows(*, cooperative, items, values_by_sku, publish: bool, now, user) -> None:
    page_fields = [f for f in Page._meta.concrete_fields if f.attname != "id"]
    page_defaults = {f.attname: f.get_default() for f in page_fields}
    page_defaults.update(
        content_type_id=ContentType.objects.get_for_model(ProductPage).pk,
        locale_id=cooperative.locale_id or Locale.get_default().pk,
        owner_id=user.pk if user else None,
        live=publish,
        has_unpublished_changes=not publish,
        first_published_at=now if publish else None,
        last_published_at=now if publish else None,
        depth=cooperative.depth + 1,
        numchild=0,
    )
    step = _children_next_step(cooperative)
    page_rows = []
    for offset, data in enumerate(items):
        slug = _unique_slug(data.name, suffix=data.sku)
        page_rows.append(
            {
                **page_defaults,
                "title": data.name,
                "draft_title": data.name,
                "slug": slug,
                "url_path": f"{cooperative.url_path}{slug}/",
                "path": Page._get_path(cooperative.path, cooperative.depth + 1, step + offset),
                "translation_key": uuid.uuid4(),
            }
        )
    _insert_rows(Page, page_fields, page_rows)
    page_ids = dict(
        Page.objects.filter(
            path__startswith=cooperative.path, depth=cooperative.depth + 1, path__gte=page_rows[0]["path"]
        ).values_list("path", "id")
    )
    product_fields = list(ProductPage._meta.local_concrete_fields)
    product_defaults = {f.attname: f.get_default() for f in product_fields}
    _insert_rows(
        ProductPage,
        product_fields,
        (
            {
                **product_defaults,
                **values_by_sku[data.sku],
                "page_ptr_id": page_ids[page["path"]],
                "sku": data.sku,
                "cooperative_id": cooperative.pk,
            }
            for data, page in zip(items, page_rows, strict=True)
        ),
    )
    Page.objects.filter(pk=cooperative.pk).update(
        numchild=Page.objects.filter(path__startswith=cooperative.path, depth=cooperative.depth + 1).count()
    )


def _replace_inventory_and_certificates(touched: Sequence[tuple[int, ProductData]]) -> None:
    ProductInventory.objects.filter(product_id__in=[pk for pk, _ in touched]).delete()
    ProductInventory.objects.bulk_create(
        [
            ProductInventory(product_id=pk, stock=data.stock, monthly_capacity=data.monthly_capacity)
            for pk, data in touched
        ],
        batch_size=1000,
    )
    with_ocop = [(pk, data.ocop) for pk, data in touched if data.ocop is not None]
    if not with_ocop:
        return
    OcopCertificate.objects.filter(
        product_id__in=[pk for pk, _ in with_ocop],
        decision_number__in=[o.decision_number for _, o in with_ocop],
    ).delete()
    OcopCertificate.objects.bulk_create(
        [
            OcopCertificate(
                product_id=pk,
                stars=o.stars,
                decision_number=o.decision_number,
                issued_on=o.issued_on,
                issuing_authority=o.issuing_authority,
                expires_on=o.expires_on or ocop_default_expiry(o.issued_on),
            )
            for pk, o in with_ocop
        ],
        batch_size=1000,
    )


# --- imports ---


def product_data_differs(*, product: ProductPage, data: ProductData) -> bool:
    """True if writing `data` would change a page field of `product` (imports skip unchanged rows)."""
    for name, value in _product_fields(data).items():
        model_field = product._meta.get_field(name.removesuffix("_id"))
        if model_field.is_relation and not name.endswith("_id"):
            value = value.pk if value is not None else None
        if getattr(product, model_field.attname) != value:
            return True
    return False


@transaction.atomic
def product_send_to_review(*, product: ProductPage, user=None) -> None:
    """Submit a listing for review, or resubmit one the alliance sent back for changes.

    A listing waiting for changes still has an active workflow state, and Wagtail
    allows only one per page, so it is resumed (as the editor's Resubmit does)
    rather than started again.
    """
    state = product.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return
    product_submit_for_review(product=product, user=user)


@dataclass(frozen=True)
class TermsData:
    """A cooperative's terms of sale (CooperativeTerms); amounts in whole đồng."""

    bank_bin: str = ""
    bank_account: str = ""
    bank_account_name: str = ""
    shipping: str = CooperativeTerms.Shipping.PICKUP
    shipping_fee_vnd: int = 0
    free_shipping_from_vnd: int | None = None
    cash_on_delivery: bool = True


def cooperative_terms_of(cooperative: CooperativePage) -> TermsData:
    """The cooperative's current terms as data (the defaults when none are saved)."""
    terms = CooperativeTerms.objects.filter(cooperative=cooperative).first()
    if terms is None:
        return TermsData()
    return TermsData(**{name: getattr(terms, name) for name in TermsData.__dataclass_fields__})


@transaction.atomic
def cooperative_terms_set(*, cooperative: CooperativePage, data: TermsData) -> CooperativeTerms:
    """Save the cooperative's bank account, shipping and cash-on-delivery settings (no review needed)."""
    fields = dataclasses.asdict(data)
    fields["bank_account"] = fields["bank_account"].replace(" ", "")
    fields["bank_account_name"] = " ".join(fields["bank_account_name"].split()).upper()
    terms = CooperativeTerms.objects.filter(cooperative=cooperative).first() or CooperativeTerms(
        cooperative=cooperative
    )
    for name, value in fields.items():
        setattr(terms, name, value)
    terms.full_clean()
    terms.save()
    return terms
