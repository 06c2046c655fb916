"""Payout writes: connected accounts, payout runs and transfers, reversals, holds, webhooks.

A payout is written in one transaction with the ledger entries it covers (PayoutItem, one per
entry: an entry is never paid twice) and its own - ledger entry; the transfer is sent after
commit, keyed by the entries it covers. A worker killed while sending leaves the payout pending:
the task is redelivered or re-driven, looks for a transfer made for the payout first, and sends
again with the same key, so the provider makes each transfer exactly once.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from agora.core.money import ZERO, money
from agora.core.tasks_util import enqueue_on_commit
from agora.ledger import services as ledger
from agora.ledger.models import LedgerEntry
from agora.payments.services import event_apply_once
from agora.payouts.errors import (
    AlreadyOnHold,
    HoldReasonRequired,
    InvalidConnectWebhook,
    PayoutAccountNotFound,
    PayoutNotReversible,
    PayoutProviderUnavailable,
)
from agora.payouts.models import Payout, PayoutAccount, PayoutHold, PayoutItem, ProviderEvent
from agora.payouts.providers import get_provider
from agora.payouts.providers.base import (
    ConnectEvent,
    ConnectWebhookRejected,
    ProviderAccount,
    ProviderError,
    ProviderTransfer,
    TransferRefused,
    TransferRequest,
)
from agora.vendors.models import Vendor

logger = logging.getLogger("agora.payouts")


# --- connected accounts ------------------------------------------------------------------------


def payout_account_connect(*, vendor: Vendor, return_url: str, refresh_url: str) -> tuple[PayoutAccount, str]:
    """The vendor's connected account (created at the provider the first time, keyed by the
    vendor) and a fresh onboarding link: the vendor finishes onboarding at the provider, which
    then tells us (``account.updated``) whether payouts are enabled."""
    provider = get_provider()
    try:
        account = PayoutAccount.objects.filter(vendor=vendor).first()
        if account is None:
            remote = provider.account_create(vendor_id=vendor.pk, email=vendor.contact_email)
            with transaction.atomic():
                account, _ = PayoutAccount.objects.get_or_create(
                    vendor=vendor, defaults={"provider": provider.name, "account_id": remote.id}
                )
            _apply_account(account, remote)
        url = provider.onboarding_link(account_id=account.account_id, return_url=return_url, refresh_url=refresh_url)
    except (ProviderError, TransferRefused) as exc:
        logger.warning("payout account for vendor %s not connected now: %s", vendor.pk, exc)
        raise PayoutProviderUnavailable() from exc
    return account, url


def _apply_account(account: PayoutAccount, remote: ProviderAccount) -> bool:
    flags = {
        "details_submitted": remote.details_submitted,
        "charges_enabled": remote.charges_enabled,
        "payouts_enabled": remote.payouts_enabled,
    }
    if all(getattr(account, k) == v for k, v in flags.items()):
        return False
    PayoutAccount.objects.filter(pk=account.pk).update(**flags, updated_at=timezone.now())
    for k, v in flags.items():
        setattr(account, k, v)
    return True


def payout_account_updated(*, remote: ProviderAccount) -> str:
    """``account.updated``: records what the provider says the account may do now."""
    account = PayoutAccount.objects.filter(account_id=remote.id).first()
    if account is None:
        return "unknown_account"
    return "updated" if _apply_account(account, remote) else "unchanged"


def dummy_onboarding_complete(*, vendor: Vendor, account_id: str) -> PayoutAccount:
    """The dummy provider's onboarding page: completes the caller's own account, then records it
    as an ``account.updated`` from the provider would."""
    from agora.payouts.providers.dummy import complete_onboarding

    account = PayoutAccount.objects.filter(vendor=vendor, account_id=account_id, provider="dummy").first()
    if account is None:
        raise PayoutAccountNotFound()
    payout_account_updated(remote=complete_onboarding(account_id))
    account.refresh_from_db()
    return account


# --- holds -------------------------------------------------------------------------------------


def hold_place(*, vendor: Vendor, reason: str, created_by_id: int) -> PayoutHold:
    reason = (reason or "").strip()
    if not reason:
        raise HoldReasonRequired()
    try:
        with transaction.atomic():
            return PayoutHold.objects.create(vendor=vendor, reason=reason[:500], created_by_id=created_by_id)
    except IntegrityError:
        raise AlreadyOnHold() from None


def hold_release(*, vendor: Vendor, released_by_id: int, note: str = "") -> int:
    return PayoutHold.objects.filter(vendor=vendor, released_at__isnull=True).update(
        released_at=timezone.now(), released_by_id=released_by_id, release_note=(note or "").strip()[:500]
    )


# --- payout runs -------------------------------------------------------------------------------


@dataclass
class RunResult:
    created: list[int] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    redriven: int = 0

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _due(account: PayoutAccount, last: datetime | None, now: datetime) -> bool:
    """Daily: once per (UTC) day; weekly: on the anchor weekday, once."""
    if last is not None and last.date() >= now.date():
        return False
    if account.schedule == PayoutAccount.Schedule.WEEKLY:
        return now.weekday() == account.weekly_anchor
    return True


def _not_payable(account: PayoutAccount, on_hold: set[int], now: datetime) -> str | None:
    """Why the vendor of ``account`` is not paid in this run, if it is not."""
    if not account.payouts_enabled:
        return "account_not_enabled"
    if account.vendor.status != Vendor.Status.APPROVED:
        return "vendor_not_approved"
    if account.vendor_id in on_hold:
        return "on_hold"
    last = Payout.objects.filter(vendor_id=account.vendor_id).order_by("-as_of").values_list("as_of", flat=True).first()
    return None if _due(account, last, now) else "not_due"


def payable_entries(*, vendor_id: int, currency: str, now: datetime) -> QuerySet[LedgerEntry]:
    """Entries available at ``now`` that no payout covered yet (payouts themselves aside): their
    sum is the vendor's available balance — negative when refunds after a payout exceed new sales."""
    return LedgerEntry.objects.filter(
        vendor_id=vendor_id, currency=currency, available_at__lte=now, payout_item__isnull=True
    ).exclude(type=LedgerEntry.Type.PAYOUT)


