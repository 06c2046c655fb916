"""Per-vendor shipping: each vendor's parcel ships with a method it offers and is charged for it."""

from decimal import Decimal

import pytest

from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.orders.models import Order, VendorOrder
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.shipping.models import ShippingMethod, VendorShippingMethod
from agora.vendors.models import VendorMembership
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _platform(db):
    shipping_methods()  # standard 4.90 and express 9.90, everywhere


def _method(vendor, code, price, **over):
    return VendorShippingMethod.objects.create(
        vendor=vendor, code=code, name=over.pop("name", code.title()), price=Decimal(price), **over
    )


@pytest.fixture
def two_vendors():
    """Vendor A ships itself (DE/AT only, free from 50.00); vendor B inherits the platform's methods."""
    a, b = VendorFactory.create(name="Alpha Lamps", slug="alpha"), VendorFactory.create(name="Beta Mugs", slug="beta")
    _method(a, "parcel", "3.50", countries=["DE", "AT"], free_above=Decimal("50.00"), delivery_days_min=1)
    _method(a, "courier", "12.00", countries=["DE"])
    lamp = sellable_variant(price="30.00", stock=10, vendor=a)
    mug = sellable_variant(price="8.00", stock=10, vendor=b)
    return a, b, lamp, mug


def test_the_cart_shows_each_vendors_options_priced_for_its_part(api_client, two_vendors):
    _a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 2), (mug, 1))
    r = api_client.get("/api/v1/cart/shipping-options/?country=fr", HTTP_X_CART_TOKEN=cart.token)
    assert r.status_code == 200
    groups = {g["vendor"]["slug"]: g for g in r.json()}
    # A's part is 60.00: its parcel method is free above 50.00, but neither ships to France
    assert groups["alpha"]["subtotal"] == "60.00" and groups["alpha"]["variant_ids"] == [lamp.pk]
    assert [(o["code"], o["price"], o["list_price"], o["ships_to_country"]) for o in groups["alpha"]["options"]] == [
        ("parcel", "0.00", "3.50", False),
        ("courier", "12.00", "12.00", False),
    ]
    # B has no methods of its own: the platform's, which ship everywhere
    assert [(o["code"], o["price"], o["ships_to_country"]) for o in groups["beta"]["options"]] == [
        ("standard", "4.90", True),
        ("express", "9.90", True),
    ]
    assert (
        api_client.get("/api/v1/cart/shipping-options/?country=France", HTTP_X_CART_TOKEN=cart.token).status_code == 400
    )


def test_the_vendors_own_methods_are_read_without_building_a_queryset(api_client, two_vendors):
    """Every checkout and shipping quote reads them: building that queryset was 2 % of the web
    workers' CPU in make bench's mix (issue #18)."""
    from testing.compiled import querysets_compiled

    _a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 2), (mug, 1))
    url = "/api/v1/cart/shipping-options/?country=de"
    first = api_client.get(url, HTTP_X_CART_TOKEN=cart.token).json()  # this thread compiles what it keeps
    with querysets_compiled() as compiled:
        assert api_client.get(url, HTTP_X_CART_TOKEN=cart.token).json() == first
    assert VendorShippingMethod not in compiled, compiled


def test_checkout_finds_the_platform_method_it_names_without_building_a_queryset(api_client, two_vendors):
    """v1's single ``shipping_method``: read on every such checkout (2 % of the web workers' CPU in
    make bench's mix, issue #18). An inactive method is still refused, as an unknown one is."""
    from testing.compiled import querysets_compiled

    _a, _b, _lamp, mug = two_vendors
    assert post_checkout(api_client, token=fill_cart(CartFactory.create(), (mug, 1)).token).status_code == 201
    cart = fill_cart(CartFactory.create(), (mug, 2))
    with querysets_compiled() as compiled:
        r = post_checkout(api_client, token=cart.token, shipping_method="express")
    assert r.status_code == 201, r.json()
    assert (r.json()["shipping"], r.json()["vendor_orders"][0]["shipping_method_code"]) == ("9.90", "express")
    assert ShippingMethod not in compiled, compiled

    ShippingMethod.objects.filter(code="express").update(is_active=False)
    r = post_checkout(api_client, token=fill_cart(CartFactory.create(), (mug, 1)).token, shipping_method="express")
    assert r.status_code == 400 and "shipping_method" in r.json()["error"]["details"], r.json()


