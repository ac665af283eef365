"""The e-trading floor end to end, on a phone-sized screen, in Vietnamese:

1. a buyer puts products of two cooperatives in one cart;
2. pays by card on the Payment Element against localstripe (4242 4242 4242 4242) and gets two orders;
3. one cooperative's staff confirm the order and ship it with a carrier and tracking number in the admin;
4. the buyer reads the order's timeline;
5. a second purchase is paid by VietQR transfer, and the cooperative imports its bank statement in
   the admin, which marks the order paid.
"""

import re

import pytest
from playwright.sync_api import expect

DEMO_PASSWORD = "demo12345"
STAFF = "htx1@demo.coop.vn"
BUYER = "buyer@demo.coop.vn"


def log_in(page, email: str, next_url: str):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").last.click()


def add_to_cart(page, url: str):
    page.goto(url)
    page.locator("form.add-to-cart button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/gio-hang/$"))


def fill_address(page):
    page.fill("input[name=name]", "Nguyễn Thị Lan")
    page.fill("input[name=phone]", "0912 345 678")
    page.select_option("select[name=province]", "01")
    expect(page.locator("select[name=ward] option")).not_to_have_count(1)
    page.select_option("select[name=ward]", index=1)
    page.fill("input[name=address]", "12 Hàng Bạc")


def test_card_purchase_across_two_cooperatives_then_a_transfer_matched_from_a_statement(
    browser, live_site, site_env, manage_shell, screenshot, tmp_path
):
    if not site_env["localstripe"]:
        pytest.skip(f"localstripe is not available: {site_env['localstripe_error']}")
    # Lookups only: which demo products belong to htx1's cooperative and to another one.
    own, other, tax_code = manage_shell(
        "from catalog.selectors import public_products; from catalog.models import CooperativePage\n"
        "coop = CooperativePage.objects.get(staff_group__user__email='htx1@demo.coop.vn')\n"
        "mine = public_products().filter(cooperative=coop, inventory__stock__gte=10, min_order_qty=1)"
        ".order_by('pk').first()\n"
        "other = public_products().filter(inventory__stock__gte=10, min_order_qty=1)"
        ".exclude(cooperative=coop).filter(cooperative__terms__bank_account__gt='').order_by('pk').first()\n"
        "print(mine.url, other.url, coop.tax_code)"
    ).split()

    buyer = browser.new_context(base_url=live_site, viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = buyer.new_page()
    page.set_default_timeout(20_000)
    log_in(page, BUYER, "/")
    add_to_cart(page, own)
    add_to_cart(page, other)
    expect(page.locator(".cart-line")).to_have_count(2)
    screenshot(page, "floor-1-cart-two-cooperatives")

    page.goto("/thanh-toan/")
    fill_address(page)
    page.check("#payment-card")
    page.locator(".checkout-form__submit").click()
    expect(page).to_have_url(re.compile(r"/don-hang/HTX[0-9A-Z]+-\d/thanh-toan/$"))
    # localstripe's stand-in of the Payment Element: plain fields for the test card.
    element = page.locator("#payment-element")
    element.locator("input[placeholder=number]").fill("4242424242424242")
    element.locator("input[placeholder=exp_month]").fill("12")
    element.locator("input[placeholder=exp_year]").fill("30")
    element.locator("input[placeholder=cvc]").fill("123")
    element.locator("input[placeholder=postal_code]").fill("100000")
    screenshot(page, "floor-2-card")
    expect(page.locator("#card-submit")).to_be_enabled()
    page.locator("#card-submit").click()
    expect(page).to_have_url(re.compile(r"/don-hang/HTX[0-9A-Z]+-\d/$"))
    expect(page.locator(".payment-badge--paid").first).to_be_visible()
    code = re.search(r"(HTX[0-9A-Z]+)-\d", page.url).group(1)

    page.goto("/don-hang/")
    rows = page.locator(f"a[href*='/don-hang/{code}-']")
    expect(rows).to_have_count(2)
    screenshot(page, "floor-3-two-orders-paid")
    own_number = manage_shell(
        "from marketplace.models import Order\n"
        f"print(Order.objects.get(purchase__payment_code='{code}', cooperative__tax_code='{tax_code}').number)"
    )

    staff = browser.new_context(base_url=live_site, viewport={"width": 390, "height": 844}, locale="vi-VN")
    admin = staff.new_page()
    admin.set_default_timeout(20_000)
    log_in(admin, STAFF, "/admin/marketplace/orders/")
    admin.goto(f"/admin/marketplace/orders/{own_number}/")
    admin.locator(f"form[action$='/{own_number}/do/confirm/'] button[type=submit]").click()
    expect(admin.locator(".messages")).to_contain_text(own_number)
    screenshot(admin, "floor-4-cooperative-confirmed")
    admin.locator("#action-ship summary").click()
    admin.fill("#action-ship input[name=ship-carrier]", "Viettel Post")
    admin.fill("#action-ship input[name=ship-tracking_number]", "VTP123456789")
    admin.locator("#action-ship button[type=submit]").click()
    expect(admin.locator(".messages")).to_contain_text(own_number)
    screenshot(admin, "floor-4-cooperative-shipped")

    page.goto(f"/don-hang/{own_number}/")
    expect(page.locator(".status-badge--shipped")).to_be_visible()
    expect(page.get_by_text("VTP123456789").first).to_be_visible()
    # placed, card payment pending, paid, confirmed, shipped
    expect(page.locator(".timeline__entry")).to_have_count(5)
    screenshot(page, "floor-5-timeline")

    add_to_cart(page, own)
    page.goto("/thanh-toan/")
    fill_address(page)
    page.check("#payment-vietqr")
    page.locator(".checkout-form__submit").click()
    expect(page).to_have_url(re.compile(r"/don-hang/HTX[0-9A-Z]+-1/thanh-toan/$"))
    transfer_number = re.search(r"(HTX[0-9A-Z]+-1)", page.url).group(1)
    expect(page.get_by_text(transfer_number).first).to_be_visible()
    screenshot(page, "floor-6-vietqr")
    total = manage_shell(
        f"from marketplace.models import Order; print(Order.objects.get(number='{transfer_number}').total_vnd)"
    )

    statement = tmp_path / "sao-ke.csv"
    description = f"NGUYEN THI LAN CK {transfer_number.lower()} thanh toan"
    statement.write_text(
        f"date,amount_vnd,description,reference\n04/12/2026,{total},{description},FT26338000001\n",
        encoding="utf-8",
    )
    admin.goto("/admin/marketplace/statements/import/")
    admin.set_input_files("input[name=file]", str(statement))
    admin.locator("form[enctype] button[type=submit]").click()
    report = admin.locator("#statement-report")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").nth(3)).to_have_text(transfer_number)
    expect(report.locator("tbody tr td").nth(4)).to_have_text("Đã khớp")
    screenshot(admin, "floor-7-statement-imported")

    page.goto(f"/don-hang/{transfer_number}/")
    expect(page.locator(".payment-badge--paid")).to_be_visible()
    screenshot(page, "floor-8-transfer-paid")
    buyer.close()
    staff.close()
