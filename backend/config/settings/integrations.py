"""Redis cache, Celery, search, file storage and payments."""

from typing import Any

from celery.schedules import crontab

from .env import env

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:56379/0")

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="agora"),
        "TIMEOUT": env.int("CACHE_TIMEOUT", default=300),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            # A dead cache must cost milliseconds, not the request.
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            # Cache failures are logged and treated as misses: reads fall back to the database.
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
# Version counters and product stamps (agora.core.cache_versions) live this long. Every cache
# key expires: the cache Redis evicts under memory pressure, but keys without a TTL would pile up.
CACHE_VERSION_TIMEOUT = env.int("CACHE_VERSION_TIMEOUT", default=86_400)
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "agora.cache"

# The broker lives in its own Redis database so clearing the cache never drops queued tasks.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/1")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "orders", "search", "media", "imports")
CELERY_TASK_ROUTES = {
    "agora.orders.tasks.*": {"queue": "orders"},
    "agora.payments.tasks.*": {"queue": "orders"},
    "agora.search.tasks.*": {"queue": "search"},
    "agora.catalog.tasks.image_*": {"queue": "media"},
    "agora.catalog.tasks.import_*": {"queue": "imports"},
    "agora.reviews.tasks.photo_*": {"queue": "media"},
    "agora.notifications.tasks.*": {"queue": "default"},
    "agora.accounts.tasks.*": {"queue": "default"},
}
# A task is acknowledged after it ran, and re-queued if its worker dies: every task is idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection before and after every task unless this is
# set, so each task opened a new PostgreSQL session (a backend forked, authenticated and its
# catalog caches warmed: in make bench, six a second and about a quarter of the machine's CPU,
# unseen because those backends had exited). Tasks now keep their connection as requests do:
# config/celery.py applies CONN_MAX_AGE and CONN_HEALTH_CHECKS around each task, and Celery
# itself still closes it every this many tasks.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Stopping a worker (a deploy, a scale-in: ECS sends SIGTERM, then SIGKILL 120 s later) with
# REMAP_SIGTERM=SIGQUIT in its environment is Celery's soft shutdown: running tasks get this many
# seconds to finish, then the rest are cancelled and their messages go straight back to the queue
# (acks_late), where another worker takes them at once. Must end before the platform's SIGKILL.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float("CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT", default=90.0)
# A worker that dies without that shutdown (OOM, SIGKILL, a lost host) leaves its messages
# unacknowledged; Redis re-delivers them after this long. It must outlast the longest a worker
# legitimately holds a message, else a retry is delivered a second time while it runs: a retry
# waits out its countdown inside the worker that took it and is acknowledged only after it ran
# (acks_late), so its hold is the countdown plus the run, up to the task's hard time limit. The
# longest: a 600 s countdown (RETRYING's backoff cap, the payouts' and the notification outbox's)
# plus a 90 s hard limit = 690 s; 30 s more for the kill, the acknowledgement and the hosts'
# clocks. The price: a crashed worker's messages wait this long (12 minutes) before another
# worker gets them. Lowering the caps instead would shorten the retry schedules (the outbox's
# 12 tries over about 75 minutes). agora/core/tests/test_worker_shutdown.py derives the longest
# hold from every registered task: a task with a longer countdown or hard limit fails it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=720)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# While a task from one of these queues runs, the worker's ECS task is protected from scale-in
# (the ECS agent's task-protection endpoint, ECS_AGENT_URI); an import must not be stopped by
# autoscaling half-way. Protection expires on its own after this many minutes.
ECS_SCALE_IN_PROTECTED_QUEUES = env.list("ECS_SCALE_IN_PROTECTED_QUEUES", default=["imports"])
ECS_SCALE_IN_PROTECTION_MINUTES = env.int("ECS_SCALE_IN_PROTECTION_MINUTES", default=15)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Recurring work; the database scheduler copies these into django-celery-beat's tables,
# where staff can edit or pause them in the admin. The queue-depth metric is deliberately not
# here: a task on the default queue would wait behind the backlog it reports (the beat task's
# sidecar runs `manage.py publish_queue_metrics --every 60` instead).
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "agora.core.tasks.worker_heartbeat", "schedule": 60.0},
    # Carts, checkout and orders.
    "carts-cleanup": {"task": "agora.carts.tasks.carts_cleanup", "schedule": 3600.0},
    "orders-expire-unpaid": {"task": "agora.orders.tasks.orders_expire_unpaid", "schedule": 60.0},
    "orders-redrive": {"task": "agora.orders.tasks.orders_redrive", "schedule": 60.0},
    "orders-flag-late": {"task": "agora.orders.tasks.flag_late_sub_orders", "schedule": 3600.0},
    "idempotency-keys-cleanup": {"task": "agora.orders.tasks.idempotency_keys_cleanup", "schedule": 3600.0},
    # Catalog: imports and thumbnails whose task was lost.
    "catalog-jobs-redrive": {"task": "agora.catalog.tasks.jobs_redrive", "schedule": 120.0},
    # Accounts: expired refresh tokens, personal-data export files past their expiry.
    "tokens-flush-expired": {"task": "agora.accounts.tasks.tokens_flush_expired", "schedule": 6 * 3600.0},
    "data-exports-cleanup": {"task": "agora.accounts.tasks.data_exports_cleanup", "schedule": 3600.0},
    # Notification outbox: re-send tasks lost with the broker.
    "notifications-redrive": {"task": "agora.notifications.tasks.notifications_redrive", "schedule": 60.0},
    # Search: index what a lost task left in the outbox and documents that drifted from the catalog.
    "search-reconcile": {"task": "agora.search.tasks.reconcile", "schedule": 60.0},
    # Search: store the sampled zero-/low-result query counts buffered in Redis.
    "search-query-log-flush": {"task": "agora.search.tasks.query_log_flush", "schedule": 300.0},
    # Search ranking: units sold in the last 30 days, from paid orders, into the catalog (hourly:
    # each change re-indexes products and renews cached search answers).
    "orders-popularity": {"task": "agora.orders.tasks.products_popularity_refresh", "schedule": 3600.0},
    # Vendor money: pay due vendors (each vendor's schedule decides the day), reconcile yesterday.
    "payouts-run": {"task": "agora.payouts.tasks.payouts_run", "schedule": 3600.0},
    "ledger-reconcile": {"task": "agora.payouts.tasks.ledger_reconcile", "schedule": crontab(hour=3, minute=30)},
}

