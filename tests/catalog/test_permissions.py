"""Who may do what in the admin: the permission matrix.

Two cooperatives in two provinces (A in Hà Nội, B in Hải Phòng), each with its own
staff, and two provincial alliances reviewing them. Every admin URL that reads or
changes a page, an image, an order or the terms of sale is requested, GET and POST, by people who must be
refused, and the whole catalogue is compared before and after, so a refusal that
still changed something fails too. The same URLs on the user's own objects (and for
an administrator on B's) are the positive controls: they prove the URLs are right
and that the refusals come from permissions.

Wagtail answers a refused admin request with a redirect to the dashboard and the
message "Sorry, you do not have permission to access this area." (a bare 403 for
XMLHttpRequest), so `assert_denied` accepts 403, 404 or exactly that redirect.
"""

import io
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    Page,
    PageViewRestriction,
    Revision,
    TaskState,
    WorkflowState,
)
from wagtail.test.utils.form_data import querydict_from_html

from catalog.models import CooperativePage, CooperativeTerms, ProductPage
from marketplace.models import Order, OrderEvent, Refund
from tests import factories
from tests.factories import marketplace as mf

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def png_bytes(size=(24, 24)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "green").save(buffer, "PNG")
    return buffer.getvalue()


def _side(cooperative, staff, product, draft, review, image, order):
    cooperative = CooperativePage.objects.get(pk=cooperative.pk)
    return SimpleNamespace(
        order=Order.objects.get(pk=order.pk),
        cooperative=cooperative,
        staff=staff,
        product=ProductPage.objects.get(pk=product.pk),
        draft=ProductPage.objects.get(pk=draft.pk),
        review=ProductPage.objects.get(pk=review.pk),
        task_state=TaskState.objects.get(
            workflow_state__object_id=str(review.pk), status=TaskState.STATUS_IN_PROGRESS
        ),
        image=image,
        collection=cooperative.collection,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end;
    each test runs in its own savepoint on top (like TestCase.setUpTestData)."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            hn_staff = factories.user(email="staff@lienminh-hanoi.example.org")
            hp_staff = factories.user(email="staff@lienminh-haiphong.example.org")
            factories.alliance(name="Liên minh HTX Hà Nội", provinces=["01"], staff=[hn_staff])
            factories.alliance(name="Liên minh HTX Hải Phòng", provinces=["31"], staff=[hp_staff])
            buyer = factories.user(email="nguoimua@example.org")
            sides = {}
            for key, province in (("a", "01"), ("b", "31")):
                staff = factories.user(email=f"staff-{key}@htx.example.org")
                cooperative = factories.cooperative(
                    name=f"HTX {key.upper()}", province=province, staff=[staff]
                )
                product = factories.product(cooperative=cooperative, name=f"Sản phẩm {key.upper()}")
                draft = factories.product(cooperative=cooperative, publish=False, user=staff)
                review = factories.product(cooperative=cooperative, publish=False, submit=True, user=staff)
                mf.terms(cooperative)
                order = mf.purchase(buyer, [(product, 1)], method="cod").orders.get()
                cooperative.refresh_from_db()
                image = get_image_model().objects.create(
                    title=f"Ảnh {key.upper()}",
                    file=ImageFile(io.BytesIO(png_bytes()), name=f"{key}.png"),
                    collection=cooperative.collection,
                )
                sides[key] = _side(cooperative, staff, product, draft, review, image, order)
            yield SimpleNamespace(
                a=sides["a"],
                b=sides["b"],
                hn_staff=hn_staff,
                hp_staff=hp_staff,
                admin=factories.superuser(email="root@example.org"),
                media=media,
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _settings_for_world(world, settings):
    settings.MEDIA_ROOT = world.media
    settings.PASSWORD_HASHERS = FAST_HASHER
    # Tests share the module's objects: undo whatever an earlier test's refresh_from_db() loaded.
    for side in (world.a, world.b):
        for obj in (
            side.cooperative,
            side.product,
            side.draft,
            side.review,
            side.task_state,
            side.image,
            side.order,
        ):
            obj.refresh_from_db()


def snapshot():
    """Everything a refused request must leave exactly as it was."""
    return {
        "pages": list(
            Page.objects.order_by("path").values_list(
                "pk", "path", "live", "title", "draft_title", "latest_revision_id", "locked", "locked_by_id"
            )
        ),
        "products": list(ProductPage.objects.order_by("pk").values_list("pk", "cooperative_id", "sku")),
        "cooperatives": list(CooperativePage.objects.order_by("pk").values_list("pk", "verification")),
        "revisions": Revision.objects.count(),
        "workflow_states": list(WorkflowState.objects.order_by("pk").values_list("pk", "status")),
        "task_states": list(TaskState.objects.order_by("pk").values_list("pk", "status", "comment")),
        "images": list(
            get_image_model().objects.order_by("pk").values_list("pk", "title", "collection_id", "file")
        ),
        "collections": Collection.objects.count(),
        "restrictions": PageViewRestriction.objects.count(),
        "orders": list(
            Order.objects.order_by("pk").values_list("pk", "status", "payment_status", "cancel_reason")
        ),
        "order_events": OrderEvent.objects.count(),
        "refunds": Refund.objects.count(),
        "terms": list(
            CooperativeTerms.objects.order_by("pk").values_list(
                "pk", "bank_bin", "bank_account", "bank_account_name", "shipping", "cash_on_delivery"
            )
        ),
    }


def _messages(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def assert_denied(response):
    if response.status_code in (403, 404):
        return
    assert response.status_code == 302, f"expected a refusal, got {response.status_code}"
    assert response["Location"] == reverse("wagtailadmin_home"), response["Location"]
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = translation.gettext("Sorry, you do not have permission to access this area.")
    assert expected in _messages(response)


def request(client, method, url, data=None, *, hops=2):
    """GET/POST `url`, following redirects that stay inside the same feature (not to the dashboard)."""
    response = getattr(client, method)(url, data or {})
    while hops and response.status_code == 302 and response["Location"] != reverse("wagtailadmin_home"):
        response = client.get(response["Location"])
        hops -= 1
    return response


def edit_payload(client, page, **changes):
    """The page's own edit form as a browser would submit it, with `changes` applied."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    for name, value in changes.items():
        data[name] = value
    return data


def image_upload(collection, name="upload.png"):
    return {
        "title": "Uploaded",
        "file": SimpleUploadedFile(name, png_bytes(), content_type="image/png"),
        "collection": collection.pk,
    }


# --- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    url: object  # (side) -> str
    own: object = 200  # what the side's own staff get on GET: a status, or "denied"
    methods: tuple = ("get", "post")
    post: object = None  # (client, side, world) -> dict: a realistic payload

    def __str__(self):
        return self.name


def _page_url(name, attr="product"):
    return lambda side: reverse(f"wagtailadmin_pages:{name}", args=[getattr(side, attr).pk])


def _revision_url(name):
    return lambda side: reverse(
        f"wagtailadmin_pages:{name}", args=[side.product.pk, side.product.latest_revision_id]
    )


def _workflow_url(name, action):
    return lambda side: reverse(
        f"wagtailadmin_pages:{name}", args=[side.review.pk, action, side.task_state.pk]
    )


def _edit_post(attr, **changes):
    def build(admin_client, side, world):
        page = getattr(side, attr)
        return edit_payload(admin_client, page, title="Bị sửa trái phép", **changes)

    return build


PAGE_CASES = [
    Case("edit product", _page_url("edit"), post=_edit_post("product", **{"action-publish": "1"})),
    Case("edit draft", _page_url("edit", "draft"), post=_edit_post("draft", **{"action-submit": "1"})),
    Case(
        "edit cooperative",
        _page_url("edit", "cooperative"),
        post=_edit_post("cooperative", verification="suspended", **{"action-publish": "1"}),
    ),
    Case("delete draft", _page_url("delete", "draft")),
    Case("delete product", _page_url("delete"), own="denied"),  # live: deleting needs publish
    Case("unpublish", _page_url("unpublish"), own="denied"),  # needs publish permission
    Case("move draft", _page_url("move", "draft")),
    Case(
        "move confirm",
        lambda side: reverse("wagtailadmin_pages:move_confirm", args=[side.draft.pk, side.cooperative.pk]),
    ),
    Case(
        "copy",
        _page_url("copy"),
        post=lambda client, side, world: {
            "new_title": "Bản sao",
            "new_slug": "ban-sao",
            "new_parent_page": side.cooperative.pk,
        },
    ),
    Case("history", _page_url("history")),
    Case("revisions index", _page_url("revisions_index")),
    Case("revisions view", _revision_url("revisions_view")),
    Case("revisions revert", _revision_url("revisions_revert")),
    Case(
        "revisions compare",
        lambda side: reverse(
            "wagtailadmin_pages:revisions_compare", args=[side.product.pk, "live", "latest"]
        ),
    ),
    Case("preview on edit", _page_url("preview_on_edit"), post=_edit_post("product")),
    Case("view draft", _page_url("view_draft", "draft")),
    Case("add subpage", _page_url("add_subpage", "cooperative")),
    Case(
        "add product",
        lambda side: reverse("wagtailadmin_pages:add", args=["catalog", "productpage", side.cooperative.pk]),
        post=lambda client, side, world: {
            **querydict_from_html(
                client.get(
                    reverse("wagtailadmin_pages:add", args=["catalog", "productpage", side.cooperative.pk])
                ).content.decode(),
                form_id="page-edit-form",
            ).dict(),
            "title": "Sản phẩm chen ngang",
            "slug": "chen-ngang",
            "sku": "CHEN-1",
            "category": "1",
            "unit": "kg",
            "price_vnd": "1000",
            "action-publish": "1",
        },
    ),
    Case("lock", _page_url("lock"), methods=("post",)),
    Case("unlock", _page_url("unlock"), methods=("post",)),
    Case(
        "set privacy",
        _page_url("set_privacy"),
        own="denied",
        post=lambda c, s, w: {"restriction_type": "login"},
    ),
    Case("usage", _page_url("usage")),
    Case("workflow history", _page_url("workflow_history", "review")),
    Case(
        "workflow history detail",
        lambda side: reverse(
            "wagtailadmin_pages:workflow_history_detail",
            args=[side.review.pk, side.task_state.workflow_state_id],
        ),
    ),
    Case("workflow approve", _workflow_url("workflow_action", "approve"), own="denied"),
    Case(
        "workflow reject",
        _workflow_url("workflow_action", "reject"),
        own="denied",
        post=lambda c, s, w: {"comment": "Từ chối trái phép"},
    ),
    Case("workflow collect data", _workflow_url("collect_workflow_action_data", "approve"), own="denied"),
    Case(
        "workflow preview",
        lambda side: reverse(
            "wagtailadmin_pages:workflow_preview", args=[side.review.pk, side.task_state.task_id]
        ),
        own="denied",  # reviewers only
        methods=("get",),
    ),
]

IMAGE_CASES = [
    Case(
        "image edit",
        lambda side: reverse("wagtailimages:edit", args=[side.image.pk]),
        post=lambda c, s, w: {"title": "Bị sửa", "collection": s.collection.pk},
    ),
    Case("image delete", lambda side: reverse("wagtailimages:delete", args=[side.image.pk])),
    Case("image usage", lambda side: reverse("wagtailimages:image_usage", args=[side.image.pk])),
    Case(
        "image preview",
        lambda side: reverse("wagtailimages:preview", args=[side.image.pk, "original"]),
        methods=("get",),
    ),
    Case(
        "image edit (multiple)",
        lambda side: reverse("wagtailimages:edit_multiple", args=[side.image.pk]),
        methods=("post",),
    ),
    Case(
        "image delete (multiple)",
        lambda side: reverse("wagtailimages:delete_multiple", args=[side.image.pk]),
        methods=("post",),
    ),
    Case(
        "image add into collection",
        lambda side: reverse("wagtailimages:add") + f"?collection_id={side.collection.pk}",
        methods=("post",),
        post=lambda c, s, w: image_upload(s.collection),
    ),
    Case(
        "image add multiple into collection",
        lambda side: reverse("wagtailimages:add_multiple") + f"?collection_id={side.collection.pk}",
        methods=("post",),
        post=lambda c, s, w: {
            "files[]": SimpleUploadedFile("multi.png", png_bytes(), content_type="image/png"),
            "title": "multi.png",
            "collection": s.collection.pk,
        },
    ),
]


def _order_url(action=None):
    def url(side):
        if action is None:
            return reverse("marketplace_order", args=[side.order.number])
        return reverse("marketplace_order_action", args=[side.order.number, action])

    return url


# The marketplace's admin screens (marketplace/admin_orders.py, admin_terms.py): a COD order
# placed with each cooperative, and its terms of sale.
ORDER_CASES = [
    Case("order page", _order_url(), methods=("get",)),
    Case("order confirm", _order_url("confirm"), methods=("post",)),
    Case(
        "order cancel",
        _order_url("cancel"),
        methods=("post",),
        post=lambda c, s, w: {"cancel-reason": "Hủy trái phép"},
    ),
    Case(
        "order refund",
        _order_url("refund"),
        methods=("post",),
        post=lambda c, s, w: {"refund-amount_vnd": "1000", "refund-reference": "FT1"},
    ),
    Case(
        "terms of sale",
        lambda side: reverse("marketplace_cooperative_terms", args=[side.cooperative.pk]),
        post=lambda c, s, w: {"bank": "", "bank_account": "", "bank_account_name": "", "shipping": "pickup"},
    ),
]

MATRIX = [
    pytest.param(case, method, id=f"{case}-{method}")
    for case in PAGE_CASES + IMAGE_CASES + ORDER_CASES
    for method in case.methods
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "method"), MATRIX)
def test_cooperative_staff_are_refused_other_cooperatives_objects(client, world, case, method):
    data = None
    if method == "post" and case.post:
        client.force_login(world.admin)
        data = case.post(client, world.b, world)
    client.force_login(world.a.staff)
    before = snapshot()

    response = request(client, method, case.url(world.b), data)

    assert_denied(response)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=str(c)) for c in PAGE_CASES + IMAGE_CASES + ORDER_CASES if "get" in c.methods],
)
def test_cooperative_staff_reach_their_own_objects(client, world, case):
    """Positive control: the same URL on A's own objects works for A's staff (or is refused
    for everyone without publish rights, where `own` says so)."""
    client.force_login(world.a.staff)

    response = request(client, "get", case.url(world.a))

    if case.own == "denied":
        assert_denied(response)
    else:
        assert response.status_code == case.own


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=str(c))
        for c in PAGE_CASES + IMAGE_CASES + ORDER_CASES
        if "get" in c.methods and c.name != "move confirm"
    ],
)
def test_administrator_reaches_the_same_urls(client, world, case):
    """Positive control for the URLs themselves: on B's objects they work for an administrator."""
    client.force_login(world.admin)

    response = request(client, "get", case.url(world.b))

    assert response.status_code == 200


@pytest.mark.django_db
def test_refusal_is_a_bare_403_for_script_requests(client, world):
    client.force_login(world.a.staff)

    response = client.get(
        reverse("wagtailadmin_pages:edit", args=[world.b.product.pk]),
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_workflow_cancellation_prompt_reveals_nothing_of_other_cooperatives(client, world):
    """Wagtail serves this confirmation modal to anyone with admin access; it names only
    the (shared) workflow and task, never the page."""
    client.force_login(world.a.staff)

    response = client.get(
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[world.b.review.pk])
    )

    assert world.b.review.title not in response.content.decode()
    assert world.b.cooperative.title not in response.content.decode()


# --- own objects: what cooperative staff can and cannot do --------------------------------------


@pytest.mark.django_db
def test_cooperative_staff_edit_their_product_as_a_draft(client, world):
    client.force_login(world.a.staff)
    product = world.a.product
    live_title = product.title
    data = edit_payload(client, product, title="Tên mới")

    response = client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == live_title  # live content unchanged
    assert product.get_latest_revision_as_object().title == "Tên mới"
    assert product.has_unpublished_changes


@pytest.mark.django_db
def test_cooperative_staff_cannot_publish_their_own_product(client, world):
    client.force_login(world.a.staff)
    draft = world.a.draft
    data = edit_payload(client, draft, title="Đăng ngay", **{"action-publish": "action-publish"})

    response = client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert not draft.live
    assert draft.live_revision_id is None
    assert not ProductPage.objects.live().filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_cooperative_staff_publishing_an_edit_does_not_change_the_live_listing(client, world):
    client.force_login(world.a.staff)
    product = world.a.product
    live_revision = product.live_revision_id
    data = edit_payload(
        client, product, title="Giá mới", price_vnd="1", **{"action-publish": "action-publish"}
    )

    client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

    product.refresh_from_db()
    assert product.live_revision_id == live_revision
    assert product.price_vnd != 1
    assert product.title != "Giá mới"


@pytest.mark.django_db
def test_cooperative_staff_submit_their_product_for_review(client, world):
    client.force_login(world.a.staff)
    draft = world.a.draft
    data = edit_payload(client, draft, **{"action-submit": "action-submit"})

    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    draft.refresh_from_db()
    assert draft.workflow_in_progress
    assert not draft.live


@pytest.mark.django_db
def test_cooperative_staff_lock_and_unlock_their_own_product(client, world):
    client.force_login(world.a.staff)
    product = world.a.product

    client.post(reverse("wagtailadmin_pages:lock", args=[product.pk]))
    product.refresh_from_db()
    assert product.locked
    assert product.locked_by == world.a.staff

    client.post(reverse("wagtailadmin_pages:unlock", args=[product.pk]))
    product.refresh_from_db()
    assert not product.locked


@pytest.mark.django_db
def test_cooperative_staff_delete_their_own_draft(client, world):
    client.force_login(world.a.staff)

    client.post(reverse("wagtailadmin_pages:delete", args=[world.a.draft.pk]))

    assert not Page.objects.filter(pk=world.a.draft.pk).exists()


@pytest.mark.django_db
def test_cooperative_staff_upload_into_their_own_collection(client, world):
    client.force_login(world.a.staff)

    response = client.post(reverse("wagtailimages:add"), image_upload(world.a.collection))

    assert response.status_code == 302
    assert get_image_model().objects.filter(title="Uploaded", collection=world.a.collection).exists()


@pytest.mark.django_db
def test_image_upload_naming_another_cooperatives_collection_is_forbidden(client, world):
    """Wagtail would hide the collection field (A's staff have one collection) and quietly
    file the upload in A's collection; a request naming B's collection has been tampered
    with, so SafeImageForm refuses it outright (PermissionDenied) and nothing is stored."""
    client.force_login(world.a.staff)
    before = get_image_model().objects.count()

    response = client.post(reverse("wagtailimages:add"), image_upload(world.b.collection))

    assert_denied(response)
    assert get_image_model().objects.count() == before
    # Without Wagtail's conversion of the refusal into a redirect (script requests), a 403:
    response = client.post(
        reverse("wagtailimages:add"),
        image_upload(world.b.collection),
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 403
    assert get_image_model().objects.count() == before


@pytest.mark.django_db
def test_image_add_form_for_another_collection_shows_nothing_of_it(client, world):
    client.force_login(world.a.staff)

    response = client.get(reverse("wagtailimages:add") + f"?collection_id={world.b.collection.pk}")

    assert response.status_code == 200
    assert world.b.collection.name not in response.content.decode()


@pytest.mark.django_db
def test_image_listing_shows_only_own_collection(client, world):
    client.force_login(world.a.staff)

    response = client.get(reverse("wagtailimages:index"))

    content = response.content.decode()
    assert world.a.image.title in content
    assert world.b.image.title not in content


@pytest.mark.django_db
def test_page_explorer_of_another_cooperative_shows_only_their_own(client, world):
    """Wagtail sends a user exploring outside their part of the tree back to it."""
    client.force_login(world.a.staff)

    response = client.get(reverse("wagtailadmin_explore", args=[world.b.cooperative.pk]), follow=True)

    content = response.content.decode()
    assert world.b.product.title not in content
    assert world.b.cooperative.title not in content
    assert world.a.product.title in content


# --- verification is for administrators -------------------------------------------------------


@pytest.mark.django_db
def test_verification_field_is_hidden_from_cooperative_staff(client, world):
    client.force_login(world.a.staff)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[world.a.cooperative.pk]))

    assert response.status_code == 200
    assert 'name="verification"' not in response.content.decode()
    client.force_login(world.admin)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[world.a.cooperative.pk]))
    assert 'name="verification"' in response.content.decode()


