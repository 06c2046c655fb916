"""Stripe's HTTP API, faked below the official library: the ``stripe`` package builds and sends
real requests (params, idempotency keys, auth) and parses these answers into its objects."""

import itertools
import json
import time
from urllib.parse import parse_qs, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_secret"


class FakeStripeAPI(stripe.HTTPClient):
    name = "fake"

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str, dict, dict]] = []
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        # Idempotency-Key → the answer given the first time (Stripe replays it for 24 h).
        self.answered: dict[str, tuple] = {}
        self.down = False
        # Called with the intent after every retrieve was answered (tests change what Stripe says next).
        self.on_retrieve = None
        self._ids = itertools.count(1)

    def _answer(self, status: int, body: dict, headers: dict | None = None):
        return json.dumps(body), status, {"stripe-should-retry": "false", **(headers or {})}

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        path = parts.path
        params = {k: v[0] for k, v in parse_qs(post_data or parts.query or "").items()}
        headers = dict(headers or {})
        self.calls.append((method, path, params, headers))
        if self.down:
            return self._answer(500, {"error": {"type": "api_error", "message": "Stripe is down."}})
        key = headers.get("Idempotency-Key")
        if method == "post" and key and key in self.answered:
            return self.answered[key]
        answer = self._route(method, path, params)
        if method == "post" and key and answer[1] == 200:
            self.answered[key] = answer
        return answer

    def _route(self, method, path, params):
        if method == "post" and path == "/v1/payment_intents":
            pi = f"pi_{next(self._ids)}"
            intent = {
                "id": pi,
                "object": "payment_intent",
                "amount": int(params["amount"]),
                "currency": params["currency"],
                "status": "requires_payment_method",
                "client_secret": f"{pi}_secret_abc",
            }
            self.intents[pi] = intent
            return self._answer(200, intent)
        if method == "get" and path.startswith("/v1/payment_intents/"):
            found = self.intents.get(path.split("/")[3])
            if found is None:
                return self._answer(404, {"error": {"type": "invalid_request_error", "message": "No such intent"}})
            answer = self._answer(200, found)
            if self.on_retrieve:  # after answering: what changes now is what Stripe says next time
                self.on_retrieve(found)
            return answer
        if method == "post" and path.endswith("/cancel"):
            intent = self.intents[path.split("/")[3]]
            if intent["status"] == "succeeded":
                return self._answer(
                    400,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "payment_intent_unexpected_state",
                            "message": "This PaymentIntent's status is succeeded.",
                        }
                    },
                )
            intent["status"] = "canceled"
            return self._answer(200, intent)
        if method == "post" and path == "/v1/refunds":
            intent = self.intents.get(params["payment_intent"], {})
            refund = {
                "id": f"re_{next(self._ids)}",
                "object": "refund",
                "status": "succeeded",
                "amount": int(params.get("amount") or intent.get("amount", 0)),
                "currency": intent.get("currency", "eur"),
                "payment_intent": params["payment_intent"],
                "metadata": {k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")},
            }
            self.refunds[refund["id"]] = refund
            return self._answer(200, refund)
        if method == "get" and path == "/v1/refunds":
            data = [r for r in self.refunds.values() if r["payment_intent"] == params.get("payment_intent")]
            return self._answer(200, {"object": "list", "data": data, "has_more": False, "url": "/v1/refunds"})
        return self._answer(404, {"error": {"type": "invalid_request_error", "message": f"no route {path}"}})

    def close(self):
        pass

    def paths(self) -> list[str]:
        return [path for _, path, _, _ in self.calls]

    def dashboard_refund(self, intent_id: str, amount: int) -> dict:
        """A refund made in Stripe's dashboard: we learn about it only from webhooks."""
        refund = {
            "id": f"re_{next(self._ids)}",
            "object": "refund",
            "status": "succeeded",
            "amount": amount,
            "currency": self.intents[intent_id]["currency"],
            "payment_intent": intent_id,
            "metadata": {},
        }
        self.refunds[refund["id"]] = refund
        return refund

    def charge(self, intent_id: str, *, list_refunds: bool = True) -> dict:
        """The charge object of a ``charge.refunded`` event for the intent, as Stripe sends it."""
        intent = self.intents[intent_id]
        refunds = [r for r in self.refunds.values() if r["payment_intent"] == intent_id and r["status"] == "succeeded"]
        charge = {
            "id": f"ch_{intent_id}",
            "object": "charge",
            "payment_intent": intent_id,
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": sum(r["amount"] for r in refunds),
            "refunded": sum(r["amount"] for r in refunds) >= intent["amount"],
        }
        if list_refunds:
            charge["refunds"] = {"object": "list", "data": refunds}
        return charge


_event_ids = itertools.count(1)


def signed_event(event_type: str, obj: dict, *, event_id: str | None = None, created: int | None = None):
    """A webhook body and its Stripe-Signature header, signed the way the library verifies it."""
    payload = json.dumps(
        {
            "id": event_id or f"evt_{next(_event_ids)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": created or int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }
    )
    return payload, stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
