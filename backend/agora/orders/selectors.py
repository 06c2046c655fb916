"""Order reads, scoped to who may see them: the owner, a guest holding the order's token, a vendor."""

import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, F, Field, OuterRef, Prefetch, QuerySet

from agora.accounts.models import User
from agora.core.money import money_text
from agora.core.prepared import PreparedSQL, PreparedValues, any_of
from agora.core.serializers import datetime_texts
from agora.orders.errors import OrderNotFound, VendorOrderNotFound
from agora.orders.models import SHIPPABLE_ORDER_STATUSES, Order, OrderLine, Parcel, VendorOrder
from agora.payments.models import Payment
from agora.vendors.models import Vendor


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
# A line as the answer shows it (OrderLineSerializer, the schema, has the same fields).
LINE_FIELDS = (
    "id",
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
LINE_VALUES = ("id", "order_id", "vendor_order_id", *LINE_FIELDS[1:])  # and the rows it belongs to
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


# The history's page as one fixed statement: its orders, the count of all of them and each one's
# latest payment (Payment's own ordering is newest first). Building and compiling the count and the
# page as querysets was ~3 ms of a page's ~11 ms of CPU; reading the count and the payments in
# statements of their own, two round trips more (bench/README.md, issue #18).
_ORDERS = Order._meta.db_table
_PAYMENTS = Payment._meta.db_table
_ORDER_COLUMNS = [str(cast("Field[Any, Any]", Order._meta.get_field(name)).column) for name in ORDER_VALUES]
_PAYMENT_COLUMNS = [
    "id",
    *(str(cast("Field[Any, Any]", Payment._meta.get_field(name)).column) for name in PAYMENT_VALUES),
]
_HISTORY_COUNT = PreparedSQL(f"SELECT COUNT(*) FROM {_ORDERS} WHERE user_id = %s", label="order_history_count")  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
_HISTORY_PAGE = PreparedSQL(
    f"SELECT {', '.join(f'o.{c}' for c in _ORDER_COLUMNS)}, "  # noqa: S608  # nosec B608  # only our table and column names are interpolated; values are bound
    f"(SELECT COUNT(*) FROM {_ORDERS} c WHERE c.user_id = %s), {', '.join(f'pay.{c}' for c in _PAYMENT_COLUMNS)} "
    f"FROM (SELECT {', '.join(_ORDER_COLUMNS)} FROM {_ORDERS} WHERE user_id = %s "
    "ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s) o "
    f"LEFT JOIN LATERAL (SELECT {', '.join(_PAYMENT_COLUMNS)} FROM {_PAYMENTS} p WHERE p.order_id = o.id "
    "ORDER BY p.id DESC LIMIT 1) pay ON true "
    "ORDER BY o.created_at DESC, o.id DESC",
    label="order_history_page",
)
_ADDRESS = Order._meta.get_field("shipping_address")


class OrderHistory:
    """The caller's orders, newest first, for a ``WindowPaginator``: ``window`` reads a page of
    them with the count of all and each one's latest payment in one statement (rows are
    ``.values(*ORDER_VALUES)``'s dicts plus ``payment``: ``PAYMENT_VALUES`` or None); ``count``
    only counts (``?page=last`` asks it first). Turn a page into the answer with ``order_summaries``."""

    def __init__(self, user: User) -> None:
        self.user_id = user.pk

    def count(self) -> int:
        ((count,),) = _HISTORY_COUNT.rows(self.user_id)
        return int(count)

    def window(self, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        fetched = _HISTORY_PAGE.rows(self.user_id, self.user_id, limit, offset)
        width = len(ORDER_VALUES)
        rows = []
        for row in fetched:
            order = dict(zip(ORDER_VALUES, row[:width], strict=True))
            # the JSON as the ORM decodes it
            order["shipping_address"] = _ADDRESS.from_db_value(order["shipping_address"], cast(Any, None), connection)
            payment = row[width + 1 :]
            order["payment"] = None if payment[0] is None else dict(zip(PAYMENT_VALUES, payment[1:], strict=True))
            rows.append(order)
        return rows, int(fetched[0][width]) if fetched else 0


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


# A sub-order's lines are read with it (a LEFT JOIN: a row per line, ordered by sub-order then
# line); ``has_parcels`` says whether its parcels need reading at all.
_VO_LINE_KEYS = tuple((name, f"lines__{name}") for name in LINE_FIELDS)


def _page_vendor_orders_query(ids: list[int]) -> QuerySet[VendorOrder, dict[str, Any]]:
    rows: QuerySet[VendorOrder, dict[str, Any]] = (
        VendorOrder.objects.filter(any_of('"orders_vendororder"."order_id" = ANY(%s::bigint[])', ids))
        .annotate(has_parcels=Exists(Parcel.objects.filter(vendor_order=OuterRef("pk"))))
        .order_by("id", "lines__id")
        .values(*VENDOR_ORDER_VALUES, "vendor__slug", "vendor__name", "has_parcels", *(key for _, key in _VO_LINE_KEYS))
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


# Compiled once per thread (agora.core.prepared): building and compiling these querysets was
# most of an order-history page's CPU, more than PostgreSQL took to run them (issue #18).
_PAGE_VENDOR_ORDERS = PreparedValues(_page_vendor_orders_query, ids=list)
_PAGE_PARCELS = PreparedValues(_page_parcels_query, vendor_order_ids=list)


# What a paid order's emails show of its sub-orders and their lines (orders.notifications), in
# two statements compiled once per thread: prefetched as model instances, they were a third of
# the processing task's CPU (bench/README.md, issue #18).
MAIL_SUB_ORDER_FIELDS = (
    "id",
    "vendor_id",
    "status",
    "currency",
    "subtotal",
    "shipping_method_name",
    "shipping_total",
    "commission_rate",
    "commission",
    "commission_on_shipping",
    "ship_by",
)
MAIL_LINE_FIELDS = (
    "vendor_order_id",
    "sku",
    "product_name",
    "variant_name",
    "unit_price",
    "quantity",
    "quantity_cancelled",
)


def _mail_sub_orders_query(order_id: int) -> QuerySet[VendorOrder, dict[str, Any]]:
    rows: QuerySet[VendorOrder, dict[str, Any]] = (
        VendorOrder.objects.filter(order_id=order_id)
        .order_by("pk")
        .values(*MAIL_SUB_ORDER_FIELDS, vendor_name=F("vendor__name"), vendor_email=F("vendor__contact_email"))
    )
    return rows


def _mail_lines_query(order_id: int) -> QuerySet[OrderLine, dict[str, Any]]:
    rows: QuerySet[OrderLine, dict[str, Any]] = (
        OrderLine.objects.filter(order_id=order_id).order_by("pk").values(*MAIL_LINE_FIELDS)
    )
    return rows


_MAIL_SUB_ORDERS = PreparedValues(_mail_sub_orders_query, order_id=int)
_MAIL_LINES = PreparedValues(_mail_lines_query, order_id=int)


def sub_orders_for_mail(*, order_id: int) -> list[dict[str, Any]]:
    """The order's sub-orders, in id order, each with its vendor's ``vendor_name`` and
    ``vendor_email`` and its ``lines`` (in id order): ``MAIL_SUB_ORDER_FIELDS`` and
    ``MAIL_LINE_FIELDS`` as dicts."""
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in _MAIL_LINES.rows(order_id=order_id):
        lines[line["vendor_order_id"]].append(line)
    return [{**sub_order, "lines": lines[sub_order["id"]]} for sub_order in _MAIL_SUB_ORDERS.rows(order_id=order_id)]


def order_summaries(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of ``OrderHistory`` rows in OrderSerializer's shape, with one statement more (the
    sub-orders with their vendors and lines), and one for the parcels with their lines when a
    sub-order of the page has any: no model instances and no serializer (a page of 20 took
    ~30 ms through the serializers)."""
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    vos_by_order: dict[int, list[dict[str, Any]]] = defaultdict(list)
    lines_by_order: dict[int, list[dict[str, Any]]] = defaultdict(list)
    with_parcels: dict[int, dict[str, Any]] = {}
    vo: dict[str, Any] | None = None
    text = datetime_texts()
    for row in _PAGE_VENDOR_ORDERS.rows(ids=ids):
        if vo is None or vo["id"] != row["id"]:
            vo = _vendor_order(row, [], [], text)
            vos_by_order[row["order_id"]].append(vo)
            if row["has_parcels"]:
                with_parcels[row["id"]] = vo
        if row["lines__id"] is not None:
            line = _line({name: row[key] for name, key in _VO_LINE_KEYS})
            vo["lines"].append(line)
            lines_by_order[row["order_id"]].append(line)
    for lines in lines_by_order.values():  # an order's lines in line order, as its serializer lists them
        lines.sort(key=itemgetter("id"))
    by_parcel: dict[int, dict[str, Any]] = {}
    for p_row in _PAGE_PARCELS.rows(vendor_order_ids=list(with_parcels)) if with_parcels else ():
        parcel = by_parcel.get(p_row["id"])
        if parcel is None:
            parcel = by_parcel[p_row["id"]] = {
                "id": p_row["id"],
                "carrier": p_row["carrier"],
                "tracking_number": p_row["tracking_number"],
                "tracking_url": p_row["tracking_url"],
                "shipped_at": text(p_row["shipped_at"]),
                "lines": [],
            }
            with_parcels[p_row["vendor_order_id"]]["parcels"].append(parcel)
        if p_row["lines__order_line_id"] is not None:
            parcel["lines"].append({"line_id": p_row["lines__order_line_id"], "quantity": p_row["lines__quantity"]})
    return [
        _order(row, lines_by_order.get(row["id"], []), vos_by_order.get(row["id"], []), row["payment"], text)
        for row in rows
    ]


def _vendor_order(
    vo: dict[str, Any],
    parcels: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    text: Callable[[datetime | None], str | None],
) -> dict[str, Any]:
    return {
        "id": vo["id"],
        "vendor": {"slug": vo["vendor__slug"], "name": vo["vendor__name"]},
        "status": vo["status"],
        "subtotal": money_text(vo["subtotal"]),
        "currency": vo["currency"],
        "tracking_number": vo["tracking_number"],
        "shipped_at": text(vo["shipped_at"]),
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
    text: Callable[[datetime | None], str | None],
) -> dict[str, Any]:
    from agora.orders.states import can_cancel

    address = row["shipping_address"] or {}
    return {
        "number": row["number"],
        "status": row["status"],
        "email": row["email"],
        "created_at": text(row["created_at"]),
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
        "can_cancel": can_cancel(
            row["status"], (vo["status"] for vo in vos), (line["quantity_shipped"] for line in lines)
        ),
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
    text = datetime_texts()
    vos = [
        _vendor_order(
            {**_values(vo, VENDOR_ORDER_VALUES), "vendor__slug": vo.vendor.slug, "vendor__name": vo.vendor.name},
            [],
            [shaped[line.pk] for line in vo_lines],
            text,
        )
        for vo, vo_lines in sub_orders
    ]
    return _order(
        _values(order, ORDER_VALUES),
        list(shaped.values()),
        vos,
        None if payment is None else _values(payment, PAYMENT_VALUES),
        text,
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
    """The vendor's sub-orders of orders that were paid. One never paid (awaiting payment, failed,
    or cancelled unpaid: expired, abandoned, its payment cancelled) sold nothing, so its vendor
    sees neither it nor the shopper's name, address and phone; every vendor read goes through here."""
    return (
        VendorOrder.objects.filter(vendor=vendor, order__paid_at__isnull=False)
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


def orders_still_to_ship(*, user_id: int) -> list[str]:
    """The numbers of the person's paid orders with a sub-order neither shipped nor cancelled yet
    (a vendor still needs the address)."""
    return list(
        Order.objects.filter(
            user_id=user_id,
            status__in=(Order.Status.PAID, *SHIPPABLE_ORDER_STATUSES),
            vendor_orders__status__in=(VendorOrder.Status.PENDING, VendorOrder.Status.PROCESSING),
        )
        .order_by("number")
        .values_list("number", flat=True)
        .distinct()
    )
