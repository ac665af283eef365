"""Test data built through the same services production uses."""

import datetime
import functools
import itertools
import threading

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts.services import email_mark_verified
from catalog import services
from catalog.models import Category
from catalog.places import resolve_province

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "correct-horse-battery-staple"
_building = threading.local()


def pages(factory):
    """Build pages without updating Wagtail's admin search and reference ("usage") indexes.

    Every page save updates both, about a third of a page's cost here, and test data never
    needs them: the site's own search index (catalog/search) is still updated. Nested
    factories (a product making its cooperative) enter once."""

    @functools.wraps(factory)
    def build(*args, **kwargs):
        if getattr(_building, "pages", False):
            return factory(*args, **kwargs)
        models = get_indexed_models()
        for model in models:
            post_save.disconnect(post_save_signal_handler, sender=model)
        _building.pages = True
        try:
            with disable_reference_index_auto_update():
                return factory(*args, **kwargs)
        finally:
            _building.pages = False
            for model in models:
                post_save.connect(post_save_signal_handler, sender=model)

    return build


def user(*, email: str | None = None, password: str = DEFAULT_PASSWORD, verified: bool = True, **extra):
    """A user who has confirmed their email address, unless verified=False (a buyer fresh from sign-up)."""
    n = next(_sequence)
    created = get_user_model().objects.create_user(
        email=email or f"user{n}@example.org", password=password, **extra
    )
    if verified:
        email_mark_verified(user=created)
    return created


def superuser(*, email: str = "admin@example.org", password: str = DEFAULT_PASSWORD):
    created = get_user_model().objects.create_superuser(email=email, password=password)
    email_mark_verified(user=created)
    return created


def alliance(*, name: str | None = None, provinces=("01",), kind: str = "provincial", staff=()):
    n = next(_sequence)
    created = services.alliance_create(
        name=name or f"Liên minh HTX {n}", kind=kind, provinces=[resolve_province(p) for p in provinces]
    )
    for member in staff:
        services.alliance_add_staff(alliance=created, user=member)
    return created


def tax_code() -> str:
    return f"{0o100000000 + next(_sequence):010d}"


@pages
def cooperative(*, name: str | None = None, province: str = "01", staff=(), verified: bool = True, **extra):
    n = next(_sequence)
    data = services.CooperativeData(
        tax_code=extra.pop("tax_code", None) or tax_code(),
        name=name or f"HTX Thử nghiệm {n}",
        kind=extra.pop("kind", "htx"),
        province=resolve_province(province),
        **extra,
    )
    created, _ = services.cooperative_upsert(data=data, verified=verified)
    for member in staff:
        services.cooperative_add_staff(cooperative=created, user=member)
    return created


def ocop(
    *, stars: int = 4, issued_on: datetime.date | None = None, expires_on=None, number: str | None = None
):
    return services.OcopData(
        stars=stars,
        decision_number=number or f"{next(_sequence)}/QĐ-UBND",
        issued_on=issued_on or datetime.date.today() - datetime.timedelta(days=30),
        issuing_authority="UBND tỉnh",
        expires_on=expires_on,
    )


def product_data(*, sku: str | None = None, name: str | None = None, category: str = "food", **extra):
    n = next(_sequence)
    return services.ProductData(
        sku=sku or f"SKU-{n}",
        name=name or f"Sản phẩm thử {n}",
        category=Category.objects.get(slug=category),
        unit=extra.pop("unit", "kg"),
        price_vnd=extra.pop("price_vnd", 125_000),
        **extra,
    )


@pages
def product(*, cooperative=None, publish: bool = True, submit: bool = False, user=None, **data):
    cooperative = cooperative or globals()["cooperative"]()
    return services.product_create(
        cooperative=cooperative, data=product_data(**data), publish=publish, submit=submit, user=user
    )
