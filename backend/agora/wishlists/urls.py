from django.urls import path

from agora.wishlists import apis

urlpatterns = [
    path("me/wishlist/", apis.WishlistApi.as_view(), name="wishlist"),
    path("me/wishlist/keys/", apis.WishlistKeysApi.as_view(), name="wishlist-keys"),
    path("me/wishlist/merge/", apis.WishlistMergeApi.as_view(), name="wishlist-merge"),
    path("me/wishlist/<int:pk>/", apis.WishlistItemApi.as_view(), name="wishlist-item"),
    path("me/wishlist/<int:pk>/move-to-cart/", apis.WishlistMoveToCartApi.as_view(), name="wishlist-move-to-cart"),
]
