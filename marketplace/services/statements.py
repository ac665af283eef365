"""Bank statement reconciliation (đối soát sao kê): transfers matched to orders, the rest left for staff.

A statement is a CSV or XLSX file with exactly the columns `date,amount_vnd,description,reference`.
It is read and checked whole before anything is written (`read_statement`): a bad header, a bad
date or amount on any row, a reference twice in the file or a file too big refuses the file, with
every problem listed. Debits (negative amounts) are the account's outgoing money: they are skipped
and counted, never stored.

Each credit is then stored once as a BankStatementLine, keyed by (account, reference), so importing
the same statement again changes nothing and counts its lines as duplicates. The payment code in
the description (found by `codes.find_in`, whatever the bank did to case, marks and spacing) names
the purchase; the order is that purchase's order for the statement's cooperative, or, for the
platform's own account, the purchase's order whose total is the amount. An exact amount on an order
that can take a transfer (unpaid or pending, not a card order) marks it paid through
`order_mark_paid` with the actor "bank"; anything else waits for staff in the review list, where
`statement_line_settle` and `statement_line_ignore` close it by hand.

A statement larger than settings.STATEMENT_IMPORT_BACKGROUND_BYTES, uploaded in the admin, is
imported in the background (`statement_import_later`): the file goes to the private storage, a job
(background.models.Job) is queued, and the task worker runs the same `statement_import` on it
(marketplace.tasks.import_statement → `statement_import_job`); the upload page lists the job and,
once done, its counts or the problems that refused the file. One background import per account at
a time; the stored file is deleted once the job is over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from background.models import Job
from background.retry import current_attempt
from background.services import JobAlreadyActive, job_start
from catalog import imports
from catalog.models import CooperativePage
from catalog.services import cooperative_terms_of
from catalog.storage import private_storage, random_name
from marketplace import tasks
from marketplace.models import BankStatementLine, Order, OrderEvent, PaymentMethod, Purchase
from marketplace.payments import codes
from marketplace.payments.statements import CellError, parse_amount, parse_date
from marketplace.permissions import may_reconcile
from marketplace.services.payments import actor_for, order_mark_paid

COLUMNS = ("date", "amount_vnd", "description", "reference")
PLATFORM_ACCOUNT = "platform"
# A month of a busy cooperative's account is a few thousand lines; beyond these the file is not a
# statement of one account, and the import should not hold a transaction open that long.
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
# Unpacked sheet XML allowed per row of an .xlsx statement: four short cells take well under 4 KiB,
# so a workbook "bomb" is refused at about 56 MB instead of the product import's allowance.
XLSX_ROW_BYTES = 4 << 10
# Listing every bad row of a hostile file would be a page of noise; the first ones say enough.
MAX_LISTED_PROBLEMS = 20
_LOOKUP_CHUNK = 500
# The background job of a large statement's import, about one account.
STATEMENT_JOB = "marketplace.statement_import"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Line = BankStatementLine
P = Order.PaymentStatus
PAYABLE = (P.UNPAID, P.PENDING)


@dataclass(frozen=True)
class StatementEntry:
    """One credit or debit read from the file; `line` is its row number as a spreadsheet shows it."""

    line: int
    booked_on: object  # datetime.date
    amount_vnd: int
    description: str
    reference: str


@dataclass
class StatementReport:
    """What an import did: lines matched, sent to review, already imported, and debits skipped."""

    matched: int = 0
    review: int = 0
    duplicate: int = 0
    debits: int = 0
    lines: list[BankStatementLine] = field(default_factory=list)

    def counts(self) -> str:
        """The command's output line; fixed English, for scripts."""
        return f"matched {self.matched}, review {self.review}, duplicate {self.duplicate}"

    def summary(self) -> str:
        text = _(
            "%(matched)s matched and marked paid, %(review)s to review, %(duplicate)s already imported."
        ) % {"matched": self.matched, "review": self.review, "duplicate": self.duplicate}
        if self.debits:
            text += " " + ngettext(
                "%(count)s debit line skipped.", "%(count)s debit lines skipped.", self.debits
            ) % {"count": self.debits}
        return text


# --- reading ------------------------------------------------------------------------------------


