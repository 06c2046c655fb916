"""Django core: apps, middleware, database, auth, static and media files."""

from pathlib import Path

from .env import BASE_DIR, DEFAULT_SECRET_KEY, IS_PRODUCTION, REPO_DIR, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_celery_beat",
    "agora.core",
    "agora.accounts",
    "agora.vendors",
    "agora.catalog",
    "agora.carts",
    "agora.orders",
    "agora.payments",
    "agora.search",
    "agora.ledger",
    "agora.payouts",
]

MIDDLEWARE = [
    "agora.core.middleware.HealthCheckMiddleware",
    "agora.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://agora:agora@127.0.0.1:55432/agora"),
}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
# Persistent connections with a health check: a restarted PostgreSQL is reconnected
# to on the next request instead of every worker holding a dead socket.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.str("MEDIA_ROOT", default="") or str(REPO_DIR / ".data" / "media")
# The built SPA (frontend/dist) is served by whitenoise at the site root.
FRONTEND_DIST = Path(env.str("FRONTEND_DIST", default=str(REPO_DIR / "frontend" / "dist")))
if FRONTEND_DIST.is_dir():
    WHITENOISE_ROOT = FRONTEND_DIST
# Vite puts content-hashed files under /assets/: cached for a year, immutable.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/?assets/.+[.-][0-9A-Za-z_-]{8,}\.\w+$"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request bodies: JSON bodies above 2.5 MB answer 413; uploads are limited per endpoint.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers. In production they are on by default; locally HTTPS is absent.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
# The ALB health checks speak plain HTTP to the task; they must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:5173", "http://127.0.0.1:5173"])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["X-Request-ID"]
from corsheaders.defaults import default_headers  # noqa: E402

CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key", "x-cart-token", "x-request-id")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Agora <no-reply@agora.local>")

# Marketplace commission on a vendor's sub-orders, in percent, for newly approved vendors.
VENDOR_DEFAULT_COMMISSION_RATE = env.str("VENDOR_DEFAULT_COMMISSION_RATE", default="10.00")

# Carts, checkout and orders.
AGORA_CURRENCY = env.str("AGORA_CURRENCY", default="EUR")
CART_GUEST_TTL_DAYS = env.int("CART_GUEST_TTL_DAYS", default=7)
# Unpaid (pending_payment) orders are cancelled and their stock released after this long.
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)
# Idempotency-Key records of checkouts are kept this long (at least 24 h).
IDEMPOTENCY_KEY_TTL_HOURS = max(env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=48), 24)
# A checkout's claim on its Idempotency-Key older than this belongs to a process that died and is
# taken over by the next request with the same key and body (never under 60 s: a checkout is
# bounded by gunicorn's timeout and the payment provider's).
IDEMPOTENCY_CLAIM_STALE_SECONDS = max(env.int("IDEMPOTENCY_CLAIM_STALE_SECONDS", default=120), 60)
# Unpaid (pending_payment) orders one customer (account, or guest cart) may have at once: each holds
# stock until it expires, so a script cannot keep a competitor's stock reserved.
ORDER_MAX_UNPAID_PER_CUSTOMER = env.int("ORDER_MAX_UNPAID_PER_CUSTOMER", default=3)
# Checkout attempts per client IP, per account and per guest cart ("N/min", "N/hour"...).
THROTTLE_CHECKOUT_IP = env.str("THROTTLE_CHECKOUT_IP", default="30/hour")
THROTTLE_CHECKOUT_USER = env.str("THROTTLE_CHECKOUT_USER", default="20/hour")
THROTTLE_CHECKOUT_CART = env.str("THROTTLE_CHECKOUT_CART", default="20/hour")
# Paid orders whose processing task has not run after this long are re-enqueued by beat.
ORDER_REDRIVE_AFTER_SECONDS = env.int("ORDER_REDRIVE_AFTER_SECONDS", default=120)

# Catalog: product images (checked by content with Pillow) and CSV imports.
CATALOG_IMAGE_MAX_BYTES = env.int("CATALOG_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# Pixel-count ceiling: a tiny file that decodes to a huge bitmap (a decompression bomb) is refused.
CATALOG_IMAGE_MAX_PIXELS = env.int("CATALOG_IMAGE_MAX_PIXELS", default=40_000_000)
CATALOG_IMAGE_THUMBNAIL_SIZE = env.int("CATALOG_IMAGE_THUMBNAIL_SIZE", default=480)
CATALOG_MAX_IMAGES_PER_PRODUCT = env.int("CATALOG_MAX_IMAGES_PER_PRODUCT", default=12)
CATALOG_IMPORT_MAX_ROWS = env.int("CATALOG_IMPORT_MAX_ROWS", default=50_000)
CATALOG_IMPORT_MAX_BYTES = env.int("CATALOG_IMPORT_MAX_BYTES", default=25 * 1024 * 1024)
# Import and thumbnail jobs whose task was lost (broker down at commit, a worker killed) are re-queued
# by beat after this long; a running import that reported no progress for IMPORT_STALE_SECONDS is dead.
CATALOG_JOB_REDRIVE_AFTER_SECONDS = env.int("CATALOG_JOB_REDRIVE_AFTER_SECONDS", default=300)
CATALOG_IMPORT_STALE_SECONDS = env.int("CATALOG_IMPORT_STALE_SECONDS", default=900)
CATALOG_THUMBNAIL_MAX_REQUEUES = env.int("CATALOG_THUMBNAIL_MAX_REQUEUES", default=5)
# Seconds a cached public catalog page lives (writes invalidate it at once anyway).
# The load test's ceiling view (/load-test/ceiling/); off (404) unless a load test turns it on.
LOAD_TEST_CEILING_VIEW = env.bool("LOAD_TEST_CEILING_VIEW", default=False)
CATALOG_CACHE_TIMEOUT = env.int("CATALOG_CACHE_TIMEOUT", default=600)
# Search answers are cached per query for this long (0 = off); every index write invalidates them.
SEARCH_CACHE_TIMEOUT = env.int("SEARCH_CACHE_TIMEOUT", default=60)

# Vendor ledger: a shipped sub-order's earnings are held this many days (returns, disputes) before
# they can be paid out.
LEDGER_HOLD_DAYS = env.int("LEDGER_HOLD_DAYS", default=7)
