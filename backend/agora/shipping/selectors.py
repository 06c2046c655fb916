"""Which shipping methods each vendor offers, and what shipping costs for a cart's vendors."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from agora.core.money import ZERO, line_total, money
from agora.core.prepared import PreparedValues, any_of, loaded
from agora.shipping import errors
from agora.shipping.errors import ShippingPriceChanged, ShippingUnavailable
from agora.shipping.models import ShippingMethod, VendorShippingMethod
from agora.vendors.models import Vendor

if TYPE_CHECKING:
    from agora.carts.models import Cart


@dataclass(frozen=True)
class MethodOption:
    """A method a vendor offers: its own, or a platform method it inherits."""

    code: str
    name: str
    price: Decimal
    currency: str
    free_above: Decimal | None
    delivery_days_min: int
    delivery_days_max: int
    countries: tuple[str, ...]
    inherited: bool

    def ships_to(self, country: str) -> bool:
        return not self.countries or country.upper() in self.countries

    def charge(self, subtotal: Decimal) -> Decimal:
        """The price for a parcel of ``subtotal`` (free from ``free_above`` on)."""
        if self.free_above is not None and subtotal >= self.free_above:
            return ZERO
        return money(self.price)


def _option(method: ShippingMethod | VendorShippingMethod, *, inherited: bool) -> MethodOption:
    return MethodOption(
        code=method.code,
        name=method.name,
        price=method.price,
        currency=method.currency,
        free_above=method.free_above,
        delivery_days_min=method.delivery_days_min,
        delivery_days_max=method.delivery_days_max,
        countries=tuple(c.upper() for c in method.countries),
        inherited=inherited,
    )


_OPTION_FIELDS = (
    "code",
    "name",
    "price",
    "currency",
    "free_above",
    "delivery_days_min",
    "delivery_days_max",
    "countries",
)


def _own_methods_query(vendor_ids: list[int]) -> QuerySet[VendorShippingMethod, dict[str, Any]]:
    rows: QuerySet[VendorShippingMethod, dict[str, Any]] = (
        VendorShippingMethod.objects.filter(
            any_of('"shipping_vendorshippingmethod"."vendor_id" = ANY(%s::bigint[])', vendor_ids), is_active=True
        )
        .order_by("position", "id")
        .values("vendor_id", *_OPTION_FIELDS)
    )
    return rows


# Read on every checkout and shipping quote: compiled once per thread (docs/adr/0011); building it
# was 2 % of the web workers' CPU in make bench's mix (bench/README.md).
_OWN_METHODS = PreparedValues(_own_methods_query, vendor_ids=list)


def platform_method_list() -> QuerySet[ShippingMethod]:
    return ShippingMethod.objects.filter(is_active=True)


def _platform_method_query(code: str) -> QuerySet[ShippingMethod, dict[str, Any]]:
    rows: QuerySet[ShippingMethod, dict[str, Any]] = ShippingMethod.objects.filter(code=code, is_active=True).values(
        *(f.attname for f in ShippingMethod._meta.concrete_fields)
    )
    return rows


# v1's single ``shipping_method`` of a checkout: compiled once per thread, as _OWN_METHODS (its
# ``.first()`` was 2 % of the web workers' CPU in make bench's mix, bench/README.md). Codes are unique.
_PLATFORM_METHOD = PreparedValues(_platform_method_query, "code")


def platform_method_get(code: str) -> ShippingMethod | None:
    """The active platform method with this code, or None (unknown or switched off)."""
    row = _PLATFORM_METHOD.first(code=code)
    return loaded(ShippingMethod, row) if row is not None else None


def vendor_method_list(*, vendor: Vendor) -> QuerySet[VendorShippingMethod]:
    """A vendor's own methods, active or not (its portal shows and edits them)."""
    return VendorShippingMethod.objects.filter(vendor=vendor)


def vendor_method_get(*, vendor: Vendor, pk: int) -> VendorShippingMethod:
    method = vendor_method_list(vendor=vendor).filter(pk=pk).first()
    if method is None:
        raise errors.ShippingMethodNotFound()
    return method


def offered_methods(
    vendor_ids: Iterable[int], *, platform: Iterable[ShippingMethod] | None = None
) -> dict[int, list[MethodOption]]:
    """Per vendor, the methods it offers: its active own methods if it has any, else the
    platform's (``platform``, when the caller already holds the ones it cares about). Two
    queries at most, whatever the number of vendors."""
    ids = sorted(set(vendor_ids))
    own: dict[int, list[MethodOption]] = {pk: [] for pk in ids}
    for row in _OWN_METHODS.rows(vendor_ids=ids) if ids else []:
        own[row["vendor_id"]].append(
            MethodOption(
                code=row["code"],
                name=row["name"],
                price=row["price"],
                currency=row["currency"],
                free_above=row["free_above"],
                delivery_days_min=row["delivery_days_min"],
                delivery_days_max=row["delivery_days_max"],
                countries=tuple(c.upper() for c in row["countries"]),
                inherited=False,
            )
        )
    if all(own.values()):
        return own
    inherited = [_option(m, inherited=True) for m in (platform_method_list() if platform is None else platform)]
    return {pk: methods or inherited for pk, methods in own.items()}


