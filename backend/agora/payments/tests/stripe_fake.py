"""Stripe's HTTP API, faked below the official library: the ``stripe`` package builds and sends
real requests (params, idempotency keys, auth) and parses these answers into its objects."""

import itertools
import json
import time
from urllib.parse import parse_qs

import stripe

WEBHOOK_SECRET = "whsec_test_secret"


class FakeStripeAPI(stripe.HTTPClient):
    name = "fake"

    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str, dict, dict]] = []
        self.intents: dict[str, dict] = {}
        self.down = False
        self._ids = itertools.count(1)

    def _answer(self, status: int, body: dict, headers: dict | None = None):
        return json.dumps(body), status, {"stripe-should-retry": "false", **(headers or {})}

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = url.split("api.stripe.com", 1)[-1]
        params = {k: v[0] for k, v in parse_qs(post_data or "").items()}
        self.calls.append((method, path, params, dict(headers or {})))
        if self.down:
            return self._answer(500, {"error": {"type": "api_error", "message": "Stripe is down."}})
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
            return self._answer(
                200, {"id": f"re_{next(self._ids)}", "object": "refund", "status": "succeeded", **params}
            )
        return self._answer(404, {"error": {"type": "invalid_request_error", "message": f"no route {path}"}})

    def close(self):
        pass

    def paths(self) -> list[str]:
        return [path for _, path, _, _ in self.calls]


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
