"""The public catalogue pages: catalogue listing, cooperative profile, product page, sitemap.

Pages render in Vietnamese at / and in English under /en/, from the same page tree.
"""

import datetime
import io
import json
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalog import services
from catalog.models import CatalogueIndexPage, CooperativeCertification, WholesaleTier
from tests import factories
from tests.helpers import count_queries

JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image(title="Ảnh sản phẩm", colour="green"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


def catalogue():
    return CatalogueIndexPage.objects.get()


def json_ld(response) -> list[dict]:
    return [json.loads(block) for block in JSON_LD_RE.findall(response.content.decode())]


def expired_ocop():
    issued = datetime.date.today() - datetime.timedelta(days=4 * 365)
    return factories.ocop(stars=5, issued_on=issued)


# --- rendering in both languages -------------------------------------------------------------------


@pytest.mark.django_db
def test_catalogue_shows_names_in_the_active_language(client):
    factories.product(name="Nước mắm Cát Hải", name_en="Cat Hai fish sauce")

    vietnamese = client.get(catalogue().url)
    english = client.get("/en" + catalogue().url)

    assert vietnamese.status_code == english.status_code == 200
    assert '<html lang="vi">' in vietnamese.content.decode()
    assert "Nước mắm Cát Hải" in vietnamese.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "Cat Hai fish sauce" in english.content.decode()
    assert "Nước mắm Cát Hải" not in english.content.decode()


@pytest.mark.django_db
def test_english_falls_back_to_vietnamese_when_no_english_name(client):
    product = factories.product(name="Chè Shan tuyết")

    response = client.get("/en" + product.url)

    assert response.status_code == 200
    assert "Chè Shan tuyết" in response.content.decode()


@pytest.mark.django_db
def test_product_page_renders_in_both_languages_with_local_price(client):
    product = factories.product(name="Bưởi Diễn", name_en="Dien pomelo", price_vnd=1_250_000, unit="quả")

    vietnamese = client.get(product.url).content.decode()
    english = client.get("/en" + product.url).content.decode()

    assert "<h1" in vietnamese
    assert "Bưởi Diễn" in vietnamese
    assert "1.250.000 ₫" in vietnamese
    assert "Dien pomelo" in english
    assert "₫1,250,000" in english
    assert "1.250.000 ₫" not in english


@pytest.mark.django_db
def test_links_stay_in_the_active_language(client):
    product = factories.product(name_en="Tea")

    english = client.get("/en" + catalogue().url).content.decode()

    assert f'href="/en{product.url}"' in english
    assert f'href="{product.url}"' not in english


@pytest.mark.django_db
def test_language_switcher_is_a_post_form_to_set_language(client):
    product = factories.product()

    vietnamese = client.get(product.url).content.decode()
    english = client.get("/en" + product.url).content.decode()

    # set_language translates `next` into the chosen language itself, from the default language.
    assert 'action="/i18n/setlang/" method="post"' in vietnamese
    assert f'name="next" value="{product.url}"' in vietnamese
    assert 'name="language" value="en"' in vietnamese
    assert f'name="next" value="{product.url}"' in english
    assert 'name="language" value="vi"' in english
    assert f'hreflang="en" href="http://testserver/en{product.url}"' in vietnamese


@pytest.mark.django_db
def test_switching_language_lands_on_the_same_page_in_the_other_language(client):
    product = factories.product(name="Trà sen", name_en="Lotus tea")

    to_english = client.post("/i18n/setlang/", {"language": "en", "next": product.url}, follow=True)
    to_vietnamese = client.post("/i18n/setlang/", {"language": "vi", "next": product.url}, follow=True)

    assert to_english.redirect_chain[-1][0] == f"/en{product.url}"
    assert "<h1" in to_english.content.decode()
    assert "Lotus tea" in to_english.content.decode()
    assert to_vietnamese.redirect_chain[-1][0] == product.url
    assert '<html lang="vi">' in to_vietnamese.content.decode()


@pytest.mark.django_db
def test_pages_have_a_skip_link_and_a_main_landmark(client):
    response = client.get(catalogue().url).content.decode()

    assert '<a class="skip-link" href="#main">' in response
    assert '<main id="main"' in response


# --- OCOP stars ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_valid_certificate_shows_stars_decision_number_and_expiry(client):
    issued = datetime.date(2025, 3, 10)
    expires = datetime.date.today() + datetime.timedelta(days=400)
    product = factories.product(
        ocop=factories.ocop(stars=4, number="123/QĐ-UBND", issued_on=issued, expires_on=expires)
    )

    page = client.get(product.url).content.decode()
    listing = client.get(catalogue().url).content.decode()

    assert "ocop-badge" in page
    assert "★★★★☆" in page
    assert "123/QĐ-UBND" in page
    assert expires.strftime("%d/%m/%Y") in page
    assert "★★★★☆" in listing


@pytest.mark.django_db
def test_expired_certificate_hides_stars(client):
    product = factories.product(name="Mật ong bạc hà", ocop=expired_ocop())

    page = client.get(product.url).content.decode()
    listing = client.get(catalogue().url).content.decode()

    assert "Mật ong bạc hà" in listing
    for html in (page, listing):
        assert "ocop-badge" not in html
        assert "★" not in html
    assert "hasCertification" not in page


@pytest.mark.django_db
def test_card_shows_only_the_valid_certificate_when_an_older_one_expired(client):
    product = factories.product(ocop=expired_ocop())
    services.ocop_certificate_record(product=product, data=factories.ocop(stars=3))

    listing = client.get(catalogue().url).content.decode()

    assert "★★★☆☆" in listing
    assert "★★★★★" not in listing


# --- structured data -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_product_json_ld_has_offer_maker_and_ocop_certification(client):
    cooperative = factories.cooperative(name="HTX Nông nghiệp Hòa Bình")
    expires = datetime.date.today() + datetime.timedelta(days=500)
    product = factories.product(
        cooperative=cooperative,
        name="Cam Cao Phong",
        price_vnd=45_000,
        ocop=factories.ocop(stars=5, number="77/QĐ-TTg", expires_on=expires),
    )
    WholesaleTier.objects.create(page=product, min_quantity=100, unit_price_vnd=40_000)

    [data] = json_ld(client.get(product.url))

    assert data["@type"] == "Product"
    assert data["name"] == "Cam Cao Phong"
    assert data["offers"]["priceCurrency"] == "VND"
    assert data["offers"]["price"] == 45_000
    assert isinstance(data["offers"]["price"], int)
    assert data["offers"]["priceSpecification"][0]["price"] == 40_000
    assert data["brand"]["@type"] == data["manufacturer"]["@type"] == "Organization"
    assert data["manufacturer"]["name"] == "HTX Nông nghiệp Hòa Bình"
    certification = data["hasCertification"]
    assert certification["@type"] == "Certification"
    assert certification["name"] == "OCOP"
    assert certification["certificationIdentification"] == "77/QĐ-TTg"
    assert certification["certificationRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert certification["issuedBy"]["name"] == "UBND tỉnh"
    assert certification["expires"] == expires.isoformat()


@pytest.mark.django_db
def test_product_json_ld_in_english_uses_the_english_name(client):
    product = factories.product(name="Cà phê", name_en="Coffee")

    [data] = json_ld(client.get("/en" + product.url))

    assert data["name"] == "Coffee"
    assert data["url"].endswith(f"/en{product.url}")


@pytest.mark.django_db
def test_json_ld_cannot_close_its_script_element(client):
    product = factories.product(name="Trà </script><script>alert(1)</script>")

    response = client.get(product.url).content.decode()
    [data] = json_ld(client.get(product.url))

    assert "<script>alert(1)" not in response
    assert data["name"] == "Trà </script><script>alert(1)</script>"


@pytest.mark.django_db
def test_cooperative_page_shows_profile_products_and_organization_json_ld(client):
    cooperative = factories.cooperative(
        name="HTX Chè Tân Cương",
        province="Thái Nguyên",
        sector="Chè",
        members=120,
        founded_year=2008,
        phone="0208 123 456",
        email="htx@example.org",
        address="Xóm 5",
    )
    CooperativeCertification.objects.create(
        page=cooperative, scheme="vietgap", number="VG-001", valid_from=datetime.date(2024, 1, 1)
    )
    factories.product(cooperative=cooperative, name="Chè búp")

    response = client.get(cooperative.url)
    html = response.content.decode()
    [data] = json_ld(response)

    assert response.status_code == 200
    for text in ("HTX Chè Tân Cương", cooperative.tax_code, "Chè búp", "VietGAP", "VG-001", "2008", "120"):
        assert text in html
    assert data["@type"] == "Organization"
    assert data["taxID"] == cooperative.tax_code
    assert data["foundingDate"] == "2008"
    assert data["address"]["addressRegion"] == cooperative.province.name
    assert data["hasCertification"][0]["name"] == "VietGAP"


@pytest.mark.django_db
def test_cooperative_page_paginates_its_products(client):
    cooperative = factories.cooperative()
    for n in range(25):
        factories.product(cooperative=cooperative, name=f"Sản phẩm {n:02d}")

    first = client.get(cooperative.url).content.decode()
    second = client.get(cooperative.url + "?page=2").content.decode()

    assert first.count('class="card product-card"') == 24
    assert second.count('class="card product-card"') == 1
    assert 'href="?page=2"' in first


# --- visibility ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unpublished_product_is_404_for_anonymous(client):
    product = factories.product(publish=False)

    assert client.get(product.url).status_code == 404
    assert client.get("/en" + product.url).status_code == 404


@pytest.mark.django_db
def test_products_of_an_unverified_cooperative_are_not_listed(client):
    verified = factories.cooperative(province="01")
    unverified = factories.cooperative(province="01", verified=False)
    factories.product(cooperative=verified, name="Hiển thị", ocop=factories.ocop())
    factories.product(cooperative=unverified, name="Ẩn đi", ocop=factories.ocop())

    urls = [
        catalogue().url,
        catalogue().url + "category/food/",
        catalogue().url + "province/01/",
        "/",
        "/en" + catalogue().url,
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "Hiển thị" in html, url
        assert "Ẩn đi" not in html, url


# --- catalogue filters -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_catalogue_filters_by_category_and_province(client):
    hanoi = factories.cooperative(province="01")
    hue = factories.cooperative(province="46")
    factories.product(cooperative=hanoi, name="Bánh cốm", category="food")
    factories.product(cooperative=hue, name="Nón lá", category="handicrafts")

    by_category = client.get(catalogue().url + "category/handicrafts/").content.decode()
    by_province = client.get(catalogue().url + "province/01/").content.decode()
    by_form = client.get(catalogue().url, {"category": "food", "province": "46"}).content.decode()

    assert "Nón lá" in by_category
    assert "Bánh cốm" not in by_category
    assert "Bánh cốm" in by_province
    assert "Nón lá" not in by_province
    assert "Bánh cốm" not in by_form
    assert "Nón lá" not in by_form
    assert (
        "No products match these filters yet."
        in client.get("/en" + catalogue().url, {"category": "food", "province": "46"}).content.decode()
    )


@pytest.mark.django_db
def test_catalogue_filter_form_has_labelled_selects(client):
    html = client.get(catalogue().url).content.decode()

    assert '<form class="filter-form" method="get"' in html
    assert '<label for="filter-category">' in html
    assert '<select id="filter-category" name="category">' in html
    assert '<label for="filter-province">' in html
    assert '<select id="filter-province" name="province">' in html


@pytest.mark.django_db
def test_catalogue_pagination_keeps_the_other_filters(client):
    cooperative = factories.cooperative(province="01")
    for _ in range(25):
        factories.product(cooperative=cooperative)

    html = client.get(catalogue().url, {"province": "01", "category": "food"}).content.decode()
    second = client.get(catalogue().url, {"province": "01", "category": "food", "page": 2}).content.decode()

    assert html.count('class="card product-card"') == 24
    assert 'href="?province=01&amp;category=food&amp;page=2"' in html
    assert second.count('class="card product-card"') == 1


@pytest.mark.django_db
def test_unknown_category_is_404(client):
    assert client.get(catalogue().url + "category/no-such-thing/").status_code == 404


@pytest.mark.django_db
def test_catalogue_empty_state(client):
    html = client.get(catalogue().url).content.decode()

    assert "Chưa có sản phẩm nào phù hợp" in html


# --- images ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cards_and_product_page_show_images_with_the_product_name_as_alt(client):
    product = factories.product(name="Gạo ST25", name_en="ST25 rice", main_image_id=image().pk)

    listing = client.get("/en" + catalogue().url).content.decode()
    page = client.get(product.url).content.decode()

    assert re.search(r'<img alt="ST25 rice"[^>]*\.webp"', listing)
    assert re.search(r'<img alt="Gạo ST25"[^>]*\.webp"', page)


@pytest.mark.django_db
def test_card_without_image_shows_a_placeholder(client):
    factories.product()

    html = client.get(catalogue().url).content.decode()

    assert 'class="card__placeholder" role="img"' in html


# --- traceability and sitemap ----------------------------------------------------------------------


@pytest.mark.django_db
def test_product_page_links_its_traceability_qr_code(client):
    product = factories.product()

    html = client.get(product.url).content.decode()

    assert f'<img src="{product.url}qr/"' in html


@pytest.mark.django_db
def test_traceability_qr_code_is_served(client):
    product = factories.product()

    response = client.get(product.url + "qr/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


@pytest.mark.django_db
def test_sitemap_lists_the_catalogue_and_a_published_product(client):
    product = factories.product()
    draft = factories.product(publish=False)

    xml = client.get("/sitemap.xml").content.decode()

    assert f"{catalogue().url}</loc>" in xml
    assert f"{product.url}</loc>" in xml
    assert f"{draft.url}</loc>" not in xml


# --- query counts (20 items cost what 2 cost) --------------------------------------------


def _add_products(cooperatives, n):
    for i in range(n):
        factories.product(
            cooperative=cooperatives[i % len(cooperatives)],
            ocop=factories.ocop(stars=3 + i % 3),
            main_image_id=image(f"p{i}").pk,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "category/food/", "province/01/", "?category=food&province=01"])
def test_catalogue_listing_query_count_does_not_grow_with_products(client, suffix):
    cooperatives = [factories.cooperative(province="01") for _ in range(2)]
    url = catalogue().url + suffix
    _add_products(cooperatives, 2)
    client.get(url)  # generate the renditions once
    with_two = count_queries(client, url)

    _add_products(cooperatives, 18)
    client.get(url)
    with_twenty = count_queries(client, url)

    assert client.get(url).content.decode().count('class="card product-card"') == 20
    assert with_twenty == with_two


@pytest.mark.django_db
def test_cooperative_page_query_count_does_not_grow_with_products(client):
    cooperative = factories.cooperative()
    _add_products([cooperative], 2)
    client.get(cooperative.url)
    with_two = count_queries(client, cooperative.url)

    _add_products([cooperative], 18)
    client.get(cooperative.url)
    with_twenty = count_queries(client, cooperative.url)

    assert client.get(cooperative.url).content.decode().count('class="card product-card"') == 20
    assert with_twenty == with_two


@pytest.mark.django_db
def test_product_page_query_count_does_not_grow_with_gallery_and_tiers(client):
    from catalog.models import ProductGalleryImage

    product = factories.product(main_image_id=image().pk, ocop=factories.ocop())

    def add(n):
        for i in range(n):
            ProductGalleryImage.objects.create(page=product, image=image(f"g{i}"), caption=f"Ảnh {i}")
            WholesaleTier.objects.create(page=product, min_quantity=10 + i, unit_price_vnd=100_000 - i)

    add(2)
    client.get(product.url)
    with_two = count_queries(client, product.url)
    add(18)
    client.get(product.url)
    with_twenty = count_queries(client, product.url)

    assert with_twenty == with_two
