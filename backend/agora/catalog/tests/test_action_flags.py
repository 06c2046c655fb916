"""The portal offers what the services accept: a product's `actions` for its vendor and staff."""

import pytest

from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.vendors.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        ("draft", ["edit", "add_image", "submit", "delete"]),
        ("pending_review", ["edit", "add_image", "delete"]),
        ("approved", ["edit", "add_image", "delete"]),
        ("rejected", ["edit", "add_image", "submit", "delete"]),
        ("archived", ["delete"]),
    ],
)
def test_a_vendors_product_lists_what_it_may_do(vendor, vendor_client, status, actions):
    product = ProductFactory.create(vendor=vendor, status=status)
    body = vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()
    assert body["actions"] == actions
    submitted = vendor_client.post(f"/api/v1/vendor/products/{product.pk}/submit/")
    assert (submitted.status_code == 200) == ("submit" in actions)


def test_a_suspended_vendor_is_offered_nothing(vendor, vendor_client):
    product = ProductFactory.create(vendor=vendor, status="draft")
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.SUSPENDED)
    assert vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()["actions"] == []
    assert vendor_client.post(f"/api/v1/vendor/products/{product.pk}/submit/").status_code == 403


def test_the_image_limit_withdraws_add_image(vendor, vendor_client, settings):
    settings.CATALOG_MAX_IMAGES_PER_PRODUCT = 0
    product = ProductFactory.create(vendor=vendor, status="draft")
    assert "add_image" not in vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()["actions"]


def test_staff_see_approve_and_reject_while_it_waits(staff_client):
    ProductFactory.create(status=Product.Status.PENDING_REVIEW)
    [item] = staff_client.get("/api/v1/moderation/products/").json()["results"]
    assert item["actions"] == ["approve", "reject"]
