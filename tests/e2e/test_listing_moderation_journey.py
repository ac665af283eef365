"""A new listing from its cooperative's staff to the public catalogue: written in the Wagtail
admin with a photo uploaded through the image chooser, submitted to the "Duyệt tin đăng"
workflow, approved by the Hà Nội alliance from its dashboard, then public. And the editor
of another cooperative's product stays closed to that cooperative's staff.

Staff work in the admin in Vietnamese (the admin's default language), on a computer.
"""

import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

PASSWORD = "demo12345"  # the demo accounts' published password (README)
COOPERATIVE_STAFF = "htx1@demo.coop.vn"  # HTX Nông nghiệp Hữu cơ Sóc Sơn, Hà Nội
ALLIANCE_STAFF = "lienminh@demo.coop.vn"  # Liên minh Hợp tác xã thành phố Hà Nội
OTHER_COOPERATIVE = "HTX Nước mắm Phú Quốc"  # htx2@'s, in An Giang

PRODUCT = "Mứt gừng dẻo Sóc Sơn"
SKU = "MUT-GUNG-E2E"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def desktop_page(browser, live_site):
    """Open pages in separate browser sessions, one per person, at a desktop size."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_site, viewport=DESKTOP, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in_to_admin(page, email):
    page.goto("/admin/")
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("Password|Mật khẩu")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Đăng nhập")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_cooperative_listing_is_approved_by_its_alliance_then_public(
    desktop_page, page, screenshot, manage_shell, tmp_path
):
    photo = tmp_path / "mut-gung.png"
    picture = Image.new("RGB", (160, 120), (214, 168, 108))
    ImageDraw.Draw(picture).ellipse((40, 20, 120, 100), fill=(180, 83, 9))
    picture.save(photo)

    staff = desktop_page()
    log_in_to_admin(staff, COOPERATIVE_STAFF)
    # Their pages start at their own cooperative.
    staff.goto("/admin/pages/")
    expect(staff.get_by_role("heading", level=1)).to_contain_text("HTX Nông nghiệp Hữu cơ Sóc Sơn")
    staff.get_by_role("link", name="Thêm trang con").click()
    expect(staff).to_have_url(re.compile(r"/admin/pages/add/catalog/productpage/\d+/$"))

    staff.get_by_role("button", name="Chọn một hình ảnh").click()
    chooser = staff.get_by_role("dialog")
    chooser.get_by_role("tab", name="Đăng tải").click()
    upload = chooser.get_by_role("tabpanel", name="Đăng tải")
    upload.get_by_label("Tệp").set_input_files(photo)
    upload.get_by_label("Tiêu đề").fill("Mứt gừng dẻo")
    upload.get_by_role("button", name="Đăng tải").click()
    expect(chooser).to_be_hidden()
    expect(staff.get_by_role("region", name="Ảnh chính", exact=True)).to_contain_text("Mứt gừng dẻo")

    staff.get_by_role("textbox", name="Tiêu đề*", exact=True).fill(PRODUCT)
    staff.get_by_role("textbox", name="Mã SKU*").fill(SKU)
    staff.get_by_role("combobox", name="Nhóm sản phẩm*").select_option(label="Thực phẩm")
    staff.get_by_role("spinbutton", name="Giá (đồng)*").fill("125000")
    staff.get_by_role("textbox", name="Đơn vị tính*").fill("hộp 300 g")
    screenshot(staff, "moderation-1-new-listing")

    staff.get_by_role("button", name="Thao tác khác").click()
    # "Submit to Duyệt tin đăng" (Wagtail's Vietnamese: "Thực hiện Duyệt tin đăng").
    staff.get_by_role("button", name=re.compile(r"Duyệt tin đăng$")).click()
    expect(staff.get_by_role("status").filter(has_text=PRODUCT)).to_be_visible()
    expect(staff.get_by_role("link", name=PRODUCT, exact=True)).to_be_visible()

    url = manage_shell(
        f"from catalog.models import ProductPage; print(ProductPage.objects.get(sku='{SKU}').url)"
    )
    response = page.goto(url)
    assert response.status == 404, "a listing waiting for review must not be public"

    reviewer = desktop_page()
    log_in_to_admin(reviewer, ALLIANCE_STAFF)
    awaiting = reviewer.get_by_role("region", name="Đang chờ bạn duyệt")
    listing = awaiting.get_by_role("row").filter(has=reviewer.get_by_role("link", name=PRODUCT, exact=True))
    expect(listing).to_contain_text("Nguyễn Văn Hùng")  # htx1@, who submitted it
    screenshot(reviewer, "moderation-2-awaiting-review")
    listing.get_by_role("button", name="Thao tác").click()
    listing.get_by_role("button", name="Duyệt", exact=True).click()
    expect(listing).to_have_count(0)

    response = page.goto(url)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    # The uploaded photo is served (a 160 px wide picture is not enlarged by its rendition).
    expect(page.get_by_role("img", name=PRODUCT, exact=True)).to_have_js_property("naturalWidth", 160)
    expect(page.get_by_text("125.000 ₫", exact=True)).to_be_visible()
    screenshot(page, "moderation-3-published-listing")


def test_cooperative_staff_cannot_open_another_cooperatives_product_in_the_editor(
    desktop_page, screenshot, manage_shell
):
    found = manage_shell(
        "from catalog.models import CooperativePage, ProductPage; "
        f"cooperative = CooperativePage.objects.get(title={OTHER_COOPERATIVE!r}); "
        "product = ProductPage.objects.child_of(cooperative).live().order_by('path').first(); "
        "print(product.pk, product.title, sep='|')"
    )
    product_id, title = found.split("|")
    edit_url = f"/admin/pages/{product_id}/edit/"

    staff = desktop_page()
    log_in_to_admin(staff, COOPERATIVE_STAFF)
    response = staff.goto(edit_url)

    refused = response.status in (403, 404) or not staff.url.endswith(edit_url)
    assert refused, f"{COOPERATIVE_STAFF} was shown the editor of {title!r} ({response.status} {staff.url})"
    expect(staff.get_by_text("Bạn không có quyền truy cập vào khu vực này.")).to_be_visible()
    expect(staff.get_by_role("textbox", name="Tiêu đề*", exact=True)).to_have_count(0)
    expect(staff.get_by_text(title)).to_have_count(0)
    screenshot(staff, "moderation-4-other-cooperative-refused")