@pytest.mark.django_db
def test_cooperative_staff_cannot_change_verification_by_posting_it(client, world):
    cooperative = world.a.cooperative
    CooperativePage.objects.filter(pk=cooperative.pk).update(verification="pending")
    client.force_login(world.a.staff)
    data = edit_payload(client, cooperative, verification="verified", **{"action-submit": "action-submit"})

    response = client.post(reverse("wagtailadmin_pages:edit", args=[cooperative.pk]), data)

    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.verification == "pending"
    submitted = cooperative.get_latest_revision_as_object()
    assert submitted.verification == "pending"
    # ...and approving the submitted revision does not verify it either.
    client.force_login(world.hn_staff)
    task_state = TaskState.objects.get(workflow_state__object_id=str(cooperative.pk), status="in_progress")
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[cooperative.pk, "approve", task_state.pk])
    )
    cooperative.refresh_from_db()
    assert cooperative.verification == "pending"


# --- alliance staff ------------------------------------------------------------------------------

ALLIANCE_CASES = [
    Case("edit in review", _page_url("edit", "review"), post=_edit_post("review")),
    Case("preview in review", _page_url("preview_on_edit", "review")),
    Case("history in review", _page_url("history", "review")),
    Case("workflow approve", _workflow_url("workflow_action", "approve")),
    Case(
        "workflow approve with comment",
        _workflow_url("workflow_action", "approve"),
        post=lambda c, s, w: {"comment": "OK"},
    ),
    Case(
        "workflow reject",
        _workflow_url("workflow_action", "reject"),
        post=lambda c, s, w: {"comment": "Sửa lại"},
    ),
    Case("workflow collect data", _workflow_url("collect_workflow_action_data", "reject")),
    Case(
        "workflow preview",
        lambda side: reverse(
            "wagtailadmin_pages:workflow_preview", args=[side.review.pk, side.task_state.task_id]
        ),
        methods=("get",),
    ),
    Case("lock in review", _page_url("lock", "review"), methods=("post",)),
    Case("edit published product", _page_url("edit"), post=_edit_post("product", **{"action-publish": "1"})),
    Case("delete product", _page_url("delete")),
    Case("unpublish product", _page_url("unpublish")),
    Case("edit cooperative", _page_url("edit", "cooperative")),
    Case(
        "add product",
        lambda side: reverse("wagtailadmin_pages:add", args=["catalog", "productpage", side.cooperative.pk]),
    ),
    Case("image edit", lambda side: reverse("wagtailimages:edit", args=[side.image.pk])),
    Case("image delete", lambda side: reverse("wagtailimages:delete", args=[side.image.pk])),
    *ORDER_CASES,
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "method"),
    [pytest.param(c, m, id=f"{c}-{m}") for c in ALLIANCE_CASES for m in c.methods],
)
def test_alliance_staff_are_refused_other_provinces_listings(client, world, case, method):
    """Hải Phòng's alliance has no say over a Hà Nội cooperative, in review or not."""
    data = None
    if method == "post" and case.post:
        client.force_login(world.admin)
        data = case.post(client, world.a, world)
    client.force_login(world.hp_staff)
    before = snapshot()

    response = request(client, method, case.url(world.a), data)

    assert_denied(response)
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=str(c)) for c in ALLIANCE_CASES if c.name.startswith(("edit in", "workflow"))],
)
def test_responsible_alliance_staff_reach_the_listing_in_review(client, world, case):
    """Positive control: Hà Nội's alliance reviews Hà Nội's listing.

    Not in this list: the editor's live preview and the history. Wagtail's generic views
    for those first ask for a page permission somewhere in the tree, which alliance
    groups deliberately do not have; reviewers preview through the review preview
    (workflow preview), which the dashboard's "Awaiting your review" panel links to.
    """
    client.force_login(world.hn_staff)

    response = request(client, "get", case.url(world.a))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["edit published product", "delete product", "unpublish product", "edit cooperative"]
)
def test_alliance_staff_do_not_edit_listings_outside_review(client, world, name):
    """Reviewing is all an alliance does to a cooperative's pages: even its own province's
    live listings are not theirs to edit."""
    case = next(c for c in ALLIANCE_CASES if c.name == name)
    client.force_login(world.hn_staff)

    assert_denied(request(client, "get", case.url(world.a)))


