"""Requests for quotation in the catalogue's search service: the "rfq" source of entries.

The board (/cung-cau/) and GET /api/v1/rfqs find RFQs by text through the search service,
so both engines serve them (docs/search.md). An RFQ has an entry while the board shows it:
public and open (marketplace.selectors.rfqs.open_rfqs). Invited-only RFQs and demands posted
at fairs never have one. The entry holds the title (weighted as a listing's name), the details
and the category's names, and what the board filters on: category and group, delivery
province, quantity, and the deadline, past which search stops finding it without a reindex.

When an RFQ may have changed, `queue` asks for its entry to be rebuilt after commit: saves and
deletes through the model signals connected here, and the conditional updates that close one
(cancelled, awarded, expired) from their services.
"""

from collections.abc import Iterable, Iterator

from django.db.models.signals import post_delete, post_save

from catalog import search
from catalog.models import SearchEntry
from marketplace.models import BuyerDemand
from marketplace.selectors.rfqs import RFQ_KIND as KIND
from marketplace.selectors.rfqs import open_rfqs


def _findable():
    return open_rfqs().filter(visibility=BuyerDemand.Visibility.PUBLIC)


def findable_ids() -> list[int]:
    """Every RFQ the board shows now."""
    return list(_findable().order_by("pk").values_list("pk", flat=True))


def entries_for(rfq_ids: list[int]) -> Iterator[SearchEntry]:
    """The entries of those of `rfq_ids` the board shows; the others are skipped (and so dropped)."""
    rfqs = (
        _findable().filter(pk__in=rfq_ids).select_related("category", "category__parent", "delivery_province")
    )
    for rfq in rfqs.order_by("pk"):
        yield search.entry(
            kind=KIND,
            key=rfq.pk,
            title=rfq.title,
            body=rfq.details,
            category=rfq.category,
            province_code=rfq.delivery_province.code if rfq.delivery_province else "",
            quantity=rfq.quantity,
            valid_until=rfq.deadline,
            published_at=rfq.created_at,
        )


def queue(rfq_ids: Iterable[int]) -> None:
    """Rebuild these RFQs' entries after commit (at once outside a transaction)."""
    search.queue_entries(KIND, rfq_ids)


def rfq_saved(sender, instance: BuyerDemand, **kwargs) -> None:
    if instance.kind == BuyerDemand.Kind.RFQ:
        queue([instance.pk])


def connect() -> None:
    """Register the source and the signals (MarketplaceConfig.ready)."""
    search.register_source(search.EntrySource(kind=KIND, keys=findable_ids, entries=entries_for))
    post_save.connect(rfq_saved, sender=BuyerDemand, dispatch_uid="search-rfq-saved")
    post_delete.connect(rfq_saved, sender=BuyerDemand, dispatch_uid="search-rfq-deleted")
