"""Stripe Connect's HTTP API, faked below the official library like the payments fake
(agora/payments/tests/stripe_fake.py), which it extends: accounts, account links, transfers
(idempotency keys replayed, reversals), and the balance transactions the reconciler reads.
Tests edit ``balance`` and ``transfers`` to inject drift."""

import itertools
import time

from agora.payments.tests.stripe_fake import FakeStripeAPI

CONNECT_WEBHOOK_SECRET = "whsec_connect_test"


def _nested(params: dict, name: str) -> dict:
    prefix = f"{name}["
    return {k[len(prefix) : -1]: v for k, v in params.items() if k.startswith(prefix) and k.endswith("]")}


class FakeConnectAPI(FakeStripeAPI):
    def __init__(self):
        super().__init__()
        self.accounts: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.balance: list[dict] = []
        self._seq = itertools.count(1)

    def _error(self, status: int, message: str, code: str = ""):
        return self._answer(status, {"error": {"type": "invalid_request_error", "message": message, "code": code}})

    def add_charge(self, intent_id: str, amount: int, *, created: int | None = None, currency: str = "eur") -> dict:
        txn = {
            "id": f"txn_{next(self._seq)}",
            "object": "balance_transaction",
            "type": "charge",
            "amount": amount,
            "currency": currency,
            "created": created or int(time.time()),
            "source": {"id": f"ch_{intent_id}", "object": "charge", "payment_intent": intent_id},
        }
        self.balance.append(txn)
        return txn

    def add_refund(self, refund_id: str, amount: int, *, created: int | None = None, currency: str = "eur") -> dict:
        txn = {
            "id": f"txn_{next(self._seq)}",
            "object": "balance_transaction",
            "type": "refund",
            "amount": -amount,
            "currency": currency,
            "created": created or int(time.time()),
            "source": {"id": refund_id, "object": "refund"},
        }
        self.balance.append(txn)
        return txn

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if method == "post" and path == "/v1/accounts":
            acct = {
                "id": f"acct_{next(self._seq)}",
                "object": "account",
                "type": params.get("type"),
                "email": params.get("email"),
                "details_submitted": False,
                "charges_enabled": False,
                "payouts_enabled": False,
                "metadata": _nested(params, "metadata"),
            }
            self.accounts[acct["id"]] = acct
            return self._answer(200, acct)
        if method == "get" and len(parts) == 3 and parts[1] == "accounts":
            found = self.accounts.get(parts[2])
            return self._answer(200, found) if found else self._error(404, "No such account")
        if method == "post" and path == "/v1/account_links":
            if params.get("account") not in self.accounts:
                return self._error(400, "No such account", "resource_missing")
            return self._answer(
                200,
                {
                    "object": "account_link",
                    "url": f"https://connect.stripe.test/setup/e/{params['account']}",
                    "expires_at": int(time.time()) + 300,
                },
            )
        if method == "post" and path == "/v1/transfers":
            destination = self.accounts.get(params.get("destination", ""))
            if destination is None or not destination["payouts_enabled"]:
                return self._error(400, "The destination account cannot receive transfers.", "account_invalid")
            transfer = {
                "id": f"tr_{next(self._seq)}",
                "object": "transfer",
                "amount": int(params["amount"]),
                "currency": params["currency"],
                "destination": params["destination"],
                "transfer_group": params.get("transfer_group"),
                "metadata": _nested(params, "metadata"),
                "amount_reversed": 0,
                "reversed": False,
                "created": int(time.time()),
            }
            self.transfers[transfer["id"]] = transfer
            return self._answer(200, transfer)
        if method == "get" and path == "/v1/transfers":
            data = list(self.transfers.values())
            if "transfer_group" in params:
                data = [t for t in data if t["transfer_group"] == params["transfer_group"]]
            data = self._window(data, params)
            return self._answer(200, {"object": "list", "data": data, "has_more": False, "url": "/v1/transfers"})
        if method == "get" and len(parts) == 3 and parts[1] == "transfers":
            known = self.transfers.get(parts[2])
            return self._answer(200, known) if known else self._error(404, "No such transfer")
        if method == "post" and len(parts) == 4 and parts[1] == "transfers" and parts[3] == "reversals":
            reversed_one = self.transfers[parts[2]]
            amount = int(params["amount"])
            if reversed_one["amount_reversed"] + amount > reversed_one["amount"]:
                return self._error(400, "The reversal exceeds the transfer.")
            reversed_one["amount_reversed"] += amount
            reversed_one["reversed"] = reversed_one["amount_reversed"] == reversed_one["amount"]
            return self._answer(
                200,
                {"id": f"trr_{next(self._seq)}", "object": "transfer_reversal", "amount": amount, "transfer": parts[2]},
            )
        if method == "get" and path == "/v1/balance_transactions":
            data = self._window(list(self.balance), params)
            return self._answer(
                200, {"object": "list", "data": data, "has_more": False, "url": "/v1/balance_transactions"}
            )
        return super()._route(method, path, params)

    @staticmethod
    def _window(data: list[dict], params: dict) -> list[dict]:
        created = _nested(params, "created")
        if "gte" in created:
            data = [d for d in data if d["created"] >= int(created["gte"])]
        if "lt" in created:
            data = [d for d in data if d["created"] < int(created["lt"])]
        return data

    def enable(self, account_id: str) -> dict:
        self.accounts[account_id].update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
        return self.accounts[account_id]
