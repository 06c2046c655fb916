from django.urls import path

from agora.accounts import apis

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", apis.TokenApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/password/reset/", apis.PasswordResetApi.as_view(), name="auth-password-reset"),
    path("auth/password/reset/confirm/", apis.PasswordResetConfirmApi.as_view(), name="auth-password-reset-confirm"),
    path("auth/email/verify/", apis.EmailVerifyApi.as_view(), name="auth-email-verify"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/password/", apis.PasswordChangeApi.as_view(), name="me-password"),
    path("me/email/verification/", apis.EmailVerificationResendApi.as_view(), name="me-email-verification"),
    path("me/export/", apis.DataExportApi.as_view(), name="me-export"),
    path("me/export/<int:pk>/download/", apis.DataExportDownloadApi.as_view(), name="me-export-download"),
    path("me/addresses/", apis.AddressListApi.as_view(), name="address-list"),
    path("me/addresses/<int:pk>/", apis.AddressDetailApi.as_view(), name="address-detail"),
]