@pytest.mark.django_db
def test_responsible_alliance_approves_and_the_listing_goes_live(client, world):
    client.force_login(world.hn_staff)
    review = world.a.review

    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[review.pk, "approve", world.a.task_state.pk])
    )

    assert response.status_code in (200, 302)
    review.refresh_from_db()
    assert review.live
    assert not review.workflow_in_progress


@pytest.mark.django_db
def test_other_alliance_cannot_approve_even_with_a_forged_post(client, world):
    client.force_login(world.hp_staff)
    review = world.a.review

    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[review.pk, "approve", world.a.task_state.pk]),
        {"comment": "forged"},
    )

    assert_denied(response)
    review.refresh_from_db()
    assert not review.live
    assert review.workflow_in_progress


@pytest.mark.django_db
def test_cooperative_staff_cannot_approve_their_own_listing(client, world):
    client.force_login(world.a.staff)
    review = world.a.review

    assert_denied(
        client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[review.pk, "approve", world.a.task_state.pk])
        )
    )
    review.refresh_from_db()
    assert not review.live


@pytest.mark.django_db
def test_a_lock_held_by_cooperative_staff_does_not_block_review(client, world):
    client.force_login(world.a.staff)
    draft = world.a.draft
    client.post(reverse("wagtailadmin_pages:lock", args=[draft.pk]))
    data = edit_payload(client, draft, **{"action-submit": "action-submit"})
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert draft.workflow_in_progress
    # Released on submission (as GroupApprovalTask does), so the reviewer's editor is not locked.
    assert not draft.locked
    lock = draft.get_lock()
    assert lock is None or not lock.for_user(world.hn_staff)
    task_state = TaskState.objects.get(workflow_state__object_id=str(draft.pk), status="in_progress")

    client.force_login(world.hn_staff)
    client.post(reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk]))

    draft.refresh_from_db()
    assert draft.live


