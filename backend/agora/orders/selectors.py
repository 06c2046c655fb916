"""Order reads, scoped to who may see them: the owner, a guest holding the order's token, a vendor."""

import secrets
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast, overload

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Field, JSONField, Prefetch, QuerySet

from agora.accounts.models import User
from agora.core.money import money_text
from agora.core.prepared import PreparedValues, any_of
from agora.core.serializers import datetime_text
from agora.orders.errors import OrderNotFound, VendorOrderNotFound
from agora.orders.models import Order, OrderLine, Parcel, VendorOrder
from agora.vendors.models import Vendor

HIDDEN_FROM_VENDORS = [Order.Status.PENDING_PAYMENT, Order.Status.PAYMENT_FAILED]


def _with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("shipping_method").prefetch_related(
        "lines",
        Prefetch(
            "vendor_orders",
            queryset=VendorOrder.objects.select_related("vendor").prefetch_related("lines", "parcels__lines"),
        ),
        "payments",
    )


def order_for_answer(*, pk: int) -> Order:
    """One order with everything its answer shows (a resumed checkout answers from it)."""
    return _with_details(Order.objects.filter(pk=pk)).get()


def order_list(*, user: User) -> QuerySet[Order]:
    return _with_details(Order.objects.filter(user=user))


# --- the order history's lean path: .values() rows → dicts in OrderSerializer's shape ---------

ORDER_VALUES = (
    "id",
    "number",
    "status",
    "email",
    "created_at",
    "currency",
    "subtotal",
    "shipping_total",
    "total",
    "shipping_method_name",
    "shipping_address",
)
LINE_VALUES = (
    "id",
    "order_id",
    "vendor_order_id",
    "variant_id",
    "sku",
    "product_slug",
    "product_name",
    "variant_name",
    "unit_price",
    "quantity",
    "quantity_cancelled",
    "quantity_shipped",
    "line_total",
    "currency",
)
ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone")
VENDOR_ORDER_VALUES = (
    "id",
    "order_id",
    "status",
    "subtotal",
    "currency",
    "tracking_number",
    "shipped_at",
    "shipping_total",
    "shipping_method_name",
    "shipping_method_code",
    "delivery_days_min",
    "delivery_days_max",
)
PAYMENT_VALUES = ("gateway", "status", "amount", "amount_refunded", "currency", "client_secret", "failure_code")


# The history's count and page as fixed statements, like the page's other reads: building and
# compiling them as querysets was ~3 ms of a page's ~11 ms of CPU (bench/README.md, issue #18).
_HISTORY_COUNT = f"SELECT COUNT(*) FROM {Order._meta.db_table} WHERE user_id = %s"  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
_ORDER_COLUMNS = ", ".join(str(cast("Field[Any, Any]", Order._meta.get_field(name)).column) for name in ORDER_VALUES)
_HISTORY_PAGE = (
    f"SELECT {_ORDER_COLUMNS} "  # noqa: S608  # nosec B608  # only our table and column names are interpolated; values are bound
    f"FROM {Order._meta.db_table} WHERE user_id = %s ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
)


def _address_field() -> "JSONField[Any]":
    field = Order._meta.get_field("shipping_address")
    if not isinstance(field, JSONField):
        raise TypeError("Order.shipping_address is read as JSON")
    return field


class OrderHistory(Sequence[dict[str, Any]]):
    """The caller's orders, newest first, as rows (``.values(*ORDER_VALUES)``'s dicts), for a
    paginator: its length is one ``COUNT(*)``, a slice one page statement; turn a page into the
    answer with ``order_summaries``."""

    def __init__(self, user: User) -> None:
        self.user_id = user.pk

    def __len__(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_HISTORY_COUNT, [self.user_id])
            (count,) = cursor.fetchone()
        return int(count)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            rows = self[index : index + 1] if index >= 0 else []
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop, step = index.indices(2**62)
        if step != 1:
            raise ValueError("an order history is read a page at a time")
        if stop <= start:
            return []  # an empty first page: nothing to read
        with connection.cursor() as cursor:
            cursor.execute(_HISTORY_PAGE, [self.user_id, max(stop - start, 0), start])
            fetched = cursor.fetchall()
        address = _address_field()
        rows = [dict(zip(ORDER_VALUES, row, strict=True)) for row in fetched]
        for row in rows:  # the JSON as the ORM decodes it
            row["shipping_address"] = address.from_db_value(row["shipping_address"], cast(Any, None), connection)
        return rows


def order_history(*, user: User) -> OrderHistory:
    return OrderHistory(user)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _line(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "variant_id": row["variant_id"],
        "sku": row["sku"],
        "product_slug": row["product_slug"],
        "product_name": row["product_name"],
        "variant_name": row["variant_name"],
        "unit_price": money_text(row["unit_price"]),
        "quantity": row["quantity"],
        "quantity_cancelled": row["quantity_cancelled"],
        "quantity_shipped": row["quantity_shipped"],
        "line_total": money_text(row["line_total"]),
        "currency": row["currency"],
    }