def payouts_run(
    *, now: datetime | None = None, vendor_ids: list[int] | None = None, send_now: bool = False
) -> RunResult:
    """Pays every due vendor's available balance, one payout per currency. Skips vendors without
    an enabled payout account, not approved, on hold, not due by their schedule, or below
    PAYOUT_MINIMUM_AMOUNT, or with nothing to pay (a balance of zero or less): their balance is
    carried forward. A payout that cannot be written (a database error) is rolled back, logged
    and skipped as "failed": the run goes on with the other vendors, and the next one tries
    again. Then re-drives payouts still pending after PAYOUT_REDRIVE_AFTER_SECONDS.
    ``send_now`` sends the transfers in this process (the management command) instead of
    queueing them for the worker (beat)."""
    now = now or timezone.now()
    result = RunResult()
    accounts = PayoutAccount.objects.select_related("vendor").order_by("vendor_id")
    if vendor_ids is not None:
        accounts = accounts.filter(vendor_id__in=vendor_ids)
    on_hold = set(PayoutHold.objects.filter(released_at__isnull=True).values_list("vendor_id", flat=True))
    for account in accounts:
        reason = _not_payable(account, on_hold, now)
        if reason:
            result.skip(reason)
            continue
        currencies = (
            LedgerEntry.objects.filter(vendor_id=account.vendor_id)
            .order_by("currency")
            .values_list("currency", flat=True)
            .distinct()
        )
        for currency in sorted(currencies):
            try:
                payout = payout_create(account=account, currency=currency, now=now, enqueue=not send_now)
            except DatabaseError:  # one vendor's payout must not stop the run for the vendors after it
                logger.exception(
                    "payout to vendor %s in %s not written; its balance waits for the next run",
                    account.vendor_id,
                    currency,
                )
                result.skip("failed")
                continue
            if payout is None:
                result.skip("below_minimum")
            else:
                result.created.append(payout.pk)
    if send_now:
        for pk in result.created:
            try:
                payout_send(payout_id=pk)
            except ProviderError as exc:
                logger.warning("payout %s not sent now (%s); the next run sends it again", pk, exc)
    # By the real clock: a payout written a moment ago by this very run is not stuck.
    result.redriven = payouts_redrive()
    return result


