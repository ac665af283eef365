"""Site content: the home page, news and market-information articles, standard pages."""

import copy

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from catalog import page_cache
from catalog.page_cache import AnonymousPageCacheMixin, fragments
from catalog.routing import DescendantRoutingMixin

ARTICLES_PER_PAGE = 12


class HomePage(AnonymousPageCacheMixin, DescendantRoutingMixin, Page):
    """The front door: featured OCOP products, browse by category and province, upcoming fairs."""

    tagline = models.CharField(_("tagline"), max_length=255, blank=True)
    tagline_en = models.CharField(_("English tagline"), max_length=255, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    intro_en = RichTextField(_("English introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        FieldPanel("tagline_en"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from catalog import selectors
        from fairs import selectors as fair_selectors

        context = super().get_context(request, *args, **kwargs)
        # The content is the same for every visitor and kept (`{% kept %}`): the generation is read
        # first, and what the page shows is read only to draw it.
        context["content_kept"] = fragments.for_page(request, "home", self.page_cache_params)
        lazy = {
            "featured_products": lambda: selectors.featured_ocop_products(limit=8),
            "category_groups": selectors.category_groups_with_counts,
            "provinces": selectors.provinces_with_counts,
            "catalogue": selectors.catalogue_index,
            "latest_articles": lambda: news_latest(limit=3),
            "upcoming_fairs": lambda: list(fair_selectors.upcoming_fairs()[:4]),
        }
        context.update({name: SimpleLazyObject(read) for name, read in lazy.items()})
        return context


class NewsIndexPage(Page):
    """News and market information (tin tức, thông tin thị trường)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            ArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .select_related("image")
            .order_by("-date", "-pk")
        )
        context["articles"] = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        return context


class ArticlePage(Page):
    """A news or market-information article."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        MARKET = "market", _("Market information")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = RichTextField(_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class StandardPage(Page):
    """A plain content page (about, terms, contact)."""

    body = RichTextField(_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("standard page")


def news_latest(*, limit: int):
    return list(ArticlePage.objects.live().public().select_related("image").order_by("-date", "-pk")[:limit])


@register_setting(icon="site")
class PlatformSettings(BaseSiteSetting):
    """Contact details shown in the footer."""

    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    panels = [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address")]

    @classmethod
    def for_site(cls, site):
        """Read by every page's footer: remembered in each process under the page cache's generation,
        which a save moves (CmsConfig.ready), so cached pages show new details at once too. Each
        caller gets its own copy (Wagtail sets the request on it)."""
        if site is None:
            return super().for_site(site)
        found = page_cache.remembered.get(
            ("platform-settings", site.pk), lambda: super(PlatformSettings, cls).for_site(site)
        )
        return copy.copy(found)

    class Meta:
        verbose_name = _("platform settings")
