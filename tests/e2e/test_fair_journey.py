"""A supply–demand connection, end to end, in the demo's open Ecoop fair:

a buyer registers and is approved, posts a demand, sees recommended cooperatives with the
reasons and requests a meeting; the cooperative accepts; the organiser closes requests and
runs the scheduler; both sides see their slot and table; on the day the buyer is checked in,
the meeting is held and a memorandum is recorded; the report shows it.

Three people in three browser sessions, on phones except the organiser. Fields are found by
their form names, so the journey holds in either language.
"""

import re

import pytest
from playwright.sync_api import expect

from demo.fairs import OPEN_SLUG

PASSWORD = "demo12345"  # the demo accounts' published password (README)
BUYER = "buyer@demo.coop.vn"
COOPERATIVE_STAFF = "htx1@demo.coop.vn"  # HTX Nông nghiệp Hữu cơ Sóc Sơn, Hà Nội: showcases at the fair
ORGANISER = "lienminh@demo.coop.vn"  # the Hà Nội alliance, which leads the Ecoop fairs
COOPERATIVE = "HTX Nông nghiệp Hữu cơ Sóc Sơn"
COMPANY = "Chuỗi cửa hàng Nông sản Sạch Hà Nội"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def person(browser, live_site):
    contexts = []

    def open_as(email: str, viewport=PHONE):
        context = browser.new_context(base_url=live_site, viewport=viewport, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_buyer_meets_a_cooperative_and_signs_a_memorandum(person, screenshot, manage_shell):
    fair_id = manage_shell(
        f"from fairs.models import FairPage; print(FairPage.objects.get(slug='{OPEN_SLUG}').pk)"
    )
    base = f"/hoi-cho-tham-gia/{fair_id}"

    # The buyer finds the fair and registers.
    buyer = person(BUYER)
    buyer.goto(f"/hoi-cho/{OPEN_SLUG}/")
    expect(buyer.get_by_role("heading", level=1)).to_contain_text("Ecoop")
    expect(buyer.locator(".booth, .virtual-booth, [class*=booth]").first).to_be_visible()
    screenshot(buyer, "fair-1-fair-page")
    buyer.goto(f"{base}/dang-ky/nguoi-mua/")
    buyer.locator("[name=name]").fill(COMPANY)
    buyer.locator("[name=buyer_kind]").select_option("retailer")
    buyer.locator("[name=province]").fill("Hà Nội")
    buyer.locator("[name=rep-0-name]").fill("Trần Thị Mai")
    buyer.locator("[name=rep-0-email]").fill(BUYER)
    buyer.locator("form[action$='/dang-ky/nguoi-mua/'] button[type=submit]").click()
    expect(buyer).to_have_url(re.compile(rf"{base}/cua-toi/"))
    screenshot(buyer, "fair-2-registered")

    # The organiser approves the registration.
    organiser = person(ORGANISER, viewport=DESKTOP)
    organiser.goto(f"{base}/to-chuc/nguoi-tham-gia/?status=pending")
    row = organiser.locator("tr").filter(has_text=COMPANY).first
    row.locator("button[name=decision][value=approve]").click()
    expect(organiser.locator(".message--success")).to_contain_text(COMPANY)

    # The buyer posts a demand and sees the cooperatives recommended for it, with the reasons.
    buyer.goto(f"{base}/cua-toi/")
    buyer.locator("details.demand-form summary").click()
    demand = buyer.locator("form[action*='/nhu-cau/']")
    demand.locator("[name$=-title]").fill("Bưởi Diễn")
    demand.locator("[name$=-quantity]").fill("2000")
    demand.locator("[name$=-unit]").fill("kg")
    demand.locator("[name$=-target_price_vnd]").fill("60000")
    demand.locator("button[type=submit]").click()
    recommendation = buyer.locator(".recommendation").filter(has_text=COOPERATIVE).first
    expect(recommendation).to_be_visible()
    expect(recommendation).to_contain_text("Bưởi Diễn")
    expect(recommendation).to_contain_text("2.000 kg")
    screenshot(buyer, "fair-3-recommendations")
    recommendation.locator("summary").first.click()
    recommendation.locator("[name=message]").fill("Chúng tôi cần 2 tấn bưởi Diễn mỗi tháng cho 12 cửa hàng.")
    recommendation.locator("form[action*='/yeu-cau-gap/'] button[type=submit]").click()
    expect(buyer.locator("section[aria-labelledby^=sent-]")).to_contain_text(COOPERATIVE)

    # The cooperative accepts.
    cooperative = person(COOPERATIVE_STAFF)
    cooperative.goto(f"{base}/cua-toi/")
    received = cooperative.locator("section[aria-labelledby^=received-] li").filter(has_text=COMPANY).first
    screenshot(cooperative, "fair-4-request-received")
    received.locator("button[name=accept][value='1']").click()
    expect(cooperative.locator("section[aria-labelledby^=schedule-]")).to_contain_text(COMPANY)

    # The organiser closes requests and runs the scheduler.
    organiser.goto(f"{base}/to-chuc/trang-thai/?to=scheduling")
    organiser.locator("form[action$='/to-chuc/trang-thai/'] button[type=submit]").click()
    organiser.goto(f"{base}/to-chuc/xep-lich/")
    organiser.locator("[name=time_limit]").fill("3")
    organiser.locator("form[action$='/to-chuc/xep-lich/'] button[type=submit]").click()
    expect(organiser.locator("main dd").filter(has_text=re.compile("greedy|cp-sat"))).to_be_visible(
        timeout=30_000
    )
    # The run went through the background (at once on the embedded default's immediate backend);
    # the dashboard shows how it ended.
    organiser.goto(f"{base}/to-chuc/")
    expect(organiser.locator(".org-job--done")).to_be_visible()
    screenshot(organiser, "fair-5-scheduler-run")
    organiser.goto(f"{base}/to-chuc/so-do-ban/")
    expect(organiser.locator("main")).to_contain_text(COMPANY)
    screenshot(organiser, "fair-5-table-plan")

    # Both sides see the slot and the table.
    table_number = manage_shell(
        "from fairs.models import Meeting; "
        f"m = Meeting.objects.get(fair_id={fair_id}, participants__name='{COMPANY}'); print(m.table)"
    )
    for side in (buyer, cooperative):
        side.goto(f"{base}/cua-toi/")
        meetings = side.locator("section[aria-labelledby^=schedule-]").filter(
            has_text=re.compile(COMPANY + "|" + COOPERATIVE)
        )
        expect(meetings.first).to_contain_text(re.compile(rf"\b{table_number}\b"))
        expect(meetings.first).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))
    screenshot(buyer, "fair-6-buyer-schedule")

    # On the day: the buyer is checked in by badge code, the meeting is held, a memorandum signed.
    code = manage_shell(
        f"from fairs.models import Participant; print(Participant.objects.get(fair_id={fair_id}, name='{COMPANY}').badge_code)"
    )
    organiser.goto(f"{base}/to-chuc/check-in/")
    organiser.locator("[name=code]").fill(code.lower())
    organiser.locator("form[action$='/to-chuc/check-in/'] button[type=submit]").click()
    expect(organiser.locator("main")).to_contain_text(COMPANY)
    meeting_id = manage_shell(
        f"from fairs.models import Meeting; print(Meeting.objects.get(fair_id={fair_id}, participants__name='{COMPANY}').pk)"
    )
    buyer.goto(f"{base}/cuoc-gap/{meeting_id}/")
    buyer.locator("input[name=outcome][value=held]").check()
    buyer.locator("form:has(input[name=action][value=outcome]) button[type=submit]").click()
    buyer.locator("details:has(input[name=action][value=agreement]) summary").click()
    agreement = buyer.locator("form:has(input[name=action][value=agreement])")
    agreement.locator("input[name=kind][value=memorandum]").check()
    agreement.locator("[name=volume]").fill("2 tấn/tháng trong 12 tháng")
    agreement.locator("[name=value_vnd]").fill("480.000.000")
    agreement.locator("button[type=submit]").click()
    expect(buyer.locator("main")).to_contain_text("480.000.000")
    screenshot(buyer, "fair-7-agreement")

    # The report counts it.
    organiser.goto(f"{base}/bao-cao/")
    expect(organiser.locator("main")).to_contain_text("480.000.000")
    expect(organiser.locator("svg[role=img]").first).to_be_visible()
    screenshot(organiser, "fair-8-report")
