import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from agora.catalog import errors, services
from agora.catalog.models import ProductImage
from agora.catalog.tests.conftest import image_bytes, upload
from agora.catalog.tests.factories import ProductFactory
from agora.search.models import PendingIndex
from testing.worker import wait_for

pytestmark = pytest.mark.django_db


def url(product) -> str:
    return f"/api/v1/vendor/products/{product.pk}/images/"


@pytest.fixture
def product(vendor, category):
    return ProductFactory.create(vendor=vendor, category=category)


def _png_claiming(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose header claims another size (what a decompression bomb looks like)."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = bytearray(data[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)) & 0xFFFFFFFF)
    return bytes(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_upload_stores_a_checked_image(vendor_client, product, fmt):
    response = vendor_client.post(
        url(product), {"image": upload(image_bytes(fmt), name="x.bin"), "alt": "Lamp lit"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"].startswith(f"/media/products/{product.pk}/") and body["thumbnail_url"] is None
    image = ProductImage.objects.get(pk=body["id"])
    assert (image.alt, image.width, image.height) == ("Lamp lit", 32, 24)
    assert image.image.name
    with default_storage.open(image.image.name) as fh:
        assert Image.open(fh).format == fmt
    assert PendingIndex.objects.filter(product_id=product.pk).exists()
    assert [i["id"] for i in vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()["images"]] == [image.pk]


def test_exif_is_stripped_and_orientation_applied(vendor_client, product):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    data = image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()[0x010F] == "SpyCam"

    response = vendor_client.post(url(product), {"image": upload(data, "p.jpg", "image/jpeg")}, format="multipart")

    assert response.status_code == 201
    image = ProductImage.objects.get()
    assert image.image.name
    with default_storage.open(image.image.name) as fh:
        stored = Image.open(fh)
        assert dict(stored.getexif()) == {}
        assert stored.size == (20, 40)


def test_thumbnail_is_a_small_webp_and_becomes_the_list_thumbnail(vendor_client, product, api_client, settings):
    settings.CATALOG_IMAGE_THUMBNAIL_SIZE = 16
    body = vendor_client.post(
        url(product), {"image": upload(image_bytes("PNG", size=(64, 32)))}, format="multipart"
    ).json()

    services.image_make_thumbnail(image_id=body["id"])
    services.product_approve(product=product)  # staff looked at the new picture

    image = ProductImage.objects.get(pk=body["id"])
    assert image.thumbnail.name, "a thumbnail was made"
    with default_storage.open(image.thumbnail.name) as fh:
        thumb = Image.open(fh)
        assert thumb.format == "WEBP" and thumb.size == (16, 8)
    listed = api_client.get("/api/v1/products/").json()["results"][0]
    assert listed["thumbnail"] == default_storage.url(image.thumbnail.name)
    # idempotent: a second run keeps the first thumbnail
    services.image_make_thumbnail(image_id=body["id"])
    assert ProductImage.objects.get(pk=body["id"]).thumbnail.name == image.thumbnail.name


def test_file_over_10_mb_is_413(vendor_client, product):
    data = image_bytes("PNG") + b"\0" * (10 * 1024 * 1024)
    response = vendor_client.post(url(product), {"image": upload(data)}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"this is not an image at all",
        b"\x89PNG\r\n\x1a\n" + b"truncated",
        image_bytes("GIF"),
        image_bytes("BMP"),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
    ids=["text", "broken-png", "gif", "bmp", "svg"],
)
def test_fake_or_unsupported_images_are_415(vendor_client, product, data):
    response = vendor_client.post(url(product), {"image": upload(data)}, format="multipart")
    assert response.status_code == 415
    assert response.json()["error"] == {
        "code": "unsupported_media_type",
        "message": errors.IMAGE_NOT_AN_IMAGE,
        "details": {},
    }
    assert not ProductImage.objects.exists()
    assert not default_storage.exists(f"products/{product.pk}")


def test_decompression_bomb_is_refused(vendor_client, product, settings):
    # a small file claiming 50,000 x 50,000 pixels
    response = vendor_client.post(url(product), {"image": upload(_png_claiming(50_000, 50_000))}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == errors.IMAGE_TOO_MANY_PIXELS
    # and the configured limit applies to honest images too
    settings.CATALOG_IMAGE_MAX_PIXELS = 100
    response = vendor_client.post(url(product), {"image": upload(image_bytes())}, format="multipart")
    assert response.status_code == 400
    assert not ProductImage.objects.exists()


def test_missing_file_is_400_and_json_is_415(vendor_client, product):
    response = vendor_client.post(url(product), {"alt": "x"}, format="multipart")
    assert response.status_code == 400 and "image" in response.json()["error"]["details"]
    response = vendor_client.post(url(product), {"image": "x"}, format="json")
    assert response.status_code == 415


def test_image_limit_per_product_is_409(vendor_client, product, settings):
    settings.CATALOG_MAX_IMAGES_PER_PRODUCT = 1
    assert vendor_client.post(url(product), {"image": upload(image_bytes())}, format="multipart").status_code == 201
    response = vendor_client.post(url(product), {"image": upload(image_bytes())}, format="multipart")
    assert response.status_code == 409
    assert ProductImage.objects.count() == 1


def test_suspended_vendor_cannot_upload(suspended_vendor_client):
    from agora.vendors.models import VendorMembership

    product = ProductFactory.create(vendor=VendorMembership.objects.get().vendor)
    response = suspended_vendor_client.post(url(product), {"image": upload(image_bytes())}, format="multipart")
    assert response.status_code == 403 and response.json()["error"]["code"] == "vendor_not_approved"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_makes_the_thumbnail(worker_media, vendor_client, product):
    body = vendor_client.post(url(product), {"image": upload(image_bytes(size=(900, 600)))}, format="multipart").json()

    image = wait_for(
        lambda: ProductImage.objects.filter(pk=body["id"]).exclude(thumbnail="").first(),
        timeout=30,
        message="the media worker to write the thumbnail",
    )
    assert (worker_media / image.thumbnail.name).is_file()
    assert vendor_client.get(f"/api/v1/vendor/products/{product.pk}/").json()["images"][0]["thumbnail_url"]


def test_a_new_picture_of_an_approved_product_waits_for_staff_with_it(
    vendor_client, product, api_client, staff_client, django_capture_on_commit_callbacks
):
    """A picture is content, like a name: shoppers do not see it (nor the product) until staff
    approved it; then they see both."""
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the catalog's caches move on commit
        r = vendor_client.post(url(product), {"image": upload(image_bytes())}, format="multipart")
    assert r.status_code == 201
    product.refresh_from_db()
    assert product.status == "pending_review"
    assert api_client.get(f"/api/v1/products/{product.slug}/").status_code == 404
    assert [p["id"] for p in staff_client.get("/api/v1/moderation/products/").json()["results"]] == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(f"/api/v1/moderation/products/{product.pk}/approve/").status_code == 200
    shown = api_client.get(f"/api/v1/products/{product.slug}/").json()
    assert len(shown["images"]) == 1 and shown["images"][0]["url"] == r.json()["url"]


def test_the_upload_endpoints_description_says_an_approved_product_goes_back_to_review(api_client):
    """An integrator reads the API reference, not the README: the upload's description says what
    happens to an approved product (it leaves the storefront until staff approve it again)."""
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    description = schema["paths"]["/api/v1/vendor/products/{id}/images/"]["post"]["description"]
    assert "approved product goes back to review" in description
    assert "`pending_review`" in description
