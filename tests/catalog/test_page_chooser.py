"""The admin page chooser shows live pages and the user's own, never other cooperatives' drafts."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog import services
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "bí mật"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def two_cooperatives():
    staff_a = factories.user(email="staff@htx-a.example.org")
    staff_b = factories.user(email="staff@htx-b.example.org")
    a = factories.cooperative(name="HTX A", staff=[staff_a])
    b = factories.cooperative(name="HTX B", staff=[staff_b])
    factories.product(cooperative=a, name="Nháp của A", publish=False, user=staff_a)
    factories.product(cooperative=b, name="Sản phẩm sống của B")
    factories.product(cooperative=b, name=f"Nháp {SECRET} của B", publish=False, user=staff_b)
    in_review = factories.product(
        cooperative=b, name=f"Đang duyệt {SECRET} của B", publish=False, submit=True, user=staff_b
    )
    retitled = factories.product(cooperative=b, name="Tên đang bán của B")
    services.product_update(
        product=retitled,
        data=factories.product_data(sku=retitled.sku, name=f"Tên mới {SECRET} của B"),
        user=staff_b,
        publish=False,
    )
    # The chooser's search is Wagtail's own index, which the factories leave alone (tests/factories).
    call_command("update_index", stdout=io.StringIO())
    return staff_a, a, b, in_review


def chooser(client, name: str, *args, **params) -> str:
    """The HTML of a chooser view; browsing answers a modal-workflow JSON holding it."""
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def every_chooser_view(client, a, b) -> str:
    """The browse listings of both cooperatives (all page types, and products only) and searches."""
    return "".join(
        [
            chooser(client, "wagtailadmin_choose_page_child", b.pk),
            chooser(client, "wagtailadmin_choose_page_child", b.pk, page_type="catalog.productpage"),
            chooser(client, "wagtailadmin_choose_page_child", a.pk),
            chooser(client, "wagtailadmin_choose_page_search", q=SECRET),
            chooser(client, "wagtailadmin_choose_page_search", q="của B", page_type="catalog.productpage"),
            chooser(client, "wagtailadmin_choose_page_search", q="Nháp"),
        ]
    )


def test_cooperative_staff_see_live_pages_and_their_own_drafts_only(client, two_cooperatives):
    staff_a, a, b, _ = two_cooperatives
    client.force_login(staff_a)

    shown = every_chooser_view(client, a, b)

    assert SECRET not in shown
    assert "Sản phẩm sống của B" in shown
    assert "Nháp của A" in shown
    search = chooser(client, "wagtailadmin_choose_page_search", q="của")
    assert "Sản phẩm sống của B" in search
    assert "Nháp của A" in search
    assert "Tên đang bán của B" not in search  # live, but its title is being changed in a draft


def test_browsing_into_another_cooperatives_draft_is_a_404(client, two_cooperatives):
    staff_a, _, _, in_review = two_cooperatives
    client.force_login(staff_a)

    response = client.get(reverse("wagtailadmin_choose_page_child", args=[in_review.pk]))

    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_the_top_of_the_chooser_still_opens(client, two_cooperatives):
    staff_a, *_ = two_cooperatives
    client.force_login(staff_a)

    assert client.get(reverse("wagtailadmin_choose_page")).status_code == 200


def test_administrators_see_every_draft(client, two_cooperatives):
    _, _, b, _ = two_cooperatives
    client.force_login(factories.superuser())

    browsed = chooser(client, "wagtailadmin_choose_page_child", b.pk)
    searched = chooser(client, "wagtailadmin_choose_page_search", q=SECRET)

    assert f"Tên mới {SECRET} của B" in browsed  # search indexes the live title, not this one
    for title in (f"Nháp {SECRET} của B", f"Đang duyệt {SECRET} của B"):
        assert title in browsed
        assert title in searched


def test_alliance_staff_without_page_rights_see_live_pages_only(client, two_cooperatives):
    _, a, b, _ = two_cooperatives
    reviewer = factories.user(email="duyet@lienminh.example.org")
    factories.alliance(provinces=["01"], staff=[reviewer])
    client.force_login(reviewer)

    shown = every_chooser_view(client, a, b)

    assert SECRET not in shown
    assert "Nháp của A" not in shown
    assert "Sản phẩm sống của B" in shown


@pytest.mark.parametrize("target", ["abc", str(10**30), "²"])
def test_a_malformed_target_page_is_a_404(client, target):
    client.force_login(factories.superuser())

    response = client.get(reverse("wagtailadmin_choose_page"), {"target_pages[]": target})

    assert response.status_code == 404


def test_chosen_answer_leaves_out_other_cooperatives_drafts(client, two_cooperatives):
    staff_a, _a, b, in_review = two_cooperatives
    client.force_login(staff_a)
    response = client.get("/admin/choose-page/chosen-multiple/", {"id": [in_review.pk, b.pk]})
    assert response.status_code == 200
    chosen = response.json()["result"]
    assert [page["id"] for page in chosen] == [b.pk]
    assert SECRET not in response.content.decode()


def test_chosen_answer_still_gives_an_administrator_any_page(client, two_cooperatives):
    _staff_a, _a, _b, in_review = two_cooperatives
    client.force_login(factories.superuser(email="root@example.org"))
    response = client.get("/admin/choose-page/chosen-multiple/", {"id": in_review.pk})
    assert [page["id"] for page in response.json()["result"]] == [in_review.pk]


@pytest.mark.parametrize("bad", ["abc", "²", str(10**30), "-1", "0"])
def test_chosen_answer_refuses_malformed_ids(client, two_cooperatives, bad):
    staff_a, *_ = two_cooperatives
    client.force_login(staff_a)
    assert client.get("/admin/choose-page/chosen-multiple/", {"id": bad}).status_code == 404


def test_chosen_answer_needs_admin_access(client, two_cooperatives):
    *_, in_review = two_cooperatives
    response = client.get("/admin/choose-page/chosen-multiple/", {"id": in_review.pk})
    assert response.status_code == 302
    assert SECRET not in response.content.decode()
