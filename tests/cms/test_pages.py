"""Site pages: home, news, articles, standard pages, the account forms and the error page."""

import datetime
import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalog.models import CatalogueIndexPage
from cms.models import ARTICLES_PER_PAGE, ArticlePage, HomePage, NewsIndexPage, StandardPage
from tests import factories
from tests.helpers import count_queries


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image(title="Ảnh"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "orange").save(buffer, "PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


def publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def article(*, title: str | None = None, days_ago: int = 0, **fields):
    news = NewsIndexPage.objects.get()
    title = title or f"Tin {ArticlePage.objects.count() + 1}"
    return publish_child(
        news,
        ArticlePage(
            title=title,
            date=datetime.date.today() - datetime.timedelta(days=days_ago),
            body="<p>Nội dung bài viết.</p>",
            **fields,
        ),
    )


# --- home ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_renders_in_vietnamese_and_english(client):
    vietnamese = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    assert '<html lang="vi">' in vietnamese
    assert HomePage.objects.get().tagline in vietnamese
    assert '<html lang="en">' in english
    assert HomePage.objects.get().tagline_en in english
    assert "Upcoming fairs" in english
    assert "Hội chợ sắp diễn ra" in vietnamese


@pytest.mark.django_db
def test_home_features_only_products_with_a_valid_ocop_rating(client):
    factories.product(name="Mắm tôm 4 sao", ocop=factories.ocop(stars=4))
    factories.product(name="Mắm tôm hết hạn", ocop=factories.ocop(issued_on=datetime.date(2019, 1, 1)))
    factories.product(name="Mắm tôm thường")

    html = client.get("/").content.decode()

    assert "Mắm tôm 4 sao" in html
    assert "Mắm tôm hết hạn" not in html
    assert "Mắm tôm thường" not in html


@pytest.mark.django_db
def test_home_links_categories_and_only_provinces_with_products(client):
    factories.product(cooperative=factories.cooperative(province="01"), category="food")
    catalogue_url = CatalogueIndexPage.objects.get().url

    vietnamese = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    assert f'href="{catalogue_url}category/food/"' in vietnamese
    assert f'href="{catalogue_url}province/01/"' in vietnamese
    assert f'href="{catalogue_url}province/79/"' not in vietnamese
    assert f'href="/en{catalogue_url}category/food/"' in english
    assert "1 product" in english


@pytest.mark.django_db
def test_home_lists_the_latest_articles(client):
    article(title="Giá cà phê tăng", kind=ArticlePage.Kind.MARKET)

    html = client.get("/").content.decode()

    assert "Giá cà phê tăng" in html


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_products(client):
    cooperatives = [factories.cooperative(province=code) for code in ("01", "79")]

    def add(n):
        for i in range(n):
            factories.product(
                cooperative=cooperatives[i % 2], ocop=factories.ocop(), main_image_id=image(f"p{i}").pk
            )

    add(2)
    client.get("/")
    with_two = count_queries(client, "/")
    add(18)
    client.get("/")
    with_twenty = count_queries(client, "/")

    assert with_twenty == with_two


# --- news ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_news_index_empty_state(client):
    news = NewsIndexPage.objects.get()

    assert "Chưa có tin tức." in client.get(news.url).content.decode()
    assert "No news yet." in client.get("/en" + news.url).content.decode()


@pytest.mark.django_db
def test_news_index_lists_articles_newest_first_and_paginates(client):
    news = NewsIndexPage.objects.get()
    for n in range(ARTICLES_PER_PAGE + 1):
        article(title=f"Bản tin số {n:02d}", days_ago=n)

    first = client.get(news.url).content.decode()
    second = client.get(news.url + "?page=2").content.decode()

    assert first.index("Bản tin số 00") < first.index("Bản tin số 01")
    assert f"Bản tin số {ARTICLES_PER_PAGE:02d}" not in first
    assert f"Bản tin số {ARTICLES_PER_PAGE:02d}" in second
    assert 'href="?page=2"' in first


@pytest.mark.django_db
def test_news_index_query_count_does_not_grow_with_articles(client):
    news = NewsIndexPage.objects.get()
    for _ in range(2):
        article()
    client.get(news.url)  # first request of the site: content types, settings row
    with_two = count_queries(client, news.url)
    for _ in range(ARTICLES_PER_PAGE - 2):
        article()
    with_twelve = count_queries(client, news.url)

    assert with_twelve == with_two


@pytest.mark.django_db
def test_article_page_renders(client):
    page = article(title="Hội nghị kết nối cung cầu", summary="Tóm tắt", image=image())

    response = client.get(page.url)
    english = client.get("/en" + page.url)

    assert response.status_code == english.status_code == 200
    assert "Hội nghị kết nối cung cầu" in response.content.decode()
    assert "Nội dung bài viết." in response.content.decode()


@pytest.mark.django_db
def test_standard_page_renders(client):
    home = HomePage.objects.get()
    page = publish_child(
        home, StandardPage(title="Giới thiệu", slug="gioi-thieu", body="<p>Về chúng tôi</p>")
    )

    response = client.get(page.url)

    assert response.status_code == 200
    assert "Về chúng tôi" in response.content.decode()


# --- accounts --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_has_labelled_fields(client):
    html = client.get("/en/accounts/login/").content.decode()

    assert '<label for="id_login">Email' in html
    assert '<label for="id_password">Password' in html
    assert 'action="/en/accounts/login/"' in html


@pytest.mark.django_db
def test_login_shows_an_error_for_a_wrong_password(client):
    factories.user(email="mua@example.org")

    response = client.post("/en/accounts/login/", {"login": "mua@example.org", "password": "wrong"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_signup_shows_field_errors_next_to_their_fields(client):
    response = client.post("/accounts/signup/", {"email": "not-an-email", "full_name": "", "password1": "x"})
    html = response.content.decode()

    assert response.status_code == 200
    assert '<label for="id_full_name">Họ và tên' in html
    assert "Nhập địa chỉ email." in html
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_signed_in_users_log_out_with_a_post_form(client):
    client.force_login(factories.user())

    html = client.get("/").content.decode()

    assert '<form class="logout-form" action="/accounts/logout/" method="post">' in html
    assert 'href="/accounts/login/"' not in html


@pytest.mark.django_db
def test_anonymous_visitors_see_login_and_signup_links(client):
    html = client.get("/en/").content.decode()

    assert 'href="/en/accounts/login/"' in html
    assert 'href="/en/accounts/signup/"' in html


# --- errors ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_page_uses_the_site_404_template(client, settings):
    settings.DEBUG = False

    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    from django.template.loader import get_template
    from django.utils import translation

    with translation.override("vi"):
        html = get_template("500.html").render()

    assert '<html lang="vi">' in html
    assert "Đã có lỗi xảy ra" in html
