from django.urls import path

from agora.orders import apis

urlpatterns = [
    path("checkout/", apis.CheckoutApi.as_view(), name="checkout"),
    path("orders/", apis.OrderListApi.as_view(), name="order-list"),
    path("orders/<str:number>/", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", apis.OrderCancelApi.as_view(), name="order-cancel"),
    path("vendor/orders/", apis.VendorOrderListApi.as_view(), name="vendor-order-list"),
    path("vendor/orders/<int:pk>/ship/", apis.VendorOrderShipApi.as_view(), name="vendor-order-ship"),
    path("vendor/orders/<int:pk>/parcels/", apis.VendorOrderParcelApi.as_view(), name="vendor-order-parcels"),
]
