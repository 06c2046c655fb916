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
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from agora.core.metrics import put_metric
from agora.payments.models import Payment, Refund
from agora.payouts.models import Payout, ReconciliationFinding, ReconciliationRun
from agora.payouts.providers import (
    BalanceTransaction,
    PayoutProvider,
    ProviderError,
    ProviderTransfer,
    get_provider,
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


def _finding(
    run: ReconciliationRun,
    kind: str,
    subject: str,
    *,
    reference: str,
    object_id: int | None = None,
    ours: Decimal | None = None,
    theirs: Decimal | None = None,
    currency: str = "",
    detail: str = "",
) -> ReconciliationFinding:
    return ReconciliationFinding(
        run=run,
        kind=kind,
        subject=subject,
        reference=reference,
        object_id=object_id,
        our_amount=ours,
        provider_amount=theirs,
        currency=currency,
        detail=detail[:500],
    )


def _payments(
    run: ReconciliationRun, provider: PayoutProvider, txns: list[BalanceTransaction], out: list[ReconciliationFinding]
) -> int:
    charges: dict[str, BalanceTransaction] = {t.source: t for t in txns if t.type == "charge" and t.source}
    ours = list(
        Payment.objects.filter(
            gateway=provider.payment_gateway,
            status__in=CAPTURED,
            order__paid_at__gte=run.period_start,
            order__paid_at__lt=run.period_end,
        ).only("pk", "reference", "amount", "currency")
    )
    for p in ours:
        t = charges.get(payment_key(p.reference, p.pk))
        if t is None:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_AT_PROVIDER,
                    Subject.PAYMENT,
                    reference=payment_key(p.reference, p.pk),
                    object_id=p.pk,
                    ours=p.amount,
                    currency=p.currency,
                    detail="captured here, no charge at the provider",
                )
            )
        elif t.amount != p.amount or t.currency != p.currency:
            out.append(
                _finding(
                    run,
                    Kind.AMOUNT_MISMATCH,
                    Subject.PAYMENT,
                    reference=payment_key(p.reference, p.pk),
                    object_id=p.pk,
                    ours=p.amount,
                    theirs=t.amount,
                    currency=p.currency,
                    detail=f"charge {t.id}: {t.amount} {t.currency} at the provider",
                )
            )
    in_period = {ref: t for ref, t in charges.items() if _within(run, t.created)}
    stand_ins = [int(ref.rsplit("-", 1)[1]) for ref in in_period if ref.startswith("agora-payment-")]
    known = {
        payment_key(ref, pk)
        for ref, pk in Payment.objects.filter(
            Q(reference__in=list(in_period)) | Q(pk__in=stand_ins), gateway=provider.payment_gateway
        ).values_list("reference", "pk")
    }
    for ref, t in in_period.items():
        if ref not in known:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_IN_LEDGER,
                    Subject.PAYMENT,
                    reference=ref,
                    theirs=t.amount,
                    currency=t.currency,
                    detail=f"charge {t.id} at the provider, no payment here",
                )
            )
    return len(ours)


