from django.urls import path

from agora.payouts import apis

urlpatterns = [
    path("vendor/payout-account/", apis.PayoutAccountApi.as_view(), name="vendor-payout-account"),
    path("vendor/payout-account/dummy-onboarding/", apis.DummyOnboardingApi.as_view(), name="vendor-dummy-onboarding"),
    path("vendor/payouts/", apis.PayoutListApi.as_view(), name="vendor-payouts"),
    path("vendor/payouts/<int:pk>/", apis.PayoutDetailApi.as_view(), name="vendor-payout"),
    path("payouts/stripe/webhook/", apis.ConnectWebhookApi.as_view(), name="stripe-connect-webhook"),
]
