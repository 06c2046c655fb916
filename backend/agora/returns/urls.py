from django.urls import path

from agora.returns import apis

urlpatterns = [
    path("orders/<str:number>/returns/", apis.OrderReturnsApi.as_view(), name="order-returns"),
    path("orders/<str:number>/returns/<int:pk>/dispute/", apis.OrderReturnDisputeApi.as_view(), name="return-dispute"),
    path("vendor/orders/<int:pk>/cancel-lines/", apis.VendorOrderCancelLinesApi.as_view(), name="vendor-cancel-lines"),
    path("vendor/returns/", apis.VendorReturnListApi.as_view(), name="vendor-returns"),
    path("vendor/returns/<int:pk>/approve/", apis.VendorReturnApproveApi.as_view(), name="vendor-return-approve"),
    path("vendor/returns/<int:pk>/reject/", apis.VendorReturnRejectApi.as_view(), name="vendor-return-reject"),
    path("vendor/returns/<int:pk>/refund/", apis.VendorReturnRefundApi.as_view(), name="vendor-return-refund"),
    path("moderation/returns/", apis.StaffReturnListApi.as_view(), name="staff-returns"),
    path("moderation/returns/<int:pk>/decide/", apis.StaffReturnDecideApi.as_view(), name="staff-return-decide"),
    path(
        "moderation/vendor-orders/<int:pk>/cancel/",
        apis.StaffSubOrderCancelApi.as_view(),
        name="staff-sub-order-cancel",
    ),
]
