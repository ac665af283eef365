"""Shapes of the catalogue's read API (/api/v1/): what goes out, and the error bodies."""

import datetime

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class ProvinceOut(Schema):
    code: str
    name: str


class WardOut(Schema):
    code: str
    name: str


class CooperativeOut(Schema):
    tax_code: str
    name: str
    kind: str
    province: ProvinceOut
    url: str


class CooperativeListOut(Schema):
    total: int
    items: list[CooperativeOut]


class CooperativeBriefOut(Schema):
    tax_code: str
    name: str
    province: ProvinceOut


class OcopCertificateOut(Schema):
    certificate_no: str
    stars: int
    issued_on: datetime.date
    expires_on: datetime.date
    status: str


class ProductOut(Schema):
    sku: str
    name: str
    name_en: str
    category: str
    unit: str
    price_vnd: int
    min_order_qty: int
    stock: int | None
    status: str
    url: str
    cooperative: CooperativeBriefOut
    ocop_stars: int | None
    ocop_certificate: OcopCertificateOut | None


class SkuConflictOut(Schema):
    detail: str
    cooperatives: list[CooperativeBriefOut]
