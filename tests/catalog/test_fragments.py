"""Product cards and product pages' content kept in the cache (catalog/page_cache/fragments.py):
fresh after every change, and never anyone's own.

Every test runs with the fragment cache on and the page cache off (both are off in debug mode, as
the suite runs), so what a visitor sees comes from cards drawn or kept, not from whole pages.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail import views as wagtail_views
from wagtail.models import Site

from catalog import page_cache, services
from catalog.models import CatalogueIndexPage, Category, ProductPage
from catalog.page_cache import CSRF_PLACEHOLDER, fragments
from catalog.page_cache.middleware import PageCacheMiddleware
from fairs.models import FairIndexPage
from tests import factories
from tests.factories import marketplace as shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fragments_on(settings, tmp_path):
    settings.FRAGMENT_CACHE_SECONDS = 300
    settings.PAGE_CACHE_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path
    settings.PAGE_CACHE_STAMP_FILE = tmp_path / "page-cache-stamp"
    cache.clear()


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cooperative = factories.cooperative(name="HTX Ong mật Sóc Sơn", province="01")
        shop.terms(cooperative)
        product = factories.product(
            cooperative=cooperative,
            name="Mật ong hoa nhãn",
            price_vnd=180_000,
            stock=50,
            category="food",
            ocop=factories.ocop(stars=4),
        )
    catalogue = CatalogueIndexPage.objects.get()
    lists = [catalogue.url, f"{catalogue.url}category/food/", cooperative.url, "/"]
    return {"product": product, "cooperative": cooperative, "lists": lists}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages_of(clients, urls) -> list[str]:
    pages = []
    for client in clients:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages.append(response.content.decode())
    return pages


def test_cards_come_from_the_cache(site):
    """A change that bypasses every write path (never done by the site) shows only where no card is
    kept: proof that lists draw their cards from the cache."""
    catalogue_url = site["lists"][1]
    assert "180.000" in Client().get(catalogue_url).content.decode()
    ProductPage.objects.filter(pk=site["product"].pk).update(price_vnd=199_000)

    assert "180.000" in Client().get(catalogue_url).content.decode()
    assert "199.000" in Client().get(site["product"].url).content.decode()


def test_off_when_fragment_cache_seconds_is_zero(site, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    catalogue_url = site["lists"][1]
    Client().get(catalogue_url)
    ProductPage.objects.filter(pk=site["product"].pk).update(price_vnd=199_000)

    assert "199.000" in Client().get(catalogue_url).content.decode()


def test_a_price_change_shows_at_once_for_visitors_and_buyers(
    site, buyer, django_capture_on_commit_callbacks
):
    product = site["product"]
    clients = [Client(), signed_in(buyer)]
    urls = [*site["lists"], product.url]
    assert all("180.000" in page for page in pages_of(clients, urls))

    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(
            product=product,
            data=factories.product_data(sku=product.sku, name=product.title, price_vnd=210_000),
            publish=True,
        )
    for page in pages_of(clients, urls):
        assert "210.000" in page
        assert "180.000" not in page

    # An import writes rows directly, with no publish signal.
    with django_capture_on_commit_callbacks(execute=True):
        services.products_bulk_upsert(
            cooperative=site["cooperative"],
            items=[factories.product_data(sku=product.sku, name=product.title, price_vnd=230_000, stock=50)],
            publish=True,
        )
    assert all("230.000" in page for page in pages_of(clients, urls))


def test_a_stock_change_and_a_lost_certificate_show_at_once(site, buyer, django_capture_on_commit_callbacks):
    product = site["product"]
    clients = [Client(), signed_in(buyer)]
    assert all("ocop-badge" in page for page in pages_of(clients, site["lists"][:3]))

    with django_capture_on_commit_callbacks(execute=True):
        services.product_set_stock(product=product, stock=7)
        product.ocop_certificates.update(expires_on=product.ocop_certificates.get().issued_on)
        page_cache.invalidate()  # as the daily OCOP run does after its bulk update
    assert all("7 × kg" in page for page in pages_of(clients, [product.url]))
    assert not any("ocop-badge" in page for page in pages_of(clients, site["lists"][:3]))


def test_cards_hold_nothing_of_the_buyer_who_drew_them(site, buyer, settings):
    # A name with a mark and a space: a random form token can hold "Lan" but never this.
    buyer.first_name, buyer.last_name = "Ngọc Lan", "Nguyễn"
    buyer.save()
    first = signed_in(buyer)
    response = first.post(reverse("marketplace:cart_add"), {"product": site["product"].pk, "quantity": 1})
    assert response.status_code == 302
    own = pages_of([first], site["lists"])  # draws and keeps the cards
    assert all('class="cart-link__count"' in page for page in own)

    other = signed_in(factories.user(email="khac@example.org"))
    for page in pages_of([Client(), other], site["lists"]):
        assert "Mật ong hoa nhãn" in page
        assert buyer.email not in page
        assert buyer.first_name not in page
        assert 'class="cart-link__count"' not in page
        assert first.cookies[settings.CSRF_COOKIE_NAME].value not in page
        assert first.cookies[settings.SESSION_COOKIE_NAME].value not in page

    request = RequestFactory().get("/")
    kept = fragments.fetch(fragments.prefix(request, "product-card"), [site["product"].pk])
    assert len(kept) == 1
    card = kept[site["product"].pk]
    assert "csrfmiddlewaretoken" not in card
    assert buyer.first_name not in card
    assert buyer.email not in card


def test_a_fragment_with_a_form_token_is_never_kept(rf):
    prefix = fragments.prefix(rf.get("/"), "test")
    placeholder = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}">'
    fragments.store(
        prefix,
        {
            1: '<input name="csrfmiddlewaretoken" value="x">',
            2: "<p>Gạo</p>",
            3: f"<form>{placeholder}</form>",
            4: f'<form>{placeholder}</form><form><input name="csrfmiddlewaretoken" value="abc"></form>',
        },
    )

    assert fragments.fetch(prefix, [1, 2, 3, 4]) == {2: "<p>Gạo</p>", 3: f"<form>{placeholder}</form>"}


# --- a product page's content ---------------------------------------------------------------------


def form_token(page: str) -> str:
    return re.search(r'class="add-to-cart".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S).group(1)


def test_a_product_pages_content_is_drawn_once_for_visitors_and_buyers(site, buyer):
    product = site["product"]
    clients = [Client(), signed_in(buyer)]
    with CaptureQueriesContext(connection) as drawn:
        first = clients[0].get(product.url).content.decode()
    # A change that bypasses every write path (never done by the site) shows nowhere: the content
    # comes from the cache, for the visitor and for the buyer, with no query of the product's.
    ProductPage.objects.filter(pk=product.pk).update(price_vnd=199_000, sku="KHAC-1")
    with CaptureQueriesContext(connection) as kept:
        again = clients[0].get(product.url).content.decode()
    assert len(kept) <= len(drawn) - 4
    assert not any("catalog_wholesaletier" in query["sql"] for query in kept.captured_queries)
    for page in [again, *pages_of(clients[1:], [product.url])]:
        assert "<title>Mật ong hoa nhãn ·" in page
        assert "180.000" in page
        assert product.sku in page
        assert "199.000" not in page
        assert "KHAC-1" not in page
    assert '<h1 id="product-name">Mật ong hoa nhãn</h1>' in first


def test_a_kept_product_page_carries_each_visitors_own_form_token(site, buyer):
    product = site["product"]
    visitor = Client(enforce_csrf_checks=True)
    member = Client(enforce_csrf_checks=True)
    member.force_login(buyer)
    tokens = [form_token(client.get(product.url).content.decode()) for client in (visitor, member)]

    assert CSRF_PLACEHOLDER not in "".join(tokens)
    assert tokens[0] != tokens[1]
    where = fragments.for_page(RequestFactory().get(product.url), "product", ())
    key = f"{where.key}:content"
    assert CSRF_PLACEHOLDER in fragments.fetch(where.prefix, [key])[key]
    for client, token in zip((visitor, member), tokens, strict=True):
        response = client.post(
            reverse("marketplace:cart_add"),
            {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
        assert 'class="cart-link__count"' in client.get(product.url).content.decode()


def test_a_preview_of_a_draft_is_never_read_from_nor_kept_in_the_cache(site):
    product = site["product"]
    assert "180.000" in Client().get(product.url).content.decode()  # the live content, kept
    draft = ProductPage.objects.get(pk=product.pk)
    draft.price_vnd = 155_000
    draft.save_revision()

    preview = draft.get_latest_revision_as_object().make_preview_request()
    assert "155.000" in preview.content.decode()
    assert "180.000" not in preview.content.decode()
    assert "155.000" not in Client().get(product.url).content.decode()


def test_languages_have_cards_of_their_own(site):
    product = site["product"]
    product.name_en = "Longan honey"
    product.save_revision().publish()
    catalogue_url = site["lists"][1]

    assert "Mật ong hoa nhãn" in Client().get(catalogue_url).content.decode()
    assert "Longan honey" in Client().get("/en" + catalogue_url).content.decode()


# --- the catalogue's title and content ------------------------------------------------------------


def test_the_catalogues_title_and_content_are_kept_for_visitors_and_buyers(site, buyer):
    category_url = site["lists"][1]
    clients = [Client(), signed_in(buyer)]
    first = clients[0].get(category_url).content.decode()
    assert "1 sản phẩm" in first
    # A change that bypasses every write path (never done by the site) shows nowhere: the count,
    # the filters and the cards all come from the cache, with no count or facet query.
    ProductPage.objects.filter(pk=site["product"].pk).update(live=False)
    with CaptureQueriesContext(connection) as queries:
        again = clients[0].get(category_url).content.decode()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "COUNT(" not in sql
    assert "catalog_province" not in sql
    assert "catalog_productpage" not in sql
    for page in [again, *pages_of(clients[1:], [category_url])]:
        assert "1 sản phẩm" in page
        assert "Mật ong hoa nhãn" in page
        assert page.count("<title>") == 1
    # Each URL has its own: the listing of every product was never drawn, so it shows the change.
    assert "0 sản phẩm" in Client().get(site["lists"][0]).content.decode()


def test_a_catalogue_url_with_a_parameter_it_does_not_read_is_drawn_every_time(site):
    category_url = site["lists"][1] + "?utm_source=zalo"
    assert "1 sản phẩm" in Client().get(category_url).content.decode()
    ProductPage.objects.filter(pk=site["product"].pk).update(live=False)

    assert "0 sản phẩm" in Client().get(category_url).content.decode()


# --- the site and the menu, remembered under the generation ------------------------------------------


def queries_of(client, url) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_the_site_and_the_menu_are_read_once_until_pages_or_sites_change(
    site, buyer, django_capture_on_commit_callbacks
):
    product_url = site["product"].url
    assert "wagtailcore_site" in queries_of(Client(), product_url)
    for client in (Client(), signed_in(buyer)):
        sql = queries_of(client, product_url)
        assert "wagtailcore_site" not in sql
        assert "django_content_type" not in sql  # the menu's sections

    fairs = FairIndexPage.objects.get()
    assert f'href="{fairs.url}"' in Client().get(product_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        fairs.unpublish()
    assert f'href="{fairs.url}"' not in Client().get(product_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.update(site_name="Chợ HTX")  # no signal: nothing moves
    assert "wagtailcore_site" not in queries_of(Client(), product_url)
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.get().save()
    assert "wagtailcore_site" in queries_of(Client(), product_url)


def test_each_request_gets_its_own_copy_of_the_remembered_site(site, rf, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    seen = []

    def view(request):
        if not seen:  # the first request changes what it was given
            request._wagtail_site.root_page.title = "Đổi trong một yêu cầu"
        seen.append(request._wagtail_site)
        return HttpResponse("")

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        middleware(rf.get("/"))
    assert seen[0] is not seen[1]
    assert seen[0].pk == seen[1].pk == Site.objects.get().pk
    assert seen[1].root_page.title != "Đổi trong một yêu cầu"


# --- the route to a page, remembered under the generation --------------------------------------------

ROUTING = ("wagtailcore_locale", "wagtailcore_pageviewrestriction", '"wagtailcore_page"."url_path" IN')


def test_a_page_is_routed_once_until_pages_change(site, buyer, django_capture_on_commit_callbacks):
    product = site["product"]
    first = queries_of(Client(), product.url)
    assert all(part in first for part in ROUTING[:2])
    for client in (Client(), signed_in(buyer)):
        for url in (product.url, f"{product.url}qr/", *site["lists"]):
            response = client.get(url)
            assert response.status_code == 200, url
        sql = queries_of(client, product.url)
        assert not any(part in sql for part in ROUTING)

    old_url = product.url
    with django_capture_on_commit_callbacks(execute=True):
        product.slug = "mat-ong-hoa-nhan-moi"
        product.save_revision().publish()
    new_url = ProductPage.objects.get(pk=product.pk).url
    assert new_url != old_url
    moved = Client().get(old_url)  # no longer routed: Wagtail's redirect for a changed slug
    assert (moved.status_code, moved["Location"]) == (301, new_url)
    assert "Mật ong hoa nhãn" in Client().get(new_url).content.decode()
    assert Client().get(f"{site['cooperative'].url}khong-co-trang-nay/").status_code == 404


def test_a_category_page_reads_no_category_until_categories_change(site, django_capture_on_commit_callbacks):
    catalogue = CatalogueIndexPage.objects.get().url
    assert Client().get(f"{catalogue}category/food/").status_code == 200
    assert "catalog_category" not in queries_of(Client(), f"{catalogue}category/food/")

    food = Category.objects.get(slug="food")
    with django_capture_on_commit_callbacks(execute=True):
        seeds = Category.objects.create(
            slug="hat-giong", name="Hạt giống", name_en="Seeds", parent=food.parent
        )
    assert "Hạt giống" in Client().get(f"{catalogue}category/hat-giong/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        seeds.delete()
    assert Client().get(f"{catalogue}category/hat-giong/").status_code == 404


def test_a_host_without_a_site_is_a_404_not_an_error(site, django_capture_on_commit_callbacks):
    assert Client().get(site["product"].url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.all().delete()
    assert Client().get(site["product"].url).status_code == 404


def test_each_request_routes_its_own_copy_of_the_remembered_page(site, rf, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    middleware = PageCacheMiddleware(lambda request: HttpResponse(""))
    url = site["product"].url
    pages = []
    for _ in range(3):
        request = rf.get(url)
        middleware(request)  # the site, remembered
        middleware.process_view(request, wagtail_views.serve, (url.lstrip("/"),), {})
        page = request._wagtail_route_for_request[0]
        if not pages:  # the first request changes what it was given
            page.title = "Đổi trong một yêu cầu"
        pages.append(page)
    assert len({id(page) for page in pages}) == 3
    assert {page.pk for page in pages} == {site["product"].pk}
    assert pages[2].title == "Mật ong hoa nhãn"


def test_a_cooperatives_content_is_kept_for_visitors_and_buyers(site, buyer):
    url = site["cooperative"].url
    clients = [Client(), signed_in(buyer)]
    assert "Mật ong hoa nhãn" in clients[0].get(url).content.decode()
    # Bypassing every write path (never done by the site): the products and their count still show
    # what was drawn, with none of their queries.
    ProductPage.objects.filter(pk=site["product"].pk).update(live=False)
    sql = queries_of(clients[0], url)
    assert "COUNT(" not in sql
    assert "catalog_productpage" not in sql
    for page in pages_of(clients, [url]):
        assert "Mật ong hoa nhãn" in page
        assert "(1)" in page


def test_the_home_pages_content_is_kept_for_visitors_and_buyers(site, buyer):
    clients = [Client(), signed_in(buyer)]
    assert "Mật ong hoa nhãn" in clients[0].get("/").content.decode()
    # Bypassing every write path (never done by the site): the featured products and the counts
    # still show what was drawn, with none of their queries.
    ProductPage.objects.filter(pk=site["product"].pk).update(live=False)
    sql = queries_of(clients[0], "/")
    assert "COUNT(" not in sql
    assert "catalog_productpage" not in sql
    assert "fairs_fairpage" not in sql
    for page in pages_of(clients, ["/"]):
        assert "Mật ong hoa nhãn" in page
        assert "1 sản phẩm" in page
