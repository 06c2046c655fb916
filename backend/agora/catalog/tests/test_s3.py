"""Files on S3 through django-storages, against moto's local S3 server (never AWS)."""

import io
import os
import socket
import subprocess
import sys

import boto3
import pytest
from PIL import Image

from agora.catalog import services
from agora.catalog.models import ProductImage
from agora.catalog.tests.conftest import image_bytes, upload
from agora.catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
BUCKET = "agora-test-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, monkeypatch, s3_endpoint):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_CUSTOM_DOMAIN = None
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"location": "private", "custom_domain": None, "querystring_auth": True},
        },
    }
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])


def test_image_upload_and_thumbnail_are_stored_in_s3(s3, s3_endpoint, vendor_client, vendor, category, api_client):
    product = ProductFactory.create(vendor=vendor, category=category)

    response = vendor_client.post(
        f"/api/v1/vendor/products/{product.pk}/images/", {"image": upload(image_bytes("PNG"))}, format="multipart"
    )

    assert response.status_code == 201, response.content
    image = ProductImage.objects.get()
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {image.image.name}
    assert response.json()["url"].startswith(f"{s3_endpoint}/{BUCKET}/products/{product.pk}/")

    services.image_make_thumbnail(image_id=image.pk)

    image.refresh_from_db()
    body = s3.get_object(Bucket=BUCKET, Key=image.thumbnail.name)["Body"].read()
    assert Image.open(io.BytesIO(body)).format == "WEBP"
    services.product_approve(product=product)  # staff looked at the new picture
    listed = api_client.get("/api/v1/products/").json()["results"][0]
    assert listed["thumbnail"].startswith(f"{s3_endpoint}/{BUCKET}/{image.thumbnail.name}")


def test_import_file_is_stored_under_the_private_prefix_the_cdn_may_not_read(s3, vendor_client, category, settings):
    settings.AWS_S3_CUSTOM_DOMAIN = "media.cdn.example"  # the public media CDN
    csv = b"sku,product_name,variant_name,price,stock,category,description,attributes\nA-1,Mug,Blue,9.50,3,home,,\n"
    response = vendor_client.post(
        "/api/v1/vendor/imports/", {"file": upload(csv, "p.csv", "text/csv")}, format="multipart"
    )
    assert response.status_code == 202
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("private/imports/")
    from agora.catalog.models import ImportJob

    job = ImportJob.objects.get()
    assert "media.cdn.example" not in job.file.url and "Signature=" in job.file.url


def test_a_bucket_setting_switches_default_storage_to_s3():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "AWS_STORAGE_BUCKET_NAME": "shop-media"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "storages.backends.s3.S3Storage"
    private = code.replace("['default']", "['private']")
    out = subprocess.run([sys.executable, "-c", private], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "storages.backends.s3.S3Storage"
    env.pop("AWS_STORAGE_BUCKET_NAME")
    env["AWS_STORAGE_BUCKET_NAME"] = ""
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "django.core.files.storage.FileSystemStorage"
