from django.urls import path

from agora.accounts import apis

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", apis.TokenApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/addresses/", apis.AddressListApi.as_view(), name="address-list"),
    path("me/addresses/<int:pk>/", apis.AddressDetailApi.as_view(), name="address-detail"),
]