def _page_lines_query(ids: list[int]) -> QuerySet[OrderLine, dict[str, Any]]:
    rows: QuerySet[OrderLine, dict[str, Any]] = (
        OrderLine.objects.filter(any_of('"orders_orderline"."order_id" = ANY(%s::bigint[])', ids))
        .order_by("id")
        .values(*LINE_VALUES)
    )
    return rows


def _page_vendor_orders_query(ids: list[int]) -> QuerySet[VendorOrder, dict[str, Any]]:
    rows: QuerySet[VendorOrder, dict[str, Any]] = (
        VendorOrder.objects.filter(any_of('"orders_vendororder"."order_id" = ANY(%s::bigint[])', ids))
        .order_by("id")
        .values(*VENDOR_ORDER_VALUES, "vendor__slug", "vendor__name")
    )
    return rows


def _page_parcels_query(vendor_order_ids: list[int]) -> QuerySet[Parcel, Any]:
    # Parcels and their lines in one statement (a LEFT JOIN: a parcel row per line).
    return (
        Parcel.objects.filter(any_of('"orders_parcel"."vendor_order_id" = ANY(%s::bigint[])', vendor_order_ids))
        .order_by("id", "lines__id")
        .values(
            "id",
            "vendor_order_id",
            "carrier",
            "tracking_number",
            "tracking_url",
            "shipped_at",
            "lines__order_line_id",
            "lines__quantity",
        )
    )


def _page_payments_query(ids: list[int]) -> QuerySet[Any, dict[str, Any]]:
    from agora.payments.models import Payment

    # The latest payment of each order (Payment's own ordering is newest first).
    latest: QuerySet[Any, dict[str, Any]] = (
        Payment.objects.filter(any_of('"payments_payment"."order_id" = ANY(%s::bigint[])', ids))
        .order_by("order_id", "-id")
        .distinct("order_id")
        .values("order_id", *PAYMENT_VALUES)
    )
    return latest


# Compiled once per thread (agora.core.prepared): building and compiling these four querysets was
# most of an order-history page's CPU, more than PostgreSQL took to run them (issue #18).
_PAGE_LINES = PreparedValues(_page_lines_query, ids=list)
_PAGE_VENDOR_ORDERS = PreparedValues(_page_vendor_orders_query, ids=list)
_PAGE_PARCELS = PreparedValues(_page_parcels_query, vendor_order_ids=list)
_PAGE_PAYMENTS = PreparedValues(_page_payments_query, ids=list)


