"""Django REST framework, SimpleJWT and the OpenAPI schema."""

from datetime import timedelta

from .env import env

# Trusted proxies in front of the app (the ALB = 1; CloudFront in front of it = 2). The client
# address of every throttle, the admin lockout and allow-list and the access log is the one the
# outermost of them appended to X-Forwarded-For (agora.core.client_ip).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["agora.accounts.authentication.RevocableJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "agora.core.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["agora.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "agora.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "agora.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "agora.core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        # Failed logins: at most this many per account and per client address per minute.
        "login_account": env.str("THROTTLE_LOGIN_ACCOUNT", default="10/min"),
        "login_ip": env.str("THROTTLE_LOGIN_IP", default="30/min"),
        "register": env.str("THROTTLE_REGISTER", default="20/hour"),
        # Password reset requests per client address and per email address (known or not).
        "password_reset_ip": env.str("THROTTLE_PASSWORD_RESET_IP", default="20/hour"),
        "password_reset_email": env.str("THROTTLE_PASSWORD_RESET_EMAIL", default="5/hour"),
        # Reset confirmations and email verifications tried per client address (guessing links).
        "recovery_confirm": env.str("THROTTLE_RECOVERY_CONFIRM", default="30/hour"),
        # New verification emails per account, and personal-data exports per account.
        "email_verification": env.str("THROTTLE_EMAIL_VERIFICATION", default="3/hour"),
        "data_export": env.str("THROTTLE_DATA_EXPORT", default="3/day"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The storefront (SPA) keeps its refresh token in this cookie, never in page-readable storage:
# HttpOnly, SameSite=Strict, Secure (browsers accept Secure cookies from http://localhost too),
# sent only to the refresh endpoint. AUTH_REFRESH_COOKIE_SECURE=false only for a plain-HTTP
# address other than localhost.
AUTH_REFRESH_COOKIE_NAME = "agora_refresh"
AUTH_REFRESH_COOKIE_PATH = "/api/v1/auth/token/refresh/"
AUTH_REFRESH_COOKIE_SECURE = env.bool("AUTH_REFRESH_COOKIE_SECURE", default=True)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
# A used refresh token presented again ends its session (agora.accounts.services.sessions), unless
# within this many seconds of its rotation: a client retrying a refresh whose answer it lost.
JWT_REFRESH_REUSE_GRACE_SECONDS = env.int("JWT_REFRESH_REUSE_GRACE_SECONDS", default=10)

SPECTACULAR_SETTINGS = {
    "TITLE": "Agora API",
    "DESCRIPTION": (
        "Public HTTP API of the Agora multi-vendor marketplace. Every error has the shape "
        '`{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI is served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several resources have a `status`; each choice set gets a stable name in the generated types.
    "ENUM_NAME_OVERRIDES": {"ReviewStatusEnum": "agora.reviews.models.Review.Status"},
}