def test_checkout_takes_a_method_per_vendor_and_each_sub_order_records_it(api_client, two_vendors):
    a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 1), (mug, 2))
    address = {"full_name": "Ada", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
    r = post_checkout(
        api_client,
        token=cart.token,
        shipping_method=None,
        shipping_address=address,
        shipping_methods=[{"vendor": "alpha", "method": "courier"}, {"vendor": "beta", "method": "express"}],
    )
    assert r.status_code == 201, r.json()
    order = r.json()
    assert (order["subtotal"], order["shipping"], order["total"]) == ("46.00", "21.90", "67.90")
    subs = {vo["vendor"]["slug"]: vo for vo in order["vendor_orders"]}
    assert (subs["alpha"]["shipping"], subs["alpha"]["shipping_method"], subs["alpha"]["shipping_method_code"]) == (
        "12.00",
        "Courier",
        "courier",
    )
    assert (subs["beta"]["shipping"], subs["beta"]["shipping_method_code"]) == ("9.90", "express")
    vo = VendorOrder.objects.get(vendor=a)
    assert (vo.shipping_total, vo.delivery_days_min, vo.delivery_days_max) == (Decimal("12.00"), 2, 5)
    assert Order.objects.get().shipping_method is None


def test_free_shipping_above_the_vendors_threshold(api_client, two_vendors):
    _a, _b, lamp, _mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 2))  # 60.00 >= 50.00
    address = {"full_name": "Ada", "line1": "Ring 1", "city": "Wien", "postal_code": "1010", "country": "AT"}
    r = post_checkout(
        api_client,
        token=cart.token,
        shipping_method=None,
        shipping_address=address,
        shipping_methods=[{"vendor": "alpha", "method": "parcel"}],
    )
    assert r.status_code == 201 and (r.json()["shipping"], r.json()["total"]) == ("0.00", "60.00")


def test_a_shipping_price_changed_since_the_shopper_saw_it_is_not_charged(api_client, two_vendors):
    """Alpha drops its free shipping after the shopper saw the options: the checkout that sends the
    price it showed is refused, naming Alpha and its price now, and nothing is placed; sent again
    with that price, it goes through. (Without a price, as in v1, the current one is charged.)"""
    a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 2), (mug, 1))  # alpha's part 60.00: free parcel
    shown = {
        g["vendor"]["slug"]: g["options"]
        for g in api_client.get("/api/v1/cart/shipping-options/?country=AT", HTTP_X_CART_TOKEN=cart.token).json()
    }
    assert [o["price"] for o in shown["alpha"] if o["code"] == "parcel"] == ["0.00"]
    VendorShippingMethod.objects.filter(vendor=a, code="parcel").update(free_above=None, price=Decimal("19.90"))
    choices = [
        {"vendor": "alpha", "method": "parcel", "price": "0.00"},
        {"vendor": "beta", "method": "standard", "price": "4.90"},
    ]

    address = {"full_name": "Ada", "line1": "Ring 1", "city": "Wien", "postal_code": "1010", "country": "AT"}
    r = post_checkout(
        api_client, token=cart.token, shipping_method=None, shipping_address=address, shipping_methods=choices
    )

    assert r.status_code == 400, r.json()
    details = r.json()["error"]["details"]
    assert details["vendors"] == ["alpha"], details
    assert details["prices"] == {"alpha": "19.90"}
    assert details["shipping_methods"] == {"alpha": ["Shipping with Parcel now costs 19.90 (you were shown 0.00)."]}
    assert not Order.objects.exists() and cart.items.count() == 2
    choices[0]["price"] = "19.90"
    again = post_checkout(
        api_client, token=cart.token, shipping_method=None, shipping_address=address, shipping_methods=choices
    )
    assert again.status_code == 201 and (again.json()["shipping"], again.json()["total"]) == ("24.80", "92.80")


