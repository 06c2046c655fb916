"""A Connect provider for development and tests, with Stripe's semantics and no keys.

Its books live in the database (the Dummy* models), as a remote provider's would: every process
sees the same accounts and transfers, and a transfer made by a worker that was killed before it
heard the answer is still there. Transfers are deduplicated by idempotency key; onboarding is a
storefront page (/vendor/payouts/onboarding?account=…) whose button completes it. The platform's
balance holds the dummy payment gateway's captures and refunds (that gateway settles in-process,
so our payment rows are its books) and the transfers and reversals made here.

Never used in production (the settings refuse it there).
"""

import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from agora.payments.models import Payment, Refund
from agora.payouts.models import DummyConnectAccount, DummyTransfer, DummyTransferReversal
from agora.payouts.providers.base import (
    BalanceTransaction,
    ConnectEvent,
    ConnectWebhookRejected,
    PayoutProvider,
    ProviderAccount,
    ProviderError,
    ProviderTransfer,
    TransferRefused,
    TransferRequest,
    payment_key,
)

ONBOARDING_PATH = "/vendor/payouts/onboarding"
CAPTURED = (Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


def _id(prefix: str) -> str:
    return f"{prefix}_dummy_{secrets.token_hex(8)}"


def _account(row: DummyConnectAccount) -> ProviderAccount:
    return ProviderAccount(row.id, row.details_submitted, row.charges_enabled, row.payouts_enabled)


def _transfer(row: DummyTransfer) -> ProviderTransfer:
    raw = (row.metadata or {}).get("agora_payout_id")
    return ProviderTransfer(
        id=row.id,
        amount=row.amount,
        currency=row.currency,
        amount_reversed=row.amount_reversed,
        destination=row.account_id,
        transfer_group=row.transfer_group,
        payout_id=int(str(raw)) if str(raw or "").isdigit() else None,
        created=row.created_at,
    )


def complete_onboarding(account_id: str) -> ProviderAccount:
    """What the onboarding page's button does: the account can take payouts from now on."""
    updated = DummyConnectAccount.objects.filter(pk=account_id).update(
        details_submitted=True, charges_enabled=True, payouts_enabled=True
    )
    if not updated:
        raise ProviderError(f"no such account: {account_id}")
    return _account(DummyConnectAccount.objects.get(pk=account_id))


class DummyProvider(PayoutProvider):
    name = "dummy"
    payment_gateway = "dummy"

    def account_create(self, *, vendor_id: int, email: str) -> ProviderAccount:
        key = f"agora-vendor-{vendor_id}-account"
        try:
            with transaction.atomic():
                row = DummyConnectAccount.objects.create(id=_id("acct"), email=email, idempotency_key=key)
        except IntegrityError:
            row = DummyConnectAccount.objects.get(idempotency_key=key)
        return _account(row)

    def account_retrieve(self, *, account_id: str) -> ProviderAccount:
        row = DummyConnectAccount.objects.filter(pk=account_id).first()
        if row is None:
            raise ProviderError(f"no such account: {account_id}")
        return _account(row)

    def onboarding_link(self, *, account_id: str, return_url: str, refresh_url: str) -> str:
        origin = urlsplit(return_url)
        return f"{origin.scheme}://{origin.netloc}{ONBOARDING_PATH}?{urlencode({'account': account_id})}"

    def transfer_create(self, request: TransferRequest) -> ProviderTransfer:
        key, currency = request.idempotency_key, request.currency.upper()
        existing = DummyTransfer.objects.filter(idempotency_key=key).first()
        if existing is None:
            account = DummyConnectAccount.objects.filter(pk=request.account_id).first()
            if account is None or not account.payouts_enabled:
                raise TransferRefused(f"account {request.account_id} cannot receive transfers")
            try:
                with transaction.atomic():
                    existing = DummyTransfer.objects.create(
                        id=_id("tr"),
                        account=account,
                        amount=request.amount,
                        currency=currency,
                        idempotency_key=key,
                        transfer_group=request.transfer_group,
                        metadata=dict(request.metadata),
                        created_at=timezone.now(),
                    )
            except IntegrityError:  # the same key sent concurrently: the provider answers the first
                existing = DummyTransfer.objects.get(idempotency_key=key)
        elif (existing.account_id, existing.amount, existing.currency) != (
            request.account_id,
            request.amount,
            currency,
        ):
            raise TransferRefused("idempotency key reused with different parameters")
        # Tests widen the moment between "the provider made the transfer" and "we heard about it".
        delay = float(getattr(settings, "PAYOUT_DUMMY_TRANSFER_DELAY", 0) or 0)
        if delay:
            time.sleep(delay)
        return _transfer(existing)

    def transfer_find(self, *, transfer_group: str) -> ProviderTransfer | None:
        row = DummyTransfer.objects.filter(transfer_group=transfer_group).order_by("created_at").first()
        return _transfer(row) if row else None

    def transfer_reverse(self, *, transfer_id: str, amount: Decimal, idempotency_key: str) -> ProviderTransfer:
        with transaction.atomic():
            row = DummyTransfer.objects.select_for_update().filter(pk=transfer_id).first()
            if row is None:
                raise TransferRefused(f"no such transfer: {transfer_id}")
            if not DummyTransferReversal.objects.filter(idempotency_key=idempotency_key).exists():
                if amount <= 0 or row.amount_reversed + amount > row.amount:
                    raise TransferRefused("the reversal exceeds what is left of the transfer")
                DummyTransferReversal.objects.create(
                    id=_id("trr"),
                    transfer=row,
                    amount=amount,
                    idempotency_key=idempotency_key,
                    created_at=timezone.now(),
                )
                row.amount_reversed += amount
                row.save(update_fields=["amount_reversed"])
        return _transfer(row)

    def transfers(self, *, start: datetime, end: datetime) -> list[ProviderTransfer]:
        return [_transfer(r) for r in DummyTransfer.objects.filter(created_at__gte=start, created_at__lt=end)]

    def balance_transactions(self, *, start: datetime, end: datetime) -> list[BalanceTransaction]:
        txns: list[BalanceTransaction] = []
        payments = Payment.objects.filter(
            gateway=self.payment_gateway, status__in=CAPTURED, order__paid_at__gte=start, order__paid_at__lt=end
        ).select_related("order")
        for p in payments:
            assert p.order.paid_at is not None
            key = payment_key(p.reference, p.pk)
            txns.append(BalanceTransaction(f"txn_{key}", "charge", p.amount, p.currency, key, p.order.paid_at))
        refunds = Refund.objects.filter(
            payment__gateway=self.payment_gateway,
            status=Refund.Status.SUCCEEDED,
            created_at__gte=start,
            created_at__lt=end,
        ).exclude(reference="")
        for r in refunds:
            txns.append(
                BalanceTransaction(f"txn_{r.reference}", "refund", -r.amount, r.currency, r.reference, r.created_at)
            )
        for t in DummyTransfer.objects.filter(created_at__gte=start, created_at__lt=end):
            txns.append(BalanceTransaction(f"txn_{t.id}", "transfer", -t.amount, t.currency, t.id, t.created_at))
        for v in DummyTransferReversal.objects.filter(created_at__gte=start, created_at__lt=end).select_related(
            "transfer"
        ):
            txns.append(
                BalanceTransaction(
                    f"txn_{v.id}", "transfer_refund", v.amount, v.transfer.currency, v.transfer_id, v.created_at
                )
            )
        return txns

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ConnectEvent:
        raise ConnectWebhookRejected("The dummy provider sends no webhooks.")
