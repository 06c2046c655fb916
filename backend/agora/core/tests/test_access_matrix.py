"""Access-control matrix: every /api/v1/ endpoint x {anonymous, shopper A, shopper B, vendor A,
vendor B, pending vendor, staff}, with the documented outcome of each cell. Objects belong to
shopper A / vendor A; anyone else gets 404 for them (no existence leaks)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from agora.accounts.tests.factories import AddressFactory, UserFactory
from agora.carts.models import Cart
from agora.carts.tests.factories import CartItemFactory
from agora.catalog.models import ImportJob, Product
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from agora.ledger.services import adjustment_post
from agora.orders.models import Order
from agora.orders.services import order_process
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payouts.models import PayoutAccount
from agora.payouts.providers.dummy import DummyProvider, complete_onboarding
from agora.payouts.services import payouts_run
from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for

ROLES = ("anonymous", "shopper_a", "shopper_b", "vendor_a", "vendor_b", "pending_vendor", "staff")


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=401):
    return {**everyone(status), "anonymous": anonymous}


def staff_only(status):
    return {**everyone(403), "anonymous": 401, "staff": status}


def portal(**overrides):
    """Vendor-portal default: 401 anonymous, 403 for callers who are not vendor members."""
    base = {"anonymous": 401, "shopper_a": 403, "shopper_b": 403, "staff": 403}
    return {**base, **overrides}


def png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def world(db):
    users = {role: UserFactory() for role in ROLES if role != "anonymous"}
    users["staff"].is_staff = True
    users["staff"].save()
    vendor_a = VendorFactory(slug="vendor-a")
    vendor_b = VendorFactory(slug="vendor-b")
    pending = VendorFactory(slug="pending-co", status=Vendor.Status.PENDING)
    VendorMembershipFactory(user=users["vendor_a"], vendor=vendor_a)
    VendorMembershipFactory(user=users["vendor_b"], vendor=vendor_b)
    VendorMembershipFactory(user=users["pending_vendor"], vendor=pending)
    category = CategoryFactory(slug="lighting")
    approved = ProductFactory(vendor=vendor_a, category=category, slug="a-lamp", name="A Lamp")
    draft = ProductFactory(vendor=vendor_a, category=category, slug="a-draft", status=Product.Status.DRAFT)
    review = ProductFactory(vendor=vendor_a, category=category, slug="a-review", status=Product.Status.PENDING_REVIEW)
    address = AddressFactory(user=users["shopper_a"])
    job = ImportJob.objects.create(vendor=vendor_a, file=SimpleUploadedFile("a.csv", b"sku\n"))
    # Shopper A buys from vendor A, then puts one more line in the cart.
    shipping_methods()
    variant = VariantFactory(product=approved, stock=50)
    cart = fill_cart(Cart.objects.create(user=users["shopper_a"]), (variant, 1))
    checkout = post_checkout(client_for(users["shopper_a"]))
    assert checkout.status_code == 201, checkout.content
    order = checkout.json()
    order_process(order_id=Order.objects.get(number=order["number"]).pk)  # what the worker does: confirms
    cart_item = CartItemFactory(cart=cart, variant=variant)
    # Vendor A's money: a payout account at the dummy provider, a credit and the payout of it.
    account = PayoutAccount.objects.create(
        vendor=vendor_a, provider="dummy", account_id=DummyProvider().account_create(vendor_id=vendor_a.pk, email="").id
    )
    complete_onboarding(account.account_id)
    PayoutAccount.objects.filter(pk=account.pk).update(payouts_enabled=True)
    entry = adjustment_post(
        vendor=vendor_a, amount=Decimal("50.00"), currency="EUR", reason="opening", created_by_id=users["staff"].pk
    )
    [payout] = payouts_run(send_now=True).created
    return {
        "users": users,
        "ids": {
            "approved": approved.pk,
            "draft": draft.pk,
            "review": review.pk,
            "address": address.pk,
            "import": job.pk,
            "order": order["number"],
            "sub_order": order["vendor_orders"][0]["id"],
            "cart_item": cart_item.pk,
            "entry": entry.pk,
            "payout": payout,
            "payout_account": account.account_id,
            "month": timezone.localdate().strftime("%Y-%m"),
        },
    }


def client(world, role) -> APIClient:
    return APIClient() if role == "anonymous" else client_for(world["users"][role])


CASES = [
    # (label, method, path, body, expected per role)
    ("me", "get", "/api/v1/me/", None, signed_in(200)),
    ("addresses list", "get", "/api/v1/me/addresses/", None, signed_in(200)),
    ("address of A", "get", "/api/v1/me/addresses/{address}/", None, {**signed_in(404), "shopper_a": 200}),
    (
        "patch address of A",
        "patch",
        "/api/v1/me/addresses/{address}/",
        {"city": "X"},
        {**signed_in(404), "shopper_a": 200},
    ),
    ("delete address of A", "delete", "/api/v1/me/addresses/{address}/", None, {**signed_in(404), "shopper_a": 204}),
    (
        "vendor apply",
        "post",
        "/api/v1/vendors/",
        {"name": "New Shop", "description": "d", "contact_email": "new@example.com"},
        {**signed_in(201), "vendor_a": 409, "vendor_b": 409, "pending_vendor": 409},
    ),
    ("approved vendor profile", "get", "/api/v1/vendors/vendor-a/", None, everyone(200)),
    ("pending vendor profile", "get", "/api/v1/vendors/pending-co/", None, everyone(404)),
    ("approve vendor", "post", "/api/v1/moderation/vendors/pending-co/approve/", {}, staff_only(200)),
    ("suspend vendor", "post", "/api/v1/moderation/vendors/vendor-b/suspend/", {}, staff_only(200)),
    ("categories", "get", "/api/v1/categories/", None, everyone(200)),
    ("products", "get", "/api/v1/products/", None, everyone(200)),
    ("approved product", "get", "/api/v1/products/a-lamp/", None, everyone(200)),
    ("draft product is not public", "get", "/api/v1/products/a-draft/", None, everyone(404)),
    ("search", "get", "/api/v1/search/?q=lamp", None, everyone(200)),
    ("suggest", "get", "/api/v1/search/suggest/?q=la", None, everyone(200)),
    (
        "portal product list",
        "get",
        "/api/v1/vendor/products/",
        None,
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    (
        "portal create product",
        "post",
        "/api/v1/vendor/products/",
        {
            "name": "N",
            "description": "",
            "category": "lighting",
            "variants": [{"sku": "N-1", "name": "n", "price": "5.00", "stock": 1}],
        },
        portal(vendor_a=201, vendor_b=201, pending_vendor=403),
    ),
    (
        "portal product of A",
        "get",
        "/api/v1/vendor/products/{approved}/",
        None,
        portal(vendor_a=200, vendor_b=404, pending_vendor=404),
    ),
    (
        "portal patch product of A",
        "patch",
        "/api/v1/vendor/products/{approved}/",
        {"description": "x"},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    (
        "portal delete product of A",
        "delete",
        "/api/v1/vendor/products/{draft}/",
        None,
        portal(vendor_a=204, vendor_b=404, pending_vendor=403),
    ),
    (
        "portal submit product of A",
        "post",
        "/api/v1/vendor/products/{draft}/submit/",
        {},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    (
        "portal import of A",
        "get",
        "/api/v1/vendor/imports/{import}/",
        None,
        portal(vendor_a=200, vendor_b=404, pending_vendor=404),
    ),
    ("moderation queue", "get", "/api/v1/moderation/products/", None, staff_only(200)),
    ("moderation approve", "post", "/api/v1/moderation/products/{review}/approve/", {}, staff_only(200)),
    (
        "moderation reject",
        "post",
        "/api/v1/moderation/products/{review}/reject/",
        {"reason": "Blurry photos"},
        staff_only(200),
    ),
    ("shipping methods", "get", "/api/v1/shipping-methods/", None, everyone(200)),
    ("payment methods", "get", "/api/v1/payment-methods/", None, everyone(200)),
    ("orders list", "get", "/api/v1/orders/", None, signed_in(200)),
    ("order of A", "get", "/api/v1/orders/{order}/", None, {**everyone(404), "shopper_a": 200}),
    ("cancel order of A", "post", "/api/v1/orders/{order}/cancel/", {}, {**everyone(404), "shopper_a": 200}),
    (
        "cart line of A",
        "patch",
        "/api/v1/cart/items/{cart_item}/",
        {"quantity": 2},
        {**everyone(404), "shopper_a": 200},
    ),
    ("delete cart line of A", "delete", "/api/v1/cart/items/{cart_item}/", None, {**everyone(404), "shopper_a": 200}),
    (
        "ship sub-order of A",
        "post",
        "/api/v1/vendor/orders/{sub_order}/ship/",
        {"tracking_number": "TRACK-1"},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    (
        "vendor sub-orders",
        "get",
        "/api/v1/vendor/orders/",
        None,
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    # Vendor money: every vendor member reads its own; another vendor's entry or payout is 404.
    ("vendor balance", "get", "/api/v1/vendor/balance/", None, portal(vendor_a=200, vendor_b=200, pending_vendor=200)),
    ("vendor ledger", "get", "/api/v1/vendor/ledger/", None, portal(vendor_a=200, vendor_b=200, pending_vendor=200)),
    (
        "ledger entry of A",
        "get",
        "/api/v1/vendor/ledger/{entry}/",
        None,
        portal(vendor_a=200, vendor_b=404, pending_vendor=404),
    ),
    (
        "vendor earnings",
        "get",
        "/api/v1/vendor/earnings/",
        None,
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    (
        "vendor statements",
        "get",
        "/api/v1/vendor/statements/",
        None,
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    *[
        (
            f"own statement {suffix or 'json'}",
            "get",
            f"/api/v1/vendor/statements/{{month}}/{suffix}",
            None,
            portal(vendor_a=200, vendor_b=200, pending_vendor=200),
        )
        for suffix in ("", "csv/", "pdf/")
    ],
    (
        "payout account",
        "get",
        "/api/v1/vendor/payout-account/",
        None,
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    (
        "connect payout account",
        "post",
        "/api/v1/vendor/payout-account/",
        {},
        portal(vendor_a=200, vendor_b=200, pending_vendor=403),
    ),
    (
        "dummy onboarding of A's account",
        "post",
        "/api/v1/vendor/payout-account/dummy-onboarding/",
        {"account": "{payout_account}"},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    ("vendor payouts", "get", "/api/v1/vendor/payouts/", None, portal(vendor_a=200, vendor_b=200, pending_vendor=200)),
    (
        "payout of A",
        "get",
        "/api/v1/vendor/payouts/{payout}/",
        None,
        portal(vendor_a=200, vendor_b=404, pending_vendor=404),
    ),
    ("connect webhook without a signature", "post", "/api/v1/payouts/stripe/webhook/", {}, everyone(400)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label,method,path,body,expected", CASES, ids=[c[0] for c in CASES])
def test_access_matrix(world, role, label, method, path, body, expected):
    url = path.format(**world["ids"])
    if isinstance(body, dict):
        body = {k: v.format(**world["ids"]) if isinstance(v, str) else v for k, v in body.items()}
    response = getattr(client(world, role), method)(url, body, format="json")
    want = expected[role]
    assert response.status_code == want, f"{label} as {role}: {response.status_code} {response.content[:300]!r}"
    if want >= 400:
        assert response.json()["error"]["code"]


@pytest.mark.parametrize("role", ["vendor_a", "vendor_b"])
def test_image_upload_only_to_own_products(world, role):
    response = client(world, role).post(
        f"/api/v1/vendor/products/{world['ids']['approved']}/images/", {"image": png()}, format="multipart"
    )
    assert response.status_code == (201 if role == "vendor_a" else 404)


# --- mass assignment: protected fields cannot be set through any write endpoint ---------------


def test_register_cannot_set_staff(world):
    r = APIClient().post(
        "/api/v1/auth/register/",
        {"email": "m@example.com", "password": "a-long-passphrase", "is_staff": True, "is_superuser": True},
        format="json",
    )
    assert r.status_code == 400
    assert not world["users"]["shopper_a"].__class__.objects.filter(email="m@example.com").exists()


def test_me_cannot_set_staff_or_vendor(world):
    c = client(world, "shopper_a")
    for field, value in (("is_staff", True), ("vendor", {"slug": "vendor-a"}), ("email", "x@example.com")):
        assert c.patch("/api/v1/me/", {field: value}, format="json").status_code == 400
    user = world["users"]["shopper_a"]
    user.refresh_from_db()
    assert not user.is_staff and user.email != "x@example.com"


@pytest.mark.parametrize("field,value", [("status", "approved"), ("commission_rate", "0.00"), ("slug", "taken")])
def test_vendor_apply_cannot_set_protected_fields(world, field, value):
    body = {"name": "Sneaky", "description": "", "contact_email": "s@example.com", field: value}
    assert client(world, "shopper_a").post("/api/v1/vendors/", body, format="json").status_code == 400
    assert not Vendor.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("field,value", [("status", "approved"), ("vendor", "vendor-b"), ("rejection_reason", "")])
def test_vendor_product_cannot_set_status_or_owner(world, field, value):
    c = client(world, "vendor_a")
    body = {
        "name": "Sneaky",
        "description": "",
        "category": "lighting",
        "variants": [{"sku": "SN-1", "name": "a", "price": "5.00", "stock": 1}],
        field: value,
    }
    assert c.post("/api/v1/vendor/products/", body, format="json").status_code == 400
    assert not Product.objects.filter(name="Sneaky").exists()
    r = c.patch(f"/api/v1/vendor/products/{world['ids']['draft']}/", {field: value}, format="json")
    assert r.status_code == 400
    assert Product.objects.get(pk=world["ids"]["draft"]).status == Product.Status.DRAFT


def test_vendor_cannot_change_another_vendors_variant_stock(world):
    # given vendor B's product with one variant
    theirs = ProductFactory(vendor=Vendor.objects.get(slug="vendor-b"), slug="b-mug")
    variant = theirs.variants.get()
    mine = world["ids"]["approved"]
    # when vendor A lists B's variant id in its own product's variants
    r = client(world, "vendor_a").patch(
        f"/api/v1/vendor/products/{mine}/",
        {"variants": [{"id": variant.pk, "sku": variant.sku, "name": "hijack", "price": "1.00", "stock": 999}]},
        format="json",
    )
    # then it is refused and B's variant is untouched
    assert r.status_code in (400, 404)
    variant.refresh_from_db()
    assert variant.stock == 10 and variant.product_id == theirs.pk and variant.name != "hijack"


@pytest.mark.parametrize("field,value", [("total", "0.01"), ("status", "paid"), ("commission", "0.00")])
def test_checkout_cannot_set_prices_or_status(world, field, value):
    shopper = world["users"]["shopper_b"]
    variant = Product.objects.get(pk=world["ids"]["approved"]).variants.first()
    fill_cart(Cart.objects.create(user=shopper), (variant, 1))
    r = post_checkout(client_for(shopper), **{field: value})
    assert r.status_code == 400
    assert not Order.objects.filter(user=shopper).exists()


def test_cart_line_price_cannot_be_set(world):
    variant = Product.objects.get(pk=world["ids"]["approved"]).variants.first()
    r = client(world, "shopper_b").post(
        "/api/v1/cart/items/", {"variant_id": variant.pk, "quantity": 1, "unit_price": "0.01"}, format="json"
    )
    assert r.status_code == 400
    assert not Cart.objects.filter(user=world["users"]["shopper_b"], items__isnull=False).exists()
