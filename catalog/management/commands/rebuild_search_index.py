"""Rebuild the search index from the published listings, with a progress bar, and the entries
of every registered source (catalog/search/entries.py: marketplace's open public RFQs)."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog import search
from catalog.search.documents import public_product_ids


class Command(BaseCommand):
    help = (
        "Rebuild the catalogue search index from the published listings of verified cooperatives, "
        "and the other entries search finds (open public requests for quotation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, no_progress=False, **options):
        started = time.monotonic()
        chosen = search.engine()
        try:
            before = chosen.count()
            with tqdm(
                total=len(public_product_ids()),
                unit="listings",
                disable=no_progress,
            ) as bar:
                counts = search.rebuild(progress=bar.update)
        except search.SearchEngineError as error:
            # The database engine rebuilds first; on Elasticsearch the alias still points at the old index.
            raise CommandError(f"Search index ({chosen.name}) not rebuilt: {error}") from error
        seconds = time.monotonic() - started
        rate = counts["indexed"] / seconds if seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index ({chosen.name}) rebuilt: {counts['indexed']} of {counts['published']} "
                f"published listings indexed (was {before}) in {seconds:.1f} s, {rate:,.0f} listings/s; "
                f"{counts['entries']} other entries (requests for quotation) indexed."
            )
        )
