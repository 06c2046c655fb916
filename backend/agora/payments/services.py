"""Payment writes: gateway outcomes, voids and refunds, and the provider's webhooks.

Payments sit below orders (docs/architecture.md): nothing here imports an order. When a payment
changes in a way its order cares about, the change publishes an event (agora.payments.events)
that the orders app applies inside the same transaction.

Lock order, the same on every path that locks both (docs/adr/0002-lock-order.md): the payment
row first, then its order (then sub-orders, products, variants).

Refunds are rows (``Refund``): one we ask for is written ``pending`` under the payment's row lock
— never more than what is left to refund, counting pending ones — then sent with its own
idempotency key; what the provider reports (its answer, webhooks, its refund list) is upserted by
our id (sent as metadata) or the provider's refund id. The payment's ``amount_refunded`` is the
sum of its succeeded refunds, recomputed from the rows on every change.
"""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from agora.core.events import publish
from agora.core.tasks_util import enqueue_on_commit
from agora.payments.errors import InvalidWebhook, NothingToRefund, PaymentNotRefundable
from agora.payments.events import PaymentCanceled, PaymentCaptured, PaymentRefundsChanged, RefundSettled
from agora.payments.gateways import (
    AlreadyCaptured,
    GatewayError,
    GatewayEvent,
    GatewayRefund,
    GatewayResult,
    WebhookRejected,
    get_gateway,
)
from agora.payments.models import Payment, ReceivedEvent, Refund, WebhookEvent

logger = logging.getLogger("agora.payments")
CAPTURED_STATES = {Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED}
ZERO = Decimal("0.00")


# --- payment state ---------------------------------------------------------------------------


def payment_apply_result(*, payment: Payment, result: GatewayResult) -> None:
    """Writes a gateway's answer onto the payment (the caller holds its row lock or just created it)."""
    fields: dict[str, object] = {"status": result.status, "updated_at": timezone.now()}
    if result.reference:
        fields["reference"] = result.reference
    if result.client_secret:
        fields["client_secret"] = result.client_secret
    if result.failure_code or result.failure_message:
        fields["failure_code"], fields["failure_message"] = result.failure_code[:100], result.failure_message[:500]
    Payment.objects.filter(pk=payment.pk).update(**fields)
    for name, value in fields.items():
        setattr(payment, name, value)


def _lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def payment_lock(*, payment_id: int) -> Payment:
    """Locks a payment row inside the caller's transaction. Paths that change an order and refund
    part of it take this first (the lock order: payment, then order)."""
    return _lock(payment_id)


def _captured(payment: Payment) -> str | None:
    """Marks a locked payment captured and tells its order; None if it already was."""
    if payment.status in CAPTURED_STATES:
        return None
    payment_apply_result(payment=payment, result=GatewayResult(Payment.Status.CAPTURED, reference=payment.reference))
    outcomes = publish(PaymentCaptured(payment_id=payment.pk, order_id=payment.order_id))
    if payment.refunds.exists():  # refunds reported before the capture (events out of order)
        _refunds_changed(payment)
    return _first(outcomes, "captured")


def payment_check(*, payment_id: int) -> str:
    """Asks the provider where a waiting payment stands (the expiry does, before cancelling an
    unpaid order: a webhook outage must not cancel what was paid). Returns ``paid`` (captured
    now, the order follows), ``processing`` (the customer paid, the provider is settling),
    ``authorized`` or ``unpaid``. GatewayError when the provider cannot say."""
    payment = Payment.objects.get(pk=payment_id)
    state = get_gateway(payment.gateway).retrieve(payment=payment)
    if state.status == Payment.Status.CAPTURED:
        with transaction.atomic():
            _captured(_lock(payment_id))
        return "paid"
    if state.processing:
        return "processing"
    if state.status == Payment.Status.AUTHORIZED:
        return "authorized"
    return "unpaid"


