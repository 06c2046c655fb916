"""Access-control matrix: every /api/v1/ endpoint x {anonymous, shopper A, shopper B, vendor A,
vendor B, pending vendor, staff}, with the documented outcome of each cell. Objects belong to
shopper A / vendor A; anyone else gets 404 for them (no existence leaks)."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from agora.accounts.services import data_export_build, data_export_request
from agora.accounts.tests.factories import AddressFactory, UserFactory
from agora.carts.models import Cart
from agora.carts.tests.factories import CartItemFactory
from agora.catalog.models import ImportJob, Product
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from agora.ledger.services import adjustment_post
from agora.orders.models import Order, VendorOrder
from agora.orders.services import order_process
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payouts.models import PayoutAccount
from agora.payouts.providers.dummy import DummyProvider, complete_onboarding
from agora.payouts.services import payouts_run
from agora.returns.models import ReturnLine, ReturnRequest
from agora.reviews.models import Review, ReviewPhoto
from agora.shipping.models import VendorShippingMethod
from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from agora.wishlists.models import WishlistItem
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
    users = {role: UserFactory.create() for role in ROLES if role != "anonymous"}
    users["staff"].is_staff = True
    users["staff"].save()
    vendor_a = VendorFactory.create(slug="vendor-a")
    vendor_b = VendorFactory.create(slug="vendor-b")
    pending = VendorFactory.create(slug="pending-co", status=Vendor.Status.PENDING)
    VendorMembershipFactory.create(user=users["vendor_a"], vendor=vendor_a)
    VendorMembershipFactory.create(user=users["vendor_b"], vendor=vendor_b)
    VendorMembershipFactory.create(user=users["pending_vendor"], vendor=pending)
    category = CategoryFactory.create(slug="lighting")
    approved = ProductFactory.create(vendor=vendor_a, category=category, slug="a-lamp", name="A Lamp")
    draft = ProductFactory.create(vendor=vendor_a, category=category, slug="a-draft", status=Product.Status.DRAFT)
    review = ProductFactory.create(
        vendor=vendor_a, category=category, slug="a-review", status=Product.Status.PENDING_REVIEW
    )
    address = AddressFactory.create(user=users["shopper_a"])
    job = ImportJob.objects.create(vendor=vendor_a, file=SimpleUploadedFile("a.csv", b"sku\n"))
    # Shopper A buys from vendor A, then puts one more line in the cart.
    shipping_methods()
    variant = VariantFactory.create(product=approved, stock=50)
    cart = fill_cart(Cart.objects.create(user=users["shopper_a"]), (variant, 1))
    checkout = post_checkout(client_for(users["shopper_a"]))
    assert checkout.status_code == 201, checkout.content
    order = checkout.json()
    order_process(order_id=Order.objects.get(number=order["number"]).pk)  # what the worker does: confirms
    cart_item = CartItemFactory.create(cart=cart, variant=variant)
    sub_order = VendorOrder.objects.get(order__number=order["number"])
    a_return = ReturnRequest.objects.create(order=sub_order.order, vendor_order=sub_order, reason="Too small.")
    ReturnLine.objects.create(return_request=a_return, order_line=sub_order.lines.get(), quantity=1)
    ship_method = VendorShippingMethod.objects.create(vendor=vendor_b, code="b-parcel", name="B parcel", price=3)
    # Shopper A asked for a copy of their data, and it is ready.
    export = data_export_request(user=users["shopper_a"])
    data_export_build(export_id=export.pk)
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
    # Shopper A reviewed what they bought (published, with a photo) and saved the variant.
    line = sub_order.lines.get()
    shopper_review = Review.objects.create(
        order_line=line,
        user=users["shopper_a"],
        product=approved,
        vendor=vendor_a,
        rating=4,
        title="Good",
        body="A good lamp.",
        status=Review.Status.PUBLISHED,
    )
    photo = ReviewPhoto.objects.create(review=shopper_review, image=png())
    wish = WishlistItem.objects.create(user=users["shopper_a"], variant=variant)
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
            "export": export.pk,
            "variant": variant.pk,
            "ship_method": ship_method.pk,
            "return": a_return.pk,
            "entry": entry.pk,
            "payout": payout,
            "payout_account": account.account_id,
            "month": timezone.localdate().strftime("%Y-%m"),
            "line": line.pk,
            "shopper_review": shopper_review.pk,
            "photo": photo.pk,
            "wish": wish.pk,
        },
    }


def client(world, role) -> APIClient:
    return APIClient() if role == "anonymous" else client_for(world["users"][role])


CASES = [
    # (label, method, path, body, expected per role)
    # --- auth: open to everyone; a signed-in caller gets no more than a guest
    ("register (invalid body)", "post", "/api/v1/auth/register/", {"email": "not-an-email"}, everyone(400)),
    (
        "sign in (unknown account)",
        "post",
        "/api/v1/auth/token/",
        {"email": "nobody@example.com", "password": "x"},
        everyone(401),
    ),
    ("refresh without token or cookie", "post", "/api/v1/auth/token/refresh/", {}, everyone(401)),
    ("cookie sign-out", "delete", "/api/v1/auth/token/refresh/", None, everyone(204)),
    ("logout (garbage token)", "post", "/api/v1/auth/logout/", {"refresh": "garbage"}, everyone(400)),
    ("password reset", "post", "/api/v1/auth/password/reset/", {"email": "someone@example.com"}, everyone(202)),
    (
        "password reset confirm (bad link)",
        "post",
        "/api/v1/auth/password/reset/confirm/",
        {"uid": "MQ", "token": "nope", "password": "a-brand-new-passphrase"},
        everyone(400),
    ),
    ("verify email (bad link)", "post", "/api/v1/auth/email/verify/", {"token": "nope"}, everyone(400)),
    # --- the caller's own account
    ("me", "get", "/api/v1/me/", None, signed_in(200)),
    (
        "change password (wrong current)",
        "post",
        "/api/v1/me/password/",
        {"current_password": "wrong-password", "new_password": "a-brand-new-passphrase"},
        signed_in(400),
    ),
    ("new verification email", "post", "/api/v1/me/email/verification/", None, signed_in(202)),
    ("data exports", "get", "/api/v1/me/export/", None, signed_in(200)),
    ("ask for a data export", "post", "/api/v1/me/export/", None, signed_in(202)),
    (
        "download A's data export",
        "get",
        "/api/v1/me/export/{export}/download/",
        None,
        {**signed_in(404), "shopper_a": 200},
    ),
    ("delete account (wrong password)", "delete", "/api/v1/me/", {"password": "wrong-password"}, signed_in(400)),
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
    ("search query statistics", "get", "/api/v1/moderation/search/queries/", None, staff_only(200)),
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
    ("cart shipping options", "get", "/api/v1/cart/shipping-options/", None, {**signed_in(200), "anonymous": 404}),
    (
        "own shipping methods",
        "get",
        "/api/v1/vendor/shipping-methods/",
        None,
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    (
        "add a shipping method",
        "post",
        "/api/v1/vendor/shipping-methods/",
        {"code": "courier", "name": "Courier", "price": "7.00"},
        portal(vendor_a=201, vendor_b=201, pending_vendor=403),
    ),
    (
        "vendor B's shipping method",
        "patch",
        "/api/v1/vendor/shipping-methods/{ship_method}/",
        {"price": "2.00"},
        portal(vendor_a=404, vendor_b=200, pending_vendor=403),
    ),
    (
        "delete vendor B's shipping method",
        "delete",
        "/api/v1/vendor/shipping-methods/{ship_method}/",
        None,
        portal(vendor_a=404, vendor_b=204, pending_vendor=403),
    ),
    (
        "own policies",
        "patch",
        "/api/v1/vendor/policies/",
        {"handling_days": 2},
        portal(vendor_a=200, vendor_b=200, pending_vendor=200),
    ),
    ("new cart", "post", "/api/v1/carts/", None, everyone(201)),
    ("own cart (guests need a token)", "get", "/api/v1/cart/", None, {**signed_in(200), "anonymous": 404}),
    (
        "add to own cart",
        "post",
        "/api/v1/cart/items/",
        {"variant_id": "{variant}", "quantity": 1},
        {**signed_in(201), "anonymous": 404},
    ),
    ("merge a guest cart (unknown token)", "post", "/api/v1/cart/merge/", {"token": "nope"}, signed_in(404)),
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
    (
        "ship a parcel of A's sub-order",
        "post",
        "/api/v1/vendor/orders/{sub_order}/parcels/",
        {"carrier": "DHL"},
        portal(vendor_a=201, vendor_b=404, pending_vendor=403),
    ),
    (
        "cancel lines of A's sub-order",
        "post",
        "/api/v1/vendor/orders/{sub_order}/cancel-lines/",
        {"reason": "Sold out."},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    ("returns of A's order", "get", "/api/v1/orders/{order}/returns/", None, {**everyone(404), "shopper_a": 200}),
    (
        "ask to return (nothing shipped)",
        "post",
        "/api/v1/orders/{order}/returns/",
        {"vendor_order": "{sub_order}", "lines": [], "reason": "x"},
        {**everyone(404), "shopper_a": 400},
    ),
    (
        "dispute a return that was not rejected",
        "post",
        "/api/v1/orders/{order}/returns/{return}/dispute/",
        {"reason": "x"},
        {**everyone(404), "shopper_a": 409},
    ),
    ("vendor returns", "get", "/api/v1/vendor/returns/", None, portal(vendor_a=200, vendor_b=200, pending_vendor=200)),
    (
        "approve A's return",
        "post",
        "/api/v1/vendor/returns/{return}/approve/",
        None,
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    (
        "reject A's return",
        "post",
        "/api/v1/vendor/returns/{return}/reject/",
        {"note": "Used."},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    (
        "refund A's return before it was approved",
        "post",
        "/api/v1/vendor/returns/{return}/refund/",
        {},
        portal(vendor_a=409, vendor_b=404, pending_vendor=403),
    ),
    ("returns for staff", "get", "/api/v1/moderation/returns/", None, staff_only(200)),
    (
        "decide a return that is not disputed",
        "post",
        "/api/v1/moderation/returns/{return}/decide/",
        {"approve": True, "note": "ok"},
        staff_only(409),
    ),
    (
        "staff cancel a sub-order",
        "post",
        "/api/v1/moderation/vendor-orders/{sub_order}/cancel/",
        {"reason": "Not shipped in time."},
        staff_only(200),
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
    # Reviews: public for a public product; the author's own; the vendor's replies; staff moderate.
    ("product reviews", "get", "/api/v1/products/a-lamp/reviews/", None, everyone(200)),
    ("reviews of a draft are not public", "get", "/api/v1/products/a-draft/reviews/", None, everyone(404)),
    ("own reviews", "get", "/api/v1/me/reviews/", None, signed_in(200)),
    (
        "review A's line (not shipped)",
        "post",
        "/api/v1/me/reviews/",
        {"order_line": "{line}", "rating": 5, "title": "Nice", "body": "Nice lamp."},
        {**signed_in(404), "shopper_a": 409},
    ),
    ("A's review", "get", "/api/v1/me/reviews/{shopper_review}/", None, {**signed_in(404), "shopper_a": 200}),
    (
        "edit A's review",
        "patch",
        "/api/v1/me/reviews/{shopper_review}/",
        {"rating": 3},
        {**signed_in(404), "shopper_a": 200},
    ),
    ("delete A's review", "delete", "/api/v1/me/reviews/{shopper_review}/", None, {**signed_in(404), "shopper_a": 204}),
    (
        "delete a photo of A's review",
        "delete",
        "/api/v1/me/reviews/{shopper_review}/photos/{photo}/",
        None,
        {**signed_in(404), "shopper_a": 204},
    ),
    ("own purchases", "get", "/api/v1/me/purchases/", None, signed_in(200)),
    ("vendor reviews", "get", "/api/v1/vendor/reviews/", None, portal(vendor_a=200, vendor_b=200, pending_vendor=200)),
    (
        "reply to A's review",
        "post",
        "/api/v1/vendor/reviews/{shopper_review}/reply/",
        {"text": "Thank you!"},
        portal(vendor_a=200, vendor_b=404, pending_vendor=403),
    ),
    ("review queue", "get", "/api/v1/moderation/reviews/", None, staff_only(200)),
    ("search query statistics", "get", "/api/v1/moderation/search/queries/", None, staff_only(200)),
    ("approve a published review", "post", "/api/v1/moderation/reviews/{shopper_review}/approve/", {}, staff_only(409)),
    (
        "reject a review",
        "post",
        "/api/v1/moderation/reviews/{shopper_review}/reject/",
        {"reason": "Off topic."},
        staff_only(200),
    ),
    # Wishlists: the caller's own only.
    ("own wishlist", "get", "/api/v1/me/wishlist/", None, signed_in(200)),
    (
        "save a variant",
        "post",
        "/api/v1/me/wishlist/",
        {"variant_id": "{variant}"},
        {**signed_in(201), "shopper_a": 200},
    ),
    ("wishlist keys", "get", "/api/v1/me/wishlist/keys/", None, signed_in(200)),
    (
        "merge a guest's hearts",
        "post",
        "/api/v1/me/wishlist/merge/",
        {"items": [{"product": "a-lamp"}]},
        signed_in(200),
    ),
    ("remove A's wish", "delete", "/api/v1/me/wishlist/{wish}/", None, {**signed_in(404), "shopper_a": 204}),
    (
        "move A's wish to the cart",
        "post",
        "/api/v1/me/wishlist/{wish}/move-to-cart/",
        {},
        {**signed_in(404), "shopper_a": 200},
    ),
    ("a vendor's shipping methods", "get", "/api/v1/vendors/vendor-a/shipping-methods/", None, everyone(200)),
    ("a pending vendor's shipping", "get", "/api/v1/vendors/pending-co/shipping-methods/", None, everyone(404)),
]


def _fill(body, ids):
    if isinstance(body, dict):
        filled = {k: v.format(**ids) if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()}
        return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in filled.items()}
    return body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label,method,path,body,expected", CASES, ids=[c[0] for c in CASES])
def test_access_matrix(world, role, label, method, path, body, expected):
    url = path.format(**world["ids"])
    response = getattr(client(world, role), method)(url, _fill(body, world["ids"]), format="json")
    want = expected[role]
    assert response.status_code == want, f"{label} as {role}: {response.status_code} {response.content[:300]!r}"
    if want >= 400:
        assert response.json()["error"]["code"]


# Endpoints the matrix above cannot call with one shared body, and where their cells are tested.
COVERED_ELSEWHERE = {
    "vendor-product-images": "test_image_upload_only_to_own_products (multipart)",
    "vendor-import-create": "test_csv_import_only_for_approved_vendors (multipart)",
    "checkout": "test_checkout_cannot_set_prices_or_status and agora/orders/tests (Idempotency-Key)",
    "stripe-webhook": "agora/payments/tests/test_stripe.py (Stripe-signed, no caller identity)",
    "my-review-photos": "test_review_photos_only_on_own_reviews (multipart)",
}


def test_every_api_endpoint_is_in_the_matrix():
    from django.urls import resolve

    from agora.core.tests.test_schema import _api_v1_routes

    ids = {"address": 1, "import": 1, "order": "AG-X", "sub_order": 1, "cart_item": 1, "export": 1, "ship_method": 1}
    ids["return"] = 1
    ids.update(entry=1, payout=1, payout_account="acct", month="2026-01")
    ids.update(approved=1, draft=1, review=1, variant=1, line=1, photo=1, wish=1, shopper_review=1)
    covered = {resolve(path.format(**ids).split("?")[0]).url_name for _, _, path, _, _ in CASES}
    routes = {
        resolve("/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", r)).url_name
        for r in _api_v1_routes()
    }
    missing = sorted(str(name) for name in routes - covered - set(COVERED_ELSEWHERE))  # an unnamed route: "None"
    assert not missing, f"endpoints missing from the access-control matrix: {missing}"


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anonymous", 401),
        ("shopper_a", 403),
        ("vendor_a", 202),
        ("vendor_b", 202),
        ("pending_vendor", 403),
        ("staff", 403),
    ],
)
def test_csv_import_only_for_approved_vendors(world, role, expected):
    csv = SimpleUploadedFile(
        "p.csv",
        b"sku,product_name,variant_name,price,stock,category,description,attributes\nM-1,Mug,Blue,9.50,3,lighting,,\n",
        content_type="text/csv",
    )
    response = client(world, role).post("/api/v1/vendor/imports/", {"file": csv}, format="multipart")
    assert response.status_code == expected, response.content


def test_deleting_an_account_deletes_only_the_caller(world):
    from agora.accounts.models import User
    from agora.accounts.tests.factories import PASSWORD

    assert client(world, "shopper_b").delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.get(pk=world["users"]["shopper_b"].pk).is_active
    assert all(u.is_active for u in User.objects.exclude(pk=world["users"]["shopper_b"].pk))
    assert client(world, "shopper_a").get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("role", ["vendor_a", "vendor_b"])
def test_image_upload_only_to_own_products(world, role):
    response = client(world, role).post(
        f"/api/v1/vendor/products/{world['ids']['approved']}/images/", {"image": png()}, format="multipart"
    )
    assert response.status_code == (201 if role == "vendor_a" else 404)


@pytest.mark.parametrize(
    "role,expected",
    [("anonymous", 401), ("shopper_a", 201), ("shopper_b", 404), ("vendor_a", 404), ("staff", 404)],
)
def test_review_photos_only_on_own_reviews(world, role, expected):
    url = f"/api/v1/me/reviews/{world['ids']['shopper_review']}/photos/"
    assert client(world, role).post(url, {"image": png()}, format="multipart").status_code == expected


def test_a_review_cannot_set_its_status_owner_or_reply(world):
    c = client(world, "shopper_a")
    review = world["ids"]["shopper_review"]
    for field, value in (("status", "published"), ("user", 1), ("reply", "x"), ("product", "a-lamp")):
        assert c.patch(f"/api/v1/me/reviews/{review}/", {field: value}, format="json").status_code == 400
    assert Review.objects.get(pk=review).reply == ""


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
    theirs = ProductFactory.create(vendor=Vendor.objects.get(slug="vendor-b"), slug="b-mug")
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
    assert variant is not None
    r = client(world, "shopper_b").post(
        "/api/v1/cart/items/", {"variant_id": variant.pk, "quantity": 1, "unit_price": "0.01"}, format="json"
    )
    assert r.status_code == 400
    assert not Cart.objects.filter(user=world["users"]["shopper_b"], items__isnull=False).exists()
