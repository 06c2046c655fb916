from django.urls import path

from agora.payments import apis

urlpatterns = [
    path("payments/stripe/webhook/", apis.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("payment-methods/", apis.PaymentMethodListApi.as_view(), name="payment-methods"),
]
