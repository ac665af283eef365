"""`manage.py import_bank_statement FILE [--cooperative TAXCODE]`: reconcile a bank statement.

Prints `matched N, review N, duplicate N` and exits 0. A malformed file, an unknown tax code or a
cooperative without a bank account exits 2 with the reason on stderr, and nothing is written.
See docs/payments.md, "Reconciliation".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from catalog import imports
from catalog.models import CooperativePage
from marketplace.services.statements import COLUMNS, statement_import


class Command(BaseCommand):
    help = (
        "Match the credits of a bank statement (CSV or XLSX with the columns "
        + ",".join(COLUMNS)
        + ") to orders by the payment code in their description. Without --cooperative the "
        "statement is the platform's own account."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--cooperative", metavar="TAXCODE", help="the tax code of the cooperative whose account it is"
        )

    def handle(self, *args, file, cooperative, **options):
        with translation.override(settings.LANGUAGE_CODE):
            owner = None
            if cooperative:
                owner = CooperativePage.objects.filter(tax_code=cooperative.strip()).first()
                if owner is None:
                    raise CommandError(f"No cooperative has the tax code {cooperative!r}.", returncode=2)
            try:
                with imports.open_import_file(file) as handle:
                    report = statement_import(file=handle, filename=file, cooperative=owner)
            except imports.ImportFileError as error:
                raise CommandError(str(error), returncode=2) from None
            except ValidationError as error:
                raise CommandError("\n".join(error.messages), returncode=2) from None
        if report.debits:
            self.stderr.write(f"skipped {report.debits} debit line(s)")
        self.stdout.write(report.counts())