def payment_release(*, payment_id: int, reason: str = "order closed") -> str:
    """Gives the money of a closed order back: void if not captured, refund what is left if
    captured. Idempotent and safe to retry: gateway calls carry idempotency keys, a void that
    finds the money captured turns into a refund, and refunds never exceed what was captured."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    gateway = get_gateway(payment.gateway)
    if payment.status in (Payment.Status.PENDING, Payment.Status.AUTHORIZED):
        try:
            result = gateway.void(payment=payment)
        except AlreadyCaptured:
            result = GatewayResult(Payment.Status.CAPTURED, reference=payment.reference)
        with transaction.atomic():
            locked = _lock(payment.pk)
            if locked.status == payment.status:
                payment_apply_result(payment=locked, result=result)
            payment = locked
    if payment.status in (Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED):
        try:
            refund = refund_request(payment_id=payment.pk, reason=reason)
        except NothingToRefund:
            return "refunds-pending"
        return f"refund-{refund.status}"
    return payment.status


# --- refunds ---------------------------------------------------------------------------------


def refundable_amount(payment: Payment) -> Decimal:
    """What is left to refund: captured minus refunds that succeeded or are on their way."""
    committed = payment.refunds.filter(status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]).aggregate(
        s=Sum("amount")
    )["s"]
    return payment.amount - (committed or ZERO)


def refund_create(
    *,
    payment_id: int,
    amount: Decimal | None = None,
    reason: str = "",
    vendor_order_id: int | None = None,
    vendor_order_limit: Decimal | None = None,
) -> Refund:
    """Inside the caller's transaction: writes a pending refund of ``amount`` (default: everything
    left) under the payment's row lock — never more than is left of the payment, nor, for a
    sub-order with a ``vendor_order_limit`` (what was captured for it), of that sub-order,
    counting pending refunds — and sends it to the provider after commit. Concurrent refunds of
    one payment queue on its row, so together they can never exceed what was captured."""
    payment = _lock(payment_id)
    if payment.status not in (Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED):
        raise PaymentNotRefundable(details={"payment_status": payment.status})
    left = refundable_amount(payment)
    if vendor_order_id is not None and vendor_order_limit is not None:
        committed = payment.refunds.filter(
            vendor_order_id=vendor_order_id, status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]
        ).aggregate(s=Sum("amount"))["s"]
        left = min(left, vendor_order_limit - (committed or ZERO))
    amount = left if amount is None else amount
    if left <= ZERO or amount <= ZERO or amount > left:
        raise NothingToRefund(details={"refundable": str(max(left, ZERO)), "requested": str(amount)})
    refund = Refund.objects.create(
        payment=payment,
        vendor_order_id=vendor_order_id,
        origin=Refund.Origin.PLATFORM,
        amount=amount,
        currency=payment.currency,
        reason=reason[:200],
    )
    refund_id = refund.pk
    transaction.on_commit(lambda: _send_now_or_later(refund_id))
    return refund


def _send_now_or_later(refund_id: int) -> None:
    try:
        refund_send(refund_id=refund_id)
    except GatewayError:
        logger.warning("refund %s not sent now; the worker sends it again", refund_id)
        from agora.payments.tasks import refund_send as task

        enqueue_on_commit(task, refund_id)  # outside a transaction: sent at once, never raises


def refund_request(
    *, payment_id: int, amount: Decimal | None = None, reason: str = "", vendor_order_id: int | None = None
) -> Refund:
    """Refunds ``amount`` (default: everything left) of a captured payment in a transaction of
    its own, and sends it as soon as that commits (a provider outage leaves the row pending; the
    worker and the re-drive send it again with the same idempotency key)."""
    with transaction.atomic():
        refund = refund_create(payment_id=payment_id, amount=amount, reason=reason, vendor_order_id=vendor_order_id)
    refund.refresh_from_db()
    return refund


def refund_send(*, refund_id: int) -> Refund:
    """Sends a pending refund to the provider (again, after an outage: same idempotency key, so
    the provider returns the refund it already made instead of making a second one)."""
    refund = Refund.objects.select_related("payment__order").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING or refund.reference:
        return refund
    report = get_gateway(refund.payment.gateway).refund(payment=refund.payment, refund=refund)
    with transaction.atomic():
        payment = _lock(refund.payment_id)
        _record(payment, [report], default_refund_id=refund.pk)
    refund.refresh_from_db()
    return refund


def payment_refunds_sync(*, payment_id: int) -> str:
    """Reads every refund the provider holds for the payment and records what we lack (a charge
    event that did not list its refunds, a refund made in the provider's dashboard)."""
    payment = Payment.objects.get(pk=payment_id)
    reports = get_gateway(payment.gateway).refunds(payment=payment)
    with transaction.atomic():
        return _record(_lock(payment_id), reports)


def _upsert(payment: Payment, report: GatewayRefund, default_refund_id: int | None = None) -> bool:
    """Records one refund as the provider reports it; True if anything changed."""
    refund = None
    refund_id = report.refund_id or default_refund_id
    if refund_id:
        refund = payment.refunds.filter(pk=refund_id).first()
    if refund is None and report.reference:
        refund = payment.refunds.filter(reference=report.reference).first()
    if refund is None:
        try:
            with transaction.atomic():
                refund = Refund.objects.create(
                    payment=payment,
                    origin=Refund.Origin.PROVIDER,
                    reference=report.reference,
                    amount=report.amount,
                    currency=report.currency or payment.currency,
                    status=report.status,
                    reason="made at the provider",
                    failure_reason=report.failure_reason,
                )
        except IntegrityError:  # recorded meanwhile by a concurrent delivery: nothing new
            return False
        if refund.status == Refund.Status.SUCCEEDED:
            _announce(payment, refund, succeeded=True)
        return True
    changes: dict[str, object] = {}
    if report.reference and not refund.reference:
        changes["reference"] = report.reference
    # Only forward: a late "pending" never undoes an outcome (a succeeded refund may still fail).
    if report.status != refund.status and not (
        report.status == Refund.Status.PENDING and refund.status != Refund.Status.PENDING
    ):
        changes["status"] = report.status
        changes["failure_reason"] = report.failure_reason
    if report.amount != refund.amount:
        logger.warning("refund %s: provider reports %s, we asked %s", refund.pk, report.amount, refund.amount)
    if changes:
        Refund.objects.filter(pk=refund.pk).update(**changes, updated_at=timezone.now())
        was_succeeded = refund.status == Refund.Status.SUCCEEDED
        now_succeeded = changes.get("status", refund.status) == Refund.Status.SUCCEEDED
        if was_succeeded != now_succeeded:
            _announce(payment, refund, succeeded=now_succeeded)
    return bool(changes)


def _announce(payment: Payment, refund: Refund, *, succeeded: bool) -> None:
    publish(
        RefundSettled(
            refund_id=refund.pk,
            payment_id=payment.pk,
            order_id=payment.order_id,
            vendor_order_id=refund.vendor_order_id,
            amount=refund.amount,
            currency=refund.currency,
            succeeded=succeeded,
        )
    )


def _record(payment: Payment, reports: Iterable[GatewayRefund], default_refund_id: int | None = None) -> str:
    changed = False
    for report in reports:
        changed |= _upsert(payment, report, default_refund_id)
    return _refunds_changed(payment) if changed else "unchanged"


def _refunds_changed(payment: Payment) -> str:
    """Recomputes the locked payment's refunded total and status from its rows and tells the order."""
    total = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(s=Sum("amount"))["s"] or ZERO
    total = min(total, payment.amount)
    if payment.status not in CAPTURED_STATES:
        # Refunds reported before the capture: kept as rows, applied when the capture arrives.
        return "recorded"
    status = (
        Payment.Status.CAPTURED
        if total == ZERO
        else Payment.Status.REFUNDED
        if total >= payment.amount
        else Payment.Status.PARTIALLY_REFUNDED
    )
    if (total, status) == (payment.amount_refunded, payment.status):
        return "unchanged"
    Payment.objects.filter(pk=payment.pk).update(amount_refunded=total, status=status, updated_at=timezone.now())
    payment.amount_refunded, payment.status = total, status
    outcomes = publish(
        PaymentRefundsChanged(
            payment_id=payment.pk, order_id=payment.order_id, amount=payment.amount, amount_refunded=total
        )
    )
    return _first(outcomes, status)


def _first(outcomes: list[object], default: str) -> str:
    return next((o for o in outcomes if isinstance(o, str)), default)


# --- webhooks --------------------------------------------------------------------------------


def webhook_receive(*, gateway_name: str, payload: bytes, headers: Mapping[str, str]) -> str:
    """Verifies and applies one webhook delivery. Returns what it did ("duplicate" for an event id
    seen before). The record and the state change commit together, so a failure is retried by
    the provider as a fresh delivery.

    Events may arrive late, twice or out of order; each handler moves state only forward:
    ``succeeded`` wins over an earlier or later ``payment_failed``; a success for an order that
    was meanwhile closed is refunded (by the order's subscriber); refunds are upserted by id.
    """
    try:
        event = get_gateway(gateway_name).parse_webhook(payload=payload, headers=headers)
    except WebhookRejected as exc:
        logger.warning("rejected %s webhook: %s", gateway_name, exc)
        raise InvalidWebhook() from None
    record = WebhookEvent(gateway=gateway_name, event_id=event.id, type=event.type, payload=event.payload)
    return event_apply_once(record=record, apply=lambda: _apply(gateway_name, event))


def event_apply_once(*, record: ReceivedEvent, apply: Callable[[], str]) -> str:
    """Records a webhook event and applies it in one transaction, so a failure is retried by the
    provider as a fresh delivery. An event id seen before answers "duplicate" and changes nothing;
    otherwise the record keeps what ``apply`` answered."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record.save(force_insert=True)
        except IntegrityError:
            return "duplicate"
        outcome = apply()
        type(record)._default_manager.filter(pk=record.pk).update(outcome=outcome)
    return outcome


def _apply(gateway_name: str, event: GatewayEvent) -> str:
    handler = HANDLERS.get(event.type)
    if handler is None:
        return "ignored"
    payment = (
        Payment.objects.select_for_update().filter(gateway=gateway_name, reference=event.reference).first()
        if event.reference
        else None
    )
    if payment is None:
        return "unknown_payment"
    return handler(payment, event)


def _succeeded(payment: Payment, event: GatewayEvent) -> str:
    return _captured(payment) or "already_captured"


def _payment_failed(payment: Payment, event: GatewayEvent) -> str:
    if payment.status != Payment.Status.PENDING:
        return "stale"
    error = (event.payload.get("data", {}).get("object", {}) or {}).get("last_payment_error") or {}
    # The PaymentIntent stays usable: the customer may retry with another card until the order expires.
    Payment.objects.filter(pk=payment.pk).update(
        failure_code=(error.get("code") or error.get("decline_code") or "payment_failed")[:100],
        failure_message=(error.get("message") or "")[:500],
        updated_at=timezone.now(),
    )
    return "attempt_failed"


def _canceled(payment: Payment, event: GatewayEvent) -> str:
    if payment.status not in (Payment.Status.PENDING, Payment.Status.AUTHORIZED):
        return "stale"
    payment_apply_result(payment=payment, result=GatewayResult(Payment.Status.VOIDED))
    return _first(publish(PaymentCanceled(payment_id=payment.pk, order_id=payment.order_id)), "voided")


def _refunded(payment: Payment, event: GatewayEvent) -> str:
    outcome = _record(payment, event.refunds)
    recorded = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(s=Sum("amount"))["s"] or ZERO
    if event.amount_refunded is not None and event.amount_refunded > recorded:
        # The charge says more was refunded than its event listed (Stripe stopped listing a
        # charge's refunds in its events): ask the provider for the list.
        from agora.payments.tasks import refunds_sync

        enqueue_on_commit(refunds_sync, payment.pk)
        return "syncing_refunds" if outcome in ("unchanged", "recorded") else outcome
    return outcome


HANDLERS = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.canceled": _canceled,
    "charge.refunded": _refunded,
    "charge.refund.updated": _refunded,
    "refund.created": _refunded,
    "refund.updated": _refunded,
    "refund.failed": _refunded,
}


# --- personal data ---------------------------------------------------------------------------

# What a provider's event says about the payer (Stripe: a charge's billing_details, an intent's
# receipt_email and shipping, a failed attempt's payment method with its billing details).
PAYER_FIELDS = frozenset(
    {"billing_details", "receipt_email", "shipping", "customer_details", "email", "name", "phone", "address"}
)


def _without_payer(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: (None if key in PAYER_FIELDS else _without_payer(inner)) for key, inner in value.items()}
    if isinstance(value, list):
        return [_without_payer(inner) for inner in value]
    return value


def webhook_events_erase_payer(*, payment_ids: Sequence[int]) -> int:
    """Erases the payer's details (name, email, phone, addresses) from the stored webhook events
    of these payments (account deletion); the events stay, with their ids, types and amounts.
    Returns how many events it changed."""
    references = list(
        Payment.objects.filter(pk__in=payment_ids).exclude(reference="").values_list("reference", flat=True)
    )
    if not references:
        return 0
    changed = 0
    events = WebhookEvent.objects.select_for_update().filter(
        Q(payload__data__object__id__in=references) | Q(payload__data__object__payment_intent__in=references)
    )
    for event in events.order_by("pk"):
        payload = _without_payer(event.payload)
        if payload != event.payload:
            WebhookEvent.objects.filter(pk=event.pk).update(payload=payload)
            changed += 1
    return changed
