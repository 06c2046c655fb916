"""Oversized uploads are refused by their declared Content-Length before Django reads (spools)
the body, and vendors' import files live in private storage that no URL serves."""

from pathlib import Path

import pytest
from django.test.client import FakePayload

from agora.catalog.models import ImportJob, ProductImage
from agora.catalog.tests.conftest import image_bytes, upload
from agora.catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

CSV = b"sku,product_name,variant_name,price,stock,category,description,attributes\nA-1,Mug,Blue,9.50,3,home,,\n"


class TrackingPayload(FakePayload):
    """A request body that records whether anyone read it."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        TrackingPayload.read_bytes += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        TrackingPayload.read_bytes += len(data)
        return data


def _post_declaring(client, path, declared: int | str):
    TrackingPayload.read_bytes = 0
    body = b"--BoUnDaRy\r\n" + b"x" * 1024
    return client.post(
        path,
        data=body,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": TrackingPayload(body)},
    )


@pytest.fixture
def product(vendor, category):
    return ProductFactory.create(vendor=vendor, category=category)


def test_an_image_body_declared_over_the_limit_is_refused_unread(vendor_client, product, settings):
    declared = settings.CATALOG_IMAGE_MAX_BYTES + 1024 * 1024
    response = _post_declaring(vendor_client, f"/api/v1/vendor/products/{product.pk}/images/", declared)
    assert response.status_code == 413, response.content
    assert response.json()["error"]["code"] == "payload_too_large"
    assert TrackingPayload.read_bytes == 0, "the body was read before it was refused"
    assert not ProductImage.objects.exists()


def test_a_csv_body_declared_over_the_limit_is_refused_unread(vendor_client, settings):
    declared = settings.CATALOG_IMPORT_MAX_BYTES + 1024 * 1024
    response = _post_declaring(vendor_client, "/api/v1/vendor/imports/", declared)
    assert response.status_code == 413, response.content
    assert TrackingPayload.read_bytes == 0
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("declared", ["", "abc", "-5"])
def test_an_upload_without_a_usable_content_length_is_411(vendor_client, product, declared):
    response = _post_declaring(vendor_client, f"/api/v1/vendor/products/{product.pk}/images/", declared)
    assert response.status_code == 411, response.content
    assert response.json()["error"]["code"] == "length_required"
    assert TrackingPayload.read_bytes == 0


def test_uploads_within_the_limit_still_work(vendor_client, product, category):
    r = vendor_client.post(
        f"/api/v1/vendor/products/{product.pk}/images/", {"image": upload(image_bytes())}, format="multipart"
    )
    assert r.status_code == 201, r.content
    r = vendor_client.post("/api/v1/vendor/imports/", {"file": upload(CSV, "p.csv", "text/csv")}, format="multipart")
    assert r.status_code == 202, r.content


def test_import_files_are_private_and_never_served(vendor_client, category, settings, client):
    r = vendor_client.post("/api/v1/vendor/imports/", {"file": upload(CSV, "p.csv", "text/csv")}, format="multipart")
    assert r.status_code == 202
    job = ImportJob.objects.get()
    assert job.file.name
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / job.file.name
    assert stored.read_bytes() == CSV
    assert not (Path(settings.MEDIA_ROOT) / job.file.name).exists()
    assert client.get(f"/media/{job.file.name}").status_code == 404
    with pytest.raises(ValueError):
        job.file.url  # noqa: B018 - a private file has no URL
