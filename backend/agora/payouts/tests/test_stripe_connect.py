"""Stripe Connect through the official library against its faked HTTP API: accounts and
onboarding links, transfers with idempotency keys, and the Connect webhooks."""

from decimal import Decimal

import pytest
import stripe

from agora.ledger.models import LedgerEntry
from agora.payouts.models import Payout, PayoutAccount, ProviderEvent
from agora.payouts.services import payouts_run
from agora.payouts.tests.connect_fake import CONNECT_WEBHOOK_SECRET
from agora.payouts.tests.helpers import later, shipped_sale
from agora.vendors.tests.factories import VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/payouts/stripe/webhook/"
D = Decimal


def connect_event(client, event_type: str, obj: dict, event_id: str = "evt_c1", secret: str = CONNECT_WEBHOOK_SECRET):
    import json
    import time

    payload = json.dumps(
        {"id": event_id, "object": "event", "type": event_type, "created": int(time.time()), "data": {"object": obj}}
    )
    signature = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


@pytest.fixture
def owner(db):
    return VendorMembershipFactory.create()


def test_connecting_creates_an_express_account_once_and_answers_an_onboarding_link(connect_api, owner):
    client = client_for(owner.user)
    # when the owner connects payouts (twice: the link expires, they ask again)
    first = client.post("/api/v1/vendor/payout-account/")
    second = client.post("/api/v1/vendor/payout-account/")

    # then one Express account exists, keyed by the vendor, and each answer is a fresh onboarding link
    assert first.status_code == second.status_code == 200, first.content
    [account_id] = connect_api.accounts
    assert first.json()["url"] == f"https://connect.stripe.test/setup/e/{account_id}"
    assert first.json()["account"]["status"] == "onboarding"
    created = [c for c in connect_api.calls if c[1] == "/v1/accounts"]
    assert len(created) == 1
    _, _, params, headers = created[0]
    assert params["type"] == "express" and params["capabilities[transfers][requested]"] == "true"
    assert headers["Idempotency-Key"] == f"agora-vendor-{owner.vendor_id}-account"
    links = [p for _, path, p, _ in connect_api.calls if path == "/v1/account_links"]
    assert links[0]["return_url"] == "http://testserver/vendor/payouts?onboarding=return"
    assert links[0]["type"] == "account_onboarding"

    # and when Stripe says the account may take payouts, the portal shows it enabled
    account = connect_api.enable(account_id)
    assert connect_event(client, "account.updated", account).json()["outcome"] == "updated"
    status = client.get("/api/v1/vendor/payout-account/").json()
    assert (status["status"], status["payouts_enabled"], status["account_id"]) == ("enabled", True, account_id)


def test_connect_webhooks_are_verified_with_their_own_secret_and_handled_once(connect_api, owner, api_client):
    account = PayoutAccount.objects.create(vendor=owner.vendor, provider="stripe", account_id="acct_x")
    obj = {"id": "acct_x", "object": "account", "details_submitted": True, "payouts_enabled": True}
    # the payments endpoint's secret is not this endpoint's
    bad = connect_event(api_client, "account.updated", obj, secret="whsec_test_secret")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_webhook"
    assert not ProviderEvent.objects.exists()
    assert connect_event(api_client, "account.updated", obj, event_id="evt_9").json()["outcome"] == "updated"
    assert connect_event(api_client, "account.updated", obj, event_id="evt_9").json()["outcome"] == "duplicate"
    account.refresh_from_db()
    assert account.payouts_enabled and account.details_submitted
    assert ProviderEvent.objects.count() == 1


def test_a_payout_is_a_stripe_transfer_keyed_by_its_entries_and_a_reversal_there_reaches_the_ledger(
    connect_api, owner, api_client
):
    vendor = owner.vendor
    connect_api.accounts["acct_v"] = {"id": "acct_v", "object": "account"}
    connect_api.enable("acct_v")
    PayoutAccount.objects.create(vendor=vendor, provider="stripe", account_id="acct_v", payouts_enabled=True)
    shipped_sale("100.00", rate="10.00", vendor=vendor)

    [pk] = payouts_run(now=later(8), send_now=True).created

    payout = Payout.objects.get(pk=pk)
    [(_, _, params, headers)] = [c for c in connect_api.calls if c[:2] == ("post", "/v1/transfers")]
    assert (params["amount"], params["currency"], params["destination"]) == ("9000", "eur", "acct_v")
    assert params["transfer_group"] == f"agora-payout-{pk}" and params["metadata[agora_payout_id]"] == str(pk)
    assert headers["Idempotency-Key"] == payout.idempotency_key
    assert (payout.status, payout.transfer_id) == ("paid", next(iter(connect_api.transfers)))

    # when Stripe reports the transfer reversed in part (the platform took 40.00 back in the dashboard)
    transfer = connect_api.transfers[payout.transfer_id]
    transfer["amount_reversed"] = 4000
    assert connect_event(api_client, "transfer.reversed", transfer, event_id="evt_r").json()["outcome"] == "reversed"
    # then 40.00 is back in the vendor's balance, once
    assert connect_event(api_client, "transfer.updated", transfer, event_id="evt_r2").json()["outcome"] == "unchanged"
    assert LedgerEntry.objects.get(type="payout_reversal").amount == D("40.00")
    assert Payout.objects.get(pk=pk).amount_reversed == D("40.00")


def test_stripe_outages_leave_the_payout_pending_for_a_retry(connect_api, owner):
    connect_api.accounts["acct_v"] = {"id": "acct_v", "object": "account"}
    connect_api.enable("acct_v")
    PayoutAccount.objects.create(vendor=owner.vendor, provider="stripe", account_id="acct_v", payouts_enabled=True)
    shipped_sale("50.00", vendor=owner.vendor)
    connect_api.down = True
    [pk] = payouts_run(now=later(8), send_now=True).created
    assert Payout.objects.get(pk=pk).status == "pending"
    connect_api.down = False
    from agora.payouts.services import payout_send

    assert payout_send(payout_id=pk) == "paid"
    # the retry looked for a transfer made before it sent one: exactly one exists
    assert len(connect_api.transfers) == 1


def test_connecting_while_stripe_is_down_is_a_503(connect_api, owner):
    connect_api.down = True
    r = client_for(owner.user).post("/api/v1/vendor/payout-account/")
    assert r.status_code == 503 and r.json()["error"]["code"] == "payout_provider_unavailable"
    assert not PayoutAccount.objects.exists()


def test_a_stripe_too_slow_to_take_more_calls_is_a_503_not_a_crash(connect_api, owner, settings):
    from agora.payments.bulkhead import bulkhead

    # given every provider-call slot of this process busy (Stripe is slow)
    settings.PAYMENT_PROVIDER_MAX_CONCURRENCY = 1
    settings.PAYMENT_PROVIDER_SLOT_WAIT_SECONDS = 0.05
    slots = bulkhead("stripe-connect")._semaphore()
    slots.acquire()
    try:
        r = client_for(owner.user).post("/api/v1/vendor/payout-account/")
    finally:
        slots.release()
    assert r.status_code == 503 and r.json()["error"]["code"] == "payout_provider_unavailable"
