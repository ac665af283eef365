"""`manage.py import_products FILE [--publish] [--skip-invalid]`: products from CSV or XLSX.

An operator's tool: products are keyed on (cooperative, SKU); new ones are drafts
unless --publish. The columns are documented in docs/imports.md.
"""

import sys

from django.core.management.base import BaseCommand

from catalog import imports

from .import_cooperatives import run_import


class Command(BaseCommand):
    help = (
        "Create or update products (keyed on cooperative tax code + SKU) from a CSV or XLSX file with "
        "the columns "
        + ",".join(imports.PRODUCT_COLUMNS)
        + ". Every row is checked first; nothing is imported if any row is bad, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the listings at once (without it, new listings are drafts and changes "
            "to live listings wait as drafts)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and skip the bad ones (still exits with status 2)",
        )

    def handle(self, *args, file, publish, skip_invalid, **options):
        run_import(
            self,
            file,
            lambda handle: imports.import_products(
                handle, filename=file, publish=publish, skip_invalid=skip_invalid, progress=sys.stderr
            ),
        )
