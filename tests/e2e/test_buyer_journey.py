"""A buyer's first visit: the home page in Vietnamese, the switch to English in the header,
a category narrowed to a province, and a product whose OCOP stars and price read as an
English speaker expects them."""

import re
from urllib.parse import unquote, urlsplit

from playwright.sync_api import expect

RATED = re.compile(r"OCOP product, rated (\d) of 5 stars")


def test_buyer_switches_to_english_and_finds_an_ocop_product(page, screenshot, manage_shell):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sàn Hợp tác xã Việt Nam")

    page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vietnam Cooperative Marketplace")
    screenshot(page, "buyer-1-home-in-english")

    categories = page.get_by_role("region", name="Browse by category")
    categories.get_by_role("link", name=re.compile(r"^Food\b")).click()
    expect(page).to_have_url(re.compile(r"/en/.+/category/food/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Food")

    provinces = page.get_by_role("navigation", name="Provinces")
    provinces.get_by_role("link", name=re.compile(r"^Hà Nội\b")).click()
    # The province narrows the category instead of replacing it.
    expect(page).to_have_url(re.compile(r"/en/.+/province/01/\?category=food$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Food")
    expect(page.get_by_text("From Hà Nội", exact=True)).to_be_visible()
    rated = page.get_by_role("article").filter(has=page.get_by_text(RATED))
    expect(rated.first).to_be_visible()
    screenshot(page, "buyer-2-food-from-ha-noi")

    card = rated.first
    name = card.get_by_role("heading").inner_text()
    card_stars = RATED.search(card.get_by_text(RATED).text_content()).group(1)
    card.get_by_role("link", name=name, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    summary = page.get_by_role("region", name=name, exact=True)

    expect(summary.get_by_text(RATED)).to_have_text(f"OCOP product, rated {card_stars} of 5 stars")
    stars = int(card_stars)
    expect(summary.locator(".ocop-badge__stars")).to_have_text("★" * stars + "☆" * (5 - stars))
    expect(summary.get_by_text(re.compile(r"Valid until \d{1,2} [A-Z][a-z]{2} \d{4}\."))).to_be_visible()

    slug = unquote(urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1])
    price_vnd = int(
        manage_shell(
            f"from catalog.models import ProductPage; print(ProductPage.objects.get(slug={slug!r}).price_vnd)"
        )
    )
    # English puts the sign first and groups thousands with commas: ₫1,250,000.
    expect(summary.locator(".product-price .price")).to_have_text(f"₫{price_vnd:,}")
    screenshot(page, "buyer-3-ocop-product-in-english")
