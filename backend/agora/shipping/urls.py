from django.urls import path

from agora.shipping import apis

urlpatterns = [
    path("shipping-methods/", apis.ShippingMethodListApi.as_view(), name="shipping-methods"),
    path(
        "vendors/<slug:slug>/shipping-methods/", apis.VendorOfferedMethodsApi.as_view(), name="vendor-offered-methods"
    ),
    path("cart/shipping-options/", apis.CartShippingOptionsApi.as_view(), name="cart-shipping-options"),
    path("vendor/shipping-methods/", apis.VendorShippingMethodListApi.as_view(), name="vendor-shipping-methods"),
    path(
        "vendor/shipping-methods/<int:pk>/",
        apis.VendorShippingMethodDetailApi.as_view(),
        name="vendor-shipping-method-detail",
    ),
]
