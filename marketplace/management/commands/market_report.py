"""`manage.py market_report --format csv|xlsx [--report prices|demand] [--months N] [--output FILE]`.

The market prices (default) or demand by province against supply, for the last N months (12 by
default, 1 to 36), as CSV or XLSX (marketplace/market_files.py). CSV goes to standard output when no
--output is given. Bad input exits 2 with the reason on stderr and writes nothing; the file is
written whole or not at all (to a temporary file beside it, then renamed).
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from marketplace import market_files
from marketplace.selectors.market import DEFAULT_MONTHS, MAX_MONTHS


def parse_months(text: str) -> int:
    value = text.strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_MONTHS:
        raise CommandError(
            f"--months must be a whole number from 1 to {MAX_MONTHS}, not {text!r}.", returncode=2
        )
    return int(value)


def write_whole(target: Path, data: bytes) -> None:
    """Write `data` to `target` whole: into a temporary file in the same folder, then renamed."""
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        raise CommandError(f"Cannot write {target}: {error.strerror}", returncode=2) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"Cannot write {target}: {error.strerror}", returncode=2) from None


class Command(BaseCommand):
    help = "Write the market prices or demand against supply as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=market_files.FORMATS, required=True, dest="file_format")
        parser.add_argument("--report", choices=market_files.REPORTS, default="prices")
        parser.add_argument("--months", metavar="N", default=str(DEFAULT_MONTHS))
        parser.add_argument("--output", metavar="FILE", help="write here instead of standard output")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default=None)

    def handle(self, *args, file_format, report, months, output, language, **options):
        months = parse_months(str(months))
        binary_out = getattr(self.stdout, "buffer", None)
        if output is None and file_format != "csv" and binary_out is None:
            raise CommandError(f"--format {file_format} needs --output FILE here.", returncode=2)
        target = Path(output) if output is not None else None
        if target is not None and not target.parent.is_dir():
            raise CommandError(f"Cannot write {target}: no folder {target.parent}.", returncode=2)
        with translation.override(language or settings.LANGUAGE_CODE):
            data = market_files.render(report, file_format, months=months)
        if target is not None:
            write_whole(target, data)
        elif file_format == "csv":
            self.stdout.write(data.decode("utf-8-sig"), ending="")
        else:
            self.stdout.flush()
            binary_out.write(data)
            binary_out.flush()
