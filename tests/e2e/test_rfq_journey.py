"""B2B trade on quotes end to end, on a phone-sized screen, in Vietnamese:

1. a verified buyer posts a request for quotation (RFQ) for 2 tonnes of pomelo, sees the
   cooperatives that match it best with their reasons, and invites two of them;
2. the staff of cooperative A (htx1@, Sóc Sơn) and of cooperative B (Đoan Hùng) each quote in the
   admin, from the invitation on their dashboard; A then revises its quote, and the buyer sees both
   revisions;
3. the buyer and A write to each other in the RFQ's thread: a phone number typed before a deal is
   masked on both sides, A does not know who the buyer is, and B cannot open A's thread;
4. the buyer compares the quotes side by side (cheapest first) and accepts A's: an order paid by
   VietQR transfer; B sees its quote declined, and A now sees who bought;
5. A imports its bank statement in the admin, which marks the order paid;
6. the market price of pomelo per tonne this month appears in the API: before the journey only two
   other cooperatives had traded it (seeded below through the services), so the three-cooperative
   rule hid it; A's accepted quote makes the third.
"""

import csv
import datetime
import json
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

DEMO_PASSWORD = "demo12345"
BUYER = "buyer@demo.coop.vn"
STAFF_A = "htx1@demo.coop.vn"  # HTX Nông nghiệp Hữu cơ Sóc Sơn (Hà Nội)
STAFF_B = "nhanvien.doanhung@htx.example.org"  # made staff of HTX Bưởi Đoan Hùng below
CATEGORY = "food-fruit"
UNIT = "tấn"
TITLE = "Bưởi Diễn"
# What two other fruit cooperatives sold by the tonne this month (accepted quotes, 2 tonnes each).
SEEDED_PRICES = {"4280000007": 42_000_000, "8680000030": 52_000_000}  # Bưởi Phúc Trạch, Năm Roi
A_FIRST, A_REVISED, B_PER_KG = 50_000_000, 47_000_000, 48_000
PHONE = "0912 345 678"

# Setup only (nothing the journey itself checks): B's staff account, and the two other
# cooperatives' trade, made through the same services production uses. Only B's staff sign in,
# so the others have no usable password (hashing one costs half a second).
SETUP = f"""
import json
from django.contrib.auth import get_user_model
from catalog import services
from catalog.models import Category, CooperativePage, ProductPage
from marketplace.services.quotes import quote_accept, quote_submit
from tests import factories
from tests.factories import marketplace as mf
from tests.factories import quotes as qf
from tests.factories import rfqs as rf

fruit = Category.objects.get(slug={CATEGORY!r})
b = CooperativePage.objects.get(tax_code="2580000004")  # HTX Bưởi Đoan Hùng
services.cooperative_add_staff(
    cooperative=b, user=factories.user(email={STAFF_B!r}, password={DEMO_PASSWORD!r})
)
for n, (tax_code, price) in enumerate({SEEDED_PRICES!r}.items()):
    seller = CooperativePage.objects.get(tax_code=tax_code)
    quoter = factories.user(email=f"nhanvien.{{tax_code}}@htx.example.org", password=None)
    services.cooperative_add_staff(cooperative=seller, user=quoter)
    buyer = factories.user(email=f"thumua{{n}}@buyer.example.org", password=None)
    rfq = rf.rfq(buyer, title="Bưởi", quantity=2, unit={UNIT!r}, category=fruit)
    line = qf.line(quantity=2, unit_price_vnd=price, description="Bưởi loại 1")
    quote = quote_submit(user=quoter, rfq=rfq, cooperative=seller, data=qf.data(line))
    quote_accept(user=buyer, quote=quote, shipping=mf.address())
a = CooperativePage.objects.get(staff_group__user__email={STAFF_A!r})
buyer = get_user_model().objects.get(email={BUYER!r})
product = ProductPage.objects.live().filter(cooperative=b, category=fruit).order_by("pk").first()
known = {{
    "a": [a.title, a.tax_code],
    "b": [b.title, b.tax_code],
    "b_sku": product.sku,
    "buyer": buyer.get_full_name() or buyer.email,
}}
print(json.dumps(known))
"""


