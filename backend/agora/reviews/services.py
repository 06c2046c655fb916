"""Review writes: a shopper reviews a shipped purchase, edits or deletes it, adds photos; staff
publish or reject; the vendor replies once.

Ratings are exact: every change that can move a published review in or out of the set (or
change its stars) recomputes the product's and the vendor's average and count from the
published reviews, inside the change's transaction, under their row locks (product, then
vendor: the catalog's lock order), and stores them through the catalog and vendor services,
which renew the cached public catalog and re-index the product. A change that only alters
what the product's page shows (a reply, an edited text) renews that page's cache.

Screening: a review whose title or text holds a link or a held word (REVIEWS_HOLD_WORDS) is
always held for staff, with the reasons; with REVIEWS_PREMODERATION (default) every review
waits for staff. An edit goes through screening and moderation again.
"""

import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max
from django.utils import timezone

from agora.accounts.models import User
from agora.catalog import errors as catalog_errors
from agora.catalog.changes import product_pages_changed
from agora.catalog.models import Product
from agora.catalog.services import product_lock_for_rating, product_rating_set
from agora.catalog.services.images import clean_image, delete_files_on_commit, webp_thumbnail
from agora.core.errors import Conflict
from agora.core.states import StateMachine
from agora.core.tasks_util import enqueue_on_commit
from agora.orders.models import OrderLine
from agora.reviews import errors
from agora.reviews.models import Review, ReviewPhoto
from agora.reviews.notifications import review_replied
from agora.vendors.models import Vendor
from agora.vendors.services import vendor_lock_for_rating, vendor_rating_set

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

Status = Review.Status
REVIEWS = StateMachine(
    Review,
    {
        Status.PENDING: {Status.PUBLISHED, Status.REJECTED},
        Status.PUBLISHED: {Status.REJECTED, Status.PENDING},
        Status.REJECTED: {Status.PUBLISHED, Status.PENDING},
    },
    error=lambda current, to: errors.ReviewTransitionNotAllowed(details={"status": current, "requested": to}),
)

# Anything a browser or a mail client would turn into a link: a scheme, "www.", or a bare domain
# with a common top-level domain. Shoppers who write "5.5cm" or "e.g." are not held.
_LINK = re.compile(
    r"(?:https?://|www\.|\b[\w-]+\.(?:com|net|org|info|biz|io|ru|cn|xyz|top|shop|store|online|site|link|ly|co)\b)",
    re.IGNORECASE,
)
CENT = Decimal("0.01")


class ReviewChanges(TypedDict, total=False):
    rating: int
    title: str
    body: str


def screen(*texts: str) -> list[str]:
    """Why these texts must be held for staff: ``link`` and/or ``word`` (a held word or phrase)."""
    text = " ".join(texts)
    reasons = []
    if _LINK.search(text):
        reasons.append(errors.HELD_LINK)
    lowered = text.lower()
    for word in settings.REVIEWS_HOLD_WORDS:
        word = word.strip().lower()
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            reasons.append(errors.HELD_WORD)
            break
    return reasons


def _initial_status(hold_reasons: list[str]) -> str:
    return Status.PENDING if settings.REVIEWS_PREMODERATION or hold_reasons else Status.PUBLISHED


