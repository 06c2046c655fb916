"""The orders app's answers to what lower apps announce (agora.core.events), registered in
OrdersConfig.ready(). They run inside the announcing transaction, with the payment row locked
(lock order: payment, then order)."""

from agora.core.events import subscribe
from agora.orders import services
from agora.payments.events import PaymentCanceled, PaymentCaptured, PaymentRefundsChanged


@subscribe(PaymentCaptured)
def on_payment_captured(event: PaymentCaptured) -> str:
    return services.order_payment_captured(order_id=event.order_id)


@subscribe(PaymentCanceled)
def on_payment_canceled(event: PaymentCanceled) -> str:
    return services.order_payment_canceled(order_id=event.order_id)


@subscribe(PaymentRefundsChanged)
def on_payment_refunds_changed(event: PaymentRefundsChanged) -> str:
    return services.order_refunds_changed(
        order_id=event.order_id, amount=event.amount, amount_refunded=event.amount_refunded
    )
