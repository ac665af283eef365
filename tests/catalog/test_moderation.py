"""A listing's way through review: cooperative staff submit, the province's alliance decides.

Everything goes through the admin the way people use it (the page forms and the
workflow action URL), and the emails are checked in the outbox after commit.
"""

import pytest
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html
from wagtail.users.models import UserProfile

from catalog import notifications
from catalog.models import AllianceReviewTask, Category, ProductPage
from tests import factories


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(db):
    hn_staff = factories.user(email="duyet@lienminh-hanoi.example.org")
    hp_staff = factories.user(email="duyet@lienminh-haiphong.example.org")
    hn = factories.alliance(name="Liên minh HTX Hà Nội", provinces=["01"], staff=[hn_staff])
    factories.alliance(name="Liên minh HTX Hải Phòng", provinces=["31"], staff=[hp_staff])
    submitter = factories.user(email="nhanvien@htx-a.example.org")
    colleague = factories.user(email="ketoan@htx-a.example.org")
    cooperative = factories.cooperative(name="HTX Rau sạch A", province="01", staff=[submitter, colleague])
    cooperative.refresh_from_db()
    return type(
        "People",
        (),
        {
            "hn_staff": hn_staff,
            "hp_staff": hp_staff,
            "hn": hn,
            "submitter": submitter,
            "colleague": colleague,
            "cooperative": cooperative,
            "admin": factories.superuser(email="root@example.org"),
        },
    )


def add_product_in_admin(client, cooperative, *, title="Rau cải hữu cơ", sku="RAU-1", action="action-submit"):
    url = reverse("wagtailadmin_pages:add", args=["catalog", "productpage", cooperative.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": title,
            "slug": sku.lower(),
            "sku": sku,
            "category": str(Category.objects.get(slug="food").pk),
            "unit": "kg",
            "price_vnd": "45000",
            "min_order_qty": "1",
            action: action,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return ProductPage.objects.get(cooperative=cooperative, sku=sku)


def edit_in_admin(client, page, **changes):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response


def task_state_of(page) -> TaskState:
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def act(client, page, action, **data):
    task_state = task_state_of(page)
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]), data
    )


def reviewable_by(user):
    return {state.workflow_state.object_id for state in TaskState.objects.reviewable_by(user)}


# --- submission --------------------------------------------------------------------------------


def test_staff_submission_goes_to_review_not_live(client, people):
    client.force_login(people.submitter)

    product = add_product_in_admin(client, people.cooperative)

    assert product.workflow_in_progress
    assert not product.live
    assert product.status == ProductPage.Status.IN_REVIEW
    assert product.cooperative_id == people.cooperative.pk
    client.logout()
    assert client.get(product.get_url()).status_code == 404


def test_submission_waits_in_the_responsible_alliances_queue_only(client, people):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)
    task = AllianceReviewTask.objects.get()

    assert (
        task.get_task_states_user_can_moderate(people.hn_staff)
        .filter(workflow_state__object_id=str(product.pk))
        .exists()
    )
    assert not task.get_task_states_user_can_moderate(people.hp_staff).exists()
    assert not task.get_task_states_user_can_moderate(people.submitter).exists()
    assert str(product.pk) in reviewable_by(people.admin)


def test_a_listing_submitted_outside_the_admin_reaches_the_queue_too(people):
    """Imports and the API submit through the service; the queue must not depend on the
    denormalised ProductPage.cooperative, which a never-published draft leaves empty."""
    product = factories.product(
        cooperative=people.cooperative, publish=False, submit=True, user=people.submitter
    )

    assert str(product.pk) in reviewable_by(people.hn_staff)
    assert str(product.pk) not in reviewable_by(people.hp_staff)


def test_dashboard_shows_the_listing_awaiting_review_to_its_alliance(client, people):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative, title="Mật ong hoa nhãn")

    client.force_login(people.hn_staff)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Mật ong hoa nhãn" in dashboard
    assert reverse(
        "wagtailadmin_pages:workflow_action", args=[product.pk, "approve", task_state_of(product).pk]
    ) in (dashboard)

    client.force_login(people.hp_staff)
    assert "Mật ong hoa nhãn" not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- decisions ---------------------------------------------------------------------------------


def test_alliance_approval_publishes_the_listing(client, people):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)

    client.force_login(people.hn_staff)
    response = act(client, product, "approve")

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.live
    assert not product.workflow_in_progress
    assert product.status == ProductPage.Status.PUBLISHED
    assert product.live_revision.user == people.submitter
    client.logout()
    assert client.get(product.get_url()).status_code == 200


def test_other_provinces_alliance_cannot_approve(client, people):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)

    client.force_login(people.hp_staff)
    act(client, product, "approve")

    product.refresh_from_db()
    assert not product.live
    assert product.workflow_in_progress


def test_request_changes_keeps_it_offline_and_records_the_comment(client, people):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)
    task_state = task_state_of(product)

    client.force_login(people.hn_staff)
    response = act(client, product, "reject", comment="Thiếu ảnh sản phẩm và giấy chứng nhận.")

    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == "Thiếu ảnh sản phẩm và giấy chứng nhận."
    assert task_state.finished_by == people.hn_staff
    assert task_state.workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert product.status == ProductPage.Status.DRAFT


def test_resubmitted_after_changes_goes_back_to_the_same_alliance(client, people):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)
    client.force_login(people.hn_staff)
    act(client, product, "reject", comment="Thêm ảnh.")

    client.force_login(people.submitter)
    edit_in_admin(client, product, title="Rau cải hữu cơ (có ảnh)", **{"action-submit": "action-submit"})

    product.refresh_from_db()
    assert product.workflow_in_progress
    assert str(product.pk) in reviewable_by(people.hn_staff)
    assert str(product.pk) not in reviewable_by(people.hp_staff)


