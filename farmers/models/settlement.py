"""农户结算: what each household is owed for its produce, and the proof that it was paid.

What is owed is derived, never stored as a running figure:

- 收购 (bought at intake): the lot's farmgate amount, owed from its intake date;
- 代销 (consignment): the farmgate value of the units a buyer paid for, as the
  attribution ledger writes them (reversals reduce it), owed from that moment;
- a cooperative's confirmed surplus return (二次返利), owed from its confirmation.

Which of the two terms applies to a lot is read from ``SettlementTerms``:
dated rows per seller, overridden per stock record (one product of one
seller), effective from a day. Paid is the sum of confirmed payout lines less
their reversals. Balance = owed − paid, to the fen.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from farmers.models.households import Household
from farmers.models.sellers import Seller
from farmers.models.stock import Lot, StockAdjustment
from farmers.team_dashboard.storage import export_files_storage


class Terms(models.TextChoices):
    PURCHASE = "purchase", _("bought at intake (收购)")
    CONSIGNMENT = "consignment", _("sold on consignment (代销)")


class SettlementTerms(models.Model):
    """From ``effective_from`` on, lots a seller receives (or one of its products) are on these terms."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="settlement_terms")
    stock_record = models.ForeignKey(
        "partner.StockRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement_terms",
        help_text=_("Empty: the seller's terms; set: this product's override"),
    )
    terms = models.CharField(_("terms"), max_length=16, choices=Terms.choices)
    effective_from = models.DateField(_("effective from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        ordering = ["seller", "stock_record", "effective_from", "pk"]
        verbose_name = _("settlement terms")
        verbose_name_plural = _("settlement terms")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "effective_from"],
                condition=Q(stock_record__isnull=True),
                name="settlement_terms_seller_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["stock_record", "effective_from"],
                condition=Q(stock_record__isnull=False),
                name="settlement_terms_product_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.seller_id}/{self.stock_record_id or '*'} {self.terms} ≥ {self.effective_from}"
        )


