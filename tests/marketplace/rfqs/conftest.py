"""Fixtures for the RFQ tests: cooperatives with a listed product each, indexed by the search service
(which runs after commit, so they are made inside `committed()`), and buyers."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import CooperativeCertification
from tests import factories


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queued for after commit (the search index, emails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def seller(
    *,
    product: str,
    province: str = "33",
    category: str = "food-rice",
    stars: int | None = 4,
    capacity: int | None = 3000,
    unit: str = "kg",
    price: int = 28_000,
    certifications=(),
    staff=(),
    verified: bool = True,
):
    """A cooperative of `province` selling one published product (`product` names both)."""
    cooperative = factories.cooperative(
        province=province, staff=list(staff), name=f"HTX {product}", verified=verified
    )
    factories.product(
        cooperative=cooperative,
        name=product,
        category=category,
        unit=unit,
        price_vnd=price,
        monthly_capacity=capacity,
        ocop=factories.ocop(stars=stars) if stars else None,
    )
    for scheme in certifications:
        # Certifications are page content edited in Wagtail; there is no service for them.
        CooperativeCertification.objects.create(
            page=cooperative,
            scheme=scheme,
            number=f"{scheme}-{cooperative.tax_code}",
            valid_from=timezone.localdate() - datetime.timedelta(days=400),
        )
    return cooperative


@pytest.fixture
def rice_staff(db):
    return factories.user(email="gao@example.org")


@pytest.fixture
def honey_staff(db):
    return factories.user(email="mat-ong@example.org")


@pytest.fixture
def market(committed, rice_staff, honey_staff):
    """A rice cooperative of Hưng Yên (4★, VietGAP) and a honey cooperative of Sơn La, both indexed."""
    with committed():
        rice = seller(product="Gạo ST25 Thái Bình", certifications=["vietgap"], staff=[rice_staff])
        honey = seller(
            product="Mật ong bạc hà", province="14", category="food-honey", unit="lít", staff=[honey_staff]
        )
    return rice, honey