def payout_create(*, account: PayoutAccount, currency: str, now: datetime, enqueue: bool = True) -> Payout | None:
    """One payout of what is payable now, or None below the minimum or when the balance is zero
    or less (a payout is never of nothing, nor negative). The vendor's account row
    is locked, so two runs at once cannot pay the same entries (and the unique PayoutItem.entry
    would refuse the second anyway)."""
    with transaction.atomic():
        PayoutAccount.objects.select_for_update().get(pk=account.pk)
        entries = list(
            payable_entries(vendor_id=account.vendor_id, currency=currency, now=now)
            .order_by("pk")
            .values_list("pk", "amount")
        )
        amount = money(sum((a for _, a in entries), ZERO))
        if not entries or amount <= ZERO or amount < Decimal(settings.PAYOUT_MINIMUM_AMOUNT):
            return None
        digest = hashlib.sha256(",".join(str(pk) for pk, _ in entries).encode()).hexdigest()[:40]
        payout = Payout.objects.create(
            vendor_id=account.vendor_id,
            currency=currency,
            amount=amount,
            provider=account.provider,
            account_id=account.account_id,
            idempotency_key=f"agora-payout-{account.vendor_id}-{digest}",
            as_of=now,
        )
        PayoutItem.objects.bulk_create([PayoutItem(payout=payout, entry_id=pk, amount=a) for pk, a in entries])
        ledger.payout_post(vendor_id=account.vendor_id, payout_id=payout.pk, amount=amount, currency=currency, at=now)
        if enqueue:
            from agora.payouts.tasks import payout_send as task

            enqueue_on_commit(task, payout.pk)
    logger.info(
        "payout %s: %s %s to vendor %s (%s entries)", payout.pk, amount, currency, account.vendor_id, len(entries)
    )
    return payout


def payouts_redrive(*, now: datetime | None = None) -> int:
    """Re-queues payouts still pending after PAYOUT_REDRIVE_AFTER_SECONDS (a lost task, a worker
    killed mid-transfer, a provider outage): the send is idempotent."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.PAYOUT_REDRIVE_AFTER_SECONDS)
    from agora.payouts.tasks import payout_send as task

    ids = list(
        Payout.objects.filter(status=Payout.Status.PENDING, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        enqueue_on_commit(task, pk)
    return len(ids)


def payout_send(*, payout_id: int) -> str:
    """Sends a pending payout's transfer. After a first attempt it first asks the provider for a
    transfer already made for this payout (the answer was lost, or the idempotency key expired),
    then sends with the same key. ProviderError propagates (the task retries); a refusal fails
    the payout and gives its amount back to the balance."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        return payout.status
    tried_before = payout.attempts > 0
    Payout.objects.filter(pk=payout.pk).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    provider = get_provider(payout.provider)
    try:
        transfer = provider.transfer_find(transfer_group=payout.transfer_group) if tried_before else None
        if transfer is None:
            request = TransferRequest(
                account_id=payout.account_id,
                amount=payout.amount,
                currency=payout.currency,
                idempotency_key=payout.idempotency_key,
                transfer_group=payout.transfer_group,
                metadata={"agora_payout_id": str(payout.pk), "agora_vendor_id": str(payout.vendor_id)},
            )
            transfer = provider.transfer_create(request)
    except TransferRefused as exc:
        return _payout_failed(payout.pk, str(exc))
    return _payout_paid(payout.pk, transfer)


def _payout_paid(payout_id: int, transfer: ProviderTransfer) -> str:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status == Payout.Status.PENDING:
            Payout.objects.filter(pk=payout.pk).update(
                status=Payout.Status.PAID, transfer_id=transfer.id, sent_at=timezone.now(), updated_at=timezone.now()
            )
            payout.status, payout.transfer_id = Payout.Status.PAID, transfer.id
        _sync_reversal(payout, transfer.amount_reversed)
    return "paid"


