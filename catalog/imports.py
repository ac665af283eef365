"""Imports of cooperatives and products from CSV or Excel files.

The operator commands (`import_cooperatives`, `import_products`) and the admin
upload for cooperative staff share this module. It reads a file into numbered
rows, checks every row before anything is written, and then writes through
`catalog.services` inside one transaction: a file is imported whole or not at
all (with `skip_invalid`, all of its good rows or none). The columns and the
error behaviour are documented in docs/imports.md.
"""

import contextlib
import csv
import dataclasses
import datetime
import html
import io
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from tqdm import tqdm
from wagtail.models import Revision

from . import notifications, services
from .models import Category, CooperativePage, OcopCertificate, ProductPage, Province
from .models.pages import TAX_CODE_RE
from .models.products import ocop_default_expiry
from .models.trading import bank_account_validator, bank_bin_validator
from .places import UnknownProvince, UnknownWard, resolve_province, resolve_ward
from .text import fold

COOPERATIVE_COLUMNS = (
    "tax_code",
    "name",
    "kind",
    "province",
    "ward",
    "address",
    "sector",
    "members",
    "founded_year",
    "phone",
    "email",
    "description",
)
# Optional cooperative columns: a file may leave them out. They fill the bank account of the
# cooperative's terms of sale (CooperativeTerms), where buyers' VietQR transfers go; a row gives
# all three or none, and none keeps the account the cooperative has.
COOPERATIVE_BANK_COLUMNS = ("bank_bin", "bank_account", "bank_account_name")
PRODUCT_COLUMNS = (
    "sku",
    "cooperative_tax_code",
    "name",
    "name_en",
    "category",
    "unit",
    "price_vnd",
    "min_order_qty",
    "stock",
    "description",
    "ocop_stars",
    "ocop_certificate_no",
    "ocop_issued_on",
    "ocop_authority",
)
OCOP_COLUMNS = ("ocop_stars", "ocop_certificate_no", "ocop_issued_on", "ocop_authority")
# Optional product columns: left empty, an existing listing keeps its current value.
PRODUCT_KEEP_IF_BLANK = ("name_en", "description", "min_order_qty", "stock")
EXTENSIONS = (".csv", ".xlsx")
# Spreadsheets store a tax code typed as a number without its leading zero.
_TAX_CODE_COLUMNS = ("tax_code", "cooperative_tax_code")
# Digits that are text: a number cell there has lost its leading zeros, which cannot be told back.
_DIGITS_AS_TEXT_COLUMNS = frozenset({"bank_account"})
# products_bulk_upsert writes a chunk in a few statements; this keeps each `IN (...)` list modest.
BULK_CHUNK = 5000
_MAX_INT = 2_147_483_647
_MAX_PRICE = 9_223_372_036_854_775_807
_SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PHONE_RE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
# ASCII digits only: `\d` would also take full-width (１２) and other scripts' digits.
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_NUMBER_RE = re.compile(r"[0-9]+")
_GROUPED_NUMBER_RE = re.compile(r"[0-9]{1,3}(?P<sep>[.,])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
_DECIMAL_RE = re.compile(r"[0-9.,]*[0-9][.,][0-9]+")
# C0 and C1 control characters (and DEL) are never data; a NUL truncates text in some databases
# and tools. Prose columns may hold line breaks and tabs, nothing else of the kind.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_PROSE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PROSE_COLUMNS = frozenset({"description"})

# How much of a file is read before it is refused. openpyxl pads every missing row and every
# short row to the size the sheet declares, so a few kilobytes can declare a sheet of a billion
# cells; these caps are checked before and while reading, never after.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# The files have 12 or 14 columns; anything far beyond is a stray cell or a hostile file.
MAX_COLUMNS = 100
# Decompressed size of all the parts of an .xlsx archive (a zip can hold a "bomb" that
# inflates a thousandfold). A row with a 20,000-character description takes about 64 KiB of
# sheet XML; styles, shared strings and pictures get a base allowance.
XLSX_MAX_UNPACKED_BYTES = 1 << 30
_XLSX_BASE_BYTES = 16 << 20
_XLSX_BYTES_PER_ROW = 64 << 10
# Real workbooks have a few dozen parts; a zip of thousands is not one.
_XLSX_MAX_PARTS = 1000


class ImportFileError(ValueError):
    """The file as a whole cannot be imported: missing, unreadable, of the wrong type or columns."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class Row:
    """One data row; `line` is its row number as a spreadsheet shows it (the header is line 1)."""

    line: int
    values: dict[str, str]
    problem: str = ""  # wrong for reasons that no single column explains


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def skipped(self) -> int:
        return len(self.errors) if self.imported else 0

    def summary(self) -> str:
        if not self.imported:
            return ngettext(
                "Nothing imported: %(bad)s of %(rows)s row has errors.",
                "Nothing imported: %(bad)s of %(rows)s rows have errors.",
                self.rows,
            ) % {"bad": len(self.errors), "rows": self.rows}
        text = _("%(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.skipped:
            text += _(", %(skipped)s skipped because of errors") % {"skipped": self.skipped}
        return text + "."


# --- reading files -----------------------------------------------------------------------------


def open_import_file(path: str | Path) -> BinaryIO:
    """Open a file named on the command line, with a clear error instead of a traceback."""
    path = Path(path)
    check_extension(path.name)
    if not path.exists():
        raise ImportFileError(_("File not found: %(path)s") % {"path": path})
    if not path.is_file():
        raise ImportFileError(_("Not a file: %(path)s") % {"path": path})
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportFileError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc


def check_extension(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(
            _(
                "“%(name)s” is not a CSV or XLSX file. Save the sheet as “CSV UTF-8” or as an Excel workbook (.xlsx)."
            )
            % {"name": Path(filename).name}
        )
    return suffix


@dataclass(frozen=True)
class ReadLimits:
    """The caps on one file: its lines (the heading and empty rows count), columns and unpacked bytes.

    `max_rows` is the caller's cap on the rows after the heading (the admin upload's
    MAX_UPLOAD_ROWS); without one, a workbook may have as many rows as Excel allows and
    a CSV file any number.
    """

    max_rows: int | None
    xlsx: bool
    row_bytes: int = _XLSX_BYTES_PER_ROW

    @property
    def lines(self) -> int | None:
        if self.max_rows is not None:
            return self.max_rows + 1
        return EXCEL_MAX_ROWS if self.xlsx else None

    @property
    def unpacked_bytes(self) -> int:
        if self.max_rows is None:
            return XLSX_MAX_UNPACKED_BYTES
        return min(XLSX_MAX_UNPACKED_BYTES, _XLSX_BASE_BYTES + (self.max_rows + 1) * self.row_bytes)

    def too_many_rows(self) -> ImportFileError:
        if self.max_rows is None:
            return _beyond_excel()
        return ImportFileError(
            _("The file has more than %(max)s rows; split it into smaller files.") % {"max": self.max_rows}
        )


def read_rows(
    file: BinaryIO,
    *,
    filename: str,
    columns: Sequence[str],
    optional: Sequence[str] = (),
    max_rows: int | None = None,
    row_bytes: int = _XLSX_BYTES_PER_ROW,
) -> list[Row]:
    """The data rows of a CSV or XLSX file whose header names exactly `columns` (in any order),
    and any of the `optional` columns; a row's values hold the optional columns the file has.

    Empty rows are skipped but still counted, so line numbers match the spreadsheet; they
    count toward `max_rows` too, so a sheet of blank rows cannot keep the server reading.
    `row_bytes` is the unpacked sheet XML allowed per row of `max_rows` (64 KiB by default,
    for long descriptions); files of short rows pass less, so a workbook bomb is refused sooner.
    """
    suffix = check_extension(filename)
    limits = ReadLimits(max_rows=max_rows, xlsx=suffix == ".xlsx", row_bytes=row_bytes)
    cells = _csv_cells(file) if suffix == ".csv" else _xlsx_cells(file, limits)
    with contextlib.closing(cells):
        return _rows(_within(cells, limits), columns, optional)


def _rows(
    cells: Iterator[tuple[int, Sequence]], columns: Sequence[str], optional: Sequence[str] = ()
) -> list[Row]:
    header_line = next(cells, None)
    if header_line is None:
        raise ImportFileError(_("The file is empty; its first row must name the columns."))
    header = _check_header(header_line[1], columns, optional)
    rows = []
    for line, cells_of_row in cells:
        texts = [
            _cell_text(value, header[i] if i < len(header) else "") for i, value in enumerate(cells_of_row)
        ]
        if not any(texts):
            continue
        values = dict.fromkeys(columns, "")
        values.update((name, text) for name, text in zip(header, texts, strict=False) if name)
        unnamed = any(text and (i >= len(header) or not header[i]) for i, text in enumerate(texts))
        problems = [_("the row has values in columns without a heading")] if unnamed else []
        problems += [
            _(
                "%(column)s: the cell is a number, which loses leading zeros; format the column as Text in Excel and type it again"
            )
            % {"column": header[i]}
            for i, value in enumerate(cells_of_row)
            if i < len(header)
            and header[i] in _DIGITS_AS_TEXT_COLUMNS
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ]
        rows.append(Row(line, values, "; ".join(problems)))
    return rows


def _within(cells: Iterator[tuple[int, Sequence]], limits: ReadLimits) -> Iterator[tuple[int, Sequence]]:
    """The rows of `cells`, refusing the file as soon as one is past a cap."""
    for line, values in cells:
        if limits.lines is not None and line > limits.lines:
            raise limits.too_many_rows()
        if len(values) > MAX_COLUMNS:
            if any(value not in (None, "") for value in values[MAX_COLUMNS:]):
                raise ImportFileError(
                    _(
                        "Line %(line)s has values beyond column %(max)s; the file may have at most %(max)s columns."
                    )
                    % {"line": line, "max": MAX_COLUMNS}
                )
            values = values[:MAX_COLUMNS]
        yield line, values


def _check_header(cells: Sequence, columns: Sequence[str], optional: Sequence[str] = ()) -> list[str]:
    header = [str(cell if cell is not None else "").strip().lstrip("\ufeff").lower() for cell in cells]
    named = [name for name in header if name]
    problems = []
    duplicated = sorted({name for name in named if named.count(name) > 1})
    if duplicated:
        problems.append(_("duplicated column(s): %(names)s") % {"names": ", ".join(duplicated)})
    missing = [name for name in columns if name not in named]
    if missing:
        problems.append(_("missing column(s): %(names)s") % {"names": ", ".join(missing)})
    unknown = [name for name in named if name not in columns and name not in optional]
    if unknown:
        problems.append(_("unknown column(s): %(names)s") % {"names": ", ".join(unknown)})
    if problems:
        raise ImportFileError(
            _("The first row must name the columns %(expected)s; %(problems)s.")
            % {"expected": ",".join(columns), "problems": "; ".join(problems)}
        )
    return header


def _csv_cells(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (first problem on line %(line)s). In Excel use “Save as” › “CSV UTF-8 (Comma delimited)”, or upload the .xlsx workbook."
            )
            % {"line": line}
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel separates with ';' where the decimal mark is ','; accept either.
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, values in enumerate(reader, start=1):
            yield line, values
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed after line %(line)s: %(error)s") % {"line": line, "error": exc}
        ) from None


def _xlsx_cells(file: BinaryIO, limits: ReadLimits) -> Iterator[tuple[int, tuple]]:
    archive = _unpacked_copy(file, max_bytes=limits.unpacked_bytes)
    with archive:
        try:
            workbook = load_workbook(archive, read_only=True, data_only=True)
        except Exception:  # openpyxl parses several XML parts here, and a damaged one fails in many ways
            raise _not_a_workbook() from None
        try:
            if not workbook.worksheets:
                return
            sheet = workbook.worksheets[0]
            _check_declared_size(sheet.max_row or 0, sheet.max_column or 0, limits)
            # Read the rows the sheet holds, not the size it declares: given a size, openpyxl pads
            # every gap and every short row to it, and silently drops the rows beyond it.
            sheet.reset_dimensions()
            # Without a size a read-only sheet yields an empty tuple for each missing row, so the
            # count stays the row number. Missing rows count toward the cap here, where they
            # cost least: a sheet with one cell at row 2,000,000 stops at the cap.
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if limits.lines is not None and line > limits.lines:
                    raise limits.too_many_rows()
                if values:
                    yield line, values
        except ImportFileError:
            raise
        except Exception as exc:  # a damaged sheet fails inside openpyxl's XML parsing, in many ways
            raise ImportFileError(
                _("The Excel workbook is damaged and could not be read (%(error)s).")
                % {"error": str(exc)[:200]}
            ) from None
        finally:
            workbook.close()


def _unpacked_copy(file: BinaryIO, *, max_bytes: int) -> IO[bytes]:
    """The .xlsx archive rewritten uncompressed, refused if its parts unpack to more than `max_bytes`.

    A zip states each part's unpacked size, and zipfile never returns more than that; but a
    whole-part read (which openpyxl does for the shared strings and styles) decompresses all
    the data first and truncates afterwards, so a part that understates its size can still
    inflate to gigabytes in memory. Copied here in small chunks, every part openpyxl reads
    next is exactly the size that was checked.
    """
    try:
        source = zipfile.ZipFile(file)
    except Exception:  # not a zip, a truncated one, a corrupt directory: zipfile fails in many ways
        raise _not_a_workbook() from None
    with source:
        parts = [part for part in source.infolist() if not part.is_dir()]
        names = {part.filename for part in parts}
        if len(parts) > _XLSX_MAX_PARTS or len(names) != len(parts):
            raise _not_a_workbook()
        if sum(part.file_size for part in parts) > max_bytes:
            raise ImportFileError(
                _(
                    "The workbook unpacks to more than %(max)s MB; split it into smaller files, or save it as CSV UTF-8."
                )
                % {"max": max_bytes >> 20}
            )
        copy = tempfile.SpooledTemporaryFile(max_size=_XLSX_BASE_BYTES)
        try:
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as target:
                for part in parts:
                    with source.open(part) as reader, target.open(part.filename, "w") as writer:
                        while chunk := reader.read(1 << 16):
                            writer.write(chunk)
        except Exception:  # a bad checksum, an unknown compression, encryption: not a usable workbook
            copy.close()
            raise _not_a_workbook() from None
    return copy


def _check_declared_size(rows: int, columns: int, limits: ReadLimits) -> None:
    """Refuse a sheet by the size its `<dimension>` declares, before a row is read."""
    if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
        raise _beyond_excel()
    if columns > MAX_COLUMNS:
        raise ImportFileError(
            _(
                "The sheet spans %(columns)s columns, more than %(max)s; delete the unused columns to the right of the table."
            )
            % {"columns": columns, "max": MAX_COLUMNS}
        )
    if limits.lines is not None and rows > limits.lines:
        raise limits.too_many_rows()


def _beyond_excel() -> ImportFileError:
    return ImportFileError(
        _("The sheet goes beyond Excel's last row (1,048,576) or last column (16,384); the file is damaged.")
    )


def _not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The file could not be read as an Excel workbook (.xlsx). Save it again from Excel, or as CSV UTF-8."
        )
    )


def _cell_text(value, column: str) -> str:
    """A cell as text. XLSX cells arrive typed: numbers, dates, booleans."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if column in _TAX_CODE_COLUMNS and text.isdigit() and len(text) < 10:
        text = text.zfill(10)
    return text


