"""The back office: pages render, bulk actions go through the services."""

import pytest
from django.urls import reverse

from agora.catalog.models import Category, ImportJob, Product
from agora.catalog.tests.factories import CategoryFactory, ProductFactory
from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    user = make_user(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_changelists_and_forms_render(admin_client):
    product = ProductFactory.create()
    ImportJob.objects.create(vendor=product.vendor, file="imports/x.csv", errors=[{"row": 2, "message": "bad"}])
    for name in ("catalog_product", "catalog_category", "catalog_importjob", "vendors_vendor"):
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert admin_client.get(reverse(f"admin:{name}_changelist") + "?q=a").status_code == 200, name
    assert admin_client.get(reverse("admin:catalog_product_change", args=[product.pk])).status_code == 200
    assert admin_client.get(reverse("admin:vendors_vendor_change", args=[product.vendor.pk])).status_code == 200
    assert admin_client.get(reverse("admin:catalog_product_changelist") + "?status__exact=approved").status_code == 200


def test_bulk_approve_and_reject_with_reason(admin_client):
    a, b = ProductFactory.create(status="pending_review"), ProductFactory.create(status="pending_review")
    draft = ProductFactory.create(status="draft")
    url = reverse("admin:catalog_product_changelist")

    admin_client.post(url, {"action": "approve", "_selected_action": [a.pk, draft.pk]})
    admin_client.post(url, {"action": "reject", "_selected_action": [b.pk]})  # no reason: refused
    assert Product.objects.get(pk=b.pk).status == "pending_review"
    admin_client.post(url, {"action": "reject", "_selected_action": [b.pk], "reason": "Missing dimensions."})

    assert Product.objects.get(pk=a.pk).status == "approved"
    assert Product.objects.get(pk=draft.pk).status == "draft"  # skipped: not pending review
    rejected = Product.objects.get(pk=b.pk)
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "Missing dimensions.")

    admin_client.post(url, {"action": "archive", "_selected_action": [a.pk]})
    assert Product.objects.get(pk=a.pk).status == "archived"


def test_bulk_vendor_approve_and_suspend(admin_client):
    pending = VendorFactory.create(status=Vendor.Status.PENDING)
    live = VendorFactory.create()
    url = reverse("admin:vendors_vendor_changelist")
    admin_client.post(url, {"action": "approve", "_selected_action": [pending.pk]})
    admin_client.post(url, {"action": "suspend", "_selected_action": [live.pk]})
    assert Vendor.objects.get(pk=pending.pk).status == "approved"
    assert Vendor.objects.get(pk=live.pk).status == "suspended"


def test_category_edit_in_admin_keeps_the_tree_paths(admin_client):
    home = CategoryFactory.create(slug="home", name="Home")
    lighting = CategoryFactory.create(slug="lighting", name="Lighting", parent=home)
    CategoryFactory.create(slug="lamps", name="Lamps", parent=lighting)
    response = admin_client.post(
        reverse("admin:catalog_category_change", args=[lighting.pk]),
        {"name": "Lights", "slug": "lights", "parent": "", "position": 0},
    )
    assert response.status_code == 302, response.content[:500]
    assert Category.objects.get(slug="lamps").path == "lights/lamps"
    response = admin_client.post(
        reverse("admin:catalog_category_add"), {"name": "Desk", "slug": "desk", "parent": lighting.pk, "position": 1}
    )
    assert response.status_code == 302
    assert Category.objects.get(slug="desk").path == "lights/desk"


def test_editing_a_variant_price_in_admin_refreshes_the_summary(admin_client):
    product = ProductFactory.create()
    variant = product.variants.get()
    data = {
        "vendor": product.vendor.pk,
        "category": product.category.pk,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "attributes": "{}",
        "variants-TOTAL_FORMS": 1,
        "variants-INITIAL_FORMS": 1,
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
        "variants-0-sku": variant.sku,
        "variants-0-name": variant.name,
        "variants-0-price": "3.25",
        "variants-0-currency": "EUR",
        "variants-0-stock": 4,
        "variants-0-is_active": "on",
        "variants-0-position": 0,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
    }
    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)
    assert response.status_code == 302, response.content[:2000]
    product.refresh_from_db()
    assert str(product.price_min) == "3.25"
