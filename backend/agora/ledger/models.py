"""The vendor ledger: one append-only row per money event, per vendor.

Balances are never stored: they are sums of entries (agora.ledger.selectors). Rows are never
updated or deleted — the manager refuses it, the admin is read-only, and a PostgreSQL trigger
(migration 0002) raises on UPDATE or DELETE — so a correction is always a new entry.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AppendOnly(Exception):
    """Someone tried to change or delete a ledger entry."""


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Ledger entries are never updated: post a correcting entry.")

    def delete(self) -> NoReturn:
        raise AppendOnly("Ledger entries are never deleted: post a correcting entry.")


class LedgerEntry(models.Model):
    class Type(models.TextChoices):
        SALE = "sale"  # + the sub-order's goods, when it ships
        COMMISSION = "commission"  # - the marketplace's commission on them
        SHIPPING_SHARE = "shipping_share"  # + the shipping the customer paid for the vendor's parcel
        REFUND = "refund"  # - money given back to the customer (+ if that refund failed after all)
        REFUND_COMMISSION = "refund_commission"  # + the commission share of a refund
        PAYOUT = "payout"  # - a transfer to the vendor's connected account
        PAYOUT_REVERSAL = "payout_reversal"  # + a transfer that failed or was reversed
        ADJUSTMENT = "adjustment"  # ± staff correction, with a reason

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="ledger_entries")
    type = models.CharField(max_length=20, choices=Type.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Signed: + owed to the vendor.")
    currency = models.CharField(max_length=3)
    # What the entry comes from (at most the ones that apply).
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    vendor_order = models.ForeignKey(
        "orders.VendorOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    refund = models.ForeignKey("payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payout = models.ForeignKey(
        "payouts.Payout", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    # When the money may be paid out: shipment + LEDGER_HOLD_DAYS for sales, at once otherwise.
    available_at = models.DateTimeField()
    # One per source event (sale:vo:12, refund:7:vo:12, payout:3…): a re-delivered event or a
    # re-run task can never book twice.
    key = models.CharField(max_length=150, unique=True)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["vendor", "currency", "available_at"], name="ledger_vendor_available"),
            models.Index(fields=["vendor", "-created_at"], name="ledger_vendor_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_entry_not_zero"),
            models.CheckConstraint(
                condition=~models.Q(type="adjustment") | (~models.Q(reason="") & models.Q(created_by__isnull=False)),
                name="ledger_adjustment_has_reason_and_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.amount} {self.currency} ({self.key})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Ledger entries are never updated: post a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("Ledger entries are never deleted: post a correcting entry.")


class ManualAdjustment(LedgerEntry):
    """Staff adjustments, as the admin's add form and list show them (entries of type adjustment)."""

    class Meta:
        proxy = True
        verbose_name = "manual adjustment"
