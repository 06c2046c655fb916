"""The shopper's email when the vendor answers their review (sent once through the outbox)."""

from agora.core.site import site_url
from agora.notifications.registry import register
from agora.notifications.services import notification_enqueue
from agora.reviews.models import Review
from agora.vendors.models import Vendor

register(
    "review_replied",
    sample={
        "first_name": "Ada",
        "vendor_name": "Lumen Works",
        "product_name": "Aurora Desk Lamp",
        "review_title": "Lovely warm light",
        "reply": "Thank you, Ada! The brass darkens beautifully over the years.",
        "review_url": "https://agora.example/products/aurora-desk-lamp#review-12",
    },
    description="To the shopper: the vendor answered their review (once per review).",
)


def review_replied(*, review: Review, vendor: Vendor) -> None:
    user = review.user
    product = review.product
    notification_enqueue(
        template="review_replied",
        to=user.email,
        context={
            "first_name": user.first_name,
            "vendor_name": vendor.name,
            "product_name": product.name,
            "review_title": review.title,
            "reply": review.reply,
            "review_url": site_url(f"/products/{product.slug}#review-{review.pk}"),
        },
        key=f"review_replied:{review.pk}",
    )