# --- reference data and public pages -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("viewset", ["catalog_alliances", "catalog_categories"])
@pytest.mark.parametrize("who", ["a_staff", "hn_staff"])
def test_reference_data_screens_are_for_administrators_only(client, world, viewset, who):
    user = world.a.staff if who == "a_staff" else world.hn_staff
    client.force_login(user)

    for url_name in ("index", "add"):
        assert_denied(client.get(reverse(f"{viewset}:{url_name}")))
    client.force_login(world.admin)
    assert client.get(reverse(f"{viewset}:index")).status_code == 200
    assert client.get(reverse(f"{viewset}:index") + "?q=H").status_code == 200
    assert client.get(reverse(f"{viewset}:add")).status_code == 200


@pytest.mark.django_db
def test_an_unpublished_product_is_not_public(client, world):
    for user in (None, world.b.staff, world.hn_staff):
        if user:
            client.force_login(user)
        assert client.get(world.a.draft.get_url()).status_code == 404
        assert client.get(world.a.review.get_url()).status_code == 404
    assert client.get(world.a.product.get_url()).status_code == 200


# --- admin hooks -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cooperative_created_in_the_admin_gets_its_group_and_collection(client, world):
    client.force_login(world.admin)
    catalogue = world.a.cooperative.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["catalog", "cooperativepage", catalogue.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "HTX Nông nghiệp Đông Anh",
            "slug": "htx-dong-anh",
            "kind": "htx",
            "tax_code": "0109876543",
            "province": "01",
            "verification": "verified",
            "action-publish": "action-publish",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    cooperative = CooperativePage.objects.get(tax_code="0109876543")
    assert cooperative.staff_group is not None
    assert cooperative.collection is not None
    staff = factories.user(email="moi@htx-dong-anh.example.org")
    staff.groups.add(cooperative.staff_group)
    assert cooperative.permissions_for_user(staff).can_edit()
    assert cooperative.permissions_for_user(staff).can_add_subpage()
    assert not cooperative.permissions_for_user(staff).can_publish()
    assert not world.a.cooperative.permissions_for_user(staff).can_edit()


@pytest.mark.django_db
def test_a_product_moved_to_another_cooperative_follows_it(client, world):
    client.force_login(world.admin)
    product = world.a.product

    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[product.pk, world.b.cooperative.pk])
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.get_parent().pk == world.b.cooperative.pk
    assert product.cooperative_id == world.b.cooperative.pk
    assert product.permissions_for_user(world.b.staff).can_edit()
    assert not product.permissions_for_user(world.a.staff).can_edit()


