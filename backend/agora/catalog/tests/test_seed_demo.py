import pytest
from django.core.management import CommandError, call_command

from agora.accounts.models import User
from agora.catalog.models import AttributeDefinition, Category, Product, ProductImage, Variant
from agora.vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_browsable_catalog_and_is_idempotent(api_client):
    call_command("seed_demo", "--products", "40", "--vendors", "3")
    counts = (Product.objects.count(), Variant.objects.count(), ProductImage.objects.count(), Vendor.objects.count())

    call_command("seed_demo", "--products", "40", "--vendors", "3")

    assert (
        Product.objects.count(),
        Variant.objects.count(),
        ProductImage.objects.count(),
        Vendor.objects.count(),
    ) == counts
    assert counts[0] == 40 and counts[3] == 3 and ProductImage.objects.count() == 40
    assert Category.objects.get(slug="lighting").path == "home/lighting"
    assert not Variant.objects.filter(stock__lte=0).exists()
    assert all(1 <= p.variants.count() <= 3 for p in Product.objects.all())
    names = " ".join(Product.objects.values_list("name", flat=True))
    for word in ("Lamp", "Mug", "Backpack", "Headphones", "Notebook"):
        assert word in names

    # the demo logins work and the vendor owns an approved vendor
    assert User.objects.get(email="shopper@example.com").check_password("AgoraShopper123!")
    owner = User.objects.get(email="vendor@example.com")
    assert owner.check_password("AgoraVendor123!") and owner.vendor_membership.vendor.status == "approved"
    # a second vendor with its own owner: orders split between two vendors, each with its portal
    second = User.objects.get(email="vendor2@example.com")
    assert second.check_password("AgoraVendor123!")
    assert second.vendor_membership.vendor != owner.vendor_membership.vendor
    assert second.vendor_membership.vendor.status == "approved" and second.vendor_membership.vendor.products.exists()
    assert not hasattr(User.objects.get(email="shopper@example.com"), "vendor_membership")

    # and the storefront shows it, thumbnails included
    listing = api_client.get("/api/v1/products/?page_size=100").json()
    assert listing["count"] == 40
    assert all(p["thumbnail"] and p["in_stock"] for p in listing["results"])
    lamp = api_client.get("/api/v1/products/?category=lighting&ordering=name").json()["results"]
    assert any(p["name"] == "Aurora Desk Lamp" for p in lamp)

    # the demo products' material is a search facet shoppers can filter by
    [material] = AttributeDefinition.objects.all()
    assert (material.key, material.name, material.filterable) == ("material", "Material", True)

    # more products later adds only the missing ones
    call_command("seed_demo", "--products", "45", "--vendors", "3")
    assert Product.objects.count() == 45


@pytest.mark.parametrize("args", [["--products", "-5"], ["--vendors", "-1"]])
def test_seed_demo_refuses_a_negative_count(args):
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("seed_demo", *args)
    assert not Product.objects.exists() and not Vendor.objects.exists()
