"""The catalogue tree: CatalogueIndexPage → CooperativePage → ProductPage.

Pages give us per-cooperative permissions, drafts, revisions, moderation and
URLs. Numbers that change often (stock, capacity) live in ProductInventory.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .. import qr
from ..page_cache import AnonymousPageCacheMixin, fragments
from ..routing import DescendantRoutingMixin
from .places import Province, Ward

TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
tax_code_validator = RegexValidator(
    TAX_CODE_RE,
    _("A tax/registration code is 10 digits, optionally followed by '-' and 3 digits (0101234567-001)."),
)
MONTH_CHOICES = [(m, _("Month %(m)s") % {"m": m}) for m in range(1, 13)]


class VatRate(models.TextChoices):
    """Vietnam's value-added tax rates; "kct" is không chịu thuế (outside VAT)."""

    EXEMPT = "kct", _("Not subject to VAT")
    ZERO = "0", "0%"
    FIVE = "5", "5%"
    EIGHT = "8", "8%"
    TEN = "10", "10%"


class MonthsField(models.JSONField):
    """A list of months (1–12), edited as twelve checkboxes."""

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=MONTH_CHOICES,
            coerce=int,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class CatalogueIndexPage(AnonymousPageCacheMixin, RoutablePageMixin, DescendantRoutingMixin, Page):
    """The catalogue: every cooperative, and their products by category and province."""

    page_cache_params = ("page", "category", "province")

    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("English introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["catalog.CooperativePage"]
    max_count = 1

    class Meta:
        verbose_name = _("catalogue")

    products_per_page = 24

    def _render_listing(self, request, *, category: str | None, province: str | None):
        """The catalogue's products, narrowed to a category and a province (404 for an unknown one)."""
        from catalog import selectors
        from catalog.places import UnknownProvince, resolve_province

        # Read before the data, as fragments must be (catalog/page_cache/fragments.py).
        kept = fragments.for_page(request, "catalogue", self.page_cache_params)
        chosen_category = None
        if category:
            chosen_category = selectors.category_for_page(category)
            if chosen_category is None:
                raise Http404("Unknown category")
        chosen_province = None
        if province:
            try:
                chosen_province = resolve_province(province)
            except UnknownProvince as error:
                raise Http404(str(error)) from error
        # Lazy: where the page's title and content are kept (`{% kept %}`), none of them is read,
        # and the products' query (a dozen filters and annotations) is not even built.
        return self.render(
            request,
            context_overrides={
                "content_kept": kept,
                "products": SimpleLazyObject(
                    lambda: Paginator(
                        selectors.catalogue_products(category=chosen_category, province=chosen_province),
                        self.products_per_page,
                    ).get_page(request.GET.get("page"))
                ),
                "category": chosen_category,
                "province": chosen_province,
                "category_groups": SimpleLazyObject(selectors.category_groups),
                "provinces": SimpleLazyObject(selectors.provinces_with_counts),
            },
        )

    @path("")
    def all_products(self, request):
        return self._render_listing(
            request,
            category=request.GET.get("category") or None,
            province=request.GET.get("province") or None,
        )

    @path("category/<slug:slug>/")
    def by_category(self, request, slug):
        return self._render_listing(request, category=slug, province=request.GET.get("province") or None)

    @path("province/<str:code>/")
    def by_province(self, request, code):
        return self._render_listing(request, province=code, category=request.GET.get("category") or None)


class CooperativePage(AnonymousPageCacheMixin, Page):
    """A cooperative (hợp tác xã), union of cooperatives or cooperative group, and its profile.

    Its admin form (`base_form_class`) is catalog.page_forms.CooperativePageForm, set by
    CatalogConfig.ready() so that models never import forms.
    """

    page_cache_params = ("page",)

    class Kind(models.TextChoices):
        HTX = "htx", _("Cooperative (HTX)")
        LHHTX = "lhhtx", _("Union of cooperatives (LHHTX)")
        THT = "tht", _("Cooperative group (THT)")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HTX)
    tax_code = models.CharField(
        _("tax/registration code"),
        max_length=14,
        unique=True,
        validators=[tax_code_validator],
        help_text=_("10 digits, optionally '-' and 3 digits."),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="cooperatives", verbose_name=_("province")
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperatives",
        verbose_name=_("ward or commune"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    members = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1945), MaxValueValidator(2100)],
    )
    story = RichTextField(_("story"), blank=True, features=["bold", "italic", "h3", "ol", "ul", "link"])
    story_en = RichTextField(
        _("story in English"), blank=True, features=["bold", "italic", "h3", "ol", "ul", "link"]
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    verification = models.CharField(
        _("verification status"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    staff_group = models.OneToOneField(
        "auth.Group", on_delete=models.SET_NULL, null=True, editable=False, related_name="cooperative"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="cooperative",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("tax_code")]),
                FieldRowPanel([FieldPanel("province"), FieldPanel("ward")]),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("sector"), FieldPanel("members"), FieldPanel("founded_year")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
            ],
            heading=_("Registration and contact"),
        ),
        FieldPanel("logo"),
        FieldPanel("story"),
        FieldPanel("story_en"),
        InlinePanel("gallery_images", label=_("Gallery"), max_num=12),
        InlinePanel("certifications", label=_("Certifications")),
        FieldPanel("verification", permission="catalog.verify_cooperative"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("tax_code"),
        index.FilterField("province"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["catalog.CatalogueIndexPage"]
    subpage_types = ["catalog.ProductPage"]

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        permissions = [("verify_cooperative", "Can verify cooperatives")]

    def clean(self):
        super().clean()
        if self.ward_id and self.province_id and self.ward.province_id != self.province_id:
            raise ValidationError({"ward": _("This ward or commune is not in the chosen province.")})

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED

    def get_context(self, request, *args, **kwargs):
        from catalog.selectors import cooperative_public_products

        context = super().get_context(request, *args, **kwargs)
        # The page's content is the same for every visitor and kept (`{% kept %}`): the generation
        # is read first, and the products' query built only to draw it.
        context["content_kept"] = fragments.for_page(request, "cooperative", self.page_cache_params)
        context["products"] = SimpleLazyObject(lambda: cooperative_public_products(cooperative=self))
        return context


class CooperativeGalleryImage(Orderable):
    page = ParentalKey(CooperativePage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class CooperativeCertification(Orderable):
    """A farming or quality certification held by the cooperative (VietGAP, organic…)."""

    class Scheme(models.TextChoices):
        VIETGAP = "vietgap", "VietGAP"
        GLOBALGAP = "globalgap", "GlobalGAP"
        ORGANIC = "organic", _("Organic")
        HACCP = "haccp", "HACCP"
        ISO22000 = "iso22000", "ISO 22000"
        OTHER = "other", _("Other")

    page = ParentalKey(CooperativePage, on_delete=models.CASCADE, related_name="certifications")
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    name = models.CharField(_("name (for 'other')"), max_length=100, blank=True)
    number = models.CharField(_("certificate number"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("scheme"), FieldPanel("name")]),
        FieldPanel("number"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity must be after its start.")})
        if self.scheme == self.Scheme.OTHER and not self.name:
            raise ValidationError({"name": _("Name the certification.")})

    @property
    def is_valid(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_until is None or today <= self.valid_until)

    @property
    def label(self) -> str:
        return self.name if self.scheme == self.Scheme.OTHER else self.get_scheme_display()


class ProductPage(AnonymousPageCacheMixin, RoutablePageMixin, Page):
    """A product listed by a cooperative (admin form: catalog.page_forms.ProductPageForm, set in ready())."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # Denormalised from the tree (set in clean()) so lists and the API can join on it.
    cooperative = models.ForeignKey(
        CooperativePage,
        on_delete=models.SET_NULL,
        related_name="products",
        editable=False,
        null=True,
        blank=True,
    )
    sku = models.CharField(
        _("SKU"),
        max_length=64,
        validators=[
            RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", _("Use letters, digits, '.', '_' or '-'."))
        ],
    )
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    description_en = RichTextField(
        _("English description"), blank=True, features=["bold", "italic", "ol", "ul", "link"]
    )
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("main image"),
    )
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. chai 500ml, kg, hộp"))
    price_vnd = models.PositiveBigIntegerField(_("price (đồng)"))
    min_order_qty = models.PositiveIntegerField(
        _("minimum order quantity"), default=1, validators=[MinValueValidator(1)]
    )
    vat_rate = models.CharField(
        _("VAT rate"),
        max_length=3,
        choices=VatRate.choices,
        default=VatRate.TEN,
        help_text=_("The rate on the cooperative's own e-invoice; orders keep it as it was."),
    )
    months_in_season = MonthsField(_("months in season"), default=list, blank=True)
    origin_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("origin province"),
    )
    origin_ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("origin ward or commune"),
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    packaging = models.CharField(_("packaging"), max_length=200, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("sku"), FieldPanel("category")]),
        FieldPanel("name_en"),
        FieldPanel("main_image"),
        FieldPanel("description"),
        FieldPanel("description_en"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("price_vnd"), FieldPanel("unit"), FieldPanel("min_order_qty")]),
                FieldPanel("vat_rate"),
                InlinePanel("wholesale_tiers", label=_("Wholesale price tiers")),
            ],
            heading=_("Price"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("origin_province"), FieldPanel("origin_ward")]),
                FieldPanel("months_in_season"),
                FieldRowPanel([FieldPanel("shelf_life_days"), FieldPanel("packaging")]),
            ],
            heading=_("Origin and keeping"),
        ),
        InlinePanel("gallery_images", label=_("Gallery"), max_num=12),
        InlinePanel("ocop_certificates", label=_("OCOP certificates")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("sku"),
        index.SearchField("name_en"),
        index.FilterField("category"),
    ]
    parent_page_types = ["catalog.CooperativePage"]
    subpage_types: list[str] = []
    # A copy starts without a SKU; the editor must give it one before it can be saved again.
    exclude_fields_in_copy = ["sku", "archived_at"]

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "sku"], condition=~models.Q(sku=""), name="unique_sku_per_cooperative"
            )
        ]

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.path else None
        if parent is not None:
            # Keep the denormalised cooperative in step with the tree.
            self.cooperative_id = parent.id
        if self.cooperative_id and self.sku:
            clash = ProductPage.objects.filter(cooperative_id=self.cooperative_id, sku=self.sku)
            if self.pk:
                clash = clash.exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"sku": _("This cooperative already has a product with this SKU.")})
        if (
            self.origin_ward_id
            and self.origin_province_id
            and self.origin_ward.province_id != self.origin_province_id
        ):
            raise ValidationError({"origin_ward": _("This ward or commune is not in the origin province.")})

    # --- display helpers (work on prefetched data; no queries of their own) ---

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language()
        return self.name_en if language == "en" and self.name_en else self.title

    def display_description(self, language: str | None = None):
        language = language or get_language()
        return self.description_en if language == "en" and self.description_en else self.description

    @property
    def valid_ocop_certificate(self):
        """The best currently valid OCOP certificate, from prefetched certificates."""
        valid = [c for c in self.ocop_certificates.all() if c.is_valid]
        return max(valid, key=lambda c: (c.stars, c.issued_on), default=None)

    @property
    def current_ocop_certificate(self):
        """The most recent certificate, valid or not (for the owner's and the API's view)."""
        return max(self.ocop_certificates.all(), key=lambda c: c.issued_on, default=None)

    @property
    def ocop_stars(self) -> int | None:
        certificate = self.valid_ocop_certificate
        return certificate.stars if certificate else None

    @property
    def status(self) -> str:
        if self.archived_at:
            return self.Status.ARCHIVED
        if self.live:
            return self.Status.PUBLISHED
        if getattr(self, "_in_review", None) is not None:
            return self.Status.IN_REVIEW if self._in_review else self.Status.DRAFT
        return self.Status.IN_REVIEW if self.workflow_in_progress else self.Status.DRAFT

    def get_context(self, request, *args, **kwargs):
        from catalog.selectors import product_for_page

        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            context["product"] = self  # a draft: its own fields and rows, never the live product's
            return context
        # The page's content is the same for every visitor and kept (`{% kept %}`): the generation
        # is read first, and the product, with all its page shows, loaded only to draw it.
        context["content_kept"] = fragments.for_page(request, "product", self.page_cache_params)
        context["product"] = SimpleLazyObject(lambda: product_for_page(product_id=self.pk))
        return context

    @path("")
    def detail(self, request):
        return self.render(request)

    @path("qr/")
    def qr_code(self, request):
        return qr.product_qr_response(self, request)


class ProductGalleryImage(Orderable):
    page = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class WholesaleTier(Orderable):
    """From `min_quantity` units up, each unit costs `unit_price_vnd`."""

    page = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="wholesale_tiers")
    min_quantity = models.PositiveIntegerField(_("from quantity"), validators=[MinValueValidator(2)])
    unit_price_vnd = models.PositiveBigIntegerField(_("unit price (đồng)"))

    panels = [FieldRowPanel([FieldPanel("min_quantity"), FieldPanel("unit_price_vnd")])]

    class Meta(Orderable.Meta):
        ordering = ["min_quantity"]
