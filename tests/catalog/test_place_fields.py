"""The ward lists in the cooperative and product editors follow the chosen province."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from catalog.models import Category, ProductPage, Ward
from tests import factories


@pytest.fixture
def staff_client(client, db):
    staff = factories.user(email="nhanvien@htx.example.org")
    cooperative = factories.cooperative(name="HTX Chè Tân Cương", province="19", staff=[staff])
    client.force_login(staff)
    return client, cooperative


def ward_options(html: str, name: str) -> set[str]:
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": name})
    return {option["value"] for option in select.find_all("option") if option["value"]}


def test_a_new_products_wards_are_those_of_its_cooperatives_province(staff_client):
    client, cooperative = staff_client
    url = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", cooperative.pk])

    html = client.get(url).content.decode()

    assert ward_options(html, "origin_ward") == set(
        Ward.objects.filter(province_id="19").values_list("code", flat=True)
    )
    assert 'data-ward-picker="origin_province"' in html
    assert "js/ward-picker.js" in html


def add_product(client, cooperative, *, province: str, ward: Ward):
    url = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", cooperative.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Chè búp Tân Cương",
            "slug": "che-bup",
            "sku": "CHE-1",
            "category": str(Category.objects.get(slug="beverages").pk),
            "unit": "kg",
            "price_vnd": "350000",
            "min_order_qty": "1",
            "origin_province": province,
            "origin_ward": ward.code,
        }
    )
    return client.post(url, data)


def test_a_ward_outside_the_chosen_province_is_refused(staff_client):
    client, cooperative = staff_client

    response = add_product(
        client, cooperative, province="19", ward=Ward.objects.filter(province_id="01").first()
    )

    assert response.status_code == 200
    assert "origin_ward" in response.context["form"].errors
    assert not ProductPage.objects.filter(sku="CHE-1").exists()


def test_a_ward_of_a_newly_chosen_province_is_accepted(staff_client):
    client, cooperative = staff_client
    ward = Ward.objects.filter(province_id="01").first()

    response = add_product(client, cooperative, province="01", ward=ward)

    assert response.status_code == 302
    assert ProductPage.objects.get(sku="CHE-1").origin_ward_id == ward.code


@pytest.mark.django_db
def test_the_api_lists_a_provinces_wards_by_code_or_name(client):
    by_code = client.get("/api/v1/provinces/8/wards").json()
    by_name = client.get("/api/v1/provinces/tuyen quang/wards").json()

    assert by_code == by_name
    assert {w["code"] for w in by_code} == set(
        Ward.objects.filter(province_id="08").values_list("code", flat=True)
    )
    assert client.get("/api/v1/provinces/atlantis/wards").status_code == 400
