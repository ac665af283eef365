"""The search index of the database engine, and the synonyms every engine expands.

SearchDocument is a denormalised copy of one published listing of a verified
cooperative: what search matches, filters, counts and shows, in one row, so a
search never joins the page tree. It is rebuilt from the pages at any time
(`manage.py rebuild_search_index`), so it holds nothing of its own.

The text columns are written twice: folded (no marks, đ→d, lowercase) for
matching, and "marked" (only the words that carry marks) so that a query typed
with marks can rank exact matches first. SQLite indexes them with FTS5 and
PostgreSQL with a tsvector column, both created in migration 0004.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One listing as search sees it (the database engine's index row)."""

    # No foreign key in PostgreSQL (migration 0011): a rebuild swaps in a fresh table, and dropping
    # the old one would have to drop its key's triggers on the product pages, which waits for every
    # reader of them; a page deleted meanwhile (it is read, then its document deleted, which waits
    # for the rebuild) then deadlocked with the rebuild. Django's cascade still deletes a page's
    # document with it (catalog.search.tables; tests/search/test_rebuild_postgres.py).
    product = models.OneToOneField(
        "catalog.ProductPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        db_constraint=False,
    )
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    url = models.CharField(max_length=500)
    unit = models.CharField(max_length=30)
    cooperative_tax_code = models.CharField(max_length=14)
    cooperative_name = models.CharField(max_length=255)
    cooperative_kind = models.CharField(max_length=10)
    # Space-delimited schemes of the cooperative's certifications valid when indexed: " vietgap organic ".
    certifications = models.CharField(max_length=200, blank=True)
    category = models.SlugField()
    category_group = models.SlugField()
    province_code = models.CharField(max_length=2)
    province_name = models.CharField(max_length=100)
    price_vnd = models.PositiveBigIntegerField()
    # The best certificate not yet expired when indexed. Search counts its stars only
    # while issued_on <= today <= expires_on, so expiry needs no reindex.
    ocop_stars = models.PositiveSmallIntegerField(null=True)
    ocop_issued_on = models.DateField(null=True)
    ocop_expires_on = models.DateField(null=True)
    # False only when stock is tracked and zero; untracked stock (services) is available.
    in_stock = models.BooleanField()
    published_at = models.DateTimeField(null=True)
    name_folded = models.TextField()
    name_marked = models.TextField(blank=True)
    # The long text comes last: SQLite then reads the columns that filter, sort and suggest
    # without following a row onto its overflow pages.
    description = models.TextField(blank=True)
    body_folded = models.TextField()
    body_marked = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            # Covers the facet counts and the sorting of a browse without text, which read every row.
            models.Index(
                fields=[
                    "category_group",
                    "category",
                    "province_code",
                    "ocop_stars",
                    "ocop_issued_on",
                    "ocop_expires_on",
                    "price_vnd",
                    "cooperative_kind",
                    "in_stock",
                    "published_at",
                ],
                name="catalog_search_facets",
            ),
            # The same narrow columns by listing: a text match joins its listings here
            # (SQLite), not to the wide rows of the table.
            models.Index(
                fields=[
                    "product",
                    "category_group",
                    "category",
                    "province_code",
                    "ocop_stars",
                    "ocop_issued_on",
                    "ocop_expires_on",
                    "price_vnd",
                    "cooperative_kind",
                    "in_stock",
                    "published_at",
                ],
                name="catalog_search_by_product",
            ),
            models.Index(fields=["province_code"]),
            models.Index(fields=["price_vnd"]),
            models.Index(fields=["published_at"]),
        ]

    def __str__(self):
        return self.name


class SearchEntry(models.Model):
    """Something other than a listing that search finds, supplied by an app above catalog.

    Catalog cannot know what the higher apps hold (marketplace's requests for quotation), so
    they register a source (catalog.search.entries) that turns their rows into entries: a kind
    ("rfq") and the row's key, the words it is found by (folded and marked, as a listing's),
    and what it is filtered on. Like SearchDocument it is a copy rebuilt at any time.
    """

    kind = models.CharField(max_length=20)
    key = models.PositiveBigIntegerField()
    title = models.CharField(max_length=255)
    category = models.SlugField(blank=True)
    category_group = models.SlugField(blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    quantity = models.PositiveBigIntegerField(null=True)
    # Found only while today <= valid_until (checked at query time, so a lapse needs no reindex).
    valid_until = models.DateField(null=True)
    published_at = models.DateTimeField(null=True)
    # Where the public sees it, when the source has such a page (a cooperative's), so that a
    # search can link it without loading the page; blank when the app links it itself.
    url = models.CharField(max_length=500, blank=True)
    name_folded = models.TextField()
    name_marked = models.TextField(blank=True)
    body_folded = models.TextField(blank=True)
    body_marked = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="catalog_search_entry_key")]

    def __str__(self):
        return f"{self.kind} {self.key}: {self.title}"


class SearchTerm(models.Model):
    """A folded word of the index and how many listings held it at the last count.

    Typo tolerance and "did you mean" look corrections up here. Counts are exact after
    a rebuild; in between, new words are added and old counts kept, which is enough to
    rank corrections.
    """

    term = models.CharField(max_length=40, primary_key=True)
    documents = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self):
        return self.term


class SearchSynonym(models.Model):
    """Words and phrases buyers use for the same thing (cafe = cà phê = coffee).

    Edited by alliance staff in the admin; every search expands a term to all the
    others of its group.
    """

    terms = models.CharField(
        _("terms"),
        max_length=500,
        unique=True,
        help_text=_("Words or phrases that mean the same, separated by commas: cafe, cà phê, coffee"),
    )

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return self.terms

    def clean(self):
        if len(self.term_list()) < 2:
            raise ValidationError({"terms": _("Give at least two terms, separated by commas.")})

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]