def log_in(page, email: str, next_url: str):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").last.click()


def new_page(browser, live_site):
    context = browser.new_context(base_url=live_site, viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def market_item(page) -> dict | None:
    """This month's nationwide price of pomelo per tonne, from the public API (None when hidden)."""
    response = page.request.get(f"/api/v1/market/prices?category={CATEGORY}&months=1")
    assert response.status == 200
    items = [
        item
        for item in response.json()["items"]
        if item["category"] == CATEGORY and item["unit"] == UNIT and item["province"] is None
    ]
    assert len(items) <= 1
    return items[0] if items else None


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def send_quote(admin, **fields):
    """Fill the admin's quote form (`fields`: input name → value) and send it."""
    form = admin.locator("#quote-form form")
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("input[name='quote-payment_terms'][value=transfer]").check()
    form.locator("button[type=submit]").click()


def test_rfq_posted_matched_quoted_revised_discussed_compared_accepted_paid_and_priced(
    browser, live_site, manage_shell, screenshot, tmp_path
):
    known = json.loads(manage_shell(SETUP).splitlines()[-1])
    (a_title, a_tax_code), (b_title, b_tax_code) = known["a"], known["b"]

    buyer = new_page(browser, live_site)
    # Two cooperatives' trade is not enough to show a price.
    assert market_item(buyer) is None

    # 1. Post the request; the matches come with their reasons; invite A and B.
    log_in(buyer, BUYER, "/cung-cau/dang-yeu-cau/")
    expect(buyer).to_have_url(re.compile(r"/cung-cau/dang-yeu-cau/$"))
    buyer.fill("input[name=title]", TITLE)
    buyer.select_option("select[name=category]", CATEGORY)
    buyer.fill("input[name=quantity]", "2")
    buyer.fill("input[name=unit]", UNIT)
    buyer.check("input[name=per_month][value='0']")
    buyer.fill("input[name=target_price_vnd]", "48000000")
    buyer.fill("textarea[name=details]", "Bưởi loại 1, đóng thùng 10 kg, giao một lần.")
    buyer.select_option("select[name=delivery_province]", "01")
    buyer.check("input[name=visibility][value=invited]")
    buyer.locator(".rfq-form__submit").click()
    expect(buyer).to_have_url(re.compile(r"/cung-cau/\d+/$"))
    rfq_id = int(re.search(r"/cung-cau/(\d+)/$", buyer.url).group(1))
    matches = buyer.locator("#matches .match-card")
    for title in (a_title, b_title):
        card = matches.filter(has=buyer.get_by_role("heading", name=title, exact=True))
        expect(card).to_have_count(1)
        expect(card.locator(".match-card__reasons li").first).to_be_visible()
        expect(card.locator(".match-card__score strong")).to_have_text(re.compile(r"^\d+$"))
    screenshot(buyer, "rfq-1-matches")
    for title in (a_title, b_title):
        matches.filter(has=buyer.get_by_role("heading", name=title, exact=True)).locator(
            "button[type=submit]"
        ).click()
        expect(buyer).to_have_url(re.compile(rf"/cung-cau/{rfq_id}/#invited$"))
    invited = buyer.locator("#invited .order-card")
    expect(invited).to_have_count(2)
    expect(invited.filter(has_text=a_title)).to_have_count(1)
    expect(invited.filter(has_text=b_title)).to_have_count(1)

    # 2. A's staff find the invitation on their dashboard and quote 2 tonnes, in free text.
    staff_a = new_page(browser, live_site)
    log_in(staff_a, STAFF_A, "/admin/")
    admin_rfq = f"/admin/marketplace/rfqs/{rfq_id}/"
    staff_a.locator(f"a[href='{admin_rfq}']").first.click()
    expect(staff_a).to_have_url(re.compile(rf"{admin_rfq}$"))
    send_quote(
        staff_a,
        **{
            "lines-0-description": "Bưởi Diễn loại 1, thùng 10 kg",
            "lines-0-quantity": "2",
            "lines-0-unit_price_vnd": vnd(A_FIRST),
            "lines-0-vat_rate": "kct",
            "quote-lead_time_days": "7",
            "quote-delivery_terms": "Giao tại kho người mua ở Hà Nội",
        },
    )
    expect(staff_a.locator(".messages")).to_contain_text(vnd(2 * A_FIRST))

    # B's staff quote 2,000 kg of their listed pomelo.
    staff_b = new_page(browser, live_site)
    log_in(staff_b, STAFF_B, admin_rfq)
    expect(staff_b).to_have_url(re.compile(rf"{admin_rfq}$"))
    send_quote(
        staff_b,
        **{
            "lines-0-product": known["b_sku"],
            "lines-0-quantity": "2.000",
            "lines-0-unit_price_vnd": vnd(B_PER_KG),
            "quote-lead_time_days": "10",
        },
    )
    expect(staff_b.locator(".messages")).to_contain_text(vnd(2000 * B_PER_KG))

    # A revises its price below B's total; the admin keeps both revisions.
    staff_a.reload()
    send_quote(staff_a, **{"lines-0-unit_price_vnd": vnd(A_REVISED)})
    expect(staff_a.locator(".messages")).to_contain_text(vnd(2 * A_REVISED))
    expect(staff_a.locator(".mp-timeline > li")).to_have_count(2)
    screenshot(staff_a, "rfq-2-quote-revised")

    # 3. The buyer writes to A, giving a phone number: it is masked before a deal.
    buyer.goto(f"/cung-cau/{rfq_id}/")
    a_card = buyer.locator(".quote-card").filter(has=buyer.get_by_role("heading", name=a_title, exact=True))
    a_card.locator(f"a[href$='/tin-nhan/{a_tax_code}/']").click()
    expect(buyer).to_have_url(re.compile(rf"/cung-cau/{rfq_id}/tin-nhan/{a_tax_code}/$"))
    buyer.fill("textarea[name=body]", f"Bưởi có đóng thùng 10 kg không? Gọi tôi: {PHONE}")
    buyer.locator(".thread-form button[type=submit]").click()
    expect(buyer).to_have_url(re.compile(r"#latest$"))
    mine = buyer.locator(".thread__message--mine .thread__body")
    expect(mine).to_contain_text("đóng thùng 10 kg")
    expect(mine).not_to_contain_text("345")

    staff_a.goto(admin_rfq)
    from_buyer = staff_a.locator("#thread .mp-from-buyer")
    expect(from_buyer).to_contain_text("đóng thùng 10 kg")
    expect(from_buyer).not_to_contain_text("345")
    expect(staff_a.locator("main")).not_to_contain_text(known["buyer"])  # who asks is hidden
    staff_a.fill("#thread textarea[name=message-body]", "Có, thùng carton 10 kg, giao trong 7 ngày.")
    staff_a.locator("#thread button[type=submit]").click()
    expect(staff_a.locator("#thread .mp-from-us")).to_contain_text("thùng carton 10 kg")

    buyer.reload()
    expect(buyer.locator(".thread__message--theirs .thread__body")).to_contain_text("thùng carton 10 kg")
    screenshot(buyer, "rfq-3-thread")
    # B's staff have their own thread with the buyer, and cannot open A's.
    assert staff_b.goto(f"/cung-cau/{rfq_id}/tin-nhan/{b_tax_code}/").status == 200
    assert staff_b.goto(f"/cung-cau/{rfq_id}/tin-nhan/{a_tax_code}/").status == 404

    # 4. Side by side, cheapest first, A's card with both revisions; accept A's quote.
    buyer.goto(f"/cung-cau/{rfq_id}/")
    cards = buyer.locator(".quote-grid .quote-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).locator(".quote-card__title")).to_have_text(a_title)
    expect(cards.nth(1).locator(".quote-card__title")).to_have_text(b_title)
    expect(a_card.locator(".quote-card__facts")).to_contain_text(vnd(2 * A_REVISED))
    expect(a_card.locator(".quote-card__facts")).to_contain_text(vnd(A_REVISED))
    a_card.locator(".quote-card__history summary").click()
    revisions = a_card.locator(".quote-revision")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0)).to_contain_text(vnd(A_REVISED))  # newest first
    expect(revisions.nth(1)).to_contain_text(vnd(A_FIRST))
    screenshot(buyer, "rfq-4-compare")

    a_card.locator("a[href*='/chap-nhan/']").click()
    expect(buyer).to_have_url(re.compile(r"/cung-cau/bao-gia/\d+/chap-nhan/$"))
    buyer.fill("input[name=name]", "Nguyễn Thị Lan")
    buyer.fill("input[name=phone]", PHONE)
    buyer.select_option("select[name=province]", "01")
    expect(buyer.locator("select[name=ward] option")).not_to_have_count(1)
    buyer.select_option("select[name=ward]", index=1)
    buyer.fill("input[name=address]", "12 Hàng Bạc")
    buyer.check("input[name=confirm]")
    buyer.locator(".checkout-form__submit").click()
    expect(buyer).to_have_url(re.compile(r"/don-hang/HTX[0-9A-Z]+-\d+/$"))
    number = re.search(r"/don-hang/([^/]+)/$", buyer.url).group(1)
    expect(buyer.locator(".payment-badge--unpaid")).to_be_visible()
    expect(buyer.locator(f"#description-{number}")).to_have_text(number)  # the VietQR transfer
    expect(buyer.locator(".order-lines")).to_contain_text(vnd(A_REVISED))
    screenshot(buyer, "rfq-5-order-vietqr")

    # B's quote is closed: declined on its side of the RFQ page, and no more form in the admin.
    staff_b.goto(f"/cung-cau/{rfq_id}/")
    expect(staff_b.locator(".quote-card--declined")).to_have_count(1)
    staff_b.goto(admin_rfq)
    expect(staff_b.locator("#quote-form")).to_have_count(0)

    # 5. A sees the order, then imports its bank statement: the transfer is matched.
    staff_a.goto(admin_rfq)
    expect(staff_a.locator(f"a[href$='/admin/marketplace/orders/{number}/']")).to_be_visible()
    expect(staff_a.locator("main")).to_contain_text(known["buyer"])  # now A knows who it sells to
    statement = tmp_path / "sao-ke.csv"
    today = datetime.datetime.now(tz=ZoneInfo("Asia/Ho_Chi_Minh")).date()
    with statement.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["date", "amount_vnd", "description", "reference"])
        writer.writerow(
            [today.strftime("%d/%m/%Y"), 2 * A_REVISED, f"CTY TNHH ABC CK {number.lower()}", "FT26339000042"]
        )
    staff_a.goto("/admin/marketplace/statements/import/")
    staff_a.set_input_files("input[name=file]", str(statement))
    staff_a.locator("form[enctype] button[type=submit]").click()
    report = staff_a.locator("#statement-report")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").nth(3)).to_have_text(number)
    expect(report.locator("tbody tr td").nth(4)).to_have_text("Đã khớp")

    buyer.goto(f"/don-hang/{number}/")
    expect(buyer.locator(".payment-badge--paid")).to_be_visible()
    screenshot(buyer, "rfq-6-order-paid")

    # 6. Three cooperatives have now traded pomelo by the tonne this month: the price shows.
    item = market_item(buyer)
    assert item is not None
    assert item["cooperatives"] == 3
    assert (item["median_vnd"], item["min_vnd"], item["max_vnd"]) == (A_REVISED, 42_000_000, 52_000_000)
    for page in (buyer, staff_a, staff_b):
        page.context.close()
