"""Posting a request for quotation (/cung-cau/dang-yeu-cau/): who may, the form filled in from the
query string (the fairs' "Send an RFQ"), success, and refusals that change nothing."""

import datetime
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone, translation

from marketplace.models import BuyerDemand
from tests import factories
from tests.clock import days
from tests.marketplace.pages.helpers import url

pytestmark = pytest.mark.django_db


def rfq_post(**fields) -> dict:
    """What the form posts for a valid monthly request for rice delivered to Hà Nội."""
    return {
        "title": "Gạo ST25 đóng bao",
        "category": "food-rice",
        "details": "Đóng bao 25 kg, giao kho Long Biên.",
        "quantity": "20",
        "unit": "tấn",
        "per_month": "1",
        "target_price_vnd": "18500000",
        "delivery_province": "01",
        "deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "visibility": "public",
        "min_ocop_stars": "4",
        "required_certifications": ["vietgap", "organic"],
        "company_kind": "supermarket",
    } | fields


def test_anonymous_visitors_are_sent_to_log_in_with_the_prefill_kept(client):
    response = client.get(url("rfq_new") + "?title=G%E1%BA%A1o&quantity=5")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    assert "next=" in response["Location"]
    assert "quantity%3D5" in response["Location"] or "quantity=5" in response["Location"]
    response = client.post(url("rfq_new"), rfq_post())
    assert response.status_code == 302
    assert not BuyerDemand.objects.exists()


def test_unconfirmed_buyers_are_told_to_confirm_their_email(client):
    client.force_login(factories.user(verified=False))
    response = client.get(url("rfq_new"))
    assert response.status_code == 403
    assert response.templates[0].name == "account/verify_email_first.html"
    assert client.post(url("rfq_new"), rfq_post()).status_code == 403
    assert not BuyerDemand.objects.exists()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_form_renders_in_both_languages(buyer_client, language):
    response = buyer_client.get(url("rfq_new", language=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    for name in (
        "title",
        "category",
        "details",
        "quantity",
        "unit",
        "per_month",
        "target_price_vnd",
        "delivery_province",
        "deadline",
        "visibility",
        "min_ocop_stars",
        "required_certifications",
        "company_kind",
    ):
        assert f'name="{name}"' in html
    assert 'type="date"' in html
    assert "csrfmiddlewaretoken" in html
    with translation.override(language):
        assert "Ninh Bình" in html  # the 2025 provinces, as at checkout


def test_the_form_is_filled_in_from_the_query_string(buyer_client):
    query = urlencode(
        {
            "title": "Bưởi Diễn",
            "quantity": "500",
            "unit": "quả",
            "category": "food-fruit",
            "province": "79",
            "per_month": "0",
            "target_price_vnd": "45000",
            "details": "Theo biên bản hội chợ",
        }
    )
    form = buyer_client.get(url("rfq_new") + "?" + query).context["form"]
    assert form["title"].value() == "Bưởi Diễn"
    assert str(form["quantity"].value()) == "500"
    assert form["unit"].value() == "quả"
    assert form["category"].value() == "food-fruit"
    assert form["delivery_province"].value() == "79"
    assert str(form["per_month"].value()) == "0"
    assert str(form["target_price_vnd"].value()) == "45000"
    assert form["details"].value() == "Theo biên bản hội chợ"
    assert not form.is_bound
    assert not form.errors


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("quantity", "-1", "quantity"),
        ("quantity", str(10**30), "quantity"),
        ("quantity", "abc", "quantity"),
        ("category", "no-such-category", "category"),
        ("province", "99", "delivery_province"),
        ("province", "Hà Nội\x00", "delivery_province"),
        ("per_month", "2", "per_month"),
        ("target_price_vnd", "-5", "target_price_vnd"),
        ("target_price_vnd", "1e9", "target_price_vnd"),
        ("title", "Gạo\x00", "title"),
        ("title", "x" * 201, "title"),
        ("unit", "u" * 31, "unit"),
    ],
)
def test_a_value_the_form_would_refuse_is_left_out_silently(buyer_client, name, value, field):
    kept = ("details", "Theo hội chợ")  # a valid value sent alongside stays
    response = buyer_client.get(url("rfq_new") + "?" + urlencode({name: value, kept[0]: kept[1]}))
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert not form.errors
    assert form[kept[0]].value() == kept[1]
    assert form[field].value() in (None, "", form.fields[field].initial)
    assert "\x00" not in response.content.decode()


