from decimal import Decimal
from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agora.accounts.serializers import PostalAddressInputSerializer
from agora.core.serializers import MoneyField, StrictInputSerializer, VendorRefSerializer
from agora.orders.fulfilment import LineQuantity
from agora.orders.models import Order, OrderLine, Parcel, VendorOrder
from agora.orders.selectors import LINE_FIELDS
from agora.payments.models import Payment


# Statuses are documented as strings listing their values (the catalog's convention): as enums,
# drf-spectacular would name every "status" choice set alike and warn about the collisions.
def _status_field(values: list[str], description: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=f"{description} One of: {', '.join(values)}.", **kwargs)


def order_status_field(**kwargs):
    return _status_field(
        list(Order.Status.values),
        "Order status: pending_payment → paid → processing → fulfilled; cancelled, payment_failed, refunded; "
        "partially_refunded when part of the payment went back (the rest of the order stands and still ships).",
        **kwargs,
    )


def _rows(value) -> list:
    """A related set as a list, whether prefetched (a manager) or built by checkout (a list)."""
    return list(value.all()) if hasattr(value, "all") else list(value)


def _payment_of(order):
    payments = _rows(order.payments)
    return payments[0] if payments else None


def vendor_order_status_field():
    return _status_field(list(VendorOrder.Status.values), "Sub-order status.")


class ShippingAddressInputSerializer(PostalAddressInputSerializer):
    """Where the order ships; the same fields as a saved address, without `is_default`."""


class VendorShippingChoiceSerializer(StrictInputSerializer):
    vendor = serializers.SlugField(max_length=140, help_text="The vendor's slug.")
    method = serializers.SlugField(max_length=32, help_text="A code from GET /cart/shipping-options/.")
    price = MoneyField(
        max_digits=10,
        min_value=Decimal("0"),
        required=False,
        help_text="The price GET /cart/shipping-options/ showed for this method. If the vendor's parcel "
        "would now cost something else (the vendor changed the method or its free-shipping threshold), "
        "the checkout answers 400 naming the vendor with its price now (`details.prices`) and places nothing.",
    )


class CheckoutInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254, required=False, help_text="Required for guests.")
    shipping_address = ShippingAddressInputSerializer()
    shipping_method = serializers.CharField(
        max_length=32,
        required=False,
        help_text="v1: one platform method (GET /shipping-methods/) for every vendor in the cart; each "
        "vendor's parcel is charged with it (400 naming the vendors that do not offer it).",
    )
    shipping_methods = VendorShippingChoiceSerializer(  # type: ignore[call-arg]  # DRF takes max_length for many=True; its stubs do not say so
        many=True,
        required=False,
        max_length=100,
        help_text="A method per vendor in the cart (GET /cart/shipping-options/); use instead of `shipping_method`.",
    )
    payment_method = serializers.ChoiceField(choices=["dummy", "stripe"])
    payment_token = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Dummy gateway: `tok_decline` declines, anything else pays. Stripe: not used "
        "(confirm the returned client_secret with Stripe.js).",
    )

    def validate(self, attrs):
        if ("shipping_method" in attrs) == ("shipping_methods" in attrs):
            raise serializers.ValidationError(
                {
                    "shipping_method": [
                        "Send `shipping_method` (one for every vendor) or `shipping_methods` (per vendor)."
                    ]
                }
            )
        if "shipping_methods" in attrs:
            choices = attrs.pop("shipping_methods")
            if len({c["vendor"] for c in choices}) != len(choices):
                raise serializers.ValidationError({"shipping_methods": ["Choose one method per vendor."]})
            attrs["shipping_methods"] = {c["vendor"]: c["method"] for c in choices}
            if any("price" in c for c in choices):
                attrs["shipping_prices"] = {c["vendor"]: c["price"] for c in choices if "price" in c}
        return attrs


class OrderLineSerializer(serializers.ModelSerializer):
    unit_price = MoneyField()
    line_total = MoneyField()

    class Meta:
        model = OrderLine
        fields = list(LINE_FIELDS)


class ParcelLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="order_line_id")
    quantity = serializers.IntegerField()


class ParcelSerializer(serializers.ModelSerializer):
    lines = ParcelLineSerializer(many=True)

    class Meta:
        model = Parcel
        fields = ["id", "carrier", "tracking_number", "tracking_url", "shipped_at", "lines"]


class SubOrderShippingFields(serializers.ModelSerializer):
    """What a sub-order ships with (each vendor's own parcel and price)."""

    shipping = MoneyField(source="shipping_total", help_text="This vendor's shipping (its parcel).")
    shipping_method = serializers.CharField(source="shipping_method_name")
    parcels = ParcelSerializer(many=True)

    class Meta:
        model = VendorOrder
        fields = [
            "shipping",
            "shipping_method",
            "shipping_method_code",
            "delivery_days_min",
            "delivery_days_max",
            "parcels",
        ]


class OrderVendorOrderSerializer(SubOrderShippingFields):
    vendor = VendorRefSerializer()
    status = vendor_order_status_field()
    subtotal = MoneyField()
    lines = OrderLineSerializer(many=True)

    class Meta:
        model = VendorOrder
        fields = [
            "id",
            "vendor",
            "status",
            "subtotal",
            "currency",
            "tracking_number",
            "shipped_at",
            *SubOrderShippingFields.Meta.fields,
            "lines",
        ]


class PaymentSummarySerializer(serializers.ModelSerializer):
    client_secret = serializers.SerializerMethodField(
        help_text="Stripe: confirm the PaymentIntent with Stripe.js while the payment is pending."
    )
    amount = MoneyField()
    amount_refunded = MoneyField(help_text="The sum of this payment's refunds that went through.")
    status = _status_field(list(Payment.Status.values), "Payment status at the gateway.")

    class Meta:
        model = Payment
        fields = ["gateway", "status", "amount", "amount_refunded", "currency", "client_secret", "failure_code"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_client_secret(self, payment: Payment) -> str | None:
        if payment.status == Payment.Status.PENDING and payment.client_secret:
            return payment.client_secret
        return None


class ShippingAddressSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField(allow_blank=True)
    city = serializers.CharField()
    postal_code = serializers.CharField()
    country = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, required=False)


class OrderSerializer(serializers.ModelSerializer):
    status = order_status_field()
    subtotal = MoneyField()
    shipping = MoneyField(source="shipping_total")
    total = MoneyField()
    shipping_method = serializers.CharField(source="shipping_method_name")
    shipping_address = ShippingAddressSerializer()
    lines = OrderLineSerializer(many=True)
    vendor_orders = OrderVendorOrderSerializer(many=True)
    payment = serializers.SerializerMethodField()
    refunded_total = serializers.SerializerMethodField(
        help_text="What went back to the customer so far (decimal string); the order total minus this is what they paid."
    )
    can_cancel = serializers.SerializerMethodField(
        help_text="Whether the customer may cancel it now (POST …/cancel/): not closed, and nothing of it "
        "shipped, not even a first parcel."
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "email",
            "created_at",
            "currency",
            "subtotal",
            "shipping",
            "total",
            "shipping_method",
            "shipping_address",
            "lines",
            "vendor_orders",
            "payment",
            "refunded_total",
            "can_cancel",
        ]

    @extend_schema_field(PaymentSummarySerializer(allow_null=True))
    def get_payment(self, order: Order):
        payment = _payment_of(order)
        return self._payment_serializer.to_representation(payment) if payment is not None else None

    @extend_schema_field(MoneyField())
    def get_refunded_total(self, order: Order) -> str:
        payment = _payment_of(order)
        return f"{payment.amount_refunded if payment is not None else 0:.2f}"

    @cached_property
    def _payment_serializer(self) -> PaymentSummarySerializer:
        # One instance per answer: building a serializer (its fields) per order was a third of
        # the order history's time.
        return PaymentSummarySerializer()

    def get_can_cancel(self, order: Order) -> bool:
        from agora.orders.states import can_cancel

        return can_cancel(
            order.status,
            (vo.status for vo in _rows(order.vendor_orders)),
            (line.quantity_shipped for line in _rows(order.lines)),
        )


class PriceChangeSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField()
    sku = serializers.CharField()
    price_in_cart = MoneyField()
    price_charged = MoneyField()


class CheckoutOrderSerializer(OrderSerializer):
    """The checkout answer: the order plus what only its buyer gets to see once."""

    access_token = serializers.CharField(
        help_text="Read this order later without signing in: GET /orders/{number}/ with header X-Order-Token."
    )
    price_changes = serializers.SerializerMethodField(
        help_text="Lines whose price changed since they were added to the cart: the order charges the new price."
    )

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "access_token", "price_changes"]

    @extend_schema_field(PriceChangeSerializer(many=True))
    def get_price_changes(self, order: Order):
        return PriceChangeSerializer(self.context.get("price_changes", []), many=True).data


class VendorOrderSerializer(SubOrderShippingFields):
    status = vendor_order_status_field()
    is_late = serializers.SerializerMethodField(help_text="Paid and not shipped by `ship_by`.")
    order_number = serializers.CharField(source="order.number")
    order_status = order_status_field(source="order.status")
    order_refunded_total = serializers.SerializerMethodField(
        help_text="What went back to the customer on the whole order so far (decimal string)."
    )
    subtotal = MoneyField()
    commission = MoneyField()
    commission_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    order_shipping_method = serializers.CharField(
        source="order.shipping_method_name", help_text="The order's method(s) as a line of text."
    )
    shipping_address = ShippingAddressSerializer(source="order.shipping_address")
    lines = OrderLineSerializer(many=True)
    actions = serializers.SerializerMethodField(
        help_text="What the vendor may do now: `ship` (a parcel, or all of it), `cancel_lines` (what it "
        "cannot ship). The portal offers exactly these."
    )

    class Meta:
        model = VendorOrder
        fields = [
            "id",
            "order_number",
            "order_status",
            "order_refunded_total",
            "status",
            "created_at",
            "currency",
            "subtotal",
            "commission_rate",
            "commission",
            "tracking_number",
            "shipped_at",
            "ship_by",
            "is_late",
            "cancel_reason",
            *SubOrderShippingFields.Meta.fields,
            "order_shipping_method",
            "shipping_address",
            "lines",
            "actions",
        ]

    def get_is_late(self, vo: VendorOrder) -> bool:
        return vo.is_late()

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["ship", "cancel_lines"])))
    def get_actions(self, vo: VendorOrder) -> list[str]:
        return [name for name, allowed in (("ship", vo.can_ship()), ("cancel_lines", vo.can_cancel_lines())) if allowed]

    @extend_schema_field(MoneyField())
    def get_order_refunded_total(self, vo: VendorOrder) -> str:
        payment = _payment_of(vo.order)
        return f"{payment.amount_refunded if payment is not None else 0:.2f}"


class ParcelLineInputSerializer(StrictInputSerializer):
    line = serializers.IntegerField(min_value=1, max_value=2**62, help_text="An order line id of this sub-order.")
    quantity = serializers.IntegerField(min_value=1, max_value=99)


def line_quantities(items: list[dict[str, int]] | None) -> list[LineQuantity] | None:
    """Validated ``lines`` (``{"line", "quantity"}`` each) as the fulfilment services take them; None stays None
    (the services read it as "all that is left")."""
    return None if items is None else [LineQuantity(item["line"], item["quantity"]) for item in items]


class ParcelInputSerializer(StrictInputSerializer):
    lines = serializers.ListField(
        child=ParcelLineInputSerializer(),
        required=False,
        max_length=200,
        help_text="What is in the parcel; leave out for all that is left.",
    )
    carrier = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")


class ShipInputSerializer(StrictInputSerializer):
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