@dataclass(frozen=True)
class VendorShipping:
    """What one vendor's parcel ships with and costs."""

    vendor_id: int
    method: MethodOption
    amount: Decimal


def quote(
    *,
    vendors: Mapping[int, Vendor],
    subtotals: Mapping[int, Decimal],
    country: str,
    lines: Mapping[int, list[int]],
    platform_method: ShippingMethod | None = None,
    per_vendor: Mapping[str, str] | None = None,
    shown: Mapping[str, Decimal] | None = None,
) -> dict[int, VendorShipping]:
    """Shipping of each vendor's part: with ``platform_method`` (v1's single ``shipping_method``)
    that method for every vendor; else the method ``per_vendor`` names for each vendor slug.
    Raises ShippingUnavailable naming what does not work: a vendor without a chosen method, one
    that does not offer the chosen method, or one that does not ship to the country (with the
    cart's variant ids concerned, from ``lines``); and ShippingPriceChanged naming the vendors
    whose parcel now costs something else than the price ``shown`` for it (by vendor slug)."""
    offered = offered_methods(vendors, platform=[platform_method] if platform_method is not None else None)
    chosen: dict[int, MethodOption] = {}
    missing, not_offered, cannot_ship = [], [], []
    for vendor_id, vendor in sorted(vendors.items()):
        code = platform_method.code if platform_method is not None else (per_vendor or {}).get(vendor.slug)
        if not code:
            missing.append(vendor.slug)
            continue
        option = next((m for m in offered[vendor_id] if m.code == code), None)
        if option is None:
            not_offered.append(vendor.slug)
        elif not option.ships_to(country):
            cannot_ship.append(vendor_id)
        else:
            chosen[vendor_id] = option
    if missing or not_offered:
        details: dict[str, object] = {"vendors": sorted(missing + not_offered)}
        if platform_method is not None:
            details["shipping_method"] = [f"{errors.NOT_OFFERED} Not offered by: {', '.join(sorted(not_offered))}."]
        else:
            details["shipping_methods"] = {
                **{slug: [errors.CHOOSE_METHOD] for slug in missing},
                **{slug: [errors.NOT_OFFERED] for slug in not_offered},
            }
        raise ShippingUnavailable(details=details)
    if cannot_ship:
        raise ShippingUnavailable(
            errors.CANNOT_SHIP,
            details={
                "shipping_address": {"country": [errors.CANNOT_SHIP]},
                "vendors": sorted(vendors[v].slug for v in cannot_ship),
                "lines": sorted(variant for v in cannot_ship for variant in lines.get(v, [])),
            },
        )
    quotes = {
        vendor_id: VendorShipping(vendor_id, option, option.charge(subtotals[vendor_id]))
        for vendor_id, option in chosen.items()
    }
    changed = {
        slug: (shown[slug], q)
        for q in quotes.values()
        if shown and (slug := vendors[q.vendor_id].slug) in shown and shown[slug] != q.amount
    }
    if changed:
        raise ShippingPriceChanged(
            details={
                "vendors": sorted(changed),
                "shipping_methods": {
                    slug: [errors.PRICE_CHANGED.format(method=q.method.name, amount=q.amount, shown=was)]
                    for slug, (was, q) in sorted(changed.items())
                },
                "prices": {slug: str(q.amount) for slug, (_, q) in sorted(changed.items())},
            }
        )
    return quotes


@dataclass
class CartVendorOptions:
    """One vendor's part of a cart and the shipping it can have."""

    vendor: Vendor
    currency: str
    variant_ids: list[int] = field(default_factory=list)
    subtotal: Decimal = ZERO
    options: list[dict[str, object]] = field(default_factory=list)


def cart_shipping_options(*, cart: "Cart", country: str | None) -> list[CartVendorOptions]:
    """The cart's lines grouped by vendor, with each vendor's methods priced for its part."""
    from agora.carts.selectors import cart_items

    groups: dict[int, CartVendorOptions] = {}
    for item in cart_items(cart=cart):
        variant = item.variant
        group = groups.setdefault(variant.vendor_id, CartVendorOptions(variant.vendor, variant.currency))
        group.variant_ids.append(variant.pk)
        group.subtotal = money(group.subtotal + line_total(variant.price, item.quantity))
    offered = offered_methods(groups)
    for vendor_id, group in groups.items():
        group.options = [
            {
                "code": m.code,
                "name": m.name,
                "price": m.charge(group.subtotal),
                "list_price": m.price,
                "currency": m.currency,
                "free_above": m.free_above,
                "delivery_days_min": m.delivery_days_min,
                "delivery_days_max": m.delivery_days_max,
                "ships_to_country": m.ships_to(country) if country else None,
            }
            for m in offered[vendor_id]
        ]
    return sorted(groups.values(), key=lambda g: g.vendor.name)


def vendor_offered_methods(*, vendor: Vendor) -> list[MethodOption]:
    """What an (approved) vendor ships with, for its public storefront: its own active methods, or
    the platform's it inherits."""
    return offered_methods([vendor.pk])[vendor.pk]