SEARCH_BACKEND = env.str("SEARCH_BACKEND", default="postgres")
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_API_KEY = env.str("ELASTICSEARCH_API_KEY", default="")
ELASTICSEARCH_USERNAME = env.str("ELASTICSEARCH_USERNAME", default="")
ELASTICSEARCH_PASSWORD = env.str("ELASTICSEARCH_PASSWORD", default="")
ELASTICSEARCH_CA_CERTS = env.str("ELASTICSEARCH_CA_CERTS", default="")
ELASTICSEARCH_VERIFY_CERTS = env.bool("ELASTICSEARCH_VERIFY_CERTS", default=True)
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="agora")
# Searches that found nothing or little are sampled for staff (share of them counted, 0 turns
# it off), "little" meaning at most this many products; counts are kept this many days.
SEARCH_QUERY_LOG_SAMPLE_RATE = env.float("SEARCH_QUERY_LOG_SAMPLE_RATE", default=0.2)
SEARCH_QUERY_LOG_LOW_RESULTS = env.int("SEARCH_QUERY_LOG_LOW_RESULTS", default=3)
SEARCH_QUERY_LOG_DAYS = env.int("SEARCH_QUERY_LOG_DAYS", default=90)
# Replicas of each search index: 0 on a single node (dev), 1+ on a production cluster.
ELASTICSEARCH_INDEX_REPLICAS = env.int("ELASTICSEARCH_INDEX_REPLICAS", default=0)

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
AWS_QUERYSTRING_AUTH = AWS_S3_CUSTOM_DOMAIN is None
# Uploaded files (product images, import files) go to S3 when a bucket is configured; credentials
# come from the standard AWS chain (task role in ECS, AWS_ACCESS_KEY_ID/... locally).
if AWS_STORAGE_BUCKET_NAME:
    from .base import STORAGES as _BASE_STORAGES

    STORAGES: dict[str, dict[str, Any]] = {
        **_BASE_STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        # Under the private/ prefix, which CloudFront may not read; links (if any) are short-lived
        # signed S3 URLs, never the CDN domain.
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "location": "private",
                "custom_domain": None,
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Another address for Stripe's API (a local fake in tests and load tests); empty = api.stripe.com.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Seconds to connect to / wait for an answer from Stripe (the library's default is 80 s), and retries
# of a failed call (each with the same idempotency key).
STRIPE_CONNECT_TIMEOUT = env.float("STRIPE_CONNECT_TIMEOUT", default=2.0)
STRIPE_READ_TIMEOUT = env.float("STRIPE_READ_TIMEOUT", default=6.0)
STRIPE_MAX_NETWORK_RETRIES = min(env.int("STRIPE_MAX_NETWORK_RETRIES", default=1), 1)
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="dummy")
# The payment_method values checkout accepts; the dummy gateway must never be offered in production.
PAYMENT_METHODS = env.list("PAYMENT_METHODS", default=[PAYMENT_GATEWAY])
# Only for a production-like stack on 127.0.0.1 (the load test): lets production settings start
# with the dummy gateway. Never set in a deployment (an infra test checks every environment).
PAYMENT_ALLOW_DUMMY_IN_PRODUCTION = env.bool("PAYMENT_ALLOW_DUMMY_IN_PRODUCTION", default=False)
# Bulkhead and breaker for provider calls, per process (agora/payments/bulkhead.py): at most this
# many concurrent calls (keep it below gunicorn's threads per worker), waiting at most this long
# for a slot; after this many failures in a row, calls are refused for the cooldown.
PAYMENT_PROVIDER_MAX_CONCURRENCY = env.int("PAYMENT_PROVIDER_MAX_CONCURRENCY", default=2)
PAYMENT_PROVIDER_SLOT_WAIT_SECONDS = env.float("PAYMENT_PROVIDER_SLOT_WAIT_SECONDS", default=0.2)
PAYMENT_PROVIDER_BREAKER_FAILURES = env.int("PAYMENT_PROVIDER_BREAKER_FAILURES", default=5)
PAYMENT_PROVIDER_BREAKER_COOLDOWN_SECONDS = env.float("PAYMENT_PROVIDER_BREAKER_COOLDOWN_SECONDS", default=15.0)

