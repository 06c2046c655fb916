import pytest

from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.search.models import PendingIndex

pytestmark = pytest.mark.django_db


def test_queue_lists_only_products_pending_review(staff_client):
    waiting = ProductFactory.create(status="pending_review", name="Aurora Desk Lamp")
    ProductFactory.create(status="draft")
    ProductFactory.create(status="approved")

    response = staff_client.get("/api/v1/moderation/products/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == waiting.pk and item["status"] == "pending_review"
    assert item["vendor"] == {"slug": waiting.vendor.slug, "name": waiting.vendor.name}
    assert item["variants"][0]["sku"] == waiting.variants.get().sku


def test_approve_lists_and_indexes_the_product(staff_client, api_client, django_capture_on_commit_callbacks):
    product = ProductFactory.create(status="pending_review")
    PendingIndex.objects.all().delete()
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/api/v1/moderation/products/{product.pk}/approve/")

    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 200
    assert PendingIndex.objects.filter(product_id=product.pk).exists()
    assert Product.objects.get(pk=product.pk).approved_at is not None


def test_reject_with_a_reason_the_vendor_sees(staff_client, vendor, vendor_client):
    product = ProductFactory.create(vendor=vendor, status="pending_review")

    response = staff_client.post(
        f"/api/v1/moderation/products/{product.pk}/reject/", {"reason": "Photos are blurry."}, format="json"
    )

    assert response.status_code == 200 and response.json()["status"] == "rejected"
    mine = vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()
    assert mine["status"] == "rejected" and mine["rejection_reason"] == "Photos are blurry."
    # the vendor fixes it and resubmits; approval clears the reason
    vendor_client.post(f"/api/v1/vendor/products/{product.pk}/submit/")
    staff_client.post(f"/api/v1/moderation/products/{product.pk}/approve/")
    assert vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()["rejection_reason"] == ""


def test_reject_needs_a_reason(staff_client):
    product = ProductFactory.create(status="pending_review")
    for body in ({}, {"reason": ""}, {"reason": "x", "extra": 1}):
        response = staff_client.post(f"/api/v1/moderation/products/{product.pk}/reject/", body, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    assert Product.objects.get(pk=product.pk).status == "pending_review"


@pytest.mark.parametrize("state", ["draft", "approved", "rejected", "archived"])
def test_only_pending_products_can_be_moderated(staff_client, state):
    product = ProductFactory.create(status=state)
    for action, body in (("approve", {}), ("reject", {"reason": "No."})):
        response = staff_client.post(f"/api/v1/moderation/products/{product.pk}/{action}/", body, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"
    assert Product.objects.get(pk=product.pk).status == state


def test_moderation_is_staff_only(auth_client, api_client, vendor_client, staff_client):
    product = ProductFactory.create(status="pending_review")
    for client, code in ((auth_client, 403), (vendor_client, 403), (api_client, 401)):
        assert client.get("/api/v1/moderation/products/").status_code == code
        assert client.post(f"/api/v1/moderation/products/{product.pk}/approve/").status_code == code
        assert client.post(f"/api/v1/moderation/products/{product.pk}/reject/", {"reason": "x"}).status_code == code
    assert Product.objects.get(pk=product.pk).status == "pending_review"
    assert staff_client.post("/api/v1/moderation/products/999999/approve/").status_code == 404
