import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agora.catalog.tests.factories import CategoryFactory, ProductFactory
from agora.vendors.models import Vendor, VendorMembership
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for


def image_bytes(fmt: str = "PNG", size=(32, 24), color=(200, 30, 30), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt, **save)
    return buf.getvalue()


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def category(db):
    return CategoryFactory.create(name="Home", slug="home")


@pytest.fixture
def vendor(db):
    return VendorFactory.create(name="Lumen Works", slug="lumen-works")


@pytest.fixture
def owner(vendor, make_user):
    user = make_user()
    VendorMembershipFactory.create(user=user, vendor=vendor, role=VendorMembership.Role.OWNER)
    return user


@pytest.fixture
def vendor_client(owner):
    return client_for(owner)


@pytest.fixture
def other_vendor(db):
    return VendorFactory.create(name="Other Goods", slug="other-goods")


@pytest.fixture
def other_product(other_vendor, category):
    return ProductFactory.create(vendor=other_vendor, category=category, name="Other Lamp")


@pytest.fixture
def pending_vendor_client(make_user):
    user = make_user()
    VendorMembershipFactory.create(user=user, vendor=VendorFactory.create(status=Vendor.Status.PENDING))
    return client_for(user)


@pytest.fixture
def suspended_vendor_client(make_user):
    user = make_user()
    VendorMembershipFactory.create(user=user, vendor=VendorFactory.create(status=Vendor.Status.SUSPENDED))
    return client_for(user)


@pytest.fixture
def worker_media(settings, celery_worker):
    """Points this test's file storages (public and private) at the folders the (session-wide)
    worker process uses, and removes the files the test added there."""
    import os
    import shutil
    from pathlib import Path

    from config.settings.env import REPO_DIR

    root = Path(celery_worker.env().get("MEDIA_ROOT") or REPO_DIR / ".data" / "media")
    private = Path(celery_worker.env().get("PRIVATE_MEDIA_ROOT") or REPO_DIR / ".data" / "private")
    before = {}
    for folder in (root, private):
        folder.mkdir(parents=True, exist_ok=True)
        before[folder] = set(folder.rglob("*"))
    settings.MEDIA_ROOT = str(root)
    settings.PRIVATE_MEDIA_ROOT = str(private)
    yield root
    for folder, existing in before.items():
        for path in sorted(set(folder.rglob("*")) - existing, key=lambda p: len(p.parts), reverse=True):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                os.unlink(path)
