"""Payouts in the vendor portal with the dummy provider: connect, onboard, see payouts."""

import re
from decimal import Decimal

import pytest

from agora.payouts.models import Payout, PayoutAccount
from agora.payouts.providers.base import ProviderError
from agora.payouts.services import payout_reverse, payout_send, payouts_run
from agora.payouts.tests.helpers import later, shipped_sale
from agora.vendors.models import VendorMembership
from agora.vendors.tests.factories import VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return VendorMembershipFactory.create(vendor__commission_rate=Decimal("10.00"))


def test_a_vendor_connects_payouts_through_the_dummy_onboarding_page(owner):
    client = client_for(owner.user)
    assert client.get("/api/v1/vendor/payout-account/").json()["status"] == "not_connected"

    # when the owner connects payouts
    link = client.post("/api/v1/vendor/payout-account/").json()
    account_id = link["account"]["account_id"]
    # then the "provider's" onboarding is the storefront's test page for that account
    assert link["url"] == f"http://testserver/vendor/payouts/onboarding?account={account_id}"
    assert link["account"]["status"] == "onboarding"

    # and completing it there enables payouts, as the provider's account.updated would
    done = client.post("/api/v1/vendor/payout-account/dummy-onboarding/", {"account": account_id}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "enabled"
    assert PayoutAccount.objects.get(vendor=owner.vendor).payouts_enabled


def test_dummy_onboarding_is_404_for_another_vendors_account_or_with_stripe(owner, settings):
    account_id = client_for(owner.user).post("/api/v1/vendor/payout-account/").json()["account"]["account_id"]
    other = VendorMembershipFactory.create()
    r = client_for(other.user).post(
        "/api/v1/vendor/payout-account/dummy-onboarding/", {"account": account_id}, format="json"
    )
    assert r.status_code == 404
    assert not PayoutAccount.objects.get(account_id=account_id).payouts_enabled
    settings.PAYOUT_PROVIDER = "stripe"
    r = client_for(owner.user).post(
        "/api/v1/vendor/payout-account/dummy-onboarding/", {"account": account_id}, format="json"
    )
    assert r.status_code == 404


def test_only_the_owner_connects_payouts(owner):
    staff_member = VendorMembershipFactory.create(vendor=owner.vendor, role=VendorMembership.Role.STAFF)
    r = client_for(staff_member.user).post("/api/v1/vendor/payout-account/")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_vendor_owner"
    assert client_for(staff_member.user).get("/api/v1/vendor/payout-account/").status_code == 200


def _documented_codes(status: int) -> list[str]:
    """The error codes the API reference gives for POST /vendor/payout-account/ answering ``status``."""
    from agora.core import apidocs

    text = apidocs.render(
        apidocs.generate_schema(), errors=apidocs.error_codes(), conventions=apidocs.Conventions.from_settings()
    )
    section = text.split("### `POST /api/v1/vendor/payout-account/`", 1)[1].split("\n### ", 1)[0]
    row = re.search(rf"^\| {status} \| \[error\]\(#errors\) \| (.*) \|$", section, re.M)
    assert row is not None, section
    return re.findall(r"`([a-z_]+)`", row[1])


def test_the_reference_gives_the_codes_connecting_payouts_answers(owner, monkeypatch):
    # a vendor's staff member is refused with the code the reference gives for 403
    staff_member = VendorMembershipFactory.create(vendor=owner.vendor, role=VendorMembership.Role.STAFF)
    r = client_for(staff_member.user).post("/api/v1/vendor/payout-account/")
    assert r.status_code == 403 and r.json()["error"]["code"] in _documented_codes(403)

    # and the owner, while the provider is down, gets the code the reference gives for 503
    class Down:
        name = "dummy"

        def account_create(self, **kwargs):
            raise ProviderError("connect is down")

    monkeypatch.setattr("agora.payouts.services.get_provider", lambda *a, **k: Down())
    r = client_for(owner.user).post("/api/v1/vendor/payout-account/")
    assert r.status_code == 503 and r.json()["error"]["code"] in _documented_codes(503)
    assert not PayoutAccount.objects.filter(vendor=owner.vendor).exists()


def test_payouts_list_and_detail_are_the_vendors_own(owner):
    client = client_for(owner.user)
    link = client.post("/api/v1/vendor/payout-account/").json()
    client.post(
        "/api/v1/vendor/payout-account/dummy-onboarding/", {"account": link["account"]["account_id"]}, format="json"
    )
    shipped_sale("50.00", vendor=owner.vendor)
    [pk] = payouts_run(now=later(8), send_now=True).created

    listed = client.get("/api/v1/vendor/payouts/").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["id"], row["amount"], row["status"], row["entry_count"]) == (pk, "45.00", "paid", 2)
    detail = client.get(f"/api/v1/vendor/payouts/{pk}/").json()
    assert sorted(e["type"] for e in detail["entries"]) == ["commission", "sale"]
    assert client.get("/api/v1/vendor/payouts/?status=failed").json()["count"] == 0
    assert client.get("/api/v1/vendor/payouts/?status=nope").status_code == 400
    other = VendorMembershipFactory.create()
    assert client_for(other.user).get(f"/api/v1/vendor/payouts/{pk}/").status_code == 404
    # the balance shows it paid out
    balance = client.get("/api/v1/vendor/balance/").json()["balances"][0]
    assert balance["paid_out"] == "45.00"