@pytest.mark.django_db
def test_a_product_cannot_move_into_a_cooperative_with_the_same_sku(client, world):
    factories.product(cooperative=world.b.cooperative, sku=world.a.product.sku)
    client.force_login(world.admin)
    product = world.a.product

    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[product.pk, world.b.cooperative.pk])
    )

    assert response["Location"] == reverse("wagtailadmin_pages:move", args=[product.pk])
    product.refresh_from_db()
    assert product.get_parent().pk == world.a.cooperative.pk
    assert product.cooperative_id == world.a.cooperative.pk


@pytest.mark.django_db
def test_an_alliance_created_in_the_admin_gets_its_staff_group(client, world):
    from catalog.models import Alliance

    client.force_login(world.admin)

    response = client.post(
        reverse("catalog_alliances:add"),
        {
            "name": "Liên minh HTX Đà Nẵng",
            "short_name": "LM Đà Nẵng",
            "kind": "provincial",
            "provinces": ["48"],
            "email": "lienminh@danang.example.org",
            "phone": "",
        },
    )

    assert response.status_code == 302
    alliance = Alliance.objects.get(name="Liên minh HTX Đà Nẵng")
    assert list(alliance.provinces.values_list("code", flat=True)) == ["48"]
    assert alliance.staff_group is not None
    assert alliance.staff_group.permissions.filter(codename="access_admin").exists()
