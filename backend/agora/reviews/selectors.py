"""Review reads for the API, each scoped to who asks: the public (published reviews of a public
product), the author (their own, any status), the vendor (published reviews of its products) and
staff (the moderation queue)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Prefetch, Q, QuerySet
from django.http import Http404

from agora.accounts.models import User
from agora.catalog.selectors import public_products
from agora.core.money import money_text
from agora.orders.models import OrderLine
from agora.reviews.errors import OrderLineNotFound, ReviewNotFound
from agora.reviews.models import Review, ReviewPhoto
from agora.vendors.models import Vendor

PUBLIC_ORDERINGS = {
    "-created_at": ("-published_at", "-id"),
    "-rating": ("-rating", "-published_at", "-id"),
    "rating": ("rating", "-published_at", "-id"),
}


class StarCount(TypedDict):
    stars: int
    count: int


def _with_parts(qs: QuerySet[Review]) -> QuerySet[Review]:
    return qs.select_related("user", "product", "vendor", "order_line__order").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
    )


def public_product_id(*, slug: str) -> int:
    """The id of a public product (404 for anything the public may not see)."""
    pk = public_products().filter(slug=slug).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404
    return pk


def product_reviews_public(*, product_id: int, ordering: str = "-created_at") -> QuerySet[Review]:
    return _with_parts(Review.objects.filter(product_id=product_id, status=Review.Status.PUBLISHED)).order_by(
        *PUBLIC_ORDERINGS.get(ordering, PUBLIC_ORDERINGS["-created_at"])
    )


class RatingSummary(TypedDict):
    average: str | None
    count: int
    stars: list[StarCount]


def product_rating_summary(*, product_id: int) -> RatingSummary:
    """The average, the count and how many published reviews gave each number of stars (5 down
    to 1, zeros included), from one grouped query."""
    counts = dict(
        Review.objects.filter(product_id=product_id, status=Review.Status.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    stars: list[StarCount] = [{"stars": n, "count": counts.get(n, 0)} for n in range(5, 0, -1)]
    count = sum(s["count"] for s in stars)
    total = sum(s["stars"] * s["count"] for s in stars)
    average = (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if count else None
    return {"average": money_text(average), "count": count, "stars": stars}


def my_reviews(*, user: User) -> QuerySet[Review]:
    return _with_parts(Review.objects.filter(user=user)).order_by("-created_at", "-id")


def my_review_get(*, user: User, pk: int) -> Review:
    review = _with_parts(Review.objects.filter(user=user, pk=pk)).first()
    if review is None:
        raise ReviewNotFound()
    return review


def my_purchases(*, user: User, order_number: str | None = None, to_review: bool = False) -> QuerySet[OrderLine]:
    """The caller's order lines that shipped (at least in part), newest first, each with its
    review's id (``review_id``, None when not reviewed yet) and when it shipped; ``to_review``:
    only those not reviewed yet."""
    lines = OrderLine.objects.filter(order__user=user, quantity_shipped__gt=0)
    if order_number:
        lines = lines.filter(order__number=order_number)
    if to_review:
        lines = lines.filter(review__isnull=True)
    return (
        lines.select_related("order", "review")
        .annotate(shipped_at=Max("parcel_lines__parcel__shipped_at"))
        .order_by("-order__created_at", "id")
    )


def my_purchase_get(*, user: User, pk: int) -> OrderLine:
    line = OrderLine.objects.filter(order__user=user, pk=pk).first()
    if line is None:
        raise OrderLineNotFound()
    return line


def vendor_reviews(*, vendor: Vendor, unanswered: bool = False) -> QuerySet[Review]:
    """Published reviews of the vendor's products (what shoppers see), newest first."""
    qs = Review.objects.filter(vendor=vendor, status=Review.Status.PUBLISHED)
    if unanswered:
        qs = qs.filter(replied_at__isnull=True)
    return _with_parts(qs).order_by("-published_at", "-id")


def vendor_review_get(*, vendor: Vendor, pk: int) -> Review:
    """Another vendor's review, or one not published, is indistinguishable from a missing one."""
    review = Review.objects.filter(vendor=vendor, status=Review.Status.PUBLISHED, pk=pk).first()
    if review is None:
        raise ReviewNotFound()
    return review


def moderation_reviews(*, status: str | None = Review.Status.PENDING) -> QuerySet[Review]:
    """The staff queue: held ones (links, held words) first, then oldest first."""
    qs = Review.objects.all()
    if status:
        qs = qs.filter(status=status)
    held = ExpressionWrapper(~Q(hold_reasons=[]), output_field=BooleanField())
    return _with_parts(qs).order_by(held.desc(), "created_at", "id")


def moderation_review_get(*, pk: int) -> Review:
    review = _with_parts(Review.objects.filter(pk=pk)).first()
    if review is None:
        raise ReviewNotFound()
    return review
