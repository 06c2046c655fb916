import pytest
from django.core.cache import cache

from agora.core.tasks import HEARTBEAT_KEY, worker_heartbeat
from testing.deployment import PROD_ENV, run_manage, run_python
from testing.worker import wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_real_worker_over_redis(celery_worker):
    cache.delete(HEARTBEAT_KEY)
    worker_heartbeat.delay()
    assert wait_for(lambda: cache.get(HEARTBEAT_KEY), message="the heartbeat task to run")
    assert "agora.core.tasks.worker_heartbeat" in celery_worker.output()


def test_celery_is_configured_for_safe_redelivery():
    from config.celery import app

    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert app.amqp.router.route({}, "agora.orders.tasks.order_process")["queue"].name == "orders"
    assert app.amqp.router.route({}, "agora.search.tasks.index_products")["queue"].name == "search"
    assert app.amqp.router.route({}, "agora.catalog.tasks.image_thumbnails")["queue"].name == "media"
    assert app.amqp.router.route({}, "agora.catalog.tasks.import_run")["queue"].name == "imports"
    assert app.amqp.router.route({}, "agora.core.tasks.worker_heartbeat")["queue"].name == "default"
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.mark.django_db
def test_cached_reads_fall_back_when_redis_is_down(settings):
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    dead = caches.create_connection("default")
    assert dead.get("anything") is None  # a miss, not an exception
    assert dead.get_or_set("k", lambda: "from-db") == "from-db"
    dead.set("k", "v")  # silently skipped


def test_production_check_deploy_has_no_warnings():
    r = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


@pytest.mark.parametrize(
    "override,message",
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        # the test gateway pays any token: offered in production, every order would be free
        ({"PAYMENT_GATEWAY": "", "PAYMENT_METHODS": ""}, "dummy payment gateway"),
        ({"PAYMENT_METHODS": "stripe,dummy"}, "dummy payment gateway"),
        ({"PAYMENT_GATEWAY": "dummy", "PAYMENT_METHODS": "stripe"}, "dummy payment gateway"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "Stripe is offered but not configured"),
        # the dummy payout provider pays nobody: vendors would never get their money
        ({"PAYOUT_PROVIDER": ""}, "dummy payout provider"),
        ({"PAYOUT_PROVIDER": "dummy"}, "dummy payout provider"),
        ({"STRIPE_CONNECT_WEBHOOK_SECRET": ""}, "Stripe Connect payouts are not configured"),
        # every link in every email, the canonical URLs and the sitemaps would point at 127.0.0.1
        ({"SITE_URL": ""}, "SITE_URL"),
        # a provider's minor units for this currency are not cents: charges would be 100x off
        ({"AGORA_CURRENCY": "JPY"}, "AGORA_CURRENCY"),
        ({"AGORA_CURRENCY": "eur"}, "AGORA_CURRENCY"),
    ],
)
def test_production_refuses_debug_default_secret_or_the_test_gateway(override, message):
    env = {k: v for k, v in {**PROD_ENV, **override}.items() if v}
    r = run_manage("check", env=env)
    assert r.returncode != 0
    assert message in r.stderr


def test_the_dummy_gateway_in_production_needs_the_load_test_escape_hatch():
    env = {
        **PROD_ENV,
        "PAYMENT_GATEWAY": "dummy",
        "PAYMENT_METHODS": "dummy",
        "PAYMENT_ALLOW_DUMMY_IN_PRODUCTION": "true",
    }
    assert run_manage("check", env=env).returncode == 0


def test_production_logs_are_json_with_request_id():
    code = (
        "import logging, json, django; django.setup();"
        "from agora.core.context import request_id_var; request_id_var.set('req-42');"
        "logging.getLogger('agora.test').warning('hello')"
    )
    r = run_python("-c", code, env=PROD_ENV)
    import json

    line = json.loads(r.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello" and line["request_id"] == "req-42" and line["level"] == "WARNING"
