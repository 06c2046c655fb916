import pytest

from agora.catalog.tests.factories import ProductFactory
from agora.search.models import PendingIndex
from agora.vendors.errors import NameTakenMeanwhile
from agora.vendors.models import Vendor, VendorMembership
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db

APPLY = {"name": "Kiln & Co", "description": "Handmade stoneware.", "contact_email": "hello@kiln.example.com"}


def test_apply_creates_a_pending_vendor_owned_by_the_caller(auth_client, user):
    response = auth_client.post("/api/v1/vendors/", APPLY, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["slug"] == "kiln-co" and body["name"] == "Kiln & Co"
    assert body["commission_rate"] == "10.00"
    membership = VendorMembership.objects.get(user=user)
    assert membership.role == "owner" and membership.vendor.slug == "kiln-co"
    me = auth_client.get("/api/v1/me/").json()
    assert me["vendor"] == {"slug": "kiln-co", "name": "Kiln & Co", "status": "pending", "role": "owner"}


def test_a_second_application_is_409(auth_client):
    assert auth_client.post("/api/v1/vendors/", APPLY, format="json").status_code == 201
    response = auth_client.post("/api/v1/vendors/", {**APPLY, "name": "Another"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert Vendor.objects.count() == 1


def test_names_get_unique_slugs(make_user):
    VendorFactory.create(slug="kiln-co")
    response = client_for(make_user()).post("/api/v1/vendors/", APPLY, format="json")
    assert response.json()["slug"] == "kiln-co-2"


def test_two_applications_under_one_name_at_once_both_get_a_vendor(auth_client, user, monkeypatch):
    from agora.core.slugs import unique_slug

    def the_other_application_commits_meanwhile(*args, **kwargs):
        slug = unique_slug(*args, **kwargs)
        VendorFactory.create(name="Kiln & Co", slug=slug, status=Vendor.Status.PENDING)
        return slug

    monkeypatch.setattr("agora.vendors.services.unique_slug", the_other_application_commits_meanwhile)

    # when the slug this application found free is taken before its insert
    response = auth_client.post("/api/v1/vendors/", APPLY, format="json")

    # then it gets the next one, and the caller owns it
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "kiln-co-2"
    assert VendorMembership.objects.get(user=user).vendor.slug == "kiln-co-2"
    assert sorted(Vendor.objects.values_list("slug", flat=True)) == ["kiln-co", "kiln-co-2"]


def test_an_application_that_loses_every_race_for_a_slug_is_409_and_changes_nothing(auth_client, user, monkeypatch):
    from agora.vendors import services

    really_taken = services._slug_taken

    def free_until_looked_at(slug):  # every slug found free is taken by another application at once
        if really_taken(slug):
            return True
        VendorFactory.create(name="Kiln & Co", slug=slug, status=Vendor.Status.PENDING)
        return False

    monkeypatch.setattr(services, "_slug_taken", free_until_looked_at)
    response = auth_client.post("/api/v1/vendors/", APPLY, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["message"] == NameTakenMeanwhile.message
    assert not VendorMembership.objects.filter(user=user).exists()


@pytest.mark.parametrize("name", ["東京雑貨", "Москва Дизайн", "Ελληνικά", "مكتبة"])
def test_a_shop_name_in_any_script_can_apply(auth_client, name):
    response = auth_client.post("/api/v1/vendors/", {**APPLY, "name": name}, format="json")

    assert response.status_code == 201, response.content
    # the name as typed; the slug (ASCII, in URLs) falls back to a generic one
    assert response.json()["name"] == name and response.json()["slug"] == "vendor"
    assert Vendor.objects.get().name == name


def test_shops_named_in_another_script_get_unique_slugs(make_user):
    slugs = [
        client_for(make_user()).post("/api/v1/vendors/", {**APPLY, "name": name}, format="json").json()["slug"]
        for name in ("東京雑貨", "Москва Дизайн")
    ]
    assert slugs == ["vendor", "vendor-2"]


@pytest.mark.parametrize(
    "body",
    [
        {**APPLY, "contact_email": "not-an-email"},
        {"description": "no name"},
        {**APPLY, "name": "!!!"},
        {**APPLY, "name": "  \u00b7\u2013  "},  # a middle dot and a dash: no letter
        {**APPLY, "status": "approved"},
        {**APPLY, "commission_rate": "0"},
    ],
)
def test_bad_applications_are_400(auth_client, body):
    response = auth_client.post("/api/v1/vendors/", body, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    assert not Vendor.objects.exists()


def test_apply_needs_sign_in(api_client):
    assert api_client.post("/api/v1/vendors/", APPLY, format="json").status_code == 401


def test_public_profile_only_for_approved_vendors(api_client):
    VendorFactory.create(slug="open", name="Open Shop", description="We sell lamps.")
    VendorFactory.create(slug="waiting", status=Vendor.Status.PENDING)
    VendorFactory.create(slug="banned", status=Vendor.Status.SUSPENDED)

    response = api_client.get("/api/v1/vendors/open/")
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("slug", "name", "description")} == {
        "slug": "open",
        "name": "Open Shop",
        "description": "We sell lamps.",
    }
    assert "contact_email" not in response.json()
    for slug in ("waiting", "banned", "nobody"):
        response = api_client.get(f"/api/v1/vendors/{slug}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_staff_approve_and_suspend(staff_client):
    vendor = VendorFactory.create(status=Vendor.Status.PENDING)
    response = staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    vendor.refresh_from_db()
    assert vendor.approved_at is not None

    response = staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/suspend/")
    assert response.status_code == 200 and response.json()["status"] == "suspended"

    response = staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/suspend/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"
    assert staff_client.post("/api/v1/moderation/vendors/nobody/approve/").status_code == 404


def test_only_staff_moderate_vendors(auth_client, api_client):
    vendor = VendorFactory.create(status=Vendor.Status.PENDING)
    response = auth_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/approve/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert api_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/approve/").status_code == 401
    vendor.refresh_from_db()
    assert vendor.status == "pending"


def test_suspension_hides_products_at_once_and_reapproval_brings_them_back(
    staff_client, api_client, django_capture_on_commit_callbacks
):
    vendor = VendorFactory.create(slug="acme")
    product = ProductFactory.create(vendor=vendor, slug="acme-lamp")
    ProductFactory.create(slug="someone-elses")
    PendingIndex.objects.all().delete()
    # the storefront has cached the list and the page
    assert "acme-lamp" in [p["slug"] for p in api_client.get("/api/v1/products/").json()["results"]]
    assert api_client.get("/api/v1/products/acme-lamp/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/api/v1/moderation/vendors/acme/suspend/")

    assert [p["slug"] for p in api_client.get("/api/v1/products/").json()["results"]] == ["someone-elses"]
    assert api_client.get("/api/v1/products/acme-lamp/").status_code == 404
    assert api_client.get("/api/v1/vendors/acme/").status_code == 404
    assert set(PendingIndex.objects.values_list("product_id", flat=True)) == {product.pk}  # search drops it

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/api/v1/moderation/vendors/acme/approve/")

    assert api_client.get("/api/v1/products/acme-lamp/").status_code == 200
    assert len(api_client.get("/api/v1/products/").json()["results"]) == 2


def test_suspended_vendor_members_lose_portal_writes(make_user):
    user = make_user()
    membership = VendorMembershipFactory.create(user=user)
    from agora.vendors import services

    services.vendor_suspend(vendor=membership.vendor)
    response = client_for(user).post(
        "/api/v1/vendor/products/", {"name": "x", "category": "y", "variants": []}, format="json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "vendor_not_approved"


def test_public_profile_matches_its_schema_serializer_and_is_cached(api_client, django_assert_max_num_queries):
    from decimal import Decimal

    from agora.vendors.serializers import VendorPublicSerializer

    vendor = VendorFactory.create(slug="kiln", rating_average=Decimal("4.50"), rating_count=2)
    first = api_client.get("/api/v1/vendors/kiln/")
    assert first.json() == VendorPublicSerializer(vendor).data
    assert first.json()["rating_average"] == "4.50" and first.json()["rating_count"] == 2
    # a second read (and an unknown slug's second 404) costs no query
    api_client.get("/api/v1/vendors/nobody/")
    with django_assert_max_num_queries(0):
        assert api_client.get("/api/v1/vendors/kiln/").status_code == 200
        assert api_client.get("/api/v1/vendors/nobody/").status_code == 404


def test_policy_rating_and_status_changes_renew_the_cached_profile(
    api_client, make_user, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from agora.vendors import services

    membership = VendorMembershipFactory.create(vendor__slug="kiln")
    assert api_client.get("/api/v1/vendors/kiln/").json()["handling_days"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        client_for(membership.user).patch("/api/v1/vendor/policies/", {"handling_days": 2}, format="json")
    assert api_client.get("/api/v1/vendors/kiln/").json()["handling_days"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_rating_set(vendor_id=membership.vendor_id, average=Decimal("3.67"), count=3)
    assert api_client.get("/api/v1/vendors/kiln/").json()["rating_average"] == "3.67"

    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_suspend(vendor=membership.vendor)
    assert api_client.get("/api/v1/vendors/kiln/").status_code == 404
