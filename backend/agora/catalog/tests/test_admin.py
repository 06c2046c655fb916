"""The back office: pages render, bulk actions go through the services."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from agora.catalog import errors
from agora.catalog.models import Category, ImportJob, Product, Variant
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
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


def _change_form(product, *variants, initial: int, **fields) -> dict:
    """The product's change form as the admin posts it: its fields (overridden by ``fields``) and
    the variant rows (the first ``initial`` of them existing variants, with their ``id``)."""
    data = {
        "vendor": product.vendor_id,
        "category": product.category_id,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "attributes": "{}",
        "variants-TOTAL_FORMS": len(variants),
        "variants-INITIAL_FORMS": initial,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        **fields,
    }
    for i, row in enumerate(variants):
        row = {
            "product": product.pk,
            "price": "10.00",
            "currency": "EUR",
            "stock": 10,
            "is_active": "on",
            "position": 0,
            **row,
        }
        data.update({f"variants-{i}-{key}": value for key, value in row.items()})
    return data


def test_a_product_stays_with_its_vendor_and_so_do_its_variants(admin_client):
    # Orders, commission and the ledger follow a variant's vendor: a product is not re-homed in the admin.
    product = ProductFactory.create()
    vendor, other = product.vendor, VendorFactory.create()
    variant = product.variants.get()
    url = reverse("admin:catalog_product_change", args=[product.pk])

    # when staff post the form with another vendor (and a new name)
    row = {"id": variant.pk, "sku": variant.sku, "name": variant.name}
    response = admin_client.post(url, _change_form(product, row, initial=1, vendor=other.pk, name="Renamed"))

    # then the edit is saved, and the product and its variants still belong to their vendor
    assert response.status_code == 302, response.content[:2000]
    product.refresh_from_db()
    assert (product.name, product.vendor_id) == ("Renamed", vendor.pk)
    assert list(Variant.objects.filter(product=product).values_list("vendor_id", flat=True)) == [vendor.pk]
    page = admin_client.get(url).content.decode()
    assert 'name="vendor"' not in page and vendor.name in page  # shown, not editable


def test_a_new_product_in_the_admin_gets_the_vendor_chosen_and_its_variants_too(admin_client):
    vendor, category = VendorFactory.create(), CategoryFactory.create()
    data = {
        "vendor": vendor.pk,
        "category": category.pk,
        "name": "Desk Lamp",
        "slug": "desk-lamp",
        "description": "",
        "attributes": "{}",
        "variants-TOTAL_FORMS": 1,
        "variants-INITIAL_FORMS": 0,
        "variants-0-sku": "LAMP-1",
        "variants-0-name": "Brass",
        "variants-0-price": "10.00",
        "variants-0-currency": "EUR",
        "variants-0-stock": 3,
        "variants-0-is_active": "on",
        "variants-0-position": 0,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
    }
    response = admin_client.post(reverse("admin:catalog_product_add"), data)
    assert response.status_code == 302, response.content[:2000]
    product = Product.objects.get(slug="desk-lamp")
    assert product.vendor_id == vendor.pk
    assert list(product.variants.values_list("vendor_id", flat=True)) == [vendor.pk]


def test_a_sku_the_vendor_already_uses_is_an_error_next_to_it_not_a_500(admin_client):
    product = ProductFactory.create(variants=0)
    VariantFactory.create(product=ProductFactory.create(vendor=product.vendor, variants=0), sku="DUP-1")
    url = reverse("admin:catalog_product_change", args=[product.pk])

    # when staff add a variant with a SKU another product of the vendor has (in other case)
    response = admin_client.post(url, _change_form(product, {"sku": "dup-1", "name": "Brass"}, initial=0))

    # then the form comes back with the error at the SKU, and nothing is saved
    assert response.status_code == 200
    assert errors.SKU_TAKEN_BY_VENDOR in response.content.decode()
    assert not product.variants.exists()


def test_a_sku_twice_in_the_form_is_an_error_not_a_500(admin_client):
    product = ProductFactory.create(variants=0)
    rows = [{"sku": "LAMP-1", "name": "Brass"}, {"sku": "lamp-1", "name": "Black"}]
    response = admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), _change_form(product, *rows, initial=0)
    )
    assert response.status_code == 200
    assert errors.SKU_REPEATED in response.content.decode()
    assert not product.variants.exists()


def test_a_sku_on_a_new_product_is_checked_against_the_vendor_chosen(admin_client):
    taken = VariantFactory.create(sku="LAMP-1")
    product = ProductFactory.build(vendor=taken.vendor, category=CategoryFactory.create(), slug="desk-lamp")
    row = {"sku": "Lamp-1", "name": "Brass", "product": ""}
    response = admin_client.post(reverse("admin:catalog_product_add"), _change_form(product, row, initial=0))
    assert response.status_code == 200
    assert errors.SKU_TAKEN_BY_VENDOR in response.content.decode()
    assert not Product.objects.filter(slug="desk-lamp").exists()

    # the same SKU at another vendor is fine
    other = VendorFactory.create()
    response = admin_client.post(
        reverse("admin:catalog_product_add"), _change_form(product, row, initial=0, vendor=other.pk)
    )
    assert response.status_code == 302, response.content[:2000]
    assert Product.objects.get(slug="desk-lamp").variants.get().vendor_id == other.pk


def test_renaming_a_variant_to_a_sku_of_another_of_its_product_is_an_error(admin_client):
    product = ProductFactory.create(variants=2)
    first, second = product.variants.order_by("pk")
    rows = [
        {"id": first.pk, "sku": first.sku, "name": first.name},
        {"id": second.pk, "sku": first.sku.lower(), "name": second.name},
    ]
    response = admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), _change_form(product, *rows, initial=2)
    )
    assert response.status_code == 200
    assert errors.SKU_REPEATED in response.content.decode()
    assert Variant.objects.get(pk=second.pk).sku == second.sku


def test_giving_a_sku_of_a_variant_deleted_in_the_same_save_is_an_error_not_a_500(admin_client):
    # (the variants are saved before the deleted ones go: staff delete first, then rename)
    product = ProductFactory.create(variants=2)
    first, second = product.variants.order_by("pk")
    rows = [
        {"id": first.pk, "sku": first.sku, "name": first.name, "DELETE": "on"},
        {"id": second.pk, "sku": first.sku, "name": second.name},
    ]
    response = admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]), _change_form(product, *rows, initial=2)
    )
    assert response.status_code == 200
    assert errors.SKU_TAKEN_BY_VENDOR in response.content.decode()
    assert product.variants.count() == 2


def test_an_import_jobs_page_shows_its_file_and_staff_can_download_it(admin_client, settings, tmp_path):
    # The file is in private storage, which has no URL: the page must not ask it for one.
    from django.core.files.base import ContentFile

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    job = ImportJob.objects.create(vendor=VendorFactory.create())
    job.file.save("lamps.csv", ContentFile(b"sku,name,price,stock\nL-1,Lamp,10.00,3\n"))

    page = admin_client.get(reverse("admin:catalog_importjob_change", args=[job.pk]))

    assert page.status_code == 200
    assert job.file.name in page.content.decode()
    download = admin_client.get(reverse("admin:catalog_importjob_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"sku,name,price,stock\nL-1,Lamp,10.00,3\n"
    assert "attachment" in download["Content-Disposition"]


def test_an_import_jobs_page_renders_when_its_file_is_gone(admin_client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    job = ImportJob.objects.create(vendor=VendorFactory.create(), file="imports/gone.csv")
    assert admin_client.get(reverse("admin:catalog_importjob_change", args=[job.pk])).status_code == 200
    assert admin_client.get(reverse("admin:catalog_importjob_download", args=[job.pk])).status_code == 404


def test_changing_a_variant_price_in_the_admin_does_not_undo_sales_made_meanwhile(admin_client):
    from django.db.models import F

    product = ProductFactory.create(variants__stock=10, variants__price="20.00")
    variant = product.variants.get()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    assert admin_client.get(url).status_code == 200  # staff open the page: stock 10

    # while they look at it, three units sell (checkout takes them off the stock)
    Variant.objects.filter(pk=variant.pk).update(stock=F("stock") - 3)

    # then they change only the price and save the page as it was rendered (stock 10)
    row = {"id": variant.pk, "sku": variant.sku, "name": variant.name, "price": "18.00", "stock": 10}
    response = admin_client.post(url, _change_form(product, row, initial=1))

    assert response.status_code == 302, response.content[:2000]
    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (Decimal("18.00"), 7)  # the 3 units sold are not for sale again


def test_the_admin_shows_an_existing_variants_stock_read_only_and_takes_a_new_ones(admin_client):
    product = ProductFactory.create(variants__stock=10)
    variant = product.variants.get()
    url = reverse("admin:catalog_product_change", args=[product.pk])

    rows = [
        {"id": variant.pk, "sku": variant.sku, "name": variant.name, "stock": 99},
        {"sku": "NEW-1", "name": "Black", "stock": 4},
    ]
    response = admin_client.post(url, _change_form(product, *rows, initial=1))

    assert response.status_code == 302, response.content[:2000]
    assert dict(product.variants.values_list("sku", "stock")) == {variant.sku: 10, "NEW-1": 4}
    page = admin_client.get(url).content.decode()
    stock_inputs = re.findall(r'<input[^>]*name="variants-\d-stock"[^>]*>', page)
    assert len(stock_inputs) == 2 and all("disabled" in tag for tag in stock_inputs), stock_inputs
    assert "After that the vendor changes it (portal, API or CSV import)." in page


@pytest.mark.parametrize("under", ["itself", "its child", "its grandchild"])
def test_moving_a_category_under_itself_is_an_error_next_to_the_parent_not_a_500(admin_client, under):
    from agora.catalog.services.categories import CYCLE

    home = CategoryFactory.create(name="Home", slug="home")
    lighting = CategoryFactory.create(name="Lighting", slug="lighting", parent=home)
    lamps = CategoryFactory.create(name="Lamps", slug="lamps", parent=lighting)
    parent = {"itself": home, "its child": lighting, "its grandchild": lamps}[under]
    admin_client.raise_request_exception = False

    response = admin_client.post(
        reverse("admin:catalog_category_change", args=[home.pk]),
        {"name": "Home", "slug": "home", "parent": parent.pk, "position": 0},
    )

    assert response.status_code == 200  # the form again
    assert response.context["adminform"].form.errors == {"parent": [CYCLE]}
    assert list(Category.objects.order_by("path").values_list("path", flat=True)) == [
        "home",
        "home/lighting",
        "home/lighting/lamps",
    ]


def test_a_move_the_locked_rows_refuse_changes_nothing_and_says_why(admin_client, monkeypatch):
    # As when another staff member moved the new parent under this category after the form's check.
    from agora.catalog import admin as catalog_admin
    from agora.catalog.services.categories import CYCLE

    home = CategoryFactory.create(name="Home", slug="home")
    lighting = CategoryFactory.create(name="Lighting", slug="lighting", parent=home)
    monkeypatch.setattr(catalog_admin, "moves_under_itself", lambda **_: False)
    url = reverse("admin:catalog_category_change", args=[home.pk])

    response = admin_client.post(url, {"name": "House", "slug": "house", "parent": lighting.pk, "position": 0})

    assert response.status_code == 302 and response["Location"] == url
    assert list(Category.objects.order_by("path").values_list("path", "name")) == [
        ("home", "Home"),
        ("home/lighting", "Lighting"),
    ]
    assert CYCLE in admin_client.get(url).content.decode()


def test_a_product_deleted_in_the_admin_leaves_the_storefront_at_once(
    admin_client, api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory.create(name="Zebra lamp", slug="zebra-lamp")
    assert api_client.get("/api/v1/products/zebra-lamp/").status_code == 200  # cached from here
    assert "zebra-lamp" in api_client.get("/api/v1/products/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_product_delete", args=[product.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert api_client.get("/api/v1/products/zebra-lamp/").status_code == 404
    assert "zebra-lamp" not in api_client.get("/api/v1/products/").content.decode()


def test_products_deleted_with_the_admin_action_leave_the_storefront_at_once(
    admin_client, api_client, django_capture_on_commit_callbacks
):
    kept = ProductFactory.create(slug="kept-lamp")
    gone = [ProductFactory.create(slug=f"gone-lamp-{i}") for i in range(2)]
    assert "gone-lamp-0" in api_client.get("/api/v1/products/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:catalog_product_changelist"),
            {"action": "delete_selected", "_selected_action": [p.pk for p in gone], "post": "yes"},
        )

    assert response.status_code == 302
    listed = [p["slug"] for p in api_client.get("/api/v1/products/").json()["results"]]
    assert listed == [kept.slug]


def test_a_category_deleted_in_the_admin_leaves_the_storefront_tree_at_once(
    admin_client, api_client, django_capture_on_commit_callbacks
):
    CategoryFactory.create(name="Keep", slug="keep")
    gone = CategoryFactory.create(name="Discontinued", slug="discontinued")
    assert "discontinued" in api_client.get("/api/v1/categories/").content.decode()  # cached from here

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_category_delete", args=[gone.pk]), {"post": "yes"})

    assert response.status_code == 302
    tree = api_client.get("/api/v1/categories/").content.decode()
    assert "discontinued" not in tree and "keep" in tree


def test_categories_deleted_with_the_admin_action_leave_the_storefront_tree_at_once(
    admin_client, api_client, django_capture_on_commit_callbacks
):
    CategoryFactory.create(name="Keep", slug="keep")
    gone = [CategoryFactory.create(slug=f"gone-{i}") for i in range(2)]
    assert "gone-0" in api_client.get("/api/v1/categories/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:catalog_category_changelist"),
            {"action": "delete_selected", "_selected_action": [c.pk for c in gone], "post": "yes"},
        )

    assert response.status_code == 302
    assert not Category.objects.filter(slug__startswith="gone-").exists()
    assert "gone-" not in api_client.get("/api/v1/categories/").content.decode()


def test_a_category_holding_products_or_subcategories_is_not_deleted():
    from agora.catalog.services import category_delete
    from agora.core.errors import ValidationFailed

    home = CategoryFactory.create(slug="home")
    CategoryFactory.create(slug="lighting", parent=home)
    kitchen = CategoryFactory.create(slug="kitchen")
    ProductFactory.create(category=kitchen)
    for category in (home, kitchen):
        with pytest.raises(ValidationFailed):
            category_delete(category=category)
    assert Category.objects.count() == 3


def test_a_category_that_gets_products_after_the_confirmation_page_stays_and_staff_are_told(admin_client, monkeypatch):
    from agora.catalog import admin as catalog_admin
    from agora.catalog.services.categories import IN_USE

    category = CategoryFactory.create(slug="lighting")
    url = reverse("admin:catalog_category_delete", args=[category.pk])
    assert admin_client.get(url).status_code == 200  # the confirmation page: nothing protects it yet
    # then a vendor files a product under it before staff confirm
    monkeypatch.setattr(catalog_admin.CategoryAdmin, "get_deleted_objects", lambda *a: ([], {}, set(), []))
    ProductFactory.create(category=category)

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert Category.objects.filter(pk=category.pk).exists()
    assert IN_USE in admin_client.get(response["Location"]).content.decode()


def test_the_category_changelist_does_not_query_once_per_row(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:catalog_category_changelist")
    CategoryFactory.create(parent=CategoryFactory.create())
    admin_client.get(url)  # warm: the session, the content types
    with CaptureQueriesContext(connection) as two:
        assert admin_client.get(url).status_code == 200
    for _ in range(19):
        CategoryFactory.create(parent=CategoryFactory.create())
    with CaptureQueriesContext(connection) as forty:
        assert admin_client.get(url).status_code == 200
    assert len(forty) == len(two), f"{len(two)} queries for 2 categories, {len(forty)} for 40"