def _average(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def ratings_refresh(*, product_id: int, vendor_id: int) -> None:
    """Recomputes the product's and the vendor's rating from their published reviews and stores
    them. Runs inside the caller's transaction; the row locks make concurrent review changes of one
    product (or vendor) recompute one after the other, each seeing the other's committed rows."""
    product_lock_for_rating(product_id=product_id)
    figures = Review.objects.filter(product_id=product_id, status=Status.PUBLISHED).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    product_rating_set(product_id=product_id, average=_average(figures["average"]), count=figures["count"])
    vendor_lock_for_rating(vendor_id=vendor_id)
    figures = Review.objects.filter(vendor_id=vendor_id, status=Status.PUBLISHED).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    vendor_rating_set(vendor_id=vendor_id, average=_average(figures["average"]), count=figures["count"])


def _page_changed(review: Review) -> None:
    """The product page shows the review list: renew its cached answers after commit."""
    slug = Product.objects.filter(pk=review.product_id).values_list("slug", flat=True).first()
    if slug:
        product_pages_changed([slug])


def _after_change(review: Review) -> None:
    ratings_refresh(product_id=review.product_id, vendor_id=review.vendor_id)
    _page_changed(review)


def _lock(review: Review) -> Review:
    locked = Review.objects.select_for_update().filter(pk=review.pk).first()
    if locked is None:
        raise errors.ReviewNotFound()
    return locked


# --- the shopper -------------------------------------------------------------------------------


def _reviewed_product(line: OrderLine) -> Product:
    """The product the line bought (found by its variant, or by its slug if the variant was deleted),
    whatever its status now: the shopper received it, and the review shows where the product does
    (a product back with staff after an edit, or archived, is still the thing they bought)."""
    product = None
    if line.variant_id is not None:
        product = Product.objects.filter(variants__pk=line.variant_id).first()
    if product is None:
        product = Product.objects.filter(slug=line.product_slug).first()
    if product is None:
        raise errors.NotReviewable(errors.NO_LONGER_SOLD)
    return product


def review_create(*, user: User, order_line_id: int, rating: int, title: str, body: str) -> Review:
    """Reviews one line the caller bought, once it (or part of it) shipped; one review per line.
    Another customer's line is 404."""
    line = OrderLine.objects.select_related("order").filter(pk=order_line_id, order__user=user).first()
    if line is None:
        raise errors.OrderLineNotFound()
    if line.quantity_shipped < 1:
        raise errors.NotReviewable()
    product = _reviewed_product(line)
    hold = screen(title, body)
    status = _initial_status(hold)
    now = timezone.now()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order_line=line,
                user=user,
                product=product,
                vendor_id=product.vendor_id,
                variant_name=line.variant_name,
                rating=rating,
                title=title,
                body=body,
                status=status,
                hold_reasons=hold,
                published_at=now if status == Status.PUBLISHED else None,
            )
            if status == Status.PUBLISHED:
                _after_change(review)
    except IntegrityError:  # the line already has a review (a second tab, a double click)
        raise errors.AlreadyReviewed() from None
    return review


def _resubmit(review: Review) -> None:
    """After the shopper's change: screened again, and back to staff when moderation asks for it."""
    hold = screen(review.title, review.body)
    # A rejected review stays with staff whatever the moderation mode: an edit cannot undo a rejection.
    status = Status.PENDING if review.status == Status.REJECTED else _initial_status(hold)
    fields: dict[str, Any] = {"hold_reasons": hold, "edited_at": timezone.now()}
    if review.status != status:
        fields.update(rejection_reason="", published_at=timezone.now() if status == Status.PUBLISHED else None)
        REVIEWS.move(review, status, **fields)
    else:
        Review.objects.filter(pk=review.pk).update(**fields)
        for name, value in fields.items():
            setattr(review, name, value)


def review_update(*, review: Review, data: ReviewChanges) -> Review:
    """The owner changes stars, title or text (any of them)."""
    with transaction.atomic():
        review = _lock(review)
        changed = [name for name in ("rating", "title", "body") if name in data and getattr(review, name) != data[name]]
        if not changed:
            return review
        for name in changed:
            setattr(review, name, data[name])
        review.save(update_fields=[*changed, "updated_at"])
        _resubmit(review)
        _after_change(review)
    return review


def review_delete(*, review: Review) -> None:
    """The owner deletes it (and its photos); the ratings drop it at once."""
    with transaction.atomic():
        review = _lock(review)
        files = [name for pair in review.photos.values_list("image", "thumbnail") for name in pair if name]
        review.delete()
        _after_change(review)
        delete_files_on_commit(files)


def review_photo_add(*, review: Review, upload: "UploadedFile[bytes]") -> ReviewPhoto:
    """Adds a photo, checked and re-encoded exactly as product images are (JPEG, PNG or WebP by
    content, size and pixel limits, metadata dropped); its thumbnail is made on the media queue.
    A new photo goes through moderation like an edit."""
    if upload.size is not None and upload.size > settings.CATALOG_IMAGE_MAX_BYTES:
        raise catalog_errors.ImageTooLarge(
            details={"image": [f"The limit is {settings.CATALOG_IMAGE_MAX_BYTES // (1024 * 1024)} MB."]}
        )
    data, ext, width, height = clean_image(upload)
    name = default_storage.save(f"reviews/{review.pk}/{uuid.uuid4().hex}.{ext}", ContentFile(data))
    try:
        with transaction.atomic():
            review = _lock(review)
            count = review.photos.count()
            if count >= settings.REVIEWS_MAX_PHOTOS:
                raise Conflict(errors.PHOTO_LIMIT, details={"limit": settings.REVIEWS_MAX_PHOTOS})
            position = (review.photos.aggregate(m=Max("position"))["m"] or 0) + 1 if count else 0
            photo = ReviewPhoto(review=review, position=position, width=width, height=height)
            photo.image.name = name
            photo.save()
            _resubmit(review)
            _after_change(review)
            from agora.reviews.tasks import photo_thumbnail

            enqueue_on_commit(photo_thumbnail, photo.pk)
    except BaseException:
        default_storage.delete(name)  # files are not transactional: the rows did not commit
        raise
    return photo


