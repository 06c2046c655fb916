"""Payout reads for the vendor portal, scoped to one vendor."""

from django.db.models import Count, QuerySet

from agora.ledger.models import LedgerEntry
from agora.payouts.errors import PayoutNotFound
from agora.payouts.models import Payout, PayoutAccount, PayoutHold
from agora.vendors.models import Vendor


def payout_account_for(*, vendor: Vendor) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(vendor=vendor).first()


def active_hold_for(*, vendor: Vendor) -> PayoutHold | None:
    return PayoutHold.objects.filter(vendor=vendor, released_at__isnull=True).first()


def vendor_payout_list(*, vendor: Vendor, status: str | None = None) -> QuerySet[Payout]:
    qs = Payout.objects.filter(vendor=vendor).annotate(entry_count=Count("items"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def payout_entries(*, payout: Payout) -> QuerySet[LedgerEntry]:
    """The ledger entries a payout paid, oldest first."""
    return LedgerEntry.objects.filter(payout_item__payout=payout).select_related("order").order_by("created_at", "id")


def vendor_payout_get(*, vendor: Vendor, pk: int) -> Payout:
    payout = vendor_payout_list(vendor=vendor).filter(pk=pk).first()
    if payout is None:
        raise PayoutNotFound()
    return payout