def test_a_vendor_that_cannot_ship_to_the_address_is_a_400_with_the_lines_concerned(api_client, two_vendors):
    _a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 1), (mug, 1))
    r = post_checkout(  # the default address is in GB
        api_client,
        token=cart.token,
        shipping_method=None,
        shipping_methods=[{"vendor": "alpha", "method": "parcel"}, {"vendor": "beta", "method": "standard"}],
    )
    assert r.status_code == 400, r.json()
    details = r.json()["error"]["details"]
    assert details["vendors"] == ["alpha"] and details["lines"] == [lamp.pk]
    assert details["shipping_address"] == {"country": ["This vendor does not ship to this country."]}
    assert not Order.objects.exists() and cart.items.count() == 2


def test_v1_single_method_applies_to_every_vendor_and_names_those_that_do_not_offer_it(api_client, two_vendors):
    _a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 1), (mug, 1))
    r = post_checkout(api_client, token=cart.token, shipping_method="standard")
    assert r.status_code == 400
    assert r.json()["error"]["details"] == {
        "vendors": ["alpha"],
        "shipping_method": ["This vendor does not offer this shipping method. Not offered by: alpha."],
    }
    # a vendor that inherits the platform's methods gets the v1 method per parcel
    cart_b = fill_cart(CartFactory.create(), (mug, 1), (sellable_variant(price="2.00"), 1))
    r = post_checkout(api_client, token=cart_b.token, shipping_method="standard")
    assert r.status_code == 201 and r.json()["shipping"] == "9.80"
    method = Order.objects.get(number=r.json()["number"]).shipping_method
    assert method is not None and method.code == "standard"


