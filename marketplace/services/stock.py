"""Taking stock for an order and giving it back, by conditional updates only.

`allocate` takes each line's quantity with `UPDATE … SET stock = stock - q WHERE stock >= q`, in
product-id order, inside the caller's transaction: two checkouts holding the same products in
opposite orders lock rows in the same order and cannot deadlock, and on SQLite (BEGIN IMMEDIATE)
checkouts simply take turns. A product whose stock is not tracked (no row, or an empty stock) is
not limited here; its monthly capacity is checked when the line is priced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F

from catalog import page_cache
from catalog.models import ProductInventory
from catalog.search import queue_products


@dataclass(frozen=True)
class Shortage:
    product_id: int
    wanted: int
    available: int


def allocate(wanted: Iterable[tuple[int, int]]) -> tuple[set[int], list[Shortage]]:
    """Take (product id, quantity) pairs from stock; return the tracked ids taken and the shortages.

    When any shortage is returned the caller must roll its transaction back: the lines before it
    were already taken.
    """
    taken: set[int] = set()
    shortages: list[Shortage] = []
    for product_id, quantity in sorted(wanted):
        rows = ProductInventory.objects.filter(
            product_id=product_id, stock__isnull=False, stock__gte=quantity
        )
        if rows.update(stock=F("stock") - quantity):
            taken.add(product_id)
            continue
        left = ProductInventory.objects.filter(product_id=product_id).values_list("stock", flat=True).first()
        if left is not None:
            shortages.append(Shortage(product_id, quantity, left))
    if taken and not shortages:
        # Product pages show their stock (a conditional update sends no save signal).
        page_cache.invalidate()
        # Listings that just sold out leave the "in stock" filter of search.
        queue_products(
            ProductInventory.objects.filter(product_id__in=taken, stock=0).values_list(
                "product_id", flat=True
            )
        )
    return taken, shortages


def give_back(returned: Iterable[tuple[int, int]]) -> None:
    """Return (product id, quantity) pairs to tracked stock, in product-id order."""
    returned = list(returned)
    for product_id, quantity in sorted(returned):
        ProductInventory.objects.filter(product_id=product_id, stock__isnull=False).update(
            stock=F("stock") + quantity
        )
    queue_products([product_id for product_id, _quantity in returned])
    if returned:
        page_cache.invalidate()