def review_photo_delete(*, review: Review, photo_id: int) -> None:
    with transaction.atomic():
        review = _lock(review)
        photo = review.photos.filter(pk=photo_id).first()
        if photo is None:
            raise errors.ReviewNotFound("Photo not found.")
        files = [photo.image.name, photo.thumbnail.name]
        photo.delete()
        Review.objects.filter(pk=review.pk).update(edited_at=timezone.now())
        _page_changed(review)
        delete_files_on_commit(files)


def photo_make_thumbnail(*, photo_id: int) -> ReviewPhoto | None:
    """The WebP thumbnail of one review photo (idempotent: a photo that has one is skipped)."""
    photo = ReviewPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.thumbnail:
        return photo
    photo.thumbnail.save(*webp_thumbnail(photo.image), save=False)
    with transaction.atomic():
        if not ReviewPhoto.objects.filter(pk=photo.pk, thumbnail="").update(thumbnail=photo.thumbnail.name):
            delete_files_on_commit([photo.thumbnail.name])
            return photo
        review = Review.objects.get(pk=photo.review_id)
        _page_changed(review)
    return photo


# --- staff ---------------------------------------------------------------------------------------


def review_approve(*, review: Review, staff: User) -> Review:
    """pending/rejected → published: public, and counted in the ratings."""
    with transaction.atomic():
        review = _lock(review)
        now = timezone.now()
        REVIEWS.move(
            review,
            Status.PUBLISHED,
            only_from={Status.PENDING, Status.REJECTED},
            moderated_by=staff,
            moderated_at=now,
            published_at=now,
            rejection_reason="",
        )
        _after_change(review)
    return review


def review_reject(*, review: Review, staff: User, reason: str) -> Review:
    """pending/published → rejected, with the reason the shopper sees; out of the ratings."""
    with transaction.atomic():
        review = _lock(review)
        REVIEWS.move(
            review,
            Status.REJECTED,
            only_from={Status.PENDING, Status.PUBLISHED},
            moderated_by=staff,
            moderated_at=timezone.now(),
            rejection_reason=reason,
        )
        _after_change(review)
    return review


# --- the vendor ----------------------------------------------------------------------------------


def review_reply(*, review: Review, vendor: Vendor, user: User, text: str) -> Review:
    """The vendor answers a published review of its product, once; the shopper is emailed."""
    with transaction.atomic():
        review = _lock(review)
        if review.vendor_id != vendor.pk:
            raise errors.ReviewNotFound()
        if review.status != Status.PUBLISHED:
            raise errors.ReviewTransitionNotAllowed(errors.NOT_PUBLISHED, details={"status": review.status})
        if review.replied_at is not None:
            raise errors.AlreadyReplied()
        now = timezone.now()
        Review.objects.filter(pk=review.pk).update(reply=text, replied_at=now, replied_by=user, updated_at=now)
        review.reply, review.replied_at, review.replied_by = text, now, user
        _page_changed(review)
        review_replied(review=review, vendor=vendor)
    return review


# --- account deletion ----------------------------------------------------------------------------


def reviews_erase_author(*, user: User) -> int:
    """Deletes every review the user wrote (account deletion) and recomputes the ratings they
    counted in. Runs inside the deletion's transaction. Returns how many went."""
    reviews = list(Review.objects.select_for_update().filter(user=user).order_by("pk"))
    files = [
        name
        for pair in ReviewPhoto.objects.filter(review__in=reviews).values_list("image", "thumbnail")
        for name in pair
        if name
    ]
    touched = sorted({(r.product_id, r.vendor_id) for r in reviews})
    Review.objects.filter(pk__in=[r.pk for r in reviews]).delete()
    for product_id, vendor_id in touched:
        ratings_refresh(product_id=product_id, vendor_id=vendor_id)
    delete_files_on_commit(files)
    return len(reviews)