class LotDisposal(models.Model):
    """A lot's unsold units that left stock: returned to the household, or written off."""

    class Disposition(models.TextChoices):
        RETURNED = "returned", _("returned to the household")
        WRITTEN_OFF = "written_off", _("written off")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="disposals")
    adjustment = models.OneToOneField(
        StockAdjustment, on_delete=models.PROTECT, related_name="disposal"
    )
    disposition = models.CharField(_("disposition"), max_length=16, choices=Disposition.choices)
    units = models.PositiveIntegerField(_("units"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("unsold units returned or written off")
        verbose_name_plural = _("unsold units returned or written off")

    def __str__(self) -> str:
        return f"{self.lot} {self.get_disposition_display()} {self.units}"


class PayMethod(models.TextChoices):
    BANK = "bank", _("bank account")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CASH = "cash", _("cash")


class Payee(models.Model):
    """How a household is paid. The account number is personal data: encrypted, shown masked."""

    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="payee")
    method = models.CharField(_("method"), max_length=16, choices=PayMethod.choices)
    holder_name = models.CharField(_("payee name"), max_length=64)
    bank_name = models.CharField(_("bank and branch"), max_length=128, blank=True)
    account_encrypted = models.TextField(_("account (encrypted)"), blank=True, editable=False)
    account_masked = models.CharField(_("account"), max_length=64, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["household"]
        verbose_name = _("payee details")
        verbose_name_plural = _("payee details")

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_method_display()} {self.account_masked}"

    @property
    def summary(self) -> str:
        """What the change log and pages show: method, bank, masked account."""
        parts = [self.get_method_display(), self.holder_name, self.bank_name, self.account_masked]
        return " · ".join(p for p in parts if p)


class PayeeChange(models.Model):
    """Audit: who changed a household's payee details, when, from what to what (masked)."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payee_changes")
    old_value = models.CharField(_("before (masked)"), max_length=255, blank=True)
    new_value = models.CharField(_("after (masked)"), max_length=255)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("payee details change")
        verbose_name_plural = _("payee details changes")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.old_value} → {self.new_value}"


class PayoutBatch(models.Model):
    """兑付批次: one payment run of a seller to its households; open while a line is pending."""

    class Kind(models.TextChoices):
        BALANCE = "balance", _("balances owed")
        SURPLUS = "surplus", _("surplus return (二次返利)")

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="payout_batches")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BALANCE)
    purpose = models.CharField(_("purpose (用途)"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.seller_id} {self.purpose}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PayoutLine(models.Model):
    """One household's payment in a batch. Pending until confirmed (paid) or failed.

    A confirmed line is never changed again: a mistake is undone by a
    ``PayoutReversal``. The payee details are copied when the batch is made,
    so the bank file and the proof say what was actually used.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRMED = "confirmed", _("paid")
        FAILED = "failed", _("failed")

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="lines")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="payout_lines")
    position = models.PositiveIntegerField(_("no. (序号)"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=16, choices=PayMethod.choices)
    payee_name = models.CharField(_("payee (收款人)"), max_length=64)
    bank_name = models.CharField(_("bank (开户行)"), max_length=128, blank=True)
    account_encrypted = models.TextField(blank=True, editable=False)
    account_masked = models.CharField(_("account"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reference = models.CharField(_("bank reference"), max_length=128, blank=True)
    receipt = models.FileField(
        _("signed receipt"), storage=export_files_storage, upload_to="receipts/%Y/%m/", blank=True
    )
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    surplus_allocation = models.OneToOneField(
        "farmers.SurplusAllocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout_line",
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_line_positive"),
            # Invariant 8: a household is in one open batch of a seller at a time,
            # so two racing batches cannot both pay it.
            models.UniqueConstraint(
                fields=["seller", "household"],
                condition=Q(status="pending"),
                name="payout_line_one_open_per_household",
            ),
            models.UniqueConstraint(fields=["batch", "position"], name="payout_line_position"),
        ]
        indexes = [models.Index(fields=["household", "seller", "status"], name="payout_hh_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.position} {self.household_id} ¥{self.amount} {self.status}"


class PayoutReversal(models.Model):
    """Undoes a confirmed payout (the money came back, or it was recorded by mistake)."""

    line = models.OneToOneField(PayoutLine, on_delete=models.PROTECT, related_name="reversal")
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reversed_at = models.DateTimeField(_("reversed at"), auto_now_add=True)

    class Meta:
        ordering = ["-reversed_at", "-pk"]
        verbose_name = _("payout reversal")
        verbose_name_plural = _("payout reversals")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_reversal_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="payout_reversal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"reversal of line {self.line_id}: ¥{self.amount}"


class PayoutFileDownload(models.Model):
    """Audit: a bank file (with full account numbers) was downloaded."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="downloads")
    file_format = models.CharField(_("format"), max_length=8)
    downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    downloaded_at = models.DateTimeField(_("downloaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        verbose_name = _("bank file download")
        verbose_name_plural = _("bank file downloads")

    def __str__(self) -> str:
        return f"{self.batch_id}.{self.file_format} by {self.downloaded_by_id}"


class SurplusReturn(models.Model):
    """二次返利: part of a cooperative's distributable surplus for a year, back to its members."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="surplus_returns")
    year = models.PositiveSmallIntegerField(_("year"))
    distributable_surplus = models.DecimalField(
        _("distributable surplus (CNY)"), max_digits=14, decimal_places=2
    )
    share_percent = models.DecimalField(_("share returned (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount returned (CNY)"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    batch = models.OneToOneField(
        PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="surplus_return"
    )

    class Meta:
        ordering = ["-year", "seller"]
        verbose_name = _("surplus return")
        verbose_name_plural = _("surplus returns")
        constraints = [
            models.UniqueConstraint(fields=["seller", "year"], name="surplus_return_once_a_year"),
            models.CheckConstraint(
                condition=Q(share_percent__gte=60, share_percent__lte=100),
                name="surplus_share_at_least_60",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.year}: ¥{self.amount}"


class SurplusAllocation(models.Model):
    """One member household's part of a surplus return, by its transactions that year."""

    surplus_return = models.ForeignKey(
        SurplusReturn, on_delete=models.CASCADE, related_name="allocations"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="surplus_allocations"
    )
    transaction_amount = models.DecimalField(
        _("transactions that year (CNY)"), max_digits=14, decimal_places=2
    )
    amount = models.DecimalField(_("allocated (CNY)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["surplus_return", "-transaction_amount", "household"]
        verbose_name = _("surplus allocation")
        verbose_name_plural = _("surplus allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["surplus_return", "household"], name="surplus_allocation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: ¥{self.amount}"


class SettlementSlip(models.Model):
    """结算单: a household's figures with one seller over a period, frozen, with a code."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="slips")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="slips")
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    verification_code = models.CharField(_("verification code"), max_length=24, unique=True)
    figures = models.JSONField(_("figures"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("settlement slip")
        verbose_name_plural = _("settlement slips")

    def __str__(self) -> str:
        return f"{self.household_id} {self.period_from}–{self.period_to}"