def _size_of(file: BinaryIO) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def _cell_message(error: CellError, column: str) -> str:
    value = error.value.strip()[:40]
    messages = {
        "empty": _("this column is required"),
        "not_a_number": _("“%(value)s” is not an amount in đồng") % {"value": value},
        "decimal": _(
            "“%(value)s” has decimals; amounts are whole đồng, with '.' or ',' only between groups of 3 digits"
        )
        % {"value": value},
        "zero": _("the amount is 0"),
        "too_large": _("“%(value)s” is too large") % {"value": value},
        "not_a_date": _("“%(value)s” is not a date as dd/mm/yyyy or yyyy-mm-dd") % {"value": value},
    }
    return f"{column}: {messages[error.code]}"


def _entry(row: imports.Row, today) -> tuple[StatementEntry | None, list[str]]:
    problems = [row.problem] if row.problem else []
    values = row.values
    for column in COLUMNS:
        if _CONTROL.search(values[column]):
            problems.append(_("%(column)s: contains a control character") % {"column": column})
    booked_on = amount = None
    try:
        booked_on = parse_date(values["date"])
        if booked_on > today:
            problems.append(_("date: %(date)s is in the future") % {"date": values["date"]})
    except CellError as error:
        problems.append(_cell_message(error, "date"))
    try:
        amount = parse_amount(values["amount_vnd"])
    except CellError as error:
        problems.append(_cell_message(error, "amount_vnd"))
    description = " ".join(values["description"].split())
    if len(description) > 500:
        problems.append(
            _("description: at most %(max)s characters (this has %(length)s)")
            % {"max": 500, "length": len(description)}
        )
    reference = values["reference"].strip()
    if not reference:
        problems.append(_("reference: the bank's reference of the line is required"))
    elif len(reference) > 100:
        problems.append(
            _("reference: at most %(max)s characters (this has %(length)s)")
            % {"max": 100, "length": len(reference)}
        )
    if problems:
        return None, problems
    return StatementEntry(row.line, booked_on, amount, description, reference), []


def read_statement(file: BinaryIO, *, filename: str) -> list[StatementEntry]:
    """Every line of the statement, checked; ValidationError listing the problems if any line is bad."""
    try:
        imports.check_extension(filename)
        if _size_of(file) > MAX_BYTES:
            raise imports.ImportFileError(
                _("The file is larger than %(max)s MB; split the statement into smaller files.")
                % {"max": MAX_BYTES >> 20}
            )
        rows = imports.read_rows(
            file, filename=filename, columns=COLUMNS, max_rows=MAX_ROWS, row_bytes=XLSX_ROW_BYTES
        )
    except imports.ImportFileError as error:
        raise ValidationError(str(error), code="file") from None
    if not rows:
        raise ValidationError(_("The statement has no lines."), code="empty")
    today = timezone.localdate()
    entries, problems, first_seen = [], [], {}
    for row in rows:
        entry, row_problems = _entry(row, today)
        if entry is not None:
            if entry.reference in first_seen:
                row_problems = [
                    _("reference: %(reference)s is already on line %(line)s")
                    % {"reference": entry.reference[:40], "line": first_seen[entry.reference]}
                ]
            else:
                first_seen[entry.reference] = row.line
                entries.append(entry)
        problems.extend(
            _("line %(line)s: %(reason)s") % {"line": row.line, "reason": reason} for reason in row_problems
        )
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(_("… and %(count)s more problems.") % {"count": len(problems) - len(shown)})
        raise ValidationError(shown, code="rows")
    return entries


# --- matching -----------------------------------------------------------------------------------


def statement_account(cooperative: CooperativePage | None) -> str:
    """The name a statement's lines are stored under: "<bank BIN>:<account>", or "platform"."""
    if cooperative is None:
        return PLATFORM_ACCOUNT
    terms = cooperative_terms_of(cooperative)
    if not terms.bank_bin or not terms.bank_account:
        raise ValidationError(
            _("%(cooperative)s has no bank account in its terms of sale; add it before importing statements.")
            % {"cooperative": cooperative.title},
            code="no_bank_account",
        )
    return f"{terms.bank_bin}:{terms.bank_account}"


def _payable(order: Order) -> bool:
    return order.payment_method != PaymentMethod.CARD and order.payment_status in PAYABLE


def _purchases_by_code(entries: Sequence[StatementEntry]) -> tuple[dict, dict[str, list[str]]]:
    found = {entry.reference: codes.find_in(entry.description) for entry in entries}
    wanted = sorted({code for listed in found.values() for code in listed})
    purchases = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = Purchase.objects.filter(payment_code__in=wanted[start : start + _LOOKUP_CHUNK])
        for purchase in chunk.prefetch_related("orders"):
            purchases[purchase.payment_code] = purchase
    return purchases, found


