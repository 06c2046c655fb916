"""Stripe Connect (Express accounts, separate charges and transfers) through the official library.

The same bounds as payments: connect/read timeouts, at most one retry, and a per-process
bulkhead and breaker of its own (agora.payments.bulkhead), so a slow Stripe cannot hold every
worker. Every write carries an idempotency key derived from our rows.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import stripe

from agora.core.money import from_minor_units, to_minor_units
from agora.payments.gateways import GatewayError
from agora.payments.gateways import stripe as stripe_gateway
from agora.payments.gateways.stripe import as_dict, verify_signature
from agora.payouts.providers.base import (
    BalanceTransaction,
    ConnectEvent,
    ConnectWebhookRejected,
    PayoutProvider,
    ProviderAccount,
    ProviderError,
    ProviderTransfer,
    TransferRefused,
    TransferRequest,
)

T = TypeVar("T")
# Refusals that pass: the platform's balance is short until pending charges settle.
_RETRYABLE_CODES = {"balance_insufficient", "insufficient_funds"}


def _call(fn: Callable[[stripe.StripeClient], T]) -> T:
    """One Stripe call, through the payments gateway's client in a bulkhead of its own. Outages, and
    calls the bulkhead refuses (Stripe is slow or failing), raise ProviderError (try again later);
    a request Stripe refuses for good raises TransferRefused."""
    try:
        return stripe_gateway.call(fn, pool="stripe-connect")
    except GatewayError as exc:
        raise ProviderError(str(exc)) from exc
    except stripe.InvalidRequestError as exc:
        if exc.code in _RETRYABLE_CODES:
            raise ProviderError(str(exc)) from exc
        raise TransferRefused(str(exc)) from exc
    except stripe.StripeError as exc:
        raise ProviderError(str(exc)) from exc


def _when(ts: Any) -> datetime:
    return datetime.fromtimestamp(int(ts or 0), tz=UTC)


def _account(obj: Any) -> ProviderAccount:
    data = as_dict(obj)
    return ProviderAccount(
        id=str(data["id"]),
        details_submitted=bool(data.get("details_submitted")),
        charges_enabled=bool(data.get("charges_enabled")),
        payouts_enabled=bool(data.get("payouts_enabled")),
    )


def _transfer(obj: Any) -> ProviderTransfer:
    data = as_dict(obj)
    raw = str((data.get("metadata") or {}).get("agora_payout_id") or "")
    destination = data.get("destination") or ""
    return ProviderTransfer(
        id=str(data["id"]),
        amount=from_minor_units(int(data.get("amount") or 0)),
        currency=str(data.get("currency") or "").upper(),
        amount_reversed=from_minor_units(int(data.get("amount_reversed") or 0)),
        destination=str(destination if isinstance(destination, str) else destination.get("id", "")),
        transfer_group=str(data.get("transfer_group") or ""),
        payout_id=int(raw) if raw.isdigit() else None,
        created=_when(data.get("created")),
    )


def _source_ref(txn: dict[str, Any]) -> str:
    """What our rows know a balance transaction by: a charge's PaymentIntent, a refund's id."""
    source = txn.get("source")
    if isinstance(source, dict):
        if txn.get("type") in ("charge", "payment"):
            return str(source.get("payment_intent") or source.get("id") or "")
        if txn.get("type") == "transfer_refund":
            return str(source.get("transfer") or source.get("id") or "")
        return str(source.get("id") or "")
    return str(source or "")


def _balance_transaction(obj: Any) -> BalanceTransaction:
    data = as_dict(obj)
    kind = str(data.get("type") or "")
    return BalanceTransaction(
        id=str(data["id"]),
        type={"payment": "charge", "payment_refund": "refund"}.get(kind, kind),
        amount=from_minor_units(int(data.get("amount") or 0)),
        currency=str(data.get("currency") or "").upper(),
        source=_source_ref(data),
        created=_when(data.get("created")),
    )


def _window(start: datetime, end: datetime) -> dict[str, int]:
    return {"gte": int(start.timestamp()), "lt": int(end.timestamp())}


class StripeConnectProvider(PayoutProvider):
    name = "stripe"
    payment_gateway = "stripe"

    def account_create(self, *, vendor_id: int, email: str) -> ProviderAccount:
        params: dict[str, Any] = {
            "type": "express",
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"agora_vendor_id": str(vendor_id)},
        }
        obj = _call(
            lambda c: c.v1.accounts.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"agora-vendor-{vendor_id}-account"},
            )
        )
        return _account(obj)

    def account_retrieve(self, *, account_id: str) -> ProviderAccount:
        return _account(_call(lambda c: c.v1.accounts.retrieve(account_id)))

    def onboarding_link(self, *, account_id: str, return_url: str, refresh_url: str) -> str:
        params: dict[str, Any] = {
            "account": account_id,
            "type": "account_onboarding",
            "return_url": return_url,
            "refresh_url": refresh_url,
        }
        link = _call(lambda c: c.v1.account_links.create(params=params))  # type: ignore[arg-type]
        return str(link.url)

    def transfer_create(self, request: TransferRequest) -> ProviderTransfer:
        params: dict[str, Any] = {
            "amount": to_minor_units(request.amount),
            "currency": request.currency.lower(),
            "destination": request.account_id,
            "transfer_group": request.transfer_group,
            "metadata": dict(request.metadata),
        }
        options = {"idempotency_key": request.idempotency_key}
        obj = _call(lambda c: c.v1.transfers.create(params=params, options=options))  # type: ignore[arg-type]
        return _transfer(obj)

    def transfer_find(self, *, transfer_group: str) -> ProviderTransfer | None:
        page = _call(lambda c: c.v1.transfers.list(params={"transfer_group": transfer_group, "limit": 1}))
        return _transfer(page.data[0]) if page.data else None

    def transfer_reverse(self, *, transfer_id: str, amount: Decimal, idempotency_key: str) -> ProviderTransfer:
        _call(
            lambda c: c.v1.transfers.reversals.create(
                transfer_id, params={"amount": to_minor_units(amount)}, options={"idempotency_key": idempotency_key}
            )
        )
        return _transfer(_call(lambda c: c.v1.transfers.retrieve(transfer_id)))

    def transfers(self, *, start: datetime, end: datetime) -> list[ProviderTransfer]:
        params: dict[str, Any] = {"created": _window(start, end), "limit": 100}
        page = _call(lambda c: c.v1.transfers.list(params=params))  # type: ignore[arg-type]
        return [_transfer(t) for t in _all(page)]

    def balance_transactions(self, *, start: datetime, end: datetime) -> list[BalanceTransaction]:
        params: dict[str, Any] = {"created": _window(start, end), "limit": 100, "expand": ["data.source"]}
        page = _call(lambda c: c.v1.balance_transactions.list(params=params))  # type: ignore[arg-type]
        return [_balance_transaction(t) for t in _all(page)]

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> ConnectEvent:
        verify_signature(payload, headers, signed_with="STRIPE_CONNECT_WEBHOOK_SECRET", rejected=ConnectWebhookRejected)
        try:
            event = json.loads(payload)
            obj = event["data"]["object"]
            kind = obj.get("object")
            return ConnectEvent(
                id=str(event["id"]),
                type=str(event["type"]),
                payload=event,
                account=_account(obj) if kind == "account" else None,
                transfer=_transfer(obj) if kind == "transfer" else None,
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ConnectWebhookRejected(f"unexpected event shape: {exc!r}") from exc


def _all(page: Any) -> Iterable[Any]:
    """Every item of a list answer, following Stripe's pagination."""
    return page.auto_paging_iter()