def rich_text_from_plain(text: str) -> str:
    """Plain text from a cell as rich-text HTML: blank lines separate paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(
        "<p>{}</p>".format("<br/>".join(html.escape(line.strip(), quote=False) for line in part.split("\n")))
        for part in paragraphs
    )


# --- checking rows -----------------------------------------------------------------------------


class _RowChecker:
    """Reads typed values from one row, collecting every problem instead of stopping at the first."""

    def __init__(self, row: Row):
        self.values = row.values
        self.reasons: list[str] = [row.problem] if row.problem else []
        # Columns holding a control character: reported once here, read as empty afterwards.
        self.unusable: set[str] = set()
        for column, value in row.values.items():
            control = (_CONTROL_IN_PROSE_RE if column in _PROSE_COLUMNS else _CONTROL_RE).search(value)
            if control:
                self.unusable.add(column)
                self.fail(
                    column,
                    _("contains the control character %(code)s, which cannot be imported")
                    % {"code": f"U+{ord(control.group()):04X}"},
                )

    def fail(self, column: str, reason: str) -> None:
        self.reasons.append(f"{column}: {reason}" if column else reason)

    def text(
        self, column: str, *, required: bool = False, max_length: int | None = None, why: str = ""
    ) -> str:
        if column in self.unusable:
            return ""
        value = self.values.get(column, "")  # an optional column the file leaves out reads as empty
        if required and not value:
            self.fail(column, why or _("this column is required"))
        elif max_length is not None and len(value) > max_length:
            self.fail(
                column,
                _("at most %(max)s characters (this has %(length)s)")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def tax_code(self, column: str) -> str:
        value = self.text(column, required=True)
        if value and not TAX_CODE_RE.match(value):
            self.fail(
                column,
                _(
                    "“%(value)s” is not a tax code: 10 digits, optionally followed by '-' and 3 digits (0101234567 or 0101234567-001)"
                )
                % {"value": value[:40]},
            )
            return ""
        return value

    def whole_number(
        self, column: str, *, required: bool = False, minimum: int = 0, maximum: int = _MAX_INT, why: str = ""
    ) -> int | None:
        value = self.text(column, required=required, why=why)
        if not value:
            return None
        if _PLAIN_NUMBER_RE.fullmatch(value) or _GROUPED_NUMBER_RE.fullmatch(value):
            digits = value.replace(".", "").replace(",", "").lstrip("0") or "0"
            # int() refuses over 4,300 digits (a ValueError); any number that long is too large anyway.
            number = int(digits) if len(digits) <= len(str(maximum)) else maximum + 1
        elif value.startswith("-"):
            self.fail(column, _("“%(value)s” is negative") % {"value": value[:40]})
            return None
        elif _DECIMAL_RE.fullmatch(value):
            self.fail(
                column,
                _(
                    "“%(value)s” is not a whole number; thousands separators ('.' or ',') must separate groups of 3 digits"
                )
                % {"value": value[:40]},
            )
            return None
        else:
            self.fail(column, _("“%(value)s” is not a whole number") % {"value": value[:40]})
            return None
        if number < minimum:
            self.fail(column, _("must be at least %(min)s") % {"min": minimum})
            return None
        if number > maximum:
            self.fail(column, _("must be at most %(max)s") % {"max": maximum})
            return None
        return number

    def date(self, column: str, *, required: bool = False, why: str = "") -> datetime.date | None:
        value = self.text(column, required=required, why=why)
        if not value:
            return None
        try:
            if not _ISO_DATE_RE.fullmatch(value):
                raise ValueError
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.fail(column, _("“%(value)s” is not a date as YYYY-MM-DD") % {"value": value[:40]})
            return None
        if day > timezone.localdate():
            self.fail(column, _("%(value)s is in the future") % {"value": value})
            return None
        return day


def _check_duplicate(seen: dict, key, line: int, checker: _RowChecker, column: str, label: str) -> None:
    first = seen.setdefault(key, line)
    if first != line:
        checker.fail(column, _("%(label)s is already on line %(line)s") % {"label": label, "line": first})


@dataclass
class CooperativeRow:
    line: int
    data: services.CooperativeData
    existing: CooperativePage | None
    # (BIN, account number, holder's name) as the terms of sale store them; None keeps the account.
    bank: tuple[str, str, str] | None = None


def _check_bank(check: _RowChecker) -> tuple[str, str, str] | None:
    """The row's bank account for the terms of sale: all three columns, or none (None)."""
    bin_code = check.text("bank_bin")
    account = check.text("bank_account").replace(" ", "")
    name = " ".join(check.text("bank_account_name", max_length=70).split())
    given = [bin_code, account, name]
    if not any(given):
        return None
    if not all(given):
        check.fail(
            "",
            _("bank_bin, bank_account and bank_account_name go together: fill in all three or none"),
        )
        return None
    bad = False
    for column, value, validator in (
        ("bank_bin", bin_code, bank_bin_validator),
        ("bank_account", account, bank_account_validator),
    ):
        try:
            validator(value)
        except ValidationError as exc:
            check.fail(column, f"“{value[:40]}”: {' '.join(exc.messages)}")
            bad = True
    return None if bad else (bin_code, account, name.upper())


