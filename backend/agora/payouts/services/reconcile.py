"""Reconciliation: our money rows against the provider's books, for a period.

For each period we compare, by identity (never by date alone, so an item booked a second
before midnight on one side and after it on the other is not a difference):

* payments captured in the period (order paid) with the provider's charge balance transactions,
* succeeded refunds created in the period with its refund balance transactions,
* payouts made in the period with its transfers (amount, and what was reversed),

and the provider's charges, refunds and transfers of the period with our rows of any date.
Provider data is read for the period widened by a day on each side. Every difference becomes a
ReconciliationFinding (missing at the provider, missing in our books, amount mismatch) on the
run; a run without any is recorded as clean. Findings raise the alarm: an ERROR log line with a
stable message and the ``ReconciliationFindings`` CloudWatch metric (alarmed in Terraform).
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from agora.core.metrics import put_metric
from agora.payments.models import Payment, Refund
from agora.payouts.models import Payout, ReconciliationFinding, ReconciliationRun
from agora.payouts.providers import get_provider
from agora.payouts.providers.base import (
    BalanceTransaction,
    PayoutProvider,
    ProviderError,
    ProviderTransfer,
    payment_key,
)

logger = logging.getLogger("agora.payouts.reconcile")
ALARM_MESSAGE = "ledger reconciliation found differences with the payout provider"
FAILED_MESSAGE = "ledger reconciliation could not read the payout provider"
METRIC_NAME = "ReconciliationFindings"
MARGIN = timedelta(days=1)
CAPTURED = (Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)
Kind = ReconciliationFinding.Kind
Subject = ReconciliationFinding.Subject


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def reconcile(*, start: datetime, end: datetime, provider: PayoutProvider | None = None) -> ReconciliationRun:
    provider = provider or get_provider()
    run = ReconciliationRun.objects.create(provider=provider.name, period_start=start, period_end=end)
    try:
        txns = provider.balance_transactions(start=start - MARGIN, end=end + MARGIN)
        transfers = provider.transfers(start=start - MARGIN, end=end + MARGIN)
    except ProviderError as exc:
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=ReconciliationRun.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        logger.error("%s: %s (run %s)", FAILED_MESSAGE, exc, run.pk)
        put_metric(METRIC_NAME, 1)
        run.refresh_from_db()
        return run
    findings: list[ReconciliationFinding] = []
    payments = _payments(run, provider, txns, findings)
    refunds = _refunds(run, provider, txns, findings)
    payouts = _payouts(run, provider, transfers, findings)
    ReconciliationFinding.objects.bulk_create(findings)
    status = ReconciliationRun.Status.FINDINGS if findings else ReconciliationRun.Status.CLEAN
    ReconciliationRun.objects.filter(pk=run.pk).update(
        status=status,
        payments_checked=payments,
        refunds_checked=refunds,
        payouts_checked=payouts,
        finding_count=len(findings),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    if findings:
        logger.error(
            "%s: %s finding(s) for %s..%s (run %s)", ALARM_MESSAGE, len(findings), start.date(), end.date(), run.pk
        )
    put_metric(METRIC_NAME, len(findings))
    return run


def _within(run: ReconciliationRun, when: datetime) -> bool:
    return run.period_start <= when < run.period_end


@dataclass(frozen=True)
class Ours:
    """One of our money rows, as the reconciler compares it."""

    reference: str  # what the provider knows it by; "" while we have not heard back
    pk: int
    amount: Decimal
    currency: str
    reversed: Decimal = Decimal(0)  # how much of it was taken back (transfers)
    status: str = ""


@dataclass(frozen=True)
class Theirs:
    """One item of the provider's books, signed as our rows are."""

    reference: str  # what our rows know it by
    id: str  # the provider's own id
    amount: Decimal
    currency: str
    created: datetime
    reversed: Decimal = Decimal(0)
    destination: str = ""


@dataclass(frozen=True)
class Wording:
    """What a subject's findings say; ``{o}`` is our row, ``{t}`` the provider's item."""

    subject: str
    missing_at_provider: str
    amount_mismatch: str
    missing_in_ledger: str
    # Matched, though our row does not know the provider's id yet (a payout whose answer was lost).
    not_recorded: str = ""


PAYMENTS = Wording(
    Subject.PAYMENT,
    missing_at_provider="captured here, no charge at the provider",
    amount_mismatch="charge {t.id}: {t.amount} {t.currency} at the provider",
    missing_in_ledger="charge {t.id} at the provider, no payment here",
)
REFUNDS = Wording(
    Subject.REFUND,
    missing_at_provider="refunded here, no refund at the provider",
    amount_mismatch="refund {t.id}: {t.amount} {t.currency} at the provider",
    missing_in_ledger="refund {t.id} at the provider, none here",
)
PAYOUTS = Wording(
    Subject.PAYOUT,
    missing_at_provider="payout {o.status} here, no transfer at the provider",
    amount_mismatch="transfer amount differs",
    missing_in_ledger="transfer to {t.destination} at the provider, no payout here",
    not_recorded="the provider made the transfer; the payout here still waits for it",
)


