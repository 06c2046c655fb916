from django.urls import path

from agora.carts import apis

urlpatterns = [
    path("carts/", apis.CartCreateApi.as_view(), name="cart-create"),
    path("cart/", apis.CartApi.as_view(), name="cart"),
    path("cart/items/", apis.CartItemsApi.as_view(), name="cart-items"),
    path("cart/items/<int:pk>/", apis.CartItemApi.as_view(), name="cart-item"),
    path("cart/merge/", apis.CartMergeApi.as_view(), name="cart-merge"),
]
