from django.urls import path

from agora.vendors import apis

urlpatterns = [
    path("vendors/", apis.VendorApplyApi.as_view(), name="vendor-apply"),
    path("vendor/policies/", apis.VendorPoliciesApi.as_view(), name="vendor-policies"),
    path("vendors/<slug:slug>/", apis.VendorPublicApi.as_view(), name="vendor-detail"),
    path("moderation/vendors/<slug:slug>/approve/", apis.VendorApproveApi.as_view(), name="vendor-approve"),
    path("moderation/vendors/<slug:slug>/suspend/", apis.VendorSuspendApi.as_view(), name="vendor-suspend"),
]
