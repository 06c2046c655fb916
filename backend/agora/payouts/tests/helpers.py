from datetime import timedelta

from django.utils import timezone

from agora.ledger.tests.helpers import one_vendor_order, ship
from agora.payouts.models import PayoutAccount
from agora.payouts.providers.dummy import DummyProvider, complete_onboarding


def connected(vendor, *, enabled: bool = True, **fields) -> PayoutAccount:
    """The vendor's payout account at the dummy provider, onboarded (or not)."""
    remote = DummyProvider().account_create(vendor_id=vendor.pk, email=vendor.contact_email)
    if enabled:
        remote = complete_onboarding(remote.id)
    return PayoutAccount.objects.create(
        vendor=vendor,
        provider="dummy",
        account_id=remote.id,
        details_submitted=remote.details_submitted,
        charges_enabled=remote.charges_enabled,
        payouts_enabled=remote.payouts_enabled,
        **fields,
    )


def shipped_sale(price: str = "100.00", *, rate: str = "10.00", vendor=None):
    """A shipped sub-order; returns (order, vo, the moment its sale becomes available)."""
    order, vo = one_vendor_order(price, rate=rate, vendor=vendor)
    vo = ship(vo)
    assert vo.shipped_at is not None
    return order, vo, vo.shipped_at + timedelta(days=8)


def later(days: int = 8):
    return timezone.now() + timedelta(days=days)