def order_summaries(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of orders in OrderSerializer's shape from four statements after the page's own, whatever it holds
    (lines, sub-orders with their vendors, parcels with their lines, the latest payment of each),
    no model instances and no serializer: a page of 20 took ~30 ms through the serializers."""
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    lines_by_order: dict[int, list[dict[str, Any]]] = defaultdict(list)
    lines_by_vo: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in _PAGE_LINES.rows(ids=ids):
        shaped = _line(line)
        lines_by_order[line["order_id"]].append(shaped)
        lines_by_vo[line["vendor_order_id"]].append(shaped)
    vendor_orders = _PAGE_VENDOR_ORDERS.rows(ids=ids)
    parcels: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_parcel: dict[int, dict[str, Any]] = {}
    vo_ids = [vo["id"] for vo in vendor_orders]
    for p_row in _PAGE_PARCELS.rows(vendor_order_ids=vo_ids) if vo_ids else ():
        parcel = by_parcel.get(p_row["id"])
        if parcel is None:
            parcel = by_parcel[p_row["id"]] = {
                "id": p_row["id"],
                "carrier": p_row["carrier"],
                "tracking_number": p_row["tracking_number"],
                "tracking_url": p_row["tracking_url"],
                "shipped_at": datetime_text(p_row["shipped_at"]),
                "lines": [],
            }
            parcels[p_row["vendor_order_id"]].append(parcel)
        if p_row["lines__order_line_id"] is not None:
            parcel["lines"].append({"line_id": p_row["lines__order_line_id"], "quantity": p_row["lines__quantity"]})
    payments = {pay["order_id"]: pay for pay in _PAGE_PAYMENTS.rows(ids=ids)}
    vos_by_order: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for vo in vendor_orders:
        vos_by_order[vo["order_id"]].append(_vendor_order(vo, parcels.get(vo["id"], []), lines_by_vo.get(vo["id"], [])))
    return [
        _order(row, lines_by_order.get(row["id"], []), vos_by_order.get(row["id"], []), payments.get(row["id"]))
        for row in rows
    ]


def _vendor_order(vo: dict[str, Any], parcels: list[dict[str, Any]], lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": vo["id"],
        "vendor": {"slug": vo["vendor__slug"], "name": vo["vendor__name"]},
        "status": vo["status"],
        "subtotal": money_text(vo["subtotal"]),
        "currency": vo["currency"],
        "tracking_number": vo["tracking_number"],
        "shipped_at": datetime_text(vo["shipped_at"]),
        "shipping": money_text(vo["shipping_total"]),
        "shipping_method": vo["shipping_method_name"],
        "shipping_method_code": vo["shipping_method_code"],
        "delivery_days_min": vo["delivery_days_min"],
        "delivery_days_max": vo["delivery_days_max"],
        "parcels": parcels,
        "lines": lines,
    }


def _order(
    row: dict[str, Any],
    lines: list[dict[str, Any]],
    vos: list[dict[str, Any]],
    payment: dict[str, Any] | None,
) -> dict[str, Any]:
    from agora.orders.states import CANCELLABLE
    from agora.payments.models import Payment

    address = row["shipping_address"] or {}
    return {
        "number": row["number"],
        "status": row["status"],
        "email": row["email"],
        "created_at": datetime_text(row["created_at"]),
        "currency": row["currency"],
        "subtotal": money_text(row["subtotal"]),
        "shipping": money_text(row["shipping_total"]),
        "total": money_text(row["total"]),
        "shipping_method": row["shipping_method_name"],
        "shipping_address": {k: _text(address[k]) for k in ADDRESS_FIELDS if k in address},
        "lines": lines,
        "vendor_orders": vos,
        "payment": None
        if payment is None
        else {
            "gateway": payment["gateway"],
            "status": payment["status"],
            "amount": money_text(payment["amount"]),
            "amount_refunded": money_text(payment["amount_refunded"]),
            "currency": payment["currency"],
            "client_secret": payment["client_secret"]
            if payment["status"] == Payment.Status.PENDING and payment["client_secret"]
            else None,
            "failure_code": payment["failure_code"],
        },
        "refunded_total": f"{payment['amount_refunded'] if payment is not None else 0:.2f}",
        "can_cancel": row["status"] in CANCELLABLE and all(vo["status"] != VendorOrder.Status.SHIPPED for vo in vos),
    }


def order_answer(
    *,
    order: Order,
    lines: Sequence[OrderLine],
    sub_orders: Sequence[tuple[VendorOrder, Sequence[OrderLine]]],
    payment: Any | None,
) -> dict[str, Any]:
    """One order in OrderSerializer's shape from the rows a write just made (checkout's answer):
    no statement and no serializer. Its sub-orders have no parcels yet; ``payment`` is its latest."""
    shaped = {line.pk: _line(_values(line, LINE_VALUES)) for line in lines}
    vos = [
        _vendor_order(
            {**_values(vo, VENDOR_ORDER_VALUES), "vendor__slug": vo.vendor.slug, "vendor__name": vo.vendor.name},
            [],
            [shaped[line.pk] for line in vo_lines],
        )
        for vo, vo_lines in sub_orders
    ]
    return _order(
        _values(order, ORDER_VALUES),
        list(shaped.values()),
        vos,
        None if payment is None else _values(payment, PAYMENT_VALUES),
    )


def _values(instance: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def order_get_for_caller(
    *, number: str, user: User | AnonymousUser | None, order_token: str | None, cart_token: str | None
) -> Order:
    """The order if the caller owns it, or presents its access token (X-Order-Token) or the guest
    cart token it was placed with. Anything else is indistinguishable from a missing order."""
    order = _with_details(Order.objects.filter(number=number)).first()
    if order is None:
        raise OrderNotFound()
    if user is not None and user.is_authenticated and order.user_id == user.pk:
        return order
    if order_token and secrets.compare_digest(order_token, order.access_token):
        return order
    if cart_token and order.cart_token and secrets.compare_digest(cart_token, order.cart_token):
        return order
    raise OrderNotFound()


def vendor_order_list(*, vendor: Vendor) -> QuerySet[VendorOrder]:
    return (
        VendorOrder.objects.filter(vendor=vendor)
        .exclude(order__status__in=HIDDEN_FROM_VENDORS)
        .select_related("order", "vendor")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")), "order__payments", "parcels__lines"
        )
        .order_by("-created_at", "-id")
    )


def vendor_order_get_for_staff(*, pk: int) -> VendorOrder:
    vo = (
        VendorOrder.objects.select_related("order", "vendor")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")), "order__payments", "parcels__lines"
        )
        .filter(pk=pk)
        .first()
    )
    if vo is None:
        raise VendorOrderNotFound()
    return vo


def vendor_order_get(*, vendor: Vendor, pk: int) -> VendorOrder:
    vo = vendor_order_list(vendor=vendor).filter(pk=pk).first()
    if vo is None:
        raise VendorOrderNotFound()
    return vo
