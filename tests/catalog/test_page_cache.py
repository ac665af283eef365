"""The anonymous page cache (catalog/page_cache/): whom it serves, what retires it, what a hit costs.

Every test runs with the cache on (it is off by default in debug mode, as the suite runs).
"""

import datetime
import re
import uuid

import pytest
import redis
from django.core.management import call_command
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from catalog import page_cache, services
from catalog.models import CatalogueIndexPage
from catalog.page_cache.middleware import HEADER
from cms.models import PlatformSettings
from fairs import services as fair_services
from tests import factories
from tests.factories import fairs as fair_factories
from tests.factories import marketplace as shop

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH = "/tim-kiem/?q=m%E1%BA%ADt+ong"  # "mật ong"
MESSAGES = 'class="container messages"'


@pytest.fixture(autouse=True)
def _page_cache_on(settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.MEDIA_ROOT = tmp_path
    settings.PAGE_CACHE_STAMP_FILE = tmp_path / "page-cache-stamp"


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    """A cooperative with an OCOP product in stock, showcased at an open fair; indexed for search."""
    with django_capture_on_commit_callbacks(execute=True):
        organiser = factories.user(email="lienminh@example.org")
        fair = fair_factories.fair(
            lead=factories.alliance(provinces=("01",), staff=[organiser]), title="Hội chợ Mật ong 2030"
        )
        staff = factories.user(email="nhanvien.htx@example.org", first_name="Quế", last_name="Chi")
        staff.is_staff = True
        staff.save()
        cooperative = factories.cooperative(name="HTX Ong mật Sóc Sơn", province="01", staff=[staff])
        shop.terms(cooperative)
        product = factories.product(
            cooperative=cooperative,
            name="Mật ong hoa nhãn",
            name_en="Longan honey",
            price_vnd=180_000,
            stock=50,
            category="food",
            ocop=factories.ocop(stars=4),
        )
        participant = fair_services.participant_register_cooperative(
            fair=fair,
            user=staff,
            cooperative=cooperative,
            data=fair_services.RegistrationData(showcased_products=[product]),
        )
        fair_services.participant_decide(participant=participant, user=organiser, approve=True)
    catalogue = CatalogueIndexPage.objects.get()
    return {
        "product": product,
        "cooperative": cooperative,
        "fair": fair,
        "staff": staff,
        "organiser": organiser,
        "urls": [
            "/",
            catalogue.url,
            f"{catalogue.url}category/food/",
            cooperative.url,
            product.url,
            fair.url,
            SEARCH,
            "/en" + product.url,
            "/en/",
        ],
    }


def state(response) -> str | None:
    return response.headers.get(HEADER)


def own_token_secret(client, response) -> set[str]:
    """The secrets behind the page's CSRF tokens: each must be the visitor's own cookie's."""
    tokens = TOKEN_RE.findall(response.content.decode())
    assert tokens, "the page has a form"
    return {_unmask_cipher_token(token) for token in tokens}


def fill_cart_with_message(client, product) -> None:
    """Put a line in the client's cart; the redirect's "Added … to your cart." waits in its messages."""
    response = client.post(reverse("marketplace:cart_add"), {"product": product.pk, "quantity": 1})
    assert response.status_code == 302


# --- who gets what ---------------------------------------------------------------------------------


def test_pages_of_a_buyer_and_of_staff_never_reach_an_anonymous_visitor(site, buyer, settings):
    # Names with marks: a random form token in the page could hold "Lan", never "Ngọc Lan" or "Quế".
    buyer.first_name, buyer.last_name = "Ngọc Lan", "Nguyễn"
    buyer.save()
    signed_in = {}
    for user in (buyer, site["staff"]):
        client = Client()
        client.force_login(user)
        signed_in[user.email] = client
        for url in site["urls"]:
            fill_cart_with_message(client, site["product"])
            response = client.get(url)
            assert response.status_code == 200, url
            assert state(response) is None, url  # neither looked up nor stored
            page = response.content.decode()
            assert 'class="cart-link__count"' in page, url
            assert MESSAGES in page, url

    visitor = Client()
    for url in site["urls"]:
        first = visitor.get(url)
        assert (first.status_code, state(first)) == (200, "miss"), url  # nothing was stored for them
        second = visitor.get(url)
        assert (second.status_code, state(second)) == (200, "hit"), url
        page = second.content.decode()
        for user in (buyer, site["staff"]):
            assert user.email not in page
            assert user.first_name not in page
        assert 'class="cart-link__count"' not in page
        assert MESSAGES not in page
        assert reverse("accounts:logout") not in page
        assert reverse("marketplace:orders") not in page
        assert settings.SESSION_COOKIE_NAME not in second.cookies
        secrets = own_token_secret(visitor, second)
        assert secrets == {visitor.cookies[settings.CSRF_COOKIE_NAME].value}, url
        for client in signed_in.values():
            assert client.cookies[settings.CSRF_COOKIE_NAME].value not in secrets
            assert client.cookies[settings.SESSION_COOKIE_NAME].value not in page


def test_two_visitors_share_a_page_but_not_a_csrf_token(site, settings):
    first, second = Client(), Client()
    url = site["product"].url
    assert state(first.get(url)) == "miss"
    served = second.get(url)

    assert state(served) == "hit"
    assert own_token_secret(second, served) == {second.cookies[settings.CSRF_COOKIE_NAME].value}
    assert first.cookies[settings.CSRF_COOKIE_NAME].value != second.cookies[settings.CSRF_COOKIE_NAME].value
    assert settings.SESSION_COOKIE_NAME not in served.cookies


def test_the_token_of_a_cached_page_is_accepted(site):
    """ "Add to cart" on a page from the cache posts, with CSRF checks on, and fills the visitor's cart."""
    Client().get(site["product"].url)  # stored by someone else
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(site["product"].url)
    assert state(page) == "hit"
    token = TOKEN_RE.search(page.content.decode()).group(1)

    added = visitor.post(
        reverse("marketplace:cart_add"),
        {"product": site["product"].pk, "quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert added.status_code == 302
    # The visitor now has a cart in their session: their pages are their own from here on.
    again = visitor.get(site["product"].url)
    assert state(again) is None
    assert 'class="cart-link__count"' in again.content.decode()


def test_a_cached_page_is_never_served_to_someone_signed_in_or_with_a_cart(site, buyer):
    url = site["product"].url
    Client().get(url)
    assert state(Client().get(url)) == "hit"

    signed_in = Client()
    signed_in.force_login(buyer)
    fill_cart_with_message(signed_in, site["product"])
    response = signed_in.get(url)
    assert state(response) is None
    assert reverse("accounts:logout") in response.content.decode()
    assert 'class="cart-link__count"' in response.content.decode()

    visitor_with_cart = Client()
    fill_cart_with_message(visitor_with_cart, site["product"])
    response = visitor_with_cart.get(url)
    assert state(response) is None
    assert 'class="cart-link__count"' in response.content.decode()


def test_languages_and_query_strings_are_pages_of_their_own(site):
    catalogue = CatalogueIndexPage.objects.get().url
    client = Client()
    for url in (catalogue, f"{catalogue}?page=1", "/en" + catalogue, f"{catalogue}?province=01"):
        assert state(client.get(url)) == "miss", url
    english = client.get("/en" + catalogue)
    assert state(english) == "hit"
    assert '<html lang="en">' in english.content.decode()


def test_unknown_repeated_or_long_parameters_are_served_uncached(site):
    product, catalogue = site["product"].url, CatalogueIndexPage.objects.get().url
    client = Client()
    for url in (
        f"{product}?utm_source=mail",  # a product page reads no parameter
        f"{catalogue}?page=1&page=2",
        "/tim-kiem/?q=" + "a" * 101,
        "/tim-kiem/?q=" + "&q=".join("abcdefghi"),  # more parameters than the cache keeps
    ):
        client.get(url)
        assert state(client.get(url)) is None, url


def test_other_pages_and_other_methods_are_not_cached(site):
    client = Client()
    for url in (reverse("accounts:login"), reverse("marketplace:cart"), "/api/v1/provinces"):
        client.get(url)
        assert state(client.get(url)) is None, url
    client.get(site["product"].url)
    assert state(client.head(site["product"].url)) == "hit"
    assert client.post(site["product"].url).headers.get(HEADER) is None


def test_a_cached_hit_runs_no_query(site, django_assert_num_queries):
    client = Client()
    for url in site["urls"]:
        client.get(url)
        with django_assert_num_queries(0):
            assert state(client.get(url)) == "hit"


def test_off_when_page_cache_seconds_is_zero(site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get(site["product"].url)
    assert state(client.get(site["product"].url)) is None


def test_an_unreachable_cache_serves_pages_uncached(site, settings, refused_port):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{refused_port}/0",
        },
    }
    settings.PAGE_CACHE_ALIAS = "pages"

    response = Client().get(site["product"].url)

    assert response.status_code == 200
    assert state(response) is None
    assert "Mật ong hoa nhãn" in response.content.decode()


@pytest.fixture
def redis_pages(settings):
    """The page cache in the local Redis, under a prefix of this test's own; skipped without Redis."""
    location = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {location}")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-pagecache-{uuid.uuid4().hex}",
        },
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    page_cache.local_pages.clear()
    page_cache.watch.stop()
    yield
    page_cache.cache().delete_many([page_cache.GENERATION_KEY])
    page_cache.local_pages.clear()
    page_cache.watch.stop()


def test_pages_are_shared_and_retired_through_redis(site, redis_pages, django_capture_on_commit_callbacks):
    url = site["product"].url
    assert state(Client().get(url)) == "miss"
    assert state(Client().get(url)) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.product_set_stock(product=site["product"], stock=3)

    response = Client().get(url)
    assert state(response) == "miss"
    assert "3 × kg" in response.content.decode()


# --- what retires a cached page --------------------------------------------------------------------


def warm(url) -> Client:
    client = Client()
    client.get(url)
    assert state(client.get(url)) == "hit"
    return client


def test_publishing_retires_the_cached_pages(site, django_capture_on_commit_callbacks):
    visitor = warm(site["product"].url)
    listing = warm(CatalogueIndexPage.objects.get().url)
    product = site["product"]
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(
            product=product,
            data=factories.product_data(sku=product.sku, name="Mật ong hoa nhãn Sóc Sơn", price_vnd=180_000),
            publish=True,
        )

    for client, url in ((visitor, product.url), (listing, CatalogueIndexPage.objects.get().url)):
        response = client.get(url)
        assert state(response) == "miss"
        assert "Mật ong hoa nhãn Sóc Sơn" in response.content.decode()


def test_unpublishing_retires_the_cached_pages(site, django_capture_on_commit_callbacks):
    product = site["product"]
    visitor = warm(product.url)
    cooperative = warm(site["cooperative"].url)
    with django_capture_on_commit_callbacks(execute=True):
        product.unpublish()

    assert visitor.get(product.url).status_code == 404
    assert "Mật ong hoa nhãn" not in cooperative.get(site["cooperative"].url).content.decode()


def test_a_view_restriction_retires_the_cached_pages_and_applies_at_once(
    site, django_capture_on_commit_callbacks
):
    """The page cache's entries, the route each process remembers to a page and the restrictions
    read with it all retire when a restriction is saved or deleted: a page made private is never
    served from before."""
    product = site["product"]
    visitor = warm(product.url)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=site["cooperative"], restriction_type=PageViewRestriction.LOGIN
        )
    for client in (visitor, Client()):
        response = client.get(product.url)
        assert response.status_code == 302
        assert "/login/" in response["Location"] or "/dang-nhap/" in response["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert Client().get(product.url).status_code == 200


def test_the_platforms_contact_details_show_at_once_on_cached_pages(site, django_capture_on_commit_callbacks):
    visitor = warm("/")
    with django_capture_on_commit_callbacks(execute=True):
        details = PlatformSettings.for_site(Site.objects.get())
        details.contact_phone = "0243 999 888"
        details.save()
    response = visitor.get("/")
    assert state(response) == "miss"
    assert "0243 999 888" in response.content.decode()


def test_a_price_change_retires_the_cached_pages(site, django_capture_on_commit_callbacks):
    product = site["product"]
    visitor = warm(product.url)
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(
            product=product,
            data=factories.product_data(sku=product.sku, name=product.title, price_vnd=210_000),
            publish=True,
        )
    assert "210.000" in visitor.get(product.url).content.decode()

    # An import writes rows directly, with no publish signal.
    with django_capture_on_commit_callbacks(execute=True):
        services.products_bulk_upsert(
            cooperative=site["cooperative"],
            items=[factories.product_data(sku=product.sku, name=product.title, price_vnd=230_000, stock=50)],
            publish=True,
        )
    response = visitor.get(product.url)
    assert state(response) == "miss"
    assert "230.000" in response.content.decode()


def test_a_stock_change_retires_the_cached_pages(site, django_capture_on_commit_callbacks):
    product = site["product"]
    visitor = warm(product.url)
    with django_capture_on_commit_callbacks(execute=True):
        services.product_set_stock(product=product, stock=7)
    assert "7 × kg" in visitor.get(product.url).content.decode()

    # A checkout takes stock by a conditional update, with no save signal.
    warm(product.url)
    buyer = factories.user(email="mua@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        shop.purchase(buyer, [(product, 2)])
    response = visitor.get(product.url)
    assert state(response) == "miss"
    assert "5 × kg" in response.content.decode()


def test_a_write_that_rolls_back_retires_nothing(site, django_capture_on_commit_callbacks):
    product = site["product"]
    visitor = warm(product.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # noqa: PT012
        with transaction.atomic():
            services.product_set_stock(product=product, stock=1)
            raise RuntimeError("rolled back")
    assert state(visitor.get(product.url)) == "hit"


def test_the_daily_ocop_run_retires_the_cached_pages(site, django_capture_on_commit_callbacks):
    visitor = warm(site["product"].url)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ocop_expiry_notices", verbosity=0)
    assert state(visitor.get(site["product"].url)) == "miss"


def test_a_certificate_that_expires_overnight_loses_its_stars_on_the_cached_page(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    product = site["product"]
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.ocop_certificate_record(
            product=product,
            data=factories.ocop(
                stars=5, issued_on=today - datetime.timedelta(days=1000), expires_on=today, number="5/QĐ-HẾT"
            ),
        )
    visitor = warm(product.url)
    assert "5/QĐ-HẾT" in visitor.get(product.url).content.decode()

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    response = visitor.get(product.url)

    assert state(response) == "miss"  # nothing was written: the date moved on
    assert "5/QĐ-HẾT" not in response.content.decode()


def test_search_pages_follow_the_index(site, django_capture_on_commit_callbacks):
    visitor = warm(SEARCH)
    with django_capture_on_commit_callbacks(execute=True):
        factories.product(cooperative=site["cooperative"], name="Mật ong rừng U Minh", category="food")
    response = visitor.get(SEARCH)
    assert state(response) == "miss"
    assert "U Minh" in response.content.decode()


def test_approving_a_cooperative_at_a_fair_retires_the_fair_page(site, django_capture_on_commit_callbacks):
    fair = site["fair"]
    visitor = warm(fair.url)
    with django_capture_on_commit_callbacks(execute=True):
        joined = fair_factories.cooperative_participant(fair, approve_by=site["organiser"])
    response = visitor.get(fair.url)
    assert state(response) == "miss"
    assert joined.name in response.content.decode()


def test_generation_survives_eviction_without_reviving_retired_pages(site):
    visitor = warm(site["product"].url)
    page_cache.cache().delete(page_cache.GENERATION_KEY)  # evicted, as an LRU cache may
    assert state(visitor.get(site["product"].url)) == "miss"


def test_a_change_in_another_process_retires_the_pages_of_this_one(site, settings):
    """With the local-memory cache each process has its own pages and generation; another gunicorn
    worker's change reaches this one through the stamp file it replaces."""
    visitor = warm(site["product"].url)
    page_cache._write_stamp()  # what another process's invalidate() does to the shared disk
    response = visitor.get(site["product"].url)
    assert state(response) == "miss"
    assert state(visitor.get(site["product"].url)) == "hit"
    assert settings.PAGE_CACHE_STAMP_FILE.exists()


def test_an_unwritable_stamp_file_is_logged_and_changes_nothing_else(
    site, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.PAGE_CACHE_STAMP_FILE = blocker / "stamp"  # its folder is a file: cannot be written
    visitor = warm(site["product"].url)
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.invalidate()
    assert "Could not write the page cache's stamp" in caplog.text
    assert state(visitor.get(site["product"].url)) == "miss"  # this process's own pages are retired


def test_the_visitors_token_is_djangos_token_of_their_secret(rf):
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _check_token_format

    from catalog.page_cache.middleware import visitor_token

    new = rf.get("/")
    token = visitor_token(new)
    _check_token_format(token)  # 64 characters of CSRF_ALLOWED_CHARS, as Django's own
    assert _unmask_cipher_token(token) == new.META["CSRF_COOKIE"]
    assert new.META["CSRF_COOKIE_NEEDS_UPDATE"] is True

    returning = rf.get("/")
    returning.META["CSRF_COOKIE"] = secret = "a" * 16 + "Z9" * 8
    tokens = {visitor_token(returning) for _ in range(50)}
    assert len(tokens) == 50  # a fresh mask each time
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert set("".join(tokens)) <= set(CSRF_ALLOWED_CHARS)


def _counting_reads(monkeypatch) -> list[str]:
    reads = []
    shared = page_cache.cache()
    original_get = shared.get

    def counted_get(key, *args, **kwargs):
        reads.append(key)
        return original_get(key, *args, **kwargs)

    monkeypatch.setattr(shared, "get", counted_get)
    return reads


def _another_process_changes_the_pages() -> str:
    """What another worker's (or machine's) invalidate() does, through a connection of its own."""
    store = page_cache.cache()
    key = store.make_and_validate_key(page_cache.GENERATION_KEY)
    other = redis.Redis.from_url(store._cache._servers[0])
    value = uuid.uuid4().hex[:16]
    with other.pipeline(transaction=True) as pipe:
        pipe.set(key, store._cache._serializer.dumps(value))
        pipe.publish(key, value)
        pipe.execute()
    other.close()
    return value


def test_each_process_keeps_a_copy_of_the_shared_pages_it_serves(site, redis_pages, monkeypatch):
    url = site["product"].url
    assert state(Client().get(url)) == "miss"  # the first request also makes the generation
    assert state(Client().get(url)) == "hit"  # this one reads it, once
    reads = _counting_reads(monkeypatch)
    response = Client().get(url)
    assert state(response) == "hit"
    assert "Mật ong hoa nhãn" in response.content.decode()
    # Nothing was read from Redis: the generation is the one it announced, the page this process's copy.
    assert reads == []


def test_a_copy_is_never_served_after_another_process_retired_the_pages(site, redis_pages, monkeypatch):
    url = site["product"].url
    Client().get(url)
    assert state(Client().get(url)) == "hit"
    reads = _counting_reads(monkeypatch)
    # Another worker (or machine) moved the generation: the copy here is of the old one.
    moved = _another_process_changes_the_pages()
    assert state(Client().get(url)) == "miss"
    assert state(Client().get(url)) == "hit"
    assert page_cache.watch.current(page_cache.cache()) == moved
    assert page_cache.GENERATION_KEY not in reads  # heard, not read


def test_pages_are_retired_through_redis_without_listening(site, redis_pages, monkeypatch):
    # A process that cannot listen (Redis refused the subscription) reads the generation each time.
    monkeypatch.setattr(
        page_cache._Watch, "_listen", lambda self, store: (_ for _ in ()).throw(redis.RedisError("no"))
    )
    url = site["product"].url
    Client().get(url)
    reads = _counting_reads(monkeypatch)
    assert state(Client().get(url)) == "hit"
    assert reads == [page_cache.GENERATION_KEY]
    page_cache.cache().set(page_cache.GENERATION_KEY, "moved-by-another-process", timeout=None)
    assert state(Client().get(url)) == "miss"


def test_a_generation_redis_did_not_give_is_never_taken_as_heard(site, redis_pages, monkeypatch):
    url = site["product"].url
    Client().get(url)
    shared = page_cache.cache()
    generation = shared.get(page_cache.GENERATION_KEY)
    page_cache.watch.stop()  # listening again, and not yet knowing the generation
    real_get = shared.get

    def failing_get(key, *args, **kwargs):  # Redis fails for a moment: the fault-tolerant cache answers empty
        return None if key == page_cache.GENERATION_KEY else real_get(key, *args, **kwargs)

    monkeypatch.setattr(shared, "get", failing_get)
    assert state(Client().get(url)) == "miss"  # rendered under a made-up generation...
    assert page_cache.watch.current(shared) is None  # ...which is not taken for Redis's
    monkeypatch.setattr(shared, "get", real_get)
    Client().get(url)
    assert page_cache.watch.current(shared) == generation
    assert state(Client().get(url)) == "hit"


def test_listening_follows_the_cache_in_use(site, redis_pages, settings):
    url = site["product"].url
    Client().get(url)  # makes the generation
    Client().get(url)  # reads it
    first = page_cache.cache()
    assert page_cache.watch.current(first) == first.get(page_cache.GENERATION_KEY)
    # Another cache (here another prefix; in a process, another REDIS_URL): its own generation.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "KEY_PREFIX": f"other-{uuid.uuid4().hex}"},
    }
    second = page_cache.cache()
    assert page_cache.watch.current(second) is None  # listening there now, not yet knowing it
    second.set(page_cache.GENERATION_KEY, "the-other-generation", timeout=None)
    Client().get(url)
    assert page_cache.watch.current(second) == "the-other-generation"
    second.delete(page_cache.GENERATION_KEY)


def test_a_lost_subscription_reads_the_generation_again(site, redis_pages):
    url = site["product"].url
    Client().get(url)
    assert state(Client().get(url)) == "hit"
    store = page_cache.cache()
    client = store._cache.get_client()
    # The subscription's connection is cut; meanwhile the pages change without this process hearing.
    assert client.client_kill_filter(_type="pubsub") >= 1
    store.set(page_cache.GENERATION_KEY, "changed-while-cut-off", timeout=None)
    assert state(Client().get(url)) == "miss"
    assert state(Client().get(url)) == "hit"
    # And it listens again.
    _another_process_changes_the_pages()
    assert state(Client().get(url)) == "miss"


def test_a_forked_process_listens_on_its_own(site, redis_pages, monkeypatch):
    url = site["product"].url
    Client().get(url)
    assert state(Client().get(url)) == "hit"
    listening = page_cache.watch._pubsub
    monkeypatch.setattr(page_cache.os, "getpid", lambda: -1)  # as in a worker forked after the first lookup
    assert state(Client().get(url)) == "hit"
    assert page_cache.watch._pubsub is not listening
    listening.close()


def test_a_copy_lives_for_seconds_then_is_read_from_the_shared_cache_again(site, redis_pages, monkeypatch):
    url = site["product"].url
    Client().get(url)
    monkeypatch.setattr(page_cache, "LOCAL_SECONDS", -1.0)  # every copy is already too old
    page_cache.local_pages.clear()
    assert state(Client().get(url)) == "hit"  # from Redis, copied again
    assert state(Client().get(url)) == "hit"


def test_the_copies_are_bounded():
    pages = page_cache._LocalPages(2)
    for key in ("a", "b", "c"):
        pages.put(key, ("g", {}, key.encode()))
    assert pages.get("a", "g") is None  # the oldest went
    assert pages.get("b", "g") == ("g", {}, b"b")
    assert pages.get("c", "other generation") is None
