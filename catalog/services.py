"""Writes for the catalogue: alliances, cooperatives, products, stock, OCOP certificates.

Every write goes through here, for the admin hooks, the imports, the demo data
and the tests alike (STYLE.md: tests build data the way production does).
"""

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from anyascii import anyascii
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
)

from .models import (
    Alliance,
    CatalogueIndexPage,
    Category,
    CooperativePage,
    OcopCertificate,
    ProductInventory,
    ProductPage,
    Province,
    Ward,
)
from .models.products import ocop_default_expiry

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
    return alliance


@transaction.atomic
def alliance_add_staff(*, alliance: Alliance, user) -> None:
    user.groups.add(alliance.staff_group)


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


def _product_fields(data: ProductData) -> dict:
    return {
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
    product.full_clean()
    _save_product_extras(product=product, data=data)
    revision = product.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
        product.refresh_from_db()
    elif submit:
        product_submit_for_review(product=product, user=user)
    return product


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


def _insert_specific_rows(model, objects: Sequence) -> None:
    """INSERT the subclass table rows of multi-table-inherited pages (bulk_create refuses MTI)."""
    fields = list(model._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names come from model metadata
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def products_bulk_upsert(
    *, cooperative: CooperativePage, items: Sequence[ProductData], publish: bool, user=None
) -> tuple[int, int]:
    """Create or update many products of one cooperative in a few statements.

    Products are keyed on (cooperative, SKU). New pages are written straight into
    the tree with computed paths, which is what makes a 100,000-row import or the
    scale catalogue take minutes instead of hours. Returns (created, updated).
    """
    existing = {p.sku: p for p in ProductPage.objects.filter(cooperative=cooperative)}
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(ProductPage)
    locale_id = cooperative.locale_id or Locale.get_default().pk
    to_update, to_create = [], []
    for data in items:
        product = existing.get(data.sku)
        if product is None:
            product = ProductPage(
                sku=data.sku,
                slug=_unique_slug(data.name, suffix=data.sku),
                cooperative=cooperative,
                content_type=content_type,
                locale_id=locale_id,
                translation_key=uuid.uuid4(),
                owner=user,
                live=publish,
                has_unpublished_changes=not publish,
                first_published_at=now if publish else None,
                last_published_at=now if publish else None,
                **_product_fields(data),
            )
            to_create.append((product, data))
        else:
            changed = _apply_fields(product, _product_fields(data))
            if publish and not product.live:
                product.live, product.has_unpublished_changes = True, False
                product.first_published_at = product.first_published_at or now
                product.last_published_at = now
                changed = True
            to_update.append((product, data, changed))

    if to_create:
        step = _children_next_step(cooperative)
        for offset, (product, _data) in enumerate(to_create):
            product.depth = cooperative.depth + 1
            product.path = Page._get_path(cooperative.path, product.depth, step + offset)
            product.url_path = f"{cooperative.url_path}{product.slug}/"
            product.numchild = 0
        base_pages = Page.objects.bulk_create(
            [
                Page(
                    **{
                        f.attname: getattr(p, f.attname)
                        for f in Page._meta.concrete_fields
                        if f.attname != "id"
                    }
                )
                for p, _ in to_create
            ],
            batch_size=500,
        )
        for (product, _data), base in zip(to_create, base_pages, strict=True):
            product.pk = product.id = product.page_ptr_id = base.pk
        _insert_specific_rows(ProductPage, [p for p, _ in to_create])
        Page.objects.filter(pk=cooperative.pk).update(
            numchild=Page.objects.filter(
                path__startswith=cooperative.path, depth=cooperative.depth + 1
            ).count()
        )
    changed = [p for p, _d, is_changed in to_update if is_changed]
    if changed:
        ProductPage.objects.bulk_update(
            changed,
            [name.removesuffix("_id") for name in _product_fields(items[0])]
            + ["live", "has_unpublished_changes", "first_published_at", "last_published_at"],
            batch_size=100,
        )

    touched = to_create + [(p, d) for p, d, _changed in to_update]
    ProductInventory.objects.filter(product_id__in=[p.pk for p, _ in touched]).delete()
    ProductInventory.objects.bulk_create(
        [
            ProductInventory(product_id=p.pk, stock=d.stock, monthly_capacity=d.monthly_capacity)
            for p, d in touched
        ],
        batch_size=1000,
    )
    with_ocop = [(p, d.ocop) for p, d in touched if d.ocop is not None]
    if with_ocop:
        OcopCertificate.objects.filter(
            product_id__in=[p.pk for p, _ in with_ocop],
            decision_number__in=[o.decision_number for _, o in with_ocop],
        ).delete()
        OcopCertificate.objects.bulk_create(
            [
                OcopCertificate(
                    product_id=p.pk,
                    stars=o.stars,
                    decision_number=o.decision_number,
                    issued_on=o.issued_on,
                    issuing_authority=o.issuing_authority,
                    expires_on=o.expires_on or ocop_default_expiry(o.issued_on),
                )
                for p, o in with_ocop
            ],
            batch_size=1000,
        )
    return len(to_create), len(changed)


def _apply_fields(obj, values: dict) -> bool:
    """Set attributes on `obj`, comparing foreign keys by id; True if any value differed."""
    changed = False
    for name, value in values.items():
        model_field = obj._meta.get_field(name.removesuffix("_id"))
        attname = model_field.attname
        if model_field.is_relation and not name.endswith("_id"):
            value = value.pk if value is not None else None
        if getattr(obj, attname) != value:
            setattr(obj, attname, value)
            changed = True
    return changed


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
