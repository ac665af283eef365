"""Amounts in đồng, as each language writes them (`1.250.000 ₫` and `₫1,250,000`)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from catalog.money import format_vnd


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (1_250_000, "vi", "1.250.000 ₫"),
        (1_250_000, "en", "₫1,250,000"),
        (0, "vi", "0 ₫"),
        (0, "en", "₫0"),
        (999, "vi", "999 ₫"),
        (1_000, "vi", "1.000 ₫"),
        (1_000, "en", "₫1,000"),
        (12_345_678_901, "vi", "12.345.678.901 ₫"),
        (-50_000, "vi", "-50.000 ₫"),
        (-50_000, "en", "-₫50,000"),
        (1_250_000, "en-us", "₫1,250,000"),
    ],
)
def test_format_vnd(amount, language, expected):
    assert format_vnd(amount, language) == expected


@pytest.mark.parametrize("amount", [1250000.0, Decimal("1250000"), "1250000", True])
def test_format_vnd_refuses_anything_but_whole_numbers(amount):
    with pytest.raises(TypeError):
        format_vnd(amount, "vi")


@pytest.mark.parametrize(("language", "expected"), [("vi", "1.250.000 ₫"), ("en", "₫1,250,000")])
def test_vnd_filter_follows_the_active_language(language, expected):
    template = Template("{% load catalog_tags %}{{ amount|vnd }}")
    with translation.override(language):
        assert template.render(Context({"amount": 1_250_000})) == expected


def test_vnd_filter_leaves_a_missing_amount_empty():
    assert Template("{% load catalog_tags %}{{ amount|vnd }}").render(Context({"amount": None})) == ""