def _refunds(
    run: ReconciliationRun, provider: PayoutProvider, txns: list[BalanceTransaction], out: list[ReconciliationFinding]
) -> int:
    theirs: dict[str, BalanceTransaction] = {t.source: t for t in txns if t.type == "refund" and t.source}
    ours = list(
        Refund.objects.filter(
            payment__gateway=provider.payment_gateway,
            status=Refund.Status.SUCCEEDED,
            created_at__gte=run.period_start,
            created_at__lt=run.period_end,
        ).only("pk", "reference", "amount", "currency")
    )
    for r in ours:
        t = theirs.get(r.reference) if r.reference else None
        if t is None:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_AT_PROVIDER,
                    Subject.REFUND,
                    reference=r.reference,
                    object_id=r.pk,
                    ours=r.amount,
                    currency=r.currency,
                    detail="refunded here, no refund at the provider",
                )
            )
        elif -t.amount != r.amount or t.currency != r.currency:
            out.append(
                _finding(
                    run,
                    Kind.AMOUNT_MISMATCH,
                    Subject.REFUND,
                    reference=r.reference,
                    object_id=r.pk,
                    ours=r.amount,
                    theirs=-t.amount,
                    currency=r.currency,
                    detail=f"refund {t.id}: {-t.amount} {t.currency} at the provider",
                )
            )
    in_period = {ref: t for ref, t in theirs.items() if _within(run, t.created)}
    known = set(
        Refund.objects.filter(payment__gateway=provider.payment_gateway, reference__in=list(in_period)).values_list(
            "reference", flat=True
        )
    )
    for ref, t in in_period.items():
        if ref not in known:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_IN_LEDGER,
                    Subject.REFUND,
                    reference=ref,
                    theirs=-t.amount,
                    currency=t.currency,
                    detail=f"refund {t.id} at the provider, none here",
                )
            )
    return len(ours)


def _payouts(
    run: ReconciliationRun,
    provider: PayoutProvider,
    transfers: list[ProviderTransfer],
    out: list[ReconciliationFinding],
) -> int:
    by_id = {t.id: t for t in transfers}
    by_payout = {t.payout_id: t for t in transfers if t.payout_id is not None}
    ours = list(
        Payout.objects.filter(
            provider=provider.name,
            created_at__gte=run.period_start,
            created_at__lt=run.period_end,
        ).exclude(status=Payout.Status.FAILED)
    )
    for p in ours:
        t = by_id.get(p.transfer_id) if p.transfer_id else by_payout.get(p.pk)
        if t is None:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_AT_PROVIDER,
                    Subject.PAYOUT,
                    reference=p.transfer_id,
                    object_id=p.pk,
                    ours=p.amount,
                    currency=p.currency,
                    detail=f"payout {p.status} here, no transfer at the provider",
                )
            )
            continue
        if not p.transfer_id:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_IN_LEDGER,
                    Subject.PAYOUT,
                    reference=t.id,
                    object_id=p.pk,
                    ours=p.amount,
                    theirs=t.amount,
                    currency=t.currency,
                    detail="the provider made the transfer; the payout here still waits for it",
                )
            )
        if t.amount != p.amount or t.currency != p.currency:
            out.append(
                _finding(
                    run,
                    Kind.AMOUNT_MISMATCH,
                    Subject.PAYOUT,
                    reference=t.id,
                    object_id=p.pk,
                    ours=p.amount,
                    theirs=t.amount,
                    currency=p.currency,
                    detail="transfer amount differs",
                )
            )
        elif t.amount_reversed != p.amount_reversed:
            out.append(
                _finding(
                    run,
                    Kind.AMOUNT_MISMATCH,
                    Subject.PAYOUT,
                    reference=t.id,
                    object_id=p.pk,
                    ours=p.amount_reversed,
                    theirs=t.amount_reversed,
                    currency=p.currency,
                    detail="reversed amount differs",
                )
            )
    in_period = [t for t in transfers if _within(run, t.created)]
    # A transfer for a payout recorded as failed is money that left without our books knowing.
    booked = Payout.objects.exclude(status=Payout.Status.FAILED)
    known_ids = set(booked.filter(transfer_id__in=[t.id for t in in_period]).values_list("transfer_id", flat=True))
    known_payouts = set(
        booked.filter(pk__in=[t.payout_id for t in in_period if t.payout_id]).values_list("pk", flat=True)
    )
    for t in in_period:
        if t.id not in known_ids and t.payout_id not in known_payouts:
            out.append(
                _finding(
                    run,
                    Kind.MISSING_IN_LEDGER,
                    Subject.PAYOUT,
                    reference=t.id,
                    theirs=t.amount,
                    currency=t.currency,
                    detail=f"transfer to {t.destination} at the provider, no payout here",
                )
            )
    return len(ours)
