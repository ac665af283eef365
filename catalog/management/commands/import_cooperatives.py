"""`manage.py import_cooperatives FILE`: create or update cooperatives from a CSV or XLSX file.

An operator's tool: the cooperatives it writes are published and verified. The
columns are documented in docs/imports.md.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from catalog import imports


class Command(BaseCommand):
    help = (
        "Create or update cooperatives (keyed on tax code) from a CSV or XLSX file with the columns "
        + ",".join(imports.COOPERATIVE_COLUMNS)
        + ", and optionally "
        + ",".join(imports.COOPERATIVE_BANK_COLUMNS)
        + " (the bank account buyers' VietQR transfers go to). Every row is checked first; nothing is imported if any row is bad, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good rows and skip the bad ones (still exits with status 2)",
        )

    def handle(self, *args, file, skip_invalid, **options):
        run_import(
            self,
            file,
            lambda handle: imports.import_cooperatives(
                handle, filename=file, skip_invalid=skip_invalid, progress=sys.stderr
            ),
        )


def run_import(command: BaseCommand, path: str, do_import) -> None:
    """Open the file, import it, print every bad row and a summary; exit non-zero on any error.

    Exit status 1: nothing was imported. Exit status 2: the good rows were imported
    and the bad ones skipped (--skip-invalid).
    """
    try:
        with imports.open_import_file(path) as handle:
            report = do_import(handle)
    except imports.ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    except Exception as exc:
        raise CommandError(
            f"The import failed and nothing was written ({type(exc).__name__}: {exc}). "
            "Run again with --traceback for details."
        ) from exc
    for error in report.errors:
        command.stderr.write(str(error))
    if not report.imported:
        raise CommandError(report.summary(), returncode=1)
    if report.errors:
        raise CommandError(report.summary(), returncode=2)
    command.stdout.write(command.style.SUCCESS(report.summary()))
