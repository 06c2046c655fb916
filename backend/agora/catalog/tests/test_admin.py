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


def test_a_vendor_renamed_in_admin_shows_its_new_name_and_slug_in_the_public_list(
    admin_client, api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory.create()
    vendor = product.vendor
    assert api_client.get("/api/v1/products/").json()["results"][0]["vendor"]["name"] == vendor.name  # cached

    # when staff rename the vendor and give it a new slug
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:vendors_vendor_change", args=[vendor.pk]),
            {
                "name": "Lumen Works",
                "slug": "lumen-works",
                "description": vendor.description,
                "contact_email": vendor.contact_email,
                "commission_rate": str(vendor.commission_rate),
                "handling_days": vendor.handling_days,
                "return_window_days": vendor.return_window_days,
                "memberships-TOTAL_FORMS": 0,
                "memberships-INITIAL_FORMS": 0,
            },
        )
    assert response.status_code == 302, response.content[:800]

    # then the list shows the new name at once, and the new slug filters it
    assert api_client.get("/api/v1/products/").json()["results"][0]["vendor"] == {
        "slug": "lumen-works",
        "name": "Lumen Works",
    }
    assert api_client.get("/api/v1/products/?vendor=lumen-works").json()["count"] == 1
    assert api_client.get(f"/api/v1/products/{product.slug}/").json()["vendor"]["name"] == "Lumen Works"


def test_a_vendor_description_edit_leaves_the_public_catalog_cached(django_capture_on_commit_callbacks):
    from agora.catalog.cache import catalog_version
    from agora.vendors.services import vendor_admin_save

    vendor = ProductFactory.create().vendor
    before = catalog_version()

    vendor.description = "Handmade lamps since 1999."
    with django_capture_on_commit_callbacks(execute=True):
        vendor_admin_save(vendor=vendor)
    assert catalog_version() == before  # the list shows no description: nothing to renew

    vendor.name = "Lumen Works"
    with django_capture_on_commit_callbacks(execute=True):
        vendor_admin_save(vendor=vendor)
    assert catalog_version() != before
