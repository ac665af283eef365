"""The ledger's tables: accounts, transactions and the postings that move money between accounts.

Money is whole Vietnamese đồng in BigIntegerField, never floats. A transaction's postings sum to
zero (checked by marketplace/ledger/balancing.py before anything is written). Rows are append-only:
a mistake is corrected by a reversing transaction, never by editing or deleting postings, which is
why every foreign key here is PROTECT and the services offer no update or delete.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerAccount(models.Model):
    """An account postings are made to, named by a stable `code` such as "coop:<tax code>:payable"."""

    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        REVENUE = "revenue", _("Revenue")
        EXPENSE = "expense", _("Expense")

    code = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=255)
    cooperative = models.ForeignKey(
        "catalog.CooperativePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self) -> str:
        return self.code


class LedgerTransaction(models.Model):
    """One balanced movement of money, written once per `idempotency_key` (e.g. "payment:42:captured")."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=50)
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # One-to-one: a transaction is reversed at most once, and the database enforces it.
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.idempotency_key


class LedgerPosting(models.Model):
    """A signed amount on one account (debit positive, credit negative); never updated or deleted."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_vnd = models.BigIntegerField()

    class Meta:
        verbose_name = _("ledger posting")
        verbose_name_plural = _("ledger postings")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_vnd=0), name="ledger_posting_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_vnd}"
