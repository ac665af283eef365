"""Catalogue models: places, alliances, categories, cooperatives, products, OCOP certificates."""

from .alliances import Alliance
from .moderation import AllianceReviewTask
from .pages import (
    CatalogueIndexPage,
    CooperativeCertification,
    CooperativeGalleryImage,
    CooperativePage,
    ProductGalleryImage,
    ProductPage,
    WholesaleTier,
)
from .places import FormerProvince, Province, Ward
from .products import Category, OcopCertificate, ProductInventory
from .search import SearchDocument, SearchEntry, SearchSynonym, SearchTerm
from .trading import CooperativeTerms

__all__ = [
    "Alliance",
    "AllianceReviewTask",
    "CatalogueIndexPage",
    "Category",
    "CooperativeCertification",
    "CooperativeGalleryImage",
    "CooperativePage",
    "CooperativeTerms",
    "FormerProvince",
    "OcopCertificate",
    "ProductGalleryImage",
    "ProductInventory",
    "ProductPage",
    "Province",
    "SearchDocument",
    "SearchEntry",
    "SearchSynonym",
    "SearchTerm",
    "Ward",
    "WholesaleTier",
]