def _payout_failed(payout_id: int, reason: str) -> str:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.PENDING:
            return payout.status
        Payout.objects.filter(pk=payout.pk).update(
            status=Payout.Status.FAILED, failure_reason=reason[:500], updated_at=timezone.now()
        )
        ledger.payout_reversal_post(
            vendor_id=payout.vendor_id,
            payout_id=payout.pk,
            amount=payout.amount,
            currency=payout.currency,
            reason=f"transfer refused: {reason}",
        )
    logger.warning("payout %s failed: %s", payout_id, reason)
    return "failed"


def _sync_reversal(payout: Payout, reversed_total: Decimal) -> None:
    """The locked payout's reversed amount follows the provider's: the newly reversed part goes
    back to the vendor's balance (a payout_reversal entry), once."""
    reversed_total = min(reversed_total, payout.amount)
    delta = reversed_total - payout.amount_reversed
    if delta <= ZERO:
        return
    status = Payout.Status.REVERSED if reversed_total >= payout.amount else payout.status
    Payout.objects.filter(pk=payout.pk).update(amount_reversed=reversed_total, status=status, updated_at=timezone.now())
    ledger.payout_reversal_post(
        vendor_id=payout.vendor_id,
        payout_id=payout.pk,
        amount=delta,
        currency=payout.currency,
        reason="transfer reversed at the provider",
    )
    payout.amount_reversed, payout.status = reversed_total, status


def payout_reverse(*, payout_id: int, amount: Decimal | None = None) -> Payout:
    """Staff take (part of) a paid payout back from the vendor's connected account; the amount
    returns to the vendor's balance and is paid again by a later payout."""
    payout = Payout.objects.get(pk=payout_id)
    left = payout.amount - payout.amount_reversed
    amount = left if amount is None else money(amount)
    if payout.status != Payout.Status.PAID or not payout.transfer_id or amount <= ZERO or amount > left:
        raise PayoutNotReversible(details={"status": payout.status, "reversible": str(left)})
    key = f"agora-payout-{payout.pk}-reversal-{payout.amount_reversed + amount}"
    try:
        transfer = get_provider(payout.provider).transfer_reverse(
            transfer_id=payout.transfer_id, amount=amount, idempotency_key=key
        )
    except TransferRefused as exc:
        raise PayoutNotReversible(str(exc)) from exc
    except ProviderError as exc:
        raise PayoutProviderUnavailable() from exc
    with transaction.atomic():
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        _sync_reversal(locked, transfer.amount_reversed)
    return Payout.objects.get(pk=payout.pk)


def transfer_updated(*, transfer: ProviderTransfer) -> str:
    """``transfer.created`` / ``transfer.updated`` / ``transfer.reversed``: a pending payout whose
    answer we never heard becomes paid; a reversal made at the provider reaches the ledger."""
    query = Payout.objects.filter(transfer_id=transfer.id)
    if transfer.payout_id is not None:
        query = query | Payout.objects.filter(pk=transfer.payout_id)
    payout = query.order_by("pk").first()
    if payout is None:
        return "unknown_transfer"
    if payout.status == Payout.Status.PENDING:
        return _payout_paid(payout.pk, transfer)
    with transaction.atomic():
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        before = locked.amount_reversed
        _sync_reversal(locked, transfer.amount_reversed)
    return "reversed" if locked.amount_reversed != before else "unchanged"


# --- webhooks ----------------------------------------------------------------------------------


def webhook_receive(*, payload: bytes, headers: dict[str, str]) -> str:
    """A Connect webhook: verified, recorded once per event id, applied in the same transaction."""
    provider = get_provider()
    try:
        event = provider.parse_webhook(payload=payload, headers=headers)
    except ConnectWebhookRejected as exc:
        logger.warning("rejected %s connect webhook: %s", provider.name, exc)
        raise InvalidConnectWebhook() from None
    record = ProviderEvent(provider=provider.name, event_id=event.id, type=event.type, payload=event.payload)
    return event_apply_once(record=record, apply=lambda: _apply(event))


def _apply(event: ConnectEvent) -> str:
    if event.type == "account.updated" and event.account is not None:
        return payout_account_updated(remote=event.account)
    if event.type.startswith("transfer.") and event.transfer is not None:
        return transfer_updated(transfer=event.transfer)
    return "ignored"
