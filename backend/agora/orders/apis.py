from typing import Any

import orjson
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.carts.apis import CART_TOKEN, cart_token
from agora.carts.errors import CartNotFound
from agora.core.headers import token_header
from agora.core.money import money_text
from agora.core.pagination import WindowPagination, paginated_response
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated
from agora.orders import checkout, selectors, services
from agora.orders.errors import IDEMPOTENCY_HEADER, IdempotencyKeyMissing
from agora.orders.fulfilment import parcel_ship
from agora.orders.idempotency import Claim, caller_scope, idempotent, request_fingerprint
from agora.orders.serializers import (
    CheckoutInputSerializer,
    CheckoutOrderSerializer,
    OrderSerializer,
    ParcelInputSerializer,
    ShipInputSerializer,
    VendorOrderSerializer,
    line_quantities,
)
from agora.orders.throttles import CHECKOUT_THROTTLES
from agora.vendors.permissions import IsApprovedVendor, IsVendorMember

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="A unique value per checkout attempt (e.g. a UUID), scoped to the caller and kept 48 h. "
    "The same key with the same body returns the first answer (same status, same order); with a "
    "different body it answers 422 `idempotency_key_reused`.",
)
ORDER_TOKEN = OpenApiParameter(
    "X-Order-Token",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Guests: the `access_token` from the checkout answer (or send the X-Cart-Token the "
    "order was placed with). Without the right token a guest order is 404, never 403.",
)


class CheckoutApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = CHECKOUT_THROTTLES

    @extend_schema(
        tags=["checkout"],
        parameters=[IDEMPOTENCY_KEY, CART_TOKEN],
        request=CheckoutInputSerializer,
        responses={
            201: CheckoutOrderSerializer,
            **ERRORS(400, 401, 402, 404, 409, 422, 429, 503, codes={400: "validation_error / order_too_large"}),
        },
        description=(
            "Places the order for the caller's cart (guests: X-Cart-Token and `email`). Stock is taken "
            "atomically: not enough answers 409 `insufficient_stock` with `details: {variant_id, available}` "
            "and changes nothing. One sub-order per vendor. Dummy payments settle at once (`paid`); "
            '`payment_token: "tok_decline"` answers 402 `payment_declined` (no stock taken, cart kept). '
            "Stripe answers `pending_payment` with `payment.client_secret` to confirm with Stripe.js; the "
            "signed webhook marks it paid. The answer includes `access_token` (read the order as a guest "
            "with X-Order-Token) and `price_changes` (prices that moved since add-to-cart: the order "
            "charges the current price).\n\n"
            "Limits: attempts are rate-limited per client address, account and guest cart (429 `throttled` "
            "with Retry-After); a customer with `ORDER_MAX_UNPAID_PER_CUSTOMER` (3) orders still waiting for "
            "payment gets 409 `too_many_unpaid_orders`. An order whose total would be more than an order "
            "holds (9,999,999,999.99) answers 400 `order_too_large` with `details: {total, limit, currency}` "
            "before anything is reserved or charged. Two checkouts of one cart at once: the second finds "
            "it empty (400). A request whose Idempotency-Key is still being worked on answers 409 `conflict` "
            'with `details.idempotency_key: "in_progress"`: retry with the same key. A slow or unreachable '
            "payment provider answers 503 `payment_provider_unavailable` (nothing charged, stock and cart "
            "lines back)."
        ),
    )
    def post(self, request):
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key or len(key) > 255:
            raise IdempotencyKeyMissing()
        data = validated(CheckoutInputSerializer, request.data)
        token = cart_token(request)
        if not request.user.is_authenticated and not token:
            raise CartNotFound()

        def place(claim: Claim) -> tuple[int, dict, int]:
            if claim.resumed_order_id is not None:  # the first request died after placing the order
                result = checkout.checkout_resume(
                    order_id=claim.resumed_order_id, payment_token=data.get("payment_token")
                )
            else:
                result = checkout.checkout(user=request.user, cart_token=token, attempt_id=claim.id, **data)
            return 201, checkout_body(result), result.order.pk

        status, body = idempotent(
            scope=caller_scope(user=request.user, cart_token=token),
            key=key,
            fingerprint=request_fingerprint(request.data),
            action=place,
        )
        return Response(body, status=status)


def checkout_body(result: checkout.CheckoutResult) -> dict[str, Any]:
    """CheckoutOrderSerializer's answer. Built from the rows checkout wrote without a serializer
    (~15 % of a checkout's CPU went into it); a resumed checkout, read back from the
    database, goes through the serializer. A test keeps both equal."""
    answer = result.answer
    if not isinstance(answer, checkout.OrderAnswer):
        return CheckoutOrderSerializer(answer, context={"price_changes": result.price_changes}).data
    body = selectors.order_answer(
        order=answer.order,
        lines=answer.lines,
        sub_orders=[(sub.vendor_order, sub.lines) for sub in answer.vendor_orders],
        payment=answer.payments[0] if answer.payments else None,
    )
    body["access_token"] = answer.order.access_token
    body["price_changes"] = [
        {
            "variant_id": change["variant_id"],
            "sku": change["sku"],
            "price_in_cart": money_text(change["price_in_cart"]),
            "price_charged": money_text(change["price_charged"]),
        }
        for change in result.price_changes
    ]
    return body


class OrderListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["orders"],
        operation_id="orders_list",
        responses={200: paginated(OrderSerializer, "PaginatedOrderList"), **ERRORS(401)},
    )
    def get(self, request):
        # The lean path (rows → dicts → orjson, like the public catalog): a fixed number of statements
        # and no serializer per order; OrderSerializer stays the schema, a test keeps both equal.
        paginator = WindowPagination()
        history: Any = selectors.order_history(user=request.user)  # a Windowed list, not a queryset
        rows: list[dict[str, Any]] | None = paginator.paginate_queryset(history, request, view=self)
        body = {
            "count": paginator.page.paginator.count if paginator.page is not None else 0,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": selectors.order_summaries(rows or []),
        }
        return HttpResponse(orjson.dumps(body), content_type="application/json")


