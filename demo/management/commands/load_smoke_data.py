"""`manage.py load_smoke_data [--json] [--buyers N]`: the least a production smoke test needs, in seconds.

scripts/smoke-production.sh runs it against its scratch database instead of `load_demo_data`
(half a minute and more): one cooperative of Hà Nội with terms of sale (a bank account for VietQR
transfers, flat shipping, cash on delivery), one product with stock, and one verified buyer with
the demo password (more with --buyers, for scripts/drill-db-restart.sh), all through the services.
With a task worker configured, the product reaches the search index when the worker runs the index
task. Safe to run again: what exists is reused. `--json` prints what the scripts need to find them.
"""

import json

from django.core.management.base import BaseCommand

from catalog import services as catalog_services
from catalog.models import Category, ProductPage, Ward
from catalog.places import resolve_province
from demo.accounts import DEMO_PASSWORD, demo_user
from demo.result import DemoResult

TAX_CODE = "0109999990"
SKU = "SMOKE-MO-1"
BUYER = "smoke.buyer@demo.coop.vn"
BANK = {"bank_bin": "970436", "bank_account": "0071000999990", "bank_account_name": "HTX KIEM THU"}


def _buyer_email(n: int) -> str:
    return BUYER if n == 1 else BUYER.replace("@", f"{n}@")


def build_smoke_shop(*, buyers: int = 1) -> dict:
    cooperative, _created = catalog_services.cooperative_upsert(
        data=catalog_services.CooperativeData(
            tax_code=TAX_CODE,
            name="HTX Kiểm thử Mật ong Sóc Sơn",
            kind="htx",
            province=resolve_province("01"),
        ),
        verified=True,
    )
    catalog_services.cooperative_terms_set(
        cooperative=cooperative,
        data=catalog_services.TermsData(**BANK, shipping="flat", shipping_fee_vnd=30_000),
    )
    product = ProductPage.objects.filter(cooperative_id=cooperative.pk, sku=SKU).first()
    if product is None:
        product = catalog_services.product_create(
            cooperative=cooperative,
            data=catalog_services.ProductData(
                sku=SKU,
                name="Mật ong hoa nhãn Sóc Sơn",
                name_en="Longan blossom honey",
                category=Category.objects.get(slug="food"),
                unit="chai",
                price_vnd=180_000,
                stock=1_000,
            ),
            publish=True,
        )
    made = [
        demo_user(DemoResult(), email=_buyer_email(n), first_name="Lan", last_name="Nguyễn")
        for n in range(1, buyers + 1)
    ]
    ward = Ward.objects.filter(province_id="01").order_by("code").values_list("code", flat=True).first()
    return {
        "cooperative": cooperative.tax_code,
        "product_sku": product.sku,
        "product_name": product.title,
        "product_url": product.url,
        "buyer": made[0].email,
        "buyers": [buyer.email for buyer in made],
        "password": DEMO_PASSWORD,
        "province": "01",
        "ward": ward,
    }


class Command(BaseCommand):
    help = "Create one cooperative with terms of sale, one product in stock and one verified buyer."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print what was made as one JSON object.")
        parser.add_argument(
            "--buyers",
            type=int,
            default=1,
            choices=range(1, 33),
            metavar="N",
            help="Verified buyers (1-32, default 1).",
        )

    def handle(self, *args, **options):
        made = build_smoke_shop(buyers=options["buyers"])
        if options["json"]:
            self.stdout.write(json.dumps(made, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Cooperative {made['cooperative']}, product {made['product_sku']} at {made['product_url']}, "
                f"buyer {made['buyer']} (password {made['password']})."
            )
