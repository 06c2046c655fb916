"""Django core: apps, middleware, database, auth, static and media files."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from .env import BASE_DIR, DEFAULT_SECRET_KEY, IS_PRODUCTION, REPO_DIR, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "agora.accounts.admin_config.AgoraAdminConfig",  # django.contrib.admin with two-factor for staff
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "agora.core",
    "agora.notifications",
    "agora.accounts",
    "agora.vendors",
    "agora.catalog",
    "agora.carts",
    "agora.shipping",
    "agora.orders",
    "agora.returns",
    "agora.reviews",
    "agora.wishlists",
    "agora.seo",
    "agora.payments",
    "agora.search",
    "agora.ledger",
    "agora.payouts",
]

# Measured (bench/middleware_cost.py, in-process, 2026-11-29, load average 6-12; bench/README.md):
# the whole stack costs 65-85 µs per request on the load test's ceiling view (160-171 µs with it,
# 74-107 µs without). Per entry, best rounds: RequestId ~40 µs while it built request.headers,
# 20-26 µs reading META; sessions 30-40, auth 30-70, CSRF and messages 20-30 or within noise, the
# rest under 10. Every request keeps the request id, the security headers (SecurityHeaders,
# Security, XFrameOptions, CORS), static files and Common (APPEND_SLASH).
#
# The admin's own stack — sessions, CSRF, sign-in, second factor, the allow-list, messages and
# lockout — runs only for the admin (BACKOFFICE_PATH): nothing else reads a session. The API
# authenticates with JWT and its views are CSRF-exempt (DRF), and the other views (health, the
# storefront shell, sitemaps, media) only read. Under load it cost the stack's ceiling ~4 % of its
# throughput on its own, and ~10 % together with the access log's write per request (bench/README.md,
# "The stack against a bare view"). Django's admin checks look for sessions, auth and messages
# in MIDDLEWARE; core.checks asks the same of BACKOFFICE_MIDDLEWARE instead.
MIDDLEWARE = [
    "agora.core.middleware.HealthCheckMiddleware",
    "agora.core.middleware.RequestIdMiddleware",
    "agora.core.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "agora.core.middleware.BackofficeMiddleware",
]
BACKOFFICE_PATH = "/admin/"
BACKOFFICE_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "agora.accounts.middleware.AdminAllowListMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last: answers a locked-out admin login (django-axes).
    "axes.middleware.AxesMiddleware",
]
# Found in BACKOFFICE_MIDDLEWARE by agora.core.checks (see above), which also asks the CSRF
# cookie to be secure on deploy (Django's security.W016 checks it only with CSRF in MIDDLEWARE).
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410", "axes.W002", "security.W003"]

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
DATABASES["default"]["ENGINE"] = "agora.core.postgres"  # Django's, with a cheaper health check
# Persistent connections with a health check: a restarted PostgreSQL is reconnected
# to on the next request instead of every worker holding a dead socket.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
# Values are bound on the server, not quoted into the SQL by the driver, so that PostgreSQL can
# keep a statement parsed and planned for the session (agora.core.postgres decides which:
# docs/adr/0013). A pooler in transaction mode (PgBouncer) cannot keep them: there, set
# DB_PREPARE_STATEMENTS=false and every statement is parsed and planned on each run.
DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
DATABASES["default"]["OPTIONS"].setdefault("prepare_statements", env.bool("DB_PREPARE_STATEMENTS", default=True))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Only in the one-off management task, whose DATABASE_URL is the owner's: the web, worker and beat
# tasks' URL (a least-privilege role). Every `migrate` there creates or updates that role and
# grants it row access (agora.core.db_roles).
APP_DATABASE_URL = env.str("APP_DATABASE_URL", default="")

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses locked-out admin logins before a password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# The admin (staff back office). ADMIN_ALLOWED_NETWORKS: CIDRs allowed to reach /admin/ (empty:
# all). ADMIN_REQUIRE_2FA: staff need an authenticator-app code after their password (default on
# in production). Failed admin logins lock that client address out of that username (django-axes)
# after ADMIN_LOCKOUT_FAILURES, for ADMIN_LOCKOUT_MINUTES.
ADMIN_ALLOWED_NETWORKS = env.list("ADMIN_ALLOWED_NETWORKS", default=[])
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=IS_PRODUCTION)
AXES_ONLY_ADMIN_SITE = True
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_CLIENT_IP_CALLABLE = "agora.core.client_ip.client_ip"
AXES_FAILURE_LIMIT = env.int("ADMIN_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Agora admin"
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
# Private files (import files, personal-data exports): never under MEDIA_ROOT, never served.
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default="") or str(REPO_DIR / ".data" / "private")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "agora.core.storage.PrivateFileSystemStorage"},
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

# Where emails go: EMAIL_URL (smtp+tls://user:password@host:587, filemail://, consolemail://).
# Unset, or Terraform's placeholder "not-configured": locally the console; in production nothing,
# each email failing and waiting in the outbox until a mail server is set (retried with backoff,
# then failed for staff to send again), never written with its address into the logs.
EMAIL_NOT_CONFIGURED = env.str("EMAIL_URL", default="") in ("", "not-configured")
if EMAIL_NOT_CONFIGURED and IS_PRODUCTION:
    EMAIL_CONFIG = {"EMAIL_BACKEND": "agora.notifications.backends.NotConfiguredEmailBackend"}
else:
    EMAIL_CONFIG = env.email_url_config("consolemail://" if EMAIL_NOT_CONFIGURED else env.str("EMAIL_URL"))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Agora <no-reply@agora.local>")
# Seconds an SMTP connection or answer may take before the send fails (retried with backoff from
# the outbox): without it a mail server that stops answering held the worker that sends (an
# order's processing sends its emails itself) until the task's time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The file backend (make run: EMAIL_URL=filemail:// and EMAIL_FILE_PATH=.data/mail) writes each
# email as a readable file; an absolute path here wins over the URL's.
if env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")

# The public address of the storefront: links in emails (password reset, verification, data
# export) point here.
# Production refuses to start without it (settings/__init__.py).
SITE_URL_SET = bool(env.str("SITE_URL", default=""))
SITE_URL = env.str("SITE_URL", default="") or "http://127.0.0.1:8000"
SITE_NAME = env.str("SITE_NAME", default="Agora")

# Notification outbox: a failed send is retried with backoff (30 s doubling to at most 10 min, under
# the broker's visibility timeout) up to this many attempts (12: the last about 75 minutes after
# the first), and beat re-sends the task of queued notifications due for longer than this (a task
# lost with the broker).
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=12)
NOTIFICATION_REDRIVE_AFTER_SECONDS = env.int("NOTIFICATION_REDRIVE_AFTER_SECONDS", default=120)

# Accounts. A password reset link works once, for this many seconds; a verification link for
# EMAIL_VERIFICATION_MAX_AGE_SECONDS. Vendor applications need a verified address where
# VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL is on (default: production only).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env.int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", default=3 * 24 * 3600)
VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL = env.bool(
    "VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL", default=IS_PRODUCTION
)
# Days a personal-data export stays downloadable before its file is deleted.
DATA_EXPORT_TTL_DAYS = env.int("DATA_EXPORT_TTL_DAYS", default=7)

# Seconds the public readiness probe (/health/ready/) reuses its last result.
HEALTH_READY_CACHE_SECONDS = env.int("HEALTH_READY_CACHE_SECONDS", default=5)

# `seed_demo` creates logins with published passwords: refused under production settings unless
# the environment says demo data belongs there (Terraform sets it for dev and staging, never prod).
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=not IS_PRODUCTION)

# Marketplace commission on a vendor's sub-orders, in percent, for newly approved vendors.
VENDOR_DEFAULT_COMMISSION_RATE = env.str("VENDOR_DEFAULT_COMMISSION_RATE", default="10.00")

# Whether the marketplace's commission applies to a vendor's shipping too (shipping is the vendor's:
# it belongs to the sub-order and its earnings; off = commission on the goods only).
COMMISSION_ON_SHIPPING = env.bool("COMMISSION_ON_SHIPPING", default=False)

# Who hears about what needs staff (a disputed return, a sub-order past its handling time).
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])

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
# The product list counts matches exactly up to this many and estimates past it (count_is_estimate):
# an exact COUNT(*) of 100k public products cost ~50 ms on every cache miss (bench/README.md).
CATALOG_EXACT_COUNT_LIMIT = env.int("CATALOG_EXACT_COUNT_LIMIT", default=1000)
# Seconds the product list's per-filter counts (one GROUP BY per catalog version) are kept; every
# catalog write moves to a new version, so this only bounds memory.
CATALOG_COUNTS_CACHE_TIMEOUT = env.int("CATALOG_COUNTS_CACHE_TIMEOUT", default=3600)
# Search answers are cached per query for this long (0 = off); every index write invalidates them.
SEARCH_CACHE_TIMEOUT = env.int("SEARCH_CACHE_TIMEOUT", default=60)
# Products whose rank alone moved (units sold, after each paid order) are re-indexed by one run
# this many seconds after the first of them, with every other order's products meanwhile.
SEARCH_RERANK_DELAY_SECONDS = env.int("SEARCH_RERANK_DELAY_SECONDS", default=5)

# Reviews: with pre-moderation (default) every review waits for staff before it is published; without
# it a review is published at once unless it holds a link or one of REVIEWS_HOLD_WORDS (whole words,
# any case), which are always held for staff.
REVIEWS_PREMODERATION = env.bool("REVIEWS_PREMODERATION", default=True)
REVIEWS_HOLD_WORDS = env.list(
    "REVIEWS_HOLD_WORDS",
    default=["viagra", "casino", "bitcoin", "crypto", "whatsapp", "telegram", "escort", "porn", "loan", "refund scam"],
)
REVIEWS_MAX_PHOTOS = env.int("REVIEWS_MAX_PHOTOS", default=4)
# Wishlists: saved variants per account (409 above); a guest's hearts merged at sign-in count too.
WISHLIST_MAX_ITEMS = env.int("WISHLIST_MAX_ITEMS", default=200)
# Sitemaps: product URLs per sitemap file (Google accepts up to 50,000); cached this many seconds
# (catalog changes renew them at once).
SITEMAP_PAGE_SIZE = env.int("SITEMAP_PAGE_SIZE", default=10_000)

# Vendor ledger: a shipped sub-order's earnings are held this many days (returns, disputes) before
# they can be paid out.
LEDGER_HOLD_DAYS = env.int("LEDGER_HOLD_DAYS", default=7)
