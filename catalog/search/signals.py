"""Framework plumbing: tell the search index which listings and cooperatives changed
(registered in CatalogConfig.ready).

Only which products and cooperatives to reindex is decided here; what a listing's document
holds is decided by catalog.search.documents, and a cooperative's entry by
catalog.search.cooperatives, when the queued task runs.
"""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.models import (
    Category,
    CooperativePage,
    OcopCertificate,
    ProductInventory,
    ProductPage,
    SearchEntry,
)

from . import cooperatives, queue_entries, queue_products


def _products_under(page) -> list[int]:
    return list(ProductPage.objects.filter(path__startswith=page.path).values_list("pk", flat=True))


def page_changed(sender, instance, **kwargs):
    """A product or cooperative was published, unpublished or moved."""
    page = instance.specific_deferred if type(instance) not in (ProductPage, CooperativePage) else instance
    if isinstance(page, ProductPage):
        queue_products([page.pk])
    elif isinstance(page, CooperativePage):
        queue_products(_products_under(page))
        queue_entries(cooperatives.KIND, [page.pk])


def cooperative_changed(sender, instance, **kwargs):
    """A cooperative was saved (renamed, verified, moved to another province) or deleted: its
    entry follows; its products follow their own signals or its publishing."""
    queue_entries(cooperatives.KIND, [instance.pk])


def product_deleted(sender, instance, **kwargs):
    queue_products([instance.pk])


def product_data_changed(sender, instance, **kwargs):
    """Stock or an OCOP certificate changed: neither goes through a page revision."""
    queue_products([instance.product_id])


def category_changed(sender, instance, **kwargs):
    """A renamed category (or group) changes the label and the words of its listings and entries."""
    products = ProductPage.objects.filter(Q(category=instance) | Q(category__parent=instance))
    queue_products(products.values_list("pk", flat=True))
    # Entries (requests for quotation) hold their category's names among their words too.
    filed = SearchEntry.objects.filter(Q(category=instance.slug) | Q(category_group=instance.slug))
    keys: dict[str, list[int]] = {}
    for kind, key in filed.values_list("kind", "key"):
        keys.setdefault(kind, []).append(key)
    for kind, kind_keys in keys.items():
        queue_entries(kind, kind_keys)


def connect() -> None:
    for name, signal in (("published", page_published), ("unpublished", page_unpublished)):
        for model in (ProductPage, CooperativePage):
            signal.connect(page_changed, sender=model, dispatch_uid=f"search-{name}-{model.__name__}")
    post_page_move.connect(page_changed, dispatch_uid="search-page-moved")
    post_delete.connect(product_deleted, sender=ProductPage, dispatch_uid="search-product-deleted")
    post_save.connect(cooperative_changed, sender=CooperativePage, dispatch_uid="search-cooperative-saved")
    post_delete.connect(
        cooperative_changed, sender=CooperativePage, dispatch_uid="search-cooperative-deleted"
    )
    # Saves only: these rows are deleted with their product (handled above), by bulk imports (which
    # queue their products themselves) or from the page editor (whose publish is handled above);
    # a delete receiver would also cost bulk deletes their fast path.
    for model in (ProductInventory, OcopCertificate):
        post_save.connect(product_data_changed, sender=model, dispatch_uid=f"search-{model.__name__}-saved")
    post_save.connect(category_changed, sender=Category, dispatch_uid="search-category-saved")
