"""Small helpers for the buyer pages' tests."""

from django.urls import reverse
from django.utils import translation

from catalog.models import Ward


def shipping_post(*, method: str = "vietqr", province: str = "01", **fields) -> dict:
    """What the checkout form posts for a valid Hà Nội address."""
    wards = Ward.objects.order_by("code")
    ward = (province.isalnum() and wards.filter(province_id=province).first()) or wards.filter(
        province_id="01"
    ).first()
    return {
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "province": province,
        "ward": ward.code,
        "address": "12 Hàng Bạc",
        "note": "",
        "payment_method": method,
    } | fields


def url(name: str, *args, language: str = "vi") -> str:
    with translation.override("vi"):
        path = reverse(f"marketplace:{name}", args=args)
    return path if language == "vi" else f"/{language}{path}"


def identities(user) -> list[str]:
    """What would name a buyer on a page: email, names and organisation."""
    return [
        v for v in (user.email, user.get_full_name(), user.first_name, user.last_name, user.organisation) if v
    ]