def _match(
    found: list[str], amount: int, purchases: dict, cooperative: CooperativePage | None
) -> tuple[Order | None, str]:
    """The order a credit pays and what is wrong with it ("" when it can be marked paid)."""
    for code in found:
        purchase = purchases.get(code)
        if purchase is None:
            continue
        orders = list(purchase.orders.all())
        if cooperative is not None:
            orders = [order for order in orders if order.cooperative_id == cooperative.pk]
        exact = [order for order in orders if order.total_vnd == amount]
        if exact:
            order = next((order for order in exact if _payable(order)), exact[0])
        elif len(orders) == 1:
            order = orders[0]
        else:
            continue
        if not _payable(order):
            return order, Line.Problem.NOT_PAYABLE
        if amount < order.total_vnd:
            return order, Line.Problem.SHORT
        if amount > order.total_vnd:
            return order, Line.Problem.OVER
        return order, Line.Problem.NONE
    return None, Line.Problem.UNKNOWN


def _known_references(account: str, references: list[str]) -> set[str]:
    known = set()
    for start in range(0, len(references), _LOOKUP_CHUNK):
        known.update(
            Line.objects.filter(
                account=account, reference__in=references[start : start + _LOOKUP_CHUNK]
            ).values_list("reference", flat=True)
        )
    return known


@transaction.atomic
def statement_import(
    *, file: BinaryIO, filename: str, cooperative: CooperativePage | None = None, user=None
) -> StatementReport:
    """Read a bank statement and reconcile its credits; all of it or, on any error, nothing.

    `cooperative` is the owner of the account the statement is from (None: the platform's own
    account). `user` is the staff member uploading it (None: an operator's command).
    """
    if user is not None and not may_reconcile(user, cooperative):
        raise PermissionDenied(_("You may not import statements for this account."))
    account = statement_account(cooperative)
    entries = read_statement(file, filename=filename)
    report = StatementReport()
    credits = []
    for entry in entries:
        if entry.amount_vnd < 0:
            report.debits += 1
        else:
            credits.append(entry)
    known = _known_references(account, [entry.reference for entry in credits])
    fresh = [entry for entry in credits if entry.reference not in known]
    report.duplicate = len(credits) - len(fresh)
    purchases, found = _purchases_by_code(fresh)
    for entry in fresh:
        order, problem = _match(found[entry.reference], entry.amount_vnd, purchases, cooperative)
        line = Line(
            account=account,
            cooperative=cooperative or (order.cooperative if order else None),
            reference=entry.reference,
            booked_on=entry.booked_on,
            amount_vnd=entry.amount_vnd,
            description=entry.description,
            order=order,
            status=Line.Status.REVIEW,
            problem=problem,
        )
        try:
            # Claim the reference first: a concurrent import of the same statement loses here.
            with transaction.atomic():
                line.save()
        except IntegrityError:
            report.duplicate += 1
            continue
        if problem == Line.Problem.NONE:
            try:
                paid = order_mark_paid(
                    order=order, actor=OrderEvent.Actor.BANK, reference=entry.reference, quiet=True
                )
            except ValidationError:
                paid = False
            if paid:
                order.payment_status = P.PAID
                line.status = Line.Status.MATCHED
            else:
                line.problem = Line.Problem.NOT_PAYABLE
            Line.objects.filter(pk=line.pk).update(status=line.status, problem=line.problem)
        if line.status == Line.Status.MATCHED:
            report.matched += 1
        else:
            report.review += 1
        report.lines.append(line)
    return report


# --- settling by hand ---------------------------------------------------------------------------


def _check_may_settle(user, line: BankStatementLine) -> None:
    if not may_reconcile(user, line.cooperative):
        raise PermissionDenied(_("You may not settle this statement line."))


def _clean_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > 500:
        raise ValidationError({"note": _("The note is too long (at most 500 characters).")}, code="note")
    return note


def _close(line: BankStatementLine, *, status: str, user, note: str, order: Order | None = None) -> None:
    """Move the line out of review by one conditional update, so two staff cannot both settle it."""
    fields = {"status": status, "settled_by": user, "staff_note": note}
    if order is not None:
        fields["order"] = order
    if not Line.objects.filter(pk=line.pk, status=Line.Status.REVIEW).update(**fields):
        raise ValidationError(_("This statement line was already settled."), code="settled")
    for name, value in fields.items():
        setattr(line, name, value)


