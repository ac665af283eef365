"""Catalogue values as the public pages show them, in the active language.

There is one page tree, in Vietnamese. English pages are the same pages under
/en/, showing the `*_en` fields when they are filled in. Wagtail reverses a
page's URL in the page's own language, so links go through `localize_path`,
which moves them to the active language.

Templates reach these through catalog/templatetags/catalog_tags.py; views, the
API and other apps import them from here. Everything works on what selectors
already loaded: nothing here reads the database.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import translate_url
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import get_language

from .money import format_vnd, group_digits

ENGLISH = "en"
STAR, NO_STAR = "★", "☆"
OCOP_BEST_RATING = 5

# Day first in Vietnamese (22/10/2029); the month spelt out in English, so no reader swaps day and month.
_DATE_FORMATS = {ENGLISH: "j M Y"}
_DEFAULT_DATE_FORMAT = "d/m/Y"


def vnd(amount) -> str:
    """`1.250.000 ₫` in Vietnamese, `₫1,250,000` in English; empty for a missing amount."""
    if amount is None or amount == "":
        return ""
    return format_vnd(amount, get_language() or settings.LANGUAGE_CODE)


def whole_number(value) -> str:
    """`10.000` in Vietnamese, `10,000` in English: a count the way each language groups digits."""
    if value is None or value == "":
        return ""
    return group_digits(int(value), "," if get_language() == ENGLISH else ".")


def localize_path(url: str, language: str | None = None) -> str:
    """A URL of the Vietnamese page tree, moved to `language` (the active language by default)."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if not url or language == settings.LANGUAGE_CODE:
        return url
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


def in_language(obj, field: str):
    """`obj.<field>_en` on English pages when it is filled in, else `obj.<field>`."""
    if obj is None:
        return ""
    if get_language() == ENGLISH:
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, field, "")


def display_name(obj) -> str:
    """A product's or category's name in the active language (English falls back to Vietnamese)."""
    if obj is None:
        return ""
    language = get_language()
    if hasattr(obj, "display_name"):
        return obj.display_name(language)
    if hasattr(obj, "label") and callable(obj.label):
        return obj.label(language)
    return str(obj)


def local_date(value) -> str:
    """A date as people write it in the active language."""
    if not value:
        return ""
    return date_format(value, _DATE_FORMATS.get(get_language(), _DEFAULT_DATE_FORMAT))


def month_names(months) -> str:
    """ "Tháng 1, Tháng 2" / "January, February" for a list of month numbers."""
    return ", ".join(str(MONTHS[m]) for m in sorted(set(months or ())) if m in MONTHS)


def inventory_of(product):
    """The product's stock row, or None (select_related leaves a missing row as an exception)."""
    try:
        return product.inventory
    except ObjectDoesNotExist:
        return None


# --- OCOP stars ----------------------------------------------------------------------------------


def card_stars(product) -> int | None:
    """Stars of the product's valid OCOP certificate, or None.

    Lists annotate `valid_stars` in SQL (selectors.with_valid_stars); elsewhere the
    prefetched certificates decide. An expired certificate gives None either way.
    """
    if hasattr(product, "valid_stars"):
        return product.valid_stars
    return product.ocop_stars


def star_glyphs(stars) -> str:
    """★★★★☆ for 4 stars (decorative: the badge says the number in words as well)."""
    stars = int(stars or 0)
    return STAR * stars + NO_STAR * (OCOP_BEST_RATING - stars)
