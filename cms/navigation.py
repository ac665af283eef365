"""The site's menu and language switcher: what every public page's header shows.

As in wagtail/bakerydemo, templates read the menu through a template tag
(cms/templatetags/cms_tags.py): every page needs it, and no single view owns it.
The logic is here, in plain functions of the request.
"""

import functools

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info
from wagtail.models import Page, Site

from catalog import page_cache
from catalog.localization import localize_path
from catalog.models import CatalogueIndexPage
from fairs.models import FairIndexPage

from .models import NewsIndexPage


def language_links(request) -> list[dict]:
    """One entry per language: this page's path in it, for the switcher and hreflang links."""
    if request is None:
        return []
    current = get_language()
    path = request.get_full_path()
    # Django's set_language translates `next` itself, resolving it in the default language
    # (its URL has no prefix). Wagtail's catch-all pattern would read "/en/…" there as a page
    # path and prefix it again, so the switcher always posts the default-language path.
    default_path = _translated(path, settings.LANGUAGE_CODE)
    links = []
    for code, _name in settings.LANGUAGES:
        url = path if code == current else _translated(path, code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "next": default_path,
                "absolute_url": request.build_absolute_uri(url.split("?")[0]),
                "current": code == current,
            }
        )
    return links


# Longer paths are translated every time: made-up URLs must not fill what is remembered.
MAX_REMEMBERED_PATH = 300


def _translated(path: str, code: str) -> str:
    """`translate_url(path, code)`, remembered for short paths: it resolves the path against every
    URL pattern and reverses it again (a third of a millisecond, on every page), and depends on
    nothing but the path, the active language (which the patterns' prefix is resolved in) and the
    URL patterns, which do not change while the process runs."""
    if len(path) > MAX_REMEMBERED_PATH:
        return translate_url(path, code)
    return _remembered_translation(path, code, get_language())


@functools.lru_cache(maxsize=4096)
def _remembered_translation(path: str, code: str, active: str) -> str:
    return translate_url(path, code)


def site_sections(request) -> dict:
    """URLs of the catalogue, the fairs index and the news index for the header (one query, kept
    on the request)."""
    cached = getattr(request, "_site_sections", None)
    if cached is not None:
        return cached
    if request is None:
        return _sections(None)
    # The same for every page of a host in a language, until pages are published, moved or
    # unpublished: remembered in this process under the page cache's generation.
    site = Site.find_for_request(request)
    key = ("site-sections", site.pk if site else None, request.get_host(), get_language())
    sections = dict(page_cache.remembered.get(key, lambda: _sections(request)))
    request._site_sections = sections
    return sections


def _sections(request) -> dict:
    types = ContentType.objects.get_for_models(CatalogueIndexPage, FairIndexPage, NewsIndexPage)
    names = {
        types[CatalogueIndexPage].pk: "catalogue",
        types[FairIndexPage].pk: "fairs",
        types[NewsIndexPage].pk: "news",
    }
    sections: dict[str, str] = {}
    for page in Page.objects.live().filter(content_type__in=names).order_by("path"):
        sections.setdefault(names[page.content_type_id], localize_path(page.get_url(request)))
    return sections