def test_missing_or_both_choices_are_400(api_client, two_vendors):
    _a, _b, lamp, mug = two_vendors
    cart = fill_cart(CartFactory.create(), (lamp, 1), (mug, 1))
    both = post_checkout(
        api_client, token=cart.token, shipping_methods=[{"vendor": "alpha", "method": "parcel"}]
    )  # plus the default shipping_method
    assert both.status_code == 400 and "shipping_method" in both.json()["error"]["details"]
    missing = post_checkout(
        api_client, token=cart.token, shipping_method=None, shipping_methods=[{"vendor": "beta", "method": "express"}]
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["details"]["shipping_methods"] == {
        "alpha": ["Choose a shipping method for this vendor."]
    }


def test_commission_on_shipping_is_one_setting(api_client, settings, two_vendors):
    _a, b, _lamp, mug = two_vendors
    b.commission_rate = Decimal("10.00")
    b.save()
    for on, expected in ((False, Decimal("0.80")), (True, Decimal("1.79"))):
        settings.COMMISSION_ON_SHIPPING = on
        cart = fill_cart(CartFactory.create(), (mug, 1))
        r = post_checkout(api_client, token=cart.token, shipping_method="express")
        assert r.status_code == 201
        assert VendorOrder.objects.get(order__number=r.json()["number"]).commission == expected


def test_vendors_manage_their_own_methods(make_user):
    vendor = VendorFactory.create()
    owner = make_user()
    VendorMembershipFactory.create(user=owner, vendor=vendor, role=VendorMembership.Role.OWNER)
    client = client_for(owner)
    url = "/api/v1/vendor/shipping-methods/"
    assert client.get(url).json() == []
    r = client.post(
        url,
        {"code": "eu-parcel", "name": "EU parcel", "price": "5.00", "countries": ["de", "fr"], "free_above": "40.00"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    created = r.json()
    assert (created["countries"], created["currency"], created["free_above"]) == (["DE", "FR"], "EUR", "40.00")
    # same code twice, or a delivery range upside down, is a 400 that changes nothing
    assert client.post(url, {"code": "eu-parcel", "name": "x", "price": "1.00"}, format="json").status_code == 400
    bad = client.patch(f"{url}{created['id']}/", {"delivery_days_min": 9, "delivery_days_max": 3}, format="json")
    assert bad.status_code == 400 and VendorShippingMethod.objects.get().delivery_days_min == 2
    ok = client.patch(f"{url}{created['id']}/", {"price": "4.50", "is_active": False}, format="json")
    assert ok.status_code == 200 and (ok.json()["price"], ok.json()["is_active"]) == ("4.50", False)
    # another vendor's method is 404
    other = _method(VendorFactory.create(), "x", "1.00")
    assert client.patch(f"{url}{other.pk}/", {"price": "0.50"}, format="json").status_code == 404
    assert client.delete(f"{url}{other.pk}/").status_code == 404
    assert client.delete(f"{url}{created['id']}/").status_code == 204


def test_vendor_policies_are_set_from_the_portal(make_user):
    vendor = VendorFactory.create()
    owner = make_user()
    VendorMembershipFactory.create(user=owner, vendor=vendor)
    client = client_for(owner)
    r = client.patch("/api/v1/vendor/policies/", {"handling_days": 2, "return_window_days": 30}, format="json")
    assert r.status_code == 200 and (r.json()["handling_days"], r.json()["return_window_days"]) == (2, 30)
    assert client.patch("/api/v1/vendor/policies/", {"return_window_days": 7}, format="json").status_code == 400


def test_a_vendors_storefront_lists_its_own_methods_or_the_platforms(api_client):
    from agora.shipping.models import VendorShippingMethod
    from agora.vendors.models import Vendor
    from agora.vendors.tests.factories import VendorFactory

    shipping_methods()
    plain = VendorFactory.create(slug="plain")
    own = VendorFactory.create(slug="own")
    VendorShippingMethod.objects.create(vendor=own, code="courier", name="Courier", price=7, countries=["DE"])
    VendorShippingMethod.objects.create(vendor=own, code="old", name="Old", price=1, is_active=False)

    inherited = api_client.get("/api/v1/vendors/plain/shipping-methods/").json()
    assert [m["code"] for m in inherited] == ["standard", "express"]
    [courier] = api_client.get("/api/v1/vendors/own/shipping-methods/").json()
    assert (courier["name"], courier["price"], courier["countries"]) == ("Courier", "7.00", ["DE"])
    Vendor.objects.filter(pk=plain.pk).update(status=Vendor.Status.SUSPENDED)
    assert api_client.get("/api/v1/vendors/plain/shipping-methods/").status_code == 404


def test_a_price_of_minus_zero_is_answered_as_it_is_stored(make_user):
    """ "-0" is a valid free price; the answer said "-0.00" while every later read says "0.00"."""
    vendor = VendorFactory.create()
    owner = make_user()
    VendorMembershipFactory.create(user=owner, vendor=vendor, role=VendorMembership.Role.OWNER)
    client = client_for(owner)
    url = "/api/v1/vendor/shipping-methods/"
    r = client.post(url, {"code": "pickup", "name": "Pick-up", "price": "-0", "free_above": "-0.0"}, format="json")
    assert r.status_code == 201, r.json()
    assert (r.json()["price"], r.json()["free_above"]) == ("0.00", "0.00")
    r = client.patch(f"{url}{r.json()['id']}/", {"price": "-0.00"}, format="json")
    assert r.status_code == 200 and r.json()["price"] == "0.00"
    assert [m["price"] for m in client.get(url).json()] == ["0.00"]