def test_the_balance_counts_a_payout_as_paid_out_once_it_is_transferred(owner):
    from agora.payouts.tests.helpers import connected

    # given a payout written by the run, its transfer queued for the worker and not made yet
    connected(owner.vendor)
    shipped_sale("50.00", vendor=owner.vendor)
    [pk] = payouts_run(now=later(8)).created
    assert Payout.objects.get(pk=pk).status == "pending"
    client = client_for(owner.user)

    def balance() -> tuple[str, str, str, Decimal]:
        [eur] = client.get("/api/v1/vendor/balance/").json()["balances"]
        charted = sum(
            (Decimal(p["payouts"]) for p in client.get("/api/v1/vendor/earnings/").json()["points"]), Decimal(0)
        )
        return eur["available"], eur["in_transit"], eur["paid_out"], charted

    # then it is on its way, not paid out (nor charted as paid out)
    assert balance() == ("0.00", "45.00", "0.00", Decimal("0"))
    # when the transfer is made it is paid out
    payout_send(payout_id=pk)
    assert balance() == ("0.00", "0.00", "45.00", Decimal("45.00"))
    # and when staff take 20.00 of it back, that part is the vendor's balance again
    payout_reverse(payout_id=pk, amount=Decimal("20.00"))
    assert balance() == ("20.00", "0.00", "25.00", Decimal("25.00"))


def test_a_refused_payout_is_neither_paid_out_nor_in_transit(owner, monkeypatch):
    from agora.payouts.providers.base import TransferRefused
    from agora.payouts.providers.dummy import DummyProvider
    from agora.payouts.tests.helpers import connected

    connected(owner.vendor)
    shipped_sale("50.00", vendor=owner.vendor)
    [pk] = payouts_run(now=later(8)).created

    def refuse(self, request):
        raise TransferRefused("account closed")

    monkeypatch.setattr(DummyProvider, "transfer_create", refuse)
    assert payout_send(payout_id=pk) == "failed"
    [eur] = client_for(owner.user).get("/api/v1/vendor/balance/").json()["balances"]
    assert (eur["available"], eur["in_transit"], eur["paid_out"]) == ("45.00", "0.00", "0.00")


def test_the_payouts_list_stays_within_its_query_budget(owner, django_assert_max_num_queries):
    from agora.payouts.tests.helpers import connected

    connected(owner.vendor)
    for days in (8, 9, 10):
        shipped_sale("50.00", vendor=owner.vendor)
        payouts_run(now=later(days + 8), send_now=True)
    with django_assert_max_num_queries(5):
        r = client_for(owner.user).get("/api/v1/vendor/payouts/")
    assert r.json()["count"] == 3
