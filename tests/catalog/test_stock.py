"""Stock and monthly capacity: edited in the admin without a revision or a review."""

import pytest
from django.urls import reverse
from wagtail.models import Revision

from catalog.models import ProductInventory
from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shop(db):
    staff = factories.user(email="kho@htx-a.example.org")
    other_staff = factories.user(email="kho@htx-b.example.org")
    reviewer = factories.user(email="duyet@lienminh-hanoi.example.org")
    factories.alliance(provinces=["01"], staff=[reviewer])
    cooperative = factories.cooperative(province="01", staff=[staff])
    factories.cooperative(province="31", staff=[other_staff])
    product = factories.product(cooperative=cooperative, stock=120, monthly_capacity=500)
    return type(
        "Shop",
        (),
        {
            "staff": staff,
            "other_staff": other_staff,
            "reviewer": reviewer,
            "cooperative": cooperative,
            "product": product,
        },
    )


def stock_url(page) -> str:
    return reverse("catalog_product_stock", args=[page.pk])


def inventory(product) -> tuple:
    row = ProductInventory.objects.get(product=product)
    return row.stock, row.monthly_capacity


def test_staff_see_the_current_stock(client, shop):
    client.force_login(shop.staff)

    response = client.get(stock_url(shop.product))

    assert response.status_code == 200
    assert response.context["form"].initial == {"stock": 120, "monthly_capacity": 500}


def test_staff_update_stock_at_once_without_a_revision_or_review(client, shop):
    client.force_login(shop.staff)
    revisions = Revision.objects.count()

    response = client.post(stock_url(shop.product), {"stock": "75", "monthly_capacity": "450"})

    assert response.status_code == 302
    assert inventory(shop.product) == (75, 450)
    assert Revision.objects.count() == revisions
    shop.product.refresh_from_db()
    assert shop.product.live
    assert not shop.product.workflow_in_progress
    assert not shop.product.has_unpublished_changes


def test_empty_stock_means_not_tracked(client, shop):
    client.force_login(shop.staff)

    client.post(stock_url(shop.product), {"stock": "", "monthly_capacity": ""})

    assert inventory(shop.product) == (None, None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stock": "-1", "monthly_capacity": "10"}, "stock"),
        ({"stock": "10", "monthly_capacity": "-5"}, "monthly_capacity"),
        ({"stock": "nhiều", "monthly_capacity": "10"}, "stock"),
        # Beyond what the column holds: once an OverflowError in the database driver (a 500).
        ({"stock": str(10**20), "monthly_capacity": "10"}, "stock"),
        ({"stock": "10", "monthly_capacity": str(10**20)}, "monthly_capacity"),
        ({"stock": str(2**31), "monthly_capacity": "10"}, "stock"),  # past PostgreSQL's integer
        ({"stock": "1e5", "monthly_capacity": "10"}, "stock"),
        ({"stock": "10", "monthly_capacity": "NaN"}, "monthly_capacity"),
    ],
)
def test_invalid_numbers_are_refused_with_a_form_error(client, shop, data, field):
    client.force_login(shop.staff)

    response = client.post(stock_url(shop.product), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert inventory(shop.product) == (120, 500)


def test_the_largest_stock_the_column_holds_is_accepted(client, shop):
    client.force_login(shop.staff)

    client.post(stock_url(shop.product), {"stock": str(2**31 - 1), "monthly_capacity": "0"})

    assert inventory(shop.product) == (2**31 - 1, 0)


def test_a_product_id_beyond_any_database_key_is_a_404(client, shop):
    client.force_login(shop.staff)

    assert client.get(f"/admin/catalog/stock/{10**30}/").status_code == 404
    assert client.post(f"/admin/catalog/stock/{10**30}/", {"stock": "1"}).status_code == 404


def test_stock_can_be_set_on_a_listing_in_review(client, shop):
    """Stock is not part of the listing's content, so review does not hold it up."""
    in_review = factories.product(cooperative=shop.cooperative, publish=False, submit=True, user=shop.staff)
    client.force_login(shop.staff)

    client.post(stock_url(in_review), {"stock": "9", "monthly_capacity": ""})

    assert inventory(in_review) == (9, None)


@pytest.mark.parametrize("who", ["other_staff", "reviewer"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_people_who_cannot_edit_the_product_are_refused(client, shop, who, method):
    client.force_login(getattr(shop, who))

    response = getattr(client, method)(stock_url(shop.product), {"stock": "0", "monthly_capacity": "0"})

    # Wagtail turns PermissionDenied in an admin view into a redirect to the dashboard.
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
    assert inventory(shop.product) == (120, 500)


def test_refusal_is_a_403_for_script_requests(client, shop):
    client.force_login(shop.other_staff)

    response = client.post(
        stock_url(shop.product), {"stock": "0"}, headers={"x-requested-with": "XMLHttpRequest"}
    )

    assert response.status_code == 403
    assert inventory(shop.product) == (120, 500)


def test_anonymous_visitors_are_sent_to_log_in(client, shop):
    response = client.post(stock_url(shop.product), {"stock": "0"})

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert inventory(shop.product) == (120, 500)


def test_administrators_may_set_any_stock(client, shop):
    client.force_login(factories.superuser())

    client.post(stock_url(shop.product), {"stock": "1", "monthly_capacity": "2"})

    assert inventory(shop.product) == (1, 2)


def test_only_products_have_stock(client, shop):
    client.force_login(factories.superuser())

    assert client.get(stock_url(shop.cooperative)).status_code == 404


def test_the_explorer_links_to_the_stock_editor_for_products_only(client, shop):
    client.force_login(shop.staff)

    listing = client.get(reverse("wagtailadmin_explore", args=[shop.cooperative.pk])).content.decode()
    assert stock_url(shop.product) in listing
    assert stock_url(shop.cooperative) not in listing

    header = client.get(reverse("wagtailadmin_explore", args=[shop.product.pk])).content.decode()
    assert stock_url(shop.product) in header


def test_the_stock_link_is_not_offered_to_those_who_cannot_use_it(client, shop):
    client.force_login(shop.reviewer)

    response = client.get(reverse("wagtailadmin_explore", args=[shop.cooperative.pk]), follow=True)

    assert stock_url(shop.product) not in response.content.decode()
