"""`manage.py load_demo_data [--products N]`: the demo site, built by demo.build.build_demo."""

from django.core.management.base import BaseCommand, CommandError

from demo.accounts import DEMO_PASSWORD
from demo.build import build_demo


class Command(BaseCommand):
    help = (
        "Create the demo data (alliances, cooperatives in all 34 provinces, OCOP products, demo "
        "accounts, articles, orders in every state, fairs). Safe to run again: only what is missing "
        "is added."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="Also build a scale catalogue of N products spread over the demo cooperatives.",
        )
        parser.add_argument(
            "--cooperatives-per-province", type=int, default=2, choices=(1, 2), help="Default 2."
        )
        parser.add_argument(
            "--products-per-cooperative",
            type=int,
            default=None,
            metavar="K",
            help="At most K curated products per cooperative (default: all, 3 or 4).",
        )
        parser.add_argument("--no-images", action="store_true", help="Skip the generated pictures.")
        parser.add_argument(
            "--no-fairs", action="store_true", help="Skip the Ecoop fairs and their cooperatives."
        )
        parser.add_argument(
            "--no-orders",
            action="store_true",
            help="Skip the e-trading floor's demo buyers and orders (terms of sale included).",
        )
        parser.add_argument(
            "--no-scale-index",
            action="store_true",
            help="Leave the scale catalogue out of the search index (bench_search rebuilds it itself).",
        )

    def handle(self, *args, **options):
        if options["products"] < 0:
            raise CommandError("--products must be 0 or more.")
        result = build_demo(
            cooperatives_per_province=options["cooperatives_per_province"],
            products_per_cooperative=options["products_per_cooperative"],
            scale_products=options["products"],
            images=not options["no_images"],
            orders=not options["no_orders"],
            fairs=not options["no_fairs"],
            index_scale=not options["no_scale_index"],
            log=lambda message: self.stdout.write(f"  {message}"),
        )
        made = ", ".join(f"{n} {what}" for what, n in result.created.items()) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {result.seconds:.1f} s: {made}."))
        self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD})")
        for email, role in result.accounts:
            self.stdout.write(f"  {email:<24} {role}")
