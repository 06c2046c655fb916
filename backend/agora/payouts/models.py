"""Payouts: vendors' connected accounts, transfers of their available balance, staff holds, the
provider's webhooks, reconciliation runs — and the dummy Connect provider's own books."""

from django.conf import settings
from django.db import models

from agora.payments.models import ReceivedEvent
from agora.vendors.models import Vendor


class PayoutAccount(models.Model):
    """A vendor's connected account at the payout provider (Stripe Express) and its payout schedule."""

    class Schedule(models.TextChoices):
        DAILY = "daily"
        WEEKLY = "weekly"

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    vendor = models.OneToOneField("vendors.Vendor", on_delete=models.PROTECT, related_name="payout_account")
    provider = models.CharField(max_length=20)
    account_id = models.CharField(max_length=255, unique=True, help_text="The provider's account id (acct_…).")
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False, help_text="The provider accepts transfers to it.")
    schedule = models.CharField(max_length=10, choices=Schedule.choices, default=Schedule.DAILY)
    weekly_anchor = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY, help_text="Weekly schedule: the day payouts are made."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor__name"]

    def __str__(self) -> str:
        return f"{self.vendor} ({self.account_id})"

    @property
    def status(self) -> str:
        if self.payouts_enabled:
            return "enabled"
        return "restricted" if self.details_submitted else "onboarding"


class PayoutHold(models.Model):
    """Staff stopped a vendor's payouts (a dispute, a fraud check): who, when, why, and who lifted it."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="payout_holds")
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="payouts_hold_has_reason"),
            models.UniqueConstraint(
                fields=["vendor"], condition=models.Q(released_at__isnull=True), name="payouts_one_open_hold"
            ),
        ]

    def __str__(self) -> str:
        state = "released" if self.released_at else "active"
        return f"hold on {self.vendor} ({state}): {self.reason}"


class Payout(models.Model):
    """One transfer of a vendor's available balance in one currency. Written with the items it
    covers and its ledger entry in one transaction; the transfer is sent after commit with an
    idempotency key derived from those entries."""

    class Status(models.TextChoices):
        PENDING = "pending"  # recorded, the transfer not confirmed yet
        PAID = "paid"  # the provider made the transfer
        FAILED = "failed"  # the provider refused it: the amount is back in the balance
        REVERSED = "reversed"  # the transfer was taken back in full: the amount is back in the balance

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="payouts")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=20)
    account_id = models.CharField(max_length=255, help_text="The connected account it goes to.")
    idempotency_key = models.CharField(max_length=100, unique=True)
    transfer_id = models.CharField(max_length=255, blank=True, db_index=True)
    amount_reversed = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The run's "now": it pays the entries available at that moment.
    as_of = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Payouts are never edited by hand; this is what lets a staff role move vendor money in the
        # back office (hold, release, pay now, send again, reverse). Superusers have it anyway.
        permissions = [("manage_payouts", "Can hold, release, pay and reverse vendor payouts")]
        indexes = [models.Index(fields=["vendor", "-created_at"], name="payouts_vendor_recent")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payouts_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_reversed__gte=0, amount_reversed__lte=models.F("amount")),
                name="payouts_reversed_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"payout {self.pk}: {self.amount} {self.currency} to {self.vendor} ({self.status})"

    @property
    def transfer_group(self) -> str:
        return f"agora-payout-{self.pk}"


class PayoutItem(models.Model):
    """A ledger entry a payout paid. The entry is unique: no entry is ever paid twice."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="items")
    entry = models.OneToOneField("ledger.LedgerEntry", on_delete=models.PROTECT, related_name="payout_item")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.entry_id} in payout {self.payout_id}"


class ProviderEvent(ReceivedEvent):
    """Every Connect webhook event received once."""

    provider = models.CharField(max_length=20)

    class Meta(ReceivedEvent.Meta):
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="payouts_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class ReconciliationRun(models.Model):
    """One comparison of our money rows with the provider's for a period; clean runs are kept too."""

    class Status(models.TextChoices):
        RUNNING = "running"
        CLEAN = "clean"
        FINDINGS = "findings"
        FAILED = "failed"  # the provider could not be read: nothing was compared

    provider = models.CharField(max_length=20)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    payments_checked = models.PositiveIntegerField(default=0)
    refunds_checked = models.PositiveIntegerField(default=0)
    payouts_checked = models.PositiveIntegerField(default=0)
    finding_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"reconciliation {self.period_start:%Y-%m-%d}..{self.period_end:%Y-%m-%d} ({self.status})"


class ReconciliationFinding(models.Model):
    """One difference between our books and the provider's."""

    class Kind(models.TextChoices):
        MISSING_AT_PROVIDER = "missing_at_provider"  # we have it, the provider does not
        MISSING_IN_LEDGER = "missing_in_ledger"  # the provider has it, we do not
        AMOUNT_MISMATCH = "amount_mismatch"

    class Subject(models.TextChoices):
        PAYMENT = "payment"
        REFUND = "refund"
        PAYOUT = "payout"

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=10, choices=Subject.choices)
    reference = models.CharField(max_length=255, blank=True, help_text="The provider's id.")
    object_id = models.BigIntegerField(null=True, blank=True, help_text="Our row's id (payment, refund, payout).")
    our_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    provider_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.reference or self.object_id}"


# --- the dummy Connect provider's own books (PAYOUT_PROVIDER=dummy) --------------------------------
# What a remote provider would hold, kept in the database so every process (web, worker, a
# command) sees the same accounts and transfers, and a crashed worker's transfer is still there.


class DummyConnectAccount(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    email = models.EmailField(blank=True)
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.id


class DummyTransfer(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    account = models.ForeignKey(DummyConnectAccount, on_delete=models.PROTECT, related_name="transfers")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    amount_reversed = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    idempotency_key = models.CharField(max_length=100, unique=True)
    transfer_group = models.CharField(max_length=100, blank=True, db_index=True)
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.id


class DummyTransferReversal(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    transfer = models.ForeignKey(DummyTransfer, on_delete=models.PROTECT, related_name="reversals")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.id


class VendorBalance(Vendor):
    """Vendors as the payouts back office sees them: balances, holds, payout accounts."""

    class Meta:
        proxy = True
        verbose_name = "vendor balance"
