from django.urls import path

from agora.catalog import apis

urlpatterns = [
    path("categories/", apis.CategoryTreeApi.as_view(), name="category-tree"),
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("products/<slug:slug>/", apis.ProductDetailApi.as_view(), name="product-detail"),
    path("vendor/products/", apis.VendorProductListApi.as_view(), name="vendor-product-list"),
    path("vendor/products/<int:pk>/", apis.VendorProductDetailApi.as_view(), name="vendor-product-detail"),
    path("vendor/products/<int:pk>/submit/", apis.VendorProductSubmitApi.as_view(), name="vendor-product-submit"),
    path("vendor/products/<int:pk>/images/", apis.VendorProductImageApi.as_view(), name="vendor-product-images"),
    path("vendor/imports/", apis.VendorImportCreateApi.as_view(), name="vendor-import-create"),
    path("vendor/imports/<int:pk>/", apis.VendorImportDetailApi.as_view(), name="vendor-import-detail"),
    path("moderation/products/", apis.ModerationProductListApi.as_view(), name="moderation-product-list"),
    path(
        "moderation/products/<int:pk>/approve/",
        apis.ModerationProductApproveApi.as_view(),
        name="moderation-product-approve",
    ),
    path(
        "moderation/products/<int:pk>/reject/",
        apis.ModerationProductRejectApi.as_view(),
        name="moderation-product-reject",
    ),
]