def test_posting_saves_the_rfq_and_shows_its_matches_to_invite(buyer_client, buyer, b2b):
    response = buyer_client.post(url("rfq_new"), rfq_post())
    rfq = BuyerDemand.objects.get(buyer=buyer)
    assert response.status_code == 302
    assert response["Location"] == url("rfq", rfq.pk)
    assert rfq.kind == "rfq"
    assert rfq.title == "Gạo ST25 đóng bao"
    assert rfq.category.slug == "food-rice"
    assert (rfq.quantity, rfq.unit, rfq.per_month) == (20, "tấn", True)
    assert rfq.target_price_vnd == 18_500_000
    assert rfq.delivery_province_id == "01"
    assert rfq.deadline == timezone.localdate() + datetime.timedelta(days=20)
    assert rfq.visibility == "public"
    assert rfq.min_ocop_stars == 4
    assert rfq.required_certifications == ["vietgap", "organic"]
    assert rfq.company_kind == "supermarket"
    html = buyer_client.get(response["Location"]).content.decode()
    assert 'id="matches"' in html
    assert b2b.rice.title in html  # it sells rice in Hà Nội
    assert f'value="{b2b.rice.tax_code}"' in html  # with its "Invite" button


def test_a_one_off_invited_only_request_without_options(buyer_client, buyer):
    post = rfq_post(
        per_month="0",
        visibility="invited",
        target_price_vnd="",
        min_ocop_stars="",
        company_kind="",
        category="",
        details="",
    )
    post.pop("required_certifications")
    assert buyer_client.post(url("rfq_new"), post).status_code == 302
    rfq = BuyerDemand.objects.get(buyer=buyer)
    assert (rfq.per_month, rfq.visibility, rfq.category, rfq.target_price_vnd) == (
        False,
        "invited",
        None,
        None,
    )
    assert rfq.required_certifications == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"deadline": days(0)}, "deadline"),  # the service: after today
        ({"deadline": days(181)}, "deadline"),
        ({"deadline": "99999-01-01"}, "deadline"),
        ({"deadline": "hôm nay"}, "deadline"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": str(10**40)}, "quantity"),
        ({"quantity": "9" * 5000}, "quantity"),
        ({"target_price_vnd": str(10**13)}, "target_price_vnd"),
        ({"target_price_vnd": "12.5"}, "target_price_vnd"),
        ({"title": ""}, "title"),
        ({"title": "Gạo\x00ST25"}, "title"),
        ({"details": "chuông\x07"}, "details"),  # the service refuses control characters
        ({"unit": "   "}, "unit"),
        ({"delivery_province": ""}, "delivery_province"),
        ({"delivery_province": "99"}, "delivery_province"),
        ({"category": "no-such"}, "category"),
        ({"per_month": "maybe"}, "per_month"),
        ({"visibility": "secret"}, "visibility"),
        ({"min_ocop_stars": "7"}, "min_ocop_stars"),
        ({"required_certifications": ["vietgap", "fake"]}, "required_certifications"),
        ({"company_kind": "pirate"}, "company_kind"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_saves_nothing(buyer_client, fields, field):
    response = buyer_client.post(url("rfq_new"), rfq_post(**fields))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert "form-errors" in response.content.decode()
    assert not BuyerDemand.objects.exists()


def test_posting_needs_the_csrf_token(buyer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    assert client.post(url("rfq_new"), rfq_post()).status_code == 403
    assert not BuyerDemand.objects.exists()
