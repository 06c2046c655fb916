from django.urls import path

from agora.reviews import apis

urlpatterns = [
    path("products/<slug:slug>/reviews/", apis.ProductReviewsApi.as_view(), name="product-reviews"),
    path("me/reviews/", apis.MyReviewsApi.as_view(), name="my-reviews"),
    path("me/reviews/<int:pk>/", apis.MyReviewApi.as_view(), name="my-review"),
    path("me/reviews/<int:pk>/photos/", apis.MyReviewPhotosApi.as_view(), name="my-review-photos"),
    path("me/reviews/<int:pk>/photos/<int:photo_id>/", apis.MyReviewPhotoApi.as_view(), name="my-review-photo"),
    path("me/purchases/", apis.MyPurchasesApi.as_view(), name="my-purchases"),
    path("vendor/reviews/", apis.VendorReviewsApi.as_view(), name="vendor-reviews"),
    path("vendor/reviews/<int:pk>/reply/", apis.VendorReviewReplyApi.as_view(), name="vendor-review-reply"),
    path("moderation/reviews/", apis.ModerationReviewsApi.as_view(), name="moderation-reviews"),
    path(
        "moderation/reviews/<int:pk>/approve/",
        apis.ModerationReviewApproveApi.as_view(),
        name="moderation-review-approve",
    ),
    path(
        "moderation/reviews/<int:pk>/reject/", apis.ModerationReviewRejectApi.as_view(), name="moderation-review-reject"
    ),
]