# Vendor payouts through Stripe Connect (Express accounts, separate charges and transfers), or the
# dummy provider (local runs and tests; refused in production like the dummy payment gateway).
PAYOUT_PROVIDER = env.str("PAYOUT_PROVIDER", default="dummy")
# Connect webhooks (account.updated, transfer.*) have their own endpoint and signing secret.
STRIPE_CONNECT_WEBHOOK_SECRET = env.str("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
# A vendor's available balance is paid only from this amount (smaller ones are carried forward).
PAYOUT_MINIMUM_AMOUNT = env.str("PAYOUT_MINIMUM_AMOUNT", default="10.00")
# Payouts still pending this long after they were written (a lost task, a provider outage) are sent again.
PAYOUT_REDRIVE_AFTER_SECONDS = env.int("PAYOUT_REDRIVE_AFTER_SECONDS", default=300)

CLOUDWATCH_METRICS_NAMESPACE = env.str("CLOUDWATCH_METRICS_NAMESPACE", default="")
CLOUDWATCH_ENDPOINT_URL = env.str("CLOUDWATCH_ENDPOINT_URL", default="") or None

# Publishing to a dead broker gives up within about a second (the work stays recorded in
# the database and a beat reconciler re-drives it) instead of hanging the request.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# Error reporting (Sentry): off unless SENTRY_DSN is set; personal data is scrubbed
# (agora.core.observability). Tracing (OpenTelemetry) is off unless OTEL_EXPORTER_OTLP_ENDPOINT is
# set; the standard OTEL_* variables configure it.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
# Which deployment this is (dev, staging, prod): Sentry's environment, the traces' deployment.environment.
AGORA_ENVIRONMENT = env.str("AGORA_ENVIRONMENT", default="local")
# The release: the commit the image was built from (the Dockerfile's APP_VERSION build argument).
APP_VERSION = env.str("APP_VERSION", default="")
