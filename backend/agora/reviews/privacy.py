"""What the reviews app holds about a person, for data exports and account deletion."""

from agora.core.privacy import register
from agora.reviews.models import Review
from agora.reviews.services import reviews_erase_author


def reviews_personal_data(user) -> list[dict]:
    return [
        {
            "product": review.product.name,
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "status": review.status,
            "photos": review.photos.count(),
            "created_at": review.created_at.isoformat(),
        }
        for review in Review.objects.filter(user=user).select_related("product").order_by("pk")
    ]


def _erase(user, replacement_email: str) -> None:
    # Reviews are signed with the author's name: they go with the account (the ratings are recomputed).
    reviews_erase_author(user=user)


register("reviews", export=reviews_personal_data, erase=_erase)