def test_an_edit_to_a_live_listing_waits_for_review_while_the_old_version_stays_public(client, people):
    product = factories.product(cooperative=people.cooperative, name="Trà xanh Thái Nguyên", sku="TRA-1")
    client.force_login(people.submitter)

    edit_in_admin(client, product, title="Trà xanh móc câu", **{"action-submit": "action-submit"})

    product.refresh_from_db()
    assert product.live
    assert product.workflow_in_progress
    assert product.title == "Trà xanh Thái Nguyên"
    client.logout()
    public = client.get(product.get_url())
    assert public.status_code == 200
    assert "Trà xanh Thái Nguyên" in public.content.decode()
    assert "Trà xanh móc câu" not in public.content.decode()

    client.force_login(people.hn_staff)
    act(client, product, "approve")
    client.logout()

    product.refresh_from_db()
    assert product.title == "Trà xanh móc câu"
    assert "Trà xanh móc câu" in client.get(product.get_url()).content.decode()


def test_national_alliance_reviews_provinces_without_a_provincial_alliance(client, people):
    national_staff = factories.user(email="duyet@vca.example.org")
    factories.alliance(name="Liên minh HTX Việt Nam", kind="national", provinces=(), staff=[national_staff])
    danang_staff = factories.user(email="nhanvien@htx-danang.example.org")
    danang = factories.cooperative(name="HTX Đà Nẵng", province="48", staff=[danang_staff])
    client.force_login(danang_staff)
    product = add_product_in_admin(client, danang, sku="NUOC-MAM-1")

    assert str(product.pk) in reviewable_by(national_staff)
    assert str(product.pk) not in reviewable_by(people.hn_staff)

    client.force_login(national_staff)
    act(client, product, "approve")
    product.refresh_from_db()
    assert product.live


def test_national_alliance_does_not_review_provinces_a_provincial_alliance_covers(client, people):
    national_staff = factories.user(email="duyet@vca.example.org")
    factories.alliance(name="Liên minh HTX Việt Nam", kind="national", provinces=(), staff=[national_staff])
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)

    assert str(product.pk) not in reviewable_by(national_staff)
    client.force_login(national_staff)
    act(client, product, "approve")
    product.refresh_from_db()
    assert not product.live


# --- emails -------------------------------------------------------------------------------------


def _to(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_submission_emails_the_responsible_alliance_staff(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people.submitter)

    with django_capture_on_commit_callbacks(execute=True):
        product = add_product_in_admin(client, people.cooperative, title="Bưởi Diễn")

    ours = [m for m in mailoutbox if m.to == [people.hn_staff.email]]
    assert len(ours) == 1
    assert "Bưởi Diễn" in ours[0].subject
    assert reverse("wagtailadmin_pages:edit", args=[product.pk]) in ours[0].body
    assert people.hp_staff.email not in _to(mailoutbox)
    assert people.submitter.email not in _to(mailoutbox)
    # Wagtail's own submission notice goes to administrators, once.
    assert _to(mailoutbox).count(people.admin.email) == 1


def test_no_email_before_the_submission_commits(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people.submitter)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_product_in_admin(client, people.cooperative)

    # Neither ours to the alliance nor Wagtail's to the administrators.
    assert mailoutbox == []
    assert callbacks


def test_approval_emails_each_cooperative_staff_member_once(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative, title="Gạo ST25")
    mailoutbox.clear()

    client.force_login(people.hn_staff)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, product, "approve")

    # The submitter gets Wagtail's approval notice, the colleague ours: one each, nobody else.
    assert _to(mailoutbox) == sorted([people.submitter.email, people.colleague.email])
    ours = next(m for m in mailoutbox if m.to == [people.colleague.email])
    assert "Gạo ST25" in ours.subject


def test_rejection_emails_the_cooperative_with_the_comment(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative, title="Chè Shan tuyết")
    mailoutbox.clear()

    client.force_login(people.hn_staff)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, product, "reject", comment="Ghi rõ vùng trồng.")

    assert _to(mailoutbox) == sorted([people.submitter.email, people.colleague.email])
    ours = next(m for m in mailoutbox if m.to == [people.colleague.email])
    assert "Chè Shan tuyết" in ours.subject
    assert "Ghi rõ vùng trồng." in ours.body


def test_cooperative_staff_get_our_notice_when_wagtails_is_switched_off(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(people.submitter)
    profile.approved_notifications = False
    profile.save()
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)
    mailoutbox.clear()

    client.force_login(people.hn_staff)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, product, "approve")

    assert _to(mailoutbox) == sorted([people.submitter.email, people.colleague.email])


def test_a_refused_approval_sends_nothing(client, people, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(people.submitter)
    product = add_product_in_admin(client, people.cooperative)
    mailoutbox.clear()

    client.force_login(people.hp_staff)
    with django_capture_on_commit_callbacks(execute=True):
        act(client, product, "approve")

    assert mailoutbox == []


def test_responsible_reviewers_follow_the_alliance_routing(people):
    national_staff = factories.user(email="duyet@vca.example.org")
    factories.alliance(name="Liên minh HTX Việt Nam", kind="national", provinces=(), staff=[national_staff])

    assert list(notifications.responsible_reviewers("01")) == [people.hn_staff]
    assert list(notifications.responsible_reviewers("31")) == [people.hp_staff]
    assert list(notifications.responsible_reviewers("48")) == [national_staff]
    assert list(notifications.responsible_reviewers(None)) == []