@transaction.atomic
def statement_line_settle(
    *, line: BankStatementLine, order: Order, user, note: str = ""
) -> BankStatementLine:
    """Staff decide a line in review pays `order`: the order is marked paid, the line settled."""
    _check_may_settle(user, line)
    note = _clean_note(note)
    order = Order.objects.select_related("cooperative").get(pk=order.pk)
    if line.cooperative_id is not None and order.cooperative_id != line.cooperative_id:
        raise ValidationError(
            {"order": _("Order %(number)s is not an order of this cooperative.") % {"number": order.number}},
            code="order",
        )
    if not _payable(order):
        raise ValidationError(
            {
                "order": _("Order %(number)s cannot take a transfer: it is already paid or paid by card.")
                % {"number": order.number}
            },
            code="not_payable",
        )
    _close(line, status=Line.Status.SETTLED, user=user, note=note, order=order)
    if not order_mark_paid(
        order=order, actor=actor_for(user, order), user=user, reference=line.reference, quiet=True
    ):
        raise ValidationError(
            {"order": _("Order %(number)s was paid meanwhile.") % {"number": order.number}}, code="conflict"
        )
    if line.cooperative_id is None:
        Line.objects.filter(pk=line.pk).update(cooperative=order.cooperative)
        line.cooperative = order.cooperative
    return line


@transaction.atomic
def statement_line_ignore(*, line: BankStatementLine, user, note: str = "") -> BankStatementLine:
    """Staff decide a line in review is not a payment for an order (a refund, a fee, a private transfer)."""
    _check_may_settle(user, line)
    _close(line, status=Line.Status.IGNORED, user=user, note=_clean_note(note))
    return line


# --- large statements, in the background --------------------------------------------------------


def statement_job_subject(cooperative: CooperativePage | None) -> str:
    return f"cooperative:{cooperative.pk}" if cooperative is not None else PLATFORM_ACCOUNT


@transaction.atomic
def statement_import_later(
    *, file: BinaryIO, filename: str, cooperative: CooperativePage | None, user
) -> Job:
    """Store the statement privately and queue its import; refuse at once what can be refused now.

    The rights, the account's bank details, the file's type and size are checked here; the lines
    are read and checked by the job, which imports all of them or, on any problem, none.
    """
    if not may_reconcile(user, cooperative):
        raise PermissionDenied(_("You may not import statements for this account."))
    statement_account(cooperative)
    try:
        imports.check_extension(filename)
    except imports.ImportFileError as error:
        raise ValidationError(str(error), code="file") from None
    size = _size_of(file)
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(max)s MB; split the statement into smaller files.")
            % {"max": MAX_BYTES >> 20},
            code="file",
        )
    storage = private_storage()
    name = storage.save(random_name("statements", filename), file)
    try:
        return job_start(
            kind=STATEMENT_JOB,
            subject=statement_job_subject(cooperative),
            task=tasks.import_statement,
            requested_by=user,
            params={
                "file": name,
                "filename": filename[:200],
                "size": size,
                "cooperative_id": cooperative.pk if cooperative else None,
            },
        )
    except BaseException as error:
        storage.delete(name)
        if isinstance(error, JobAlreadyActive):
            raise ValidationError(
                _("A statement of this account is still being imported. Upload this one when it is done."),
                code="running",
            ) from None
        raise


def statement_import_job(job: Job) -> dict:
    """The background part (marketplace.tasks.import_statement): import the stored file, then delete it.

    Returns the counts for the job's result. A refused file (ValidationError) fails the job with
    its problems for the uploader to read; any other error is retried, and the file is kept for
    the retry until the last attempt.
    """
    storage = private_storage()
    name = job.params["file"]
    try:
        cooperative = None
        if job.params.get("cooperative_id") is not None:
            cooperative = CooperativePage.objects.filter(pk=job.params["cooperative_id"]).first()
            if cooperative is None:
                raise ValidationError(_("The cooperative no longer exists."))
        if job.requested_by is None:
            raise PermissionDenied(_("The person who uploaded the statement no longer has an account."))
        with storage.open(name, "rb") as handle:
            report = statement_import(
                file=handle, filename=job.params["filename"], cooperative=cooperative, user=job.requested_by
            )
    except (ValidationError, PermissionDenied):
        storage.delete(name)
        raise
    except Exception:
        attempt = current_attempt()
        if attempt is None or attempt.is_last:
            storage.delete(name)
        raise
    storage.delete(name)
    return {
        "matched": report.matched,
        "review": report.review,
        "duplicate": report.duplicate,
        "debits": report.debits,
    }