def check_cooperatives(rows: Sequence[Row], *, progress: IO[str] | None = None):
    """Each row as a CooperativeRow, or a RowError saying everything wrong with it."""
    codes = {row.values["tax_code"] for row in rows}
    existing = {c.tax_code: c for c in CooperativePage.objects.filter(tax_code__in=codes)}
    kinds = {fold(k.value): k.value for k in CooperativePage.Kind}
    wards: dict[tuple[str, str], object] = {}
    seen: dict[str, int] = {}
    valid, errors = [], []
    for row in _progress(rows, progress, _("Checking")):
        check = _RowChecker(row)
        tax_code = check.tax_code("tax_code")
        name = check.text("name", required=True, max_length=255)
        kind_text = check.text("kind", required=True)
        kind = kinds.get(fold(kind_text))
        if kind_text and kind is None:
            check.fail("kind", _("“%(value)s” is not one of htx, lhhtx, tht") % {"value": kind_text[:40]})
        province = ward = None
        if check.text("province", required=True):
            try:
                province = resolve_province(row.values["province"])
            except UnknownProvince as exc:
                check.fail("province", str(exc))
        ward_text = check.text("ward")
        if province is not None and ward_text:
            key = (province.code, ward_text)
            if key not in wards:
                try:
                    wards[key] = resolve_ward(ward_text, province=province)
                except UnknownWard as exc:
                    wards[key] = exc
            if isinstance(wards[key], UnknownWard):
                check.fail("ward", str(wards[key]))
            else:
                ward = wards[key]
        address = check.text("address", max_length=255)
        sector = check.text("sector", max_length=120)
        members = check.whole_number("members")
        founded_year = check.whole_number("founded_year", minimum=1945, maximum=timezone.localdate().year)
        phone = check.text("phone", max_length=20)
        if phone and not _PHONE_RE.match(phone):
            check.fail("phone", _("“%(value)s” is not a phone number") % {"value": phone})
        email = check.text("email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.fail("email", _("“%(value)s” is not an email address") % {"value": email[:80]})
        description = check.text("description", max_length=20_000)
        bank = _check_bank(check)
        if tax_code:
            _check_duplicate(seen, tax_code, row.line, check, "tax_code", tax_code)
        current = existing.get(tax_code)
        if current is not None and current.verification == CooperativePage.Verification.SUSPENDED:
            check.fail(
                "tax_code",
                _(
                    "cooperative %(tax_code)s is suspended; lift the suspension in the admin before importing it"
                )
                % {"tax_code": tax_code},
            )
        if check.reasons:
            errors.append(RowError(row.line, "; ".join(check.reasons)))
            continue
        data = services.CooperativeData(
            tax_code=tax_code,
            name=name,
            kind=kind,
            province=province,
            ward=ward,
            address=address,
            sector=sector,
            members=members,
            founded_year=founded_year,
            phone=phone,
            email=email,
            story=rich_text_from_plain(description),
        )
        if current is not None:
            # An empty optional cell never erases what the cooperative already has.
            for name_ in ("ward", "address", "sector", "members", "founded_year", "phone", "email"):
                if not row.values[name_]:
                    setattr(data, name_, getattr(current, name_))
        valid.append(CooperativeRow(row.line, data, current, bank))
    return valid, errors


@dataclass
class ProductRow:
    line: int
    cooperative: CooperativePage
    data: services.ProductData
    # Optional columns left empty: an existing listing keeps its value (PRODUCT_KEEP_IF_BLANK).
    blank: frozenset[str]


def check_products(
    rows: Sequence[Row],
    *,
    managed: Iterable[CooperativePage] | None = None,
    progress: IO[str] | None = None,
):
    """Each row as a ProductRow, or a RowError saying everything wrong with it.

    `managed`, when given, are the only cooperatives the rows may name (the admin
    upload: staff import for their own cooperatives only).
    """
    codes = {row.values["cooperative_tax_code"] for row in rows}
    cooperatives = {c.tax_code: c for c in CooperativePage.objects.filter(tax_code__in=codes)}
    managed_codes = None if managed is None else {c.tax_code for c in managed}
    archived = set(
        ProductPage.objects.filter(
            cooperative__in=list(cooperatives.values()), archived_at__isnull=False
        ).values_list("cooperative_id", "sku")
    )
    categories = {c.slug: c for c in Category.objects.all()}
    seen: dict[tuple[int, str], int] = {}
    valid, errors = [], []
    for row in _progress(rows, progress, _("Checking")):
        check = _RowChecker(row)
        sku = check.text("sku", required=True, max_length=64)
        if sku and not _SKU_RE.match(sku):
            check.fail(
                "sku",
                _("“%(value)s”: use letters, digits, '.', '_' or '-', starting with a letter or digit")
                % {"value": sku[:64]},
            )
            sku = ""
        tax_code = check.tax_code("cooperative_tax_code")
        cooperative = None
        if tax_code and managed_codes is not None and tax_code not in managed_codes:
            check.fail("", _("you do not manage cooperative %(tax_code)s") % {"tax_code": tax_code})
        elif tax_code:
            cooperative = cooperatives.get(tax_code)
            if cooperative is None:
                check.fail(
                    "cooperative_tax_code",
                    _("no cooperative has tax code %(tax_code)s; import the cooperative first")
                    % {"tax_code": tax_code},
                )
        name = check.text("name", required=True, max_length=255)
        name_en = check.text("name_en", max_length=255)
        category_text = check.text("category", required=True)
        category = categories.get(category_text.lower())
        if category_text and category is None:
            check.fail(
                "category",
                _("“%(value)s” is not a category; use one of %(slugs)s")
                % {"value": category_text[:40], "slugs": ", ".join(sorted(categories))},
            )
        unit = check.text("unit", required=True, max_length=30)
        price = check.whole_number("price_vnd", required=True, minimum=1, maximum=_MAX_PRICE)
        min_order_qty = check.whole_number("min_order_qty", minimum=1)
        stock = check.whole_number("stock")
        description = check.text("description", max_length=20_000)
        ocop = _check_ocop(check) if any(row.values[c] for c in OCOP_COLUMNS) else None
        if cooperative is not None and sku:
            _check_duplicate(
                seen,
                (cooperative.pk, sku),
                row.line,
                check,
                "sku",
                _("%(sku)s of cooperative %(tax_code)s") % {"sku": sku, "tax_code": tax_code},
            )
            if (cooperative.pk, sku) in archived:
                check.fail(
                    "sku",
                    _("product %(sku)s is archived; restore it in the admin before importing it")
                    % {"sku": sku},
                )
        if check.reasons:
            errors.append(RowError(row.line, "; ".join(check.reasons)))
            continue
        data = services.ProductData(
            sku=sku,
            name=name,
            name_en=name_en,
            category=category,
            unit=unit,
            price_vnd=price,
            min_order_qty=min_order_qty or 1,
            stock=stock,
            description=rich_text_from_plain(description),
            ocop=ocop,
        )
        blank = frozenset(c for c in PRODUCT_KEEP_IF_BLANK if not row.values[c])
        valid.append(ProductRow(row.line, cooperative, data, blank))
    return valid, errors


def _check_ocop(check: _RowChecker) -> services.OcopData | None:
    why = _("required when any OCOP column is filled in")
    stars = check.whole_number("ocop_stars", required=True, maximum=99, why=why)
    if stars is not None and not 3 <= stars <= 5:
        check.fail(
            "ocop_stars",
            _("%(stars)s is not 3, 4 or 5 (OCOP certifies products of 3 stars or more)") % {"stars": stars},
        )
    number = check.text("ocop_certificate_no", required=True, max_length=100, why=why)
    issued_on = check.date("ocop_issued_on", required=True, why=why)
    authority = check.text("ocop_authority", required=True, max_length=200, why=why)
    if stars is None or not 3 <= stars <= 5 or not number or issued_on is None or not authority:
        return None
    return services.OcopData(
        stars=stars, decision_number=number, issued_on=issued_on, issuing_authority=authority
    )


# --- writing -----------------------------------------------------------------------------------


def import_cooperatives(
    file: BinaryIO,
    *,
    filename: str,
    skip_invalid: bool = False,
    progress: IO[str] | None = None,
    user=None,
) -> ImportReport:
    """Create or update cooperatives keyed on tax code; they are published and verified.

    The optional bank columns set the bank account of the cooperative's terms of sale, keeping
    its other terms (shipping, cash on delivery).
    """
    rows = read_rows(file, filename=filename, columns=COOPERATIVE_COLUMNS, optional=COOPERATIVE_BANK_COLUMNS)
    valid, errors = check_cooperatives(rows, progress=progress)
    report = ImportReport(rows=len(rows), errors=errors)
    if errors and not skip_invalid:
        return report
    with transaction.atomic():
        for item in _progress(valid, progress, _("Importing")):
            cooperative, created, changed = item.existing, False, False
            if cooperative is None or _cooperative_differs(cooperative, item.data):
                cooperative, created = services.cooperative_upsert(
                    data=item.data, publish=True, verified=True, user=user
                )
                changed = True
            if item.bank is not None:
                changed = _set_bank_account(cooperative, item.bank) or changed
            if created:
                report.created += 1
            elif changed:
                report.updated += 1
            else:
                report.unchanged += 1
    report.imported = True
    return report


def _set_bank_account(cooperative: CooperativePage, bank: tuple[str, str, str]) -> bool:
    """Give the cooperative's terms of sale this bank account, keeping its other terms; False if
    they already have it."""
    current = services.cooperative_terms_of(cooperative)
    if (current.bank_bin, current.bank_account, current.bank_account_name) == bank:
        return False
    bin_code, account, name = bank
    wanted = dataclasses.replace(current, bank_bin=bin_code, bank_account=account, bank_account_name=name)
    services.cooperative_terms_set(cooperative=cooperative, data=wanted)
    return True


def _cooperative_differs(cooperative: CooperativePage, data: services.CooperativeData) -> bool:
    if not cooperative.live or cooperative.has_unpublished_changes or not cooperative.is_verified:
        return True
    if data.story and data.story != cooperative.story:
        return True
    current = (
        cooperative.title,
        cooperative.kind,
        cooperative.province_id,
        cooperative.ward_id,
        cooperative.address,
        cooperative.sector,
        cooperative.members,
        cooperative.founded_year,
        cooperative.phone,
        cooperative.email,
    )
    wanted = (
        data.name,
        data.kind,
        data.province.pk,
        data.ward.pk if data.ward else None,
        data.address,
        data.sector,
        data.members,
        data.founded_year,
        data.phone,
        data.email,
    )
    return current != wanted


def import_products(
    file: BinaryIO,
    *,
    filename: str,
    publish: bool = False,
    skip_invalid: bool = False,
    submit: bool = False,
    managed: Iterable[CooperativePage] | None = None,
    user=None,
    max_rows: int | None = None,
    progress: IO[str] | None = None,
) -> ImportReport:
    """Create or update products keyed on (cooperative, SKU).

    New listings are drafts unless `publish`. With `submit` (the admin upload) every
    created or changed listing goes to its alliance for review; its live version,
    if any, stays as it is until approved.
    """
    if publish and submit:
        raise ValueError("A listing is either published directly or submitted for review.")
    rows = read_rows(file, filename=filename, columns=PRODUCT_COLUMNS, max_rows=max_rows)
    valid, errors = check_products(rows, managed=managed, progress=progress)
    report = ImportReport(rows=len(rows), errors=errors)
    if errors and not skip_invalid:
        return report
    by_cooperative: dict[int, list[ProductRow]] = defaultdict(list)
    for item in valid:
        by_cooperative[item.cooperative.pk].append(item)
    writer = _ProductWriter(publish=publish, submit=submit, user=user, report=report)
    notices = notifications.one_email_per_reviewer() if submit else contextlib.nullcontext()
    with transaction.atomic(), notices, _progress_bar(len(valid), progress, _("Importing")) as bar:
        for items in by_cooperative.values():
            for start in range(0, len(items), BULK_CHUNK):
                chunk = items[start : start + BULK_CHUNK]
                writer.write(chunk[0].cooperative, chunk)
                bar.update(len(chunk))
    report.imported = True
    return report


class _ProductWriter:
    """Writes one cooperative's rows, choosing per listing the cheapest correct path.

    New listings, and existing ones without revisions, go through products_bulk_upsert:
    their page row is all there is. A listing with revisions is updated through
    product_update so its latest revision carries the imported values (Wagtail edits
    and publishes revisions, not the row); so is a live listing when the import must
    not change what is live (no `publish`, or `submit`). Unchanged rows are left alone.
    """

    def __init__(self, *, publish: bool, submit: bool, user, report: ImportReport):
        self.publish, self.submit, self.user, self.report = publish, submit, user, report
        self.provinces = Province.objects.in_bulk()

    def write(self, cooperative: CooperativePage, items: Sequence[ProductRow]) -> None:
        skus = [item.data.sku for item in items]
        existing = {
            p.sku: p
            for p in ProductPage.objects.filter(cooperative=cooperative, sku__in=skus).select_related(
                "inventory"
            )
        }
        revisions = Revision.objects.in_bulk(
            [p.latest_revision_id for p in existing.values() if p.latest_revision_id]
        )
        certificates = defaultdict(dict)
        for certificate in OcopCertificate.objects.filter(product__in=list(existing.values())):
            certificates[certificate.product_id][certificate.decision_number] = certificate
        in_bulk, one_by_one, new_skus = [], [], []
        for item in items:
            product = existing.get(item.data.sku)
            if product is None:
                in_bulk.append(item.data)
                new_skus.append(item.data.sku)
                continue
            revision = revisions.get(product.latest_revision_id)
            current = product.with_content_json(revision.content) if revision else product
            data = self._merged(item, current, _inventory(product))
            if not self._differs(product, current, data, certificates[product.pk]):
                self.report.unchanged += 1
                continue
            self.report.updated += 1
            if revision is None and not self.submit and (self.publish or not product.live):
                in_bulk.append(data)
            else:
                one_by_one.append((product, data))
        if in_bulk:
            services.products_bulk_upsert(
                cooperative=cooperative, items=in_bulk, publish=self.publish, user=self.user
            )
        self.report.created += len(new_skus)
        for product, data in one_by_one:
            # `product` has no prefetched child relations, so the new revision serialises the
            # OCOP certificates as written by product_update, not as they were before.
            services.product_update(product=product, data=data, user=self.user, publish=self.publish)
            if self.submit:
                services.product_send_to_review(product=product, user=self.user)
        if self.submit and new_skus:
            for product in ProductPage.objects.filter(cooperative=cooperative, sku__in=new_skus):
                services.product_send_to_review(product=product, user=self.user)

    def _merged(self, item: ProductRow, current: ProductPage, inventory) -> services.ProductData:
        """The row's values plus everything the file does not carry, taken from the listing."""
        keep = {
            "description_en": current.description_en,
            "months_in_season": current.months_in_season,
            "origin_province": self.provinces.get(current.origin_province_id),
            "shelf_life_days": current.shelf_life_days,
            "packaging": current.packaging,
            "main_image_id": current.main_image_id,
            "monthly_capacity": inventory.monthly_capacity if inventory else None,
        }
        blank_values = {
            "name_en": current.name_en,
            "description": current.description,
            "min_order_qty": current.min_order_qty,
            "stock": inventory.stock if inventory else None,
        }
        keep.update((name, value) for name, value in blank_values.items() if name in item.blank)
        return dataclasses.replace(item.data, **keep)

    def _differs(self, product, current, data: services.ProductData, certificates: dict) -> bool:
        if self.publish and (not product.live or product.has_unpublished_changes):
            return True
        if services.product_data_differs(product=current, data=data):
            return True
        inventory = _inventory(product)
        if (inventory.stock if inventory else None) != data.stock:
            return True
        if data.ocop is None:
            return False
        certificate = certificates.get(data.ocop.decision_number)
        return certificate is None or (
            certificate.stars,
            certificate.issued_on,
            certificate.issuing_authority,
            certificate.expires_on,
        ) != (
            data.ocop.stars,
            data.ocop.issued_on,
            data.ocop.issuing_authority,
            data.ocop.expires_on or ocop_default_expiry(data.ocop.issued_on),
        )


def _inventory(product: ProductPage):
    try:
        return product.inventory
    except ProductPage.inventory.RelatedObjectDoesNotExist:
        return None


def _progress(items: Sequence, progress: IO[str] | None, label: str):
    if progress is None:
        return items
    return tqdm(items, desc=label, unit=_("row"), file=progress, disable=None, leave=False)


def _progress_bar(total: int, progress: IO[str] | None, label: str):
    return tqdm(
        total=total, desc=label, unit=_("row"), file=progress, disable=None if progress else True, leave=False
    )