def caller_order(request, number: str):
    """The order `number` if the caller may see it (owner, X-Order-Token or the guest cart token); 404 otherwise."""
    return selectors.order_get_for_caller(
        number=number,
        user=request.user,
        order_token=token_header(request, "X-Order-Token"),
        cart_token=cart_token(request),
    )


class OrderDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["orders"], parameters=[ORDER_TOKEN, CART_TOKEN], responses={200: OrderSerializer, **ERRORS(401, 404)}
    )
    def get(self, request, number: str):
        return Response(OrderSerializer(caller_order(request, number)).data)


class OrderCancelApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["orders"],
        parameters=[ORDER_TOKEN, CART_TOKEN],
        request=None,
        responses={200: OrderSerializer, **ERRORS(401, 404, 409)},
        description="Before anything shipped: → `cancelled`, stock restored (once), payment voided or "
        "refunded. Otherwise 409 `conflict`.",
    )
    def post(self, request, number: str):
        order = caller_order(request, number)
        services.order_cancel(order=order)
        return Response(OrderSerializer(caller_order(request, number)).data)


class VendorOrderListApi(APIView):
    """The caller's vendor's sub-orders of paid orders (a pending or suspended vendor still reads
    its own); an order never paid, even once cancelled, is not listed."""

    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=["vendor portal"],
        operation_id="vendor_orders_list",
        responses={200: paginated(VendorOrderSerializer, "PaginatedVendorOrderList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        return paginated_response(self, selectors.vendor_order_list(vendor=request.vendor), VendorOrderSerializer)


def vendor_order_answer(request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    """The caller's sub-order ``pk`` as it is now: the answer of an action on it."""
    return Response(VendorOrderSerializer(selectors.vendor_order_get(vendor=request.vendor, pk=pk)).data, status=code)


class VendorOrderParcelApi(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        tags=["vendor portal"],
        request=ParcelInputSerializer,
        responses={201: VendorOrderSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="Ship a parcel of a confirmed sub-order: the lines and quantities in it (default: all that is "
        "left), with carrier and tracking. The shopper gets an email per parcel and sees the tracking in the "
        "order; the sub-order is `shipped` with its last parcel.",
    )
    def post(self, request, pk: int):
        data = validated(ParcelInputSerializer, request.data)
        vo = selectors.vendor_order_get(vendor=request.vendor, pk=pk)
        lines = line_quantities(data.pop("lines", None))
        parcel_ship(vendor_order=vo, lines=lines, **data)
        return vendor_order_answer(request, pk, status.HTTP_201_CREATED)


class VendorOrderShipApi(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        tags=["vendor portal"],
        request=ShipInputSerializer,
        responses={200: VendorOrderSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="A confirmed (`processing`) sub-order → `shipped`: all that is left goes in one parcel. "
        "When every sub-order has shipped the order becomes `fulfilled`.",
    )
    def post(self, request, pk: int):
        data = validated(ShipInputSerializer, request.data)
        vo = selectors.vendor_order_get(vendor=request.vendor, pk=pk)
        services.vendor_order_ship(vendor_order=vo, **data)
        return vendor_order_answer(request, pk)
