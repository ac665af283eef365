"""Framework plumbing: retire the cached pages when Wagtail publishes, unpublishes or moves a page
(deleting a live page unpublishes it first), when a row that public pages show outside page
revisions is saved: stock, OCOP certificates, categories, when a site is saved or deleted (which
host serves which tree), and when a page's view restriction is saved or deleted or its groups change
(a page cached or a route remembered before must not outlive it). Registered in CatalogConfig.ready.

Writes that bypass these signals (conditional stock updates at checkout, bulk imports, the OCOP
expiry run, fair registrations) call `page_cache.invalidate()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.models import Category, OcopCertificate, ProductInventory

from . import invalidate


def pages_changed(sender, **kwargs) -> None:
    invalidate()


def connect() -> None:
    for name, signal in (("published", page_published), ("unpublished", page_unpublished)):
        signal.connect(pages_changed, dispatch_uid=f"page-cache-{name}")
    post_page_move.connect(pages_changed, dispatch_uid="page-cache-moved")
    # Saves only, as for the search index (catalog/search/signals.py): a delete receiver would cost
    # bulk deletes their fast path, and the bulk writers invalidate themselves.
    for model in (ProductInventory, OcopCertificate, Category):
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-saved")
    # Sites, view restrictions and categories are few and rarely change: both signals, for what each
    # process remembers (the site, the route to a page and its restrictions, the categories).
    post_delete.connect(pages_changed, sender=Category, dispatch_uid="page-cache-Category-deleted")
    for model in (Site, PageViewRestriction):
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-saved")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-deleted")
    m2m_changed.connect(
        pages_changed, sender=PageViewRestriction.groups.through, dispatch_uid="page-cache-restriction-groups"
    )
