"""Product images: checked by content, re-encoded without metadata, thumbnailed on the media queue."""

import logging
import uuid
import warnings
from collections.abc import Iterable
from io import BytesIO
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

from agora.catalog import errors
from agora.catalog.changes import products_changed
from agora.catalog.models import Product, ProductImage
from agora.catalog.services.products import PRODUCTS, require_not_archived
from agora.core.errors import Conflict, ValidationFailed
from agora.core.tasks_util import enqueue_on_commit
from agora.vendors.errors import VendorNotApproved
from agora.vendors.models import Vendor

logger = logging.getLogger("agora.catalog")

# Pillow format → file extension. Anything else (GIF, BMP, TIFF, SVG, PDF…) is refused.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_image(fileobj: IO[bytes]) -> tuple[bytes, str, int, int]:
    """Checks the bytes are a JPEG/PNG/WebP within the pixel limit and re-encodes them.

    Re-encoding drops EXIF (camera, GPS), XMP and text chunks; the EXIF orientation is applied
    to the pixels first so the picture stays upright. Returns ``(data, extension, width, height)``.
    """
    max_pixels = settings.CATALOG_IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fileobj.seek(0)
            with Image.open(fileobj) as probe:
                fmt = probe.format
                if fmt not in FORMATS:
                    raise errors.NotAnImage()
                width, height = probe.size
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                probe.verify()
            fileobj.seek(0)
            with Image.open(fileobj) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened)
                params: dict[str, Any] = {}
                if fmt == "JPEG":
                    if image.mode not in ("RGB", "L"):
                        image = image.convert("RGB")
                    params = {"quality": 90, "optimize": True}
                elif fmt == "WEBP":
                    params = {"quality": 90}
                out = BytesIO()
                image.save(out, format=fmt, **params)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise errors.NotAnImage() from None
    return out.getvalue(), FORMATS[fmt], image.width, image.height


def _too_many_pixels(limit: int) -> ValidationFailed:
    message = f"{errors.IMAGE_TOO_MANY_PIXELS} The limit is {limit // 1_000_000} megapixels."
    return ValidationFailed(errors.IMAGE_TOO_MANY_PIXELS, details={"image": [message]})


def image_add(*, product: Product, upload: "UploadedFile[bytes]", alt: str = "") -> ProductImage:
    """Adds a checked, metadata-free image to the product; its WebP thumbnail is made by a worker.
    A new picture is content staff see before shoppers do, like a new name: an approved product
    goes back to review with it."""
    if product.vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()
    require_not_archived(product)
    if upload.size > settings.CATALOG_IMAGE_MAX_BYTES:
        raise errors.ImageTooLarge(
            details={"image": [f"The limit is {settings.CATALOG_IMAGE_MAX_BYTES // (1024 * 1024)} MB."]}
        )
    data, ext, width, height = clean_image(upload)
    # Files are not transactional: store first, and remove the file if the rows do not commit.
    name = default_storage.save(f"products/{product.pk}/{uuid.uuid4().hex}.{ext}", ContentFile(data))
    try:
        with transaction.atomic():
            product = Product.objects.select_for_update().get(pk=product.pk)
            require_not_archived(product)
            count = product.images.count()
            if count >= settings.CATALOG_MAX_IMAGES_PER_PRODUCT:
                raise Conflict(errors.IMAGE_LIMIT, details={"limit": settings.CATALOG_MAX_IMAGES_PER_PRODUCT})
            position = (product.images.aggregate(m=Max("position"))["m"] or 0) + 1 if count else 0
            image = ProductImage(product=product, alt=alt, position=position, width=width, height=height)
            image.image.name = name
            image.save()
            if product.status == Product.Status.APPROVED:
                PRODUCTS.move(product, Product.Status.PENDING_REVIEW, only_from={Product.Status.APPROVED})
            products_changed([product.pk])
            from agora.catalog.tasks import image_thumbnails

            enqueue_on_commit(image_thumbnails, image.pk)
    except BaseException:
        _delete_files([name])
        raise
    return image


def webp_thumbnail(stored: FieldFile) -> "tuple[str, ContentFile[bytes]]":
    """The thumbnail of a stored picture (a product image, a review photo): WebP, at most
    CATALOG_IMAGE_THUMBNAIL_SIZE pixels a side, named after the picture (``thumb_<name>.webp``),
    ready for the thumbnail field's ``save``."""
    size = settings.CATALOG_IMAGE_THUMBNAIL_SIZE
    with stored.open("rb") as fh, Image.open(fh) as source:
        source.load()
        picture = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    picture.thumbnail((size, size))
    out = BytesIO()
    picture.save(out, format="WEBP", quality=80, method=4)
    # (the picture has a file: opening it above raised otherwise)
    return f"thumb_{PurePosixPath(stored.name or '').stem}.webp", ContentFile(out.getvalue())


def image_make_thumbnail(*, image_id: int) -> ProductImage | None:
    """Writes the WebP thumbnail of one image (idempotent: an image that has one is skipped)."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.thumbnail:
        return image
    image.thumbnail.save(*webp_thumbnail(image.image), save=False)
    with transaction.atomic():
        updated = ProductImage.objects.filter(pk=image.pk, thumbnail="").update(thumbnail=image.thumbnail.name)
        if not updated:  # deleted meanwhile, or another worker won: drop our copy
            delete_files_on_commit([image.thumbnail.name])
            return image
        products_changed([image.product_id])
    return image


def image_delete(*, image: ProductImage) -> None:
    with transaction.atomic():
        files = [name for name in (image.image.name, image.thumbnail.name) if name]
        product_id = image.product_id
        image.delete()
        products_changed([product_id])
        delete_files_on_commit(files)


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a leftover file is harmless; a failed request is not
            logger.warning("could not delete %s", name, exc_info=True)


def delete_files_on_commit(names: Iterable[str | None]) -> None:
    """Deletes the stored files once the transaction commits (a field without a file has no name)."""
    files = [name for name in names if name]
    if files:
        transaction.on_commit(lambda: _delete_files(files))