def _compare(
    run: ReconciliationRun,
    wording: Wording,
    ours: list[Ours],
    match: Callable[[Ours], Theirs | None],
    unknown: Iterable[Theirs],
    out: list[ReconciliationFinding],
) -> int:
    """Each of our rows against the provider's item it ``match``es, then the provider's items of
    the period none of our rows knows. Answers how many of our rows were checked."""

    def add(
        kind: str,
        reference: str,
        currency: str,
        detail: str,
        object_id: int | None = None,
        our_amount: Decimal | None = None,
        provider_amount: Decimal | None = None,
    ) -> None:
        out.append(
            ReconciliationFinding(
                run=run,
                kind=kind,
                subject=wording.subject,
                reference=reference,
                object_id=object_id,
                our_amount=our_amount,
                provider_amount=provider_amount,
                currency=currency,
                detail=detail[:500],
            )
        )

    for o in ours:
        t = match(o)
        if t is None:
            detail = wording.missing_at_provider.format(o=o)
            add(Kind.MISSING_AT_PROVIDER, o.reference, o.currency, detail, o.pk, o.amount)
            continue
        for kind, currency, detail, our_amount, provider_amount in _differences(wording, o, t):
            add(kind, t.reference, currency, detail, o.pk, our_amount, provider_amount)
    for t in unknown:
        detail = wording.missing_in_ledger.format(t=t)
        add(Kind.MISSING_IN_LEDGER, t.reference, t.currency, detail, None, None, t.amount)
    return len(ours)


def _differences(wording: Wording, o: Ours, t: Theirs) -> Iterator[tuple[str, str, str, Decimal, Decimal]]:
    """What differs between our row and the provider's item it matched: (kind, currency, detail,
    our amount, the provider's)."""
    if not o.reference:
        yield Kind.MISSING_IN_LEDGER, t.currency, wording.not_recorded, o.amount, t.amount
    if t.amount != o.amount or t.currency != o.currency:
        yield Kind.AMOUNT_MISMATCH, o.currency, wording.amount_mismatch.format(t=t), o.amount, t.amount
    elif t.reversed != o.reversed:
        yield Kind.AMOUNT_MISMATCH, o.currency, "reversed amount differs", o.reversed, t.reversed


def _balance(txn: BalanceTransaction, sign: int = 1) -> Theirs:
    return Theirs(txn.source, txn.id, sign * txn.amount, txn.currency, txn.created)


def _payments(
    run: ReconciliationRun, provider: PayoutProvider, txns: list[BalanceTransaction], out: list[ReconciliationFinding]
) -> int:
    charges = {t.source: _balance(t) for t in txns if t.type == "charge" and t.source}
    ours = [
        Ours(payment_key(p.reference, p.pk), p.pk, p.amount, p.currency)
        for p in Payment.objects.filter(
            gateway=provider.payment_gateway,
            status__in=CAPTURED,
            order__paid_at__gte=run.period_start,
            order__paid_at__lt=run.period_end,
        ).only("pk", "reference", "amount", "currency")
    ]
    recent = [t for t in charges.values() if _within(run, t.created)]
    stand_ins = [int(t.reference.rsplit("-", 1)[1]) for t in recent if t.reference.startswith("agora-payment-")]
    known = {
        payment_key(ref, pk)
        for ref, pk in Payment.objects.filter(
            Q(reference__in=[t.reference for t in recent]) | Q(pk__in=stand_ins), gateway=provider.payment_gateway
        ).values_list("reference", "pk")
    }
    unknown = [t for t in recent if t.reference not in known]
    return _compare(run, PAYMENTS, ours, lambda o: charges.get(o.reference), unknown, out)


def _refunds(
    run: ReconciliationRun, provider: PayoutProvider, txns: list[BalanceTransaction], out: list[ReconciliationFinding]
) -> int:
    # The provider books a refund as money leaving the balance; our rows hold it as a positive amount.
    refunds = {t.source: _balance(t, sign=-1) for t in txns if t.type == "refund" and t.source}
    ours = [
        Ours(r.reference, r.pk, r.amount, r.currency)
        for r in Refund.objects.filter(
            payment__gateway=provider.payment_gateway,
            status=Refund.Status.SUCCEEDED,
            created_at__gte=run.period_start,
            created_at__lt=run.period_end,
        ).only("pk", "reference", "amount", "currency")
    ]
    recent = [t for t in refunds.values() if _within(run, t.created)]
    known = set(
        Refund.objects.filter(
            payment__gateway=provider.payment_gateway, reference__in=[t.reference for t in recent]
        ).values_list("reference", flat=True)
    )
    unknown = [t for t in recent if t.reference not in known]
    return _compare(run, REFUNDS, ours, lambda o: refunds.get(o.reference), unknown, out)


def _transfer(t: ProviderTransfer) -> Theirs:
    return Theirs(t.id, t.id, t.amount, t.currency, t.created, t.amount_reversed, t.destination)


def _payouts(
    run: ReconciliationRun,
    provider: PayoutProvider,
    transfers: list[ProviderTransfer],
    out: list[ReconciliationFinding],
) -> int:
    by_id = {t.id: _transfer(t) for t in transfers}
    by_payout = {t.payout_id: _transfer(t) for t in transfers if t.payout_id is not None}
    ours = [
        Ours(p.transfer_id, p.pk, p.amount, p.currency, p.amount_reversed, p.status)
        for p in Payout.objects.filter(
            provider=provider.name,
            created_at__gte=run.period_start,
            created_at__lt=run.period_end,
        ).exclude(status=Payout.Status.FAILED)
    ]
    recent = [t for t in transfers if _within(run, t.created)]
    # A transfer for a payout recorded as failed is money that left without our books knowing.
    booked = Payout.objects.exclude(status=Payout.Status.FAILED)
    known_ids = set(booked.filter(transfer_id__in=[t.id for t in recent]).values_list("transfer_id", flat=True))
    known_payouts = set(booked.filter(pk__in=[t.payout_id for t in recent if t.payout_id]).values_list("pk", flat=True))
    unknown = [_transfer(t) for t in recent if t.id not in known_ids and t.payout_id not in known_payouts]

    def match(o: Ours) -> Theirs | None:
        # Matched by the transfer's id once we know it, else by the payout id in its metadata.
        return by_id.get(o.reference) if o.reference else by_payout.get(o.pk)

    return _compare(run, PAYOUTS, ours, match, unknown, out)
