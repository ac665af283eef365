"""`manage.py settlement_statement --cooperative TAXCODE --month YYYY-MM [--format csv|xlsx|pdf] [--output FILE]`.

A cooperative's settlement statement for one month (docs/payments.md, "Settlement"): CSV to
standard output by default. A bad tax code, month or format exits 2 with the reason on stderr and
writes nothing.
"""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from catalog.models import CooperativePage
from marketplace import settlement_files
from marketplace.selectors.settlement import settlement_for

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_month(text: str) -> datetime.date:
    match = _MONTH.fullmatch(text.strip())
    try:
        if not match:
            raise ValueError
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise CommandError(f"--month must be a month as YYYY-MM, not {text!r}.", returncode=2) from None


class Command(BaseCommand):
    help = "Write a cooperative's settlement statement for one month as CSV (default), XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", metavar="TAXCODE", required=True)
        parser.add_argument("--month", metavar="YYYY-MM", required=True)
        parser.add_argument("--format", choices=settlement_files.FORMATS, default="csv", dest="file_format")
        parser.add_argument("--output", metavar="FILE", help="write here instead of standard output")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default=None)

    def handle(self, *args, cooperative, month, file_format, output, language, **options):
        language = language or settings.LANGUAGE_CODE
        owner = CooperativePage.objects.filter(tax_code=cooperative.strip()).first()
        if owner is None:
            raise CommandError(f"No cooperative has the tax code {cooperative!r}.", returncode=2)
        first_day = parse_month(month)
        binary_out = getattr(self.stdout, "buffer", None)
        if output is None and file_format != "csv" and binary_out is None:
            raise CommandError(f"--format {file_format} needs --output FILE here.", returncode=2)
        with translation.override(language):
            settlement = settlement_for(cooperative=owner, month=first_day)
            if output is None and file_format == "csv":
                self.stdout.write(settlement_files.to_csv(settlement), ending="")
                return
            try:
                data = settlement_files.render(settlement, file_format, language=language)
            except settlement_files.PdfUnavailable as error:
                raise CommandError(str(error), returncode=2) from None
        if output is None:
            self.stdout.flush()
            binary_out.write(data)
            binary_out.flush()
            return
        target = Path(output)
        try:
            target.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {target}: {error.strerror}", returncode=2) from None
