import pytest

from agora.orders.tests.conftest import sent_tasks  # noqa: F401 - shared fixture
from agora.payments.tests.stripe_fake import WEBHOOK_SECRET, FakeStripeAPI


@pytest.fixture
def stripe_api(settings, monkeypatch) -> FakeStripeAPI:
    settings.PAYMENT_METHODS = ["dummy", "stripe"]
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripeAPI()
    monkeypatch.setattr("agora.payments.gateways.stripe.HTTP_CLIENT", fake)
    return fake
