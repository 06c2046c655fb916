"""A failure is seen (issue 19, point 11): a 500 in a request and a failing Celery task each reach
error tracking as exactly one event with no personal data, and leave traces (Django, Celery,
psycopg, Redis spans) carrying the request id, against local stand-ins for Sentry and an
OpenTelemetry collector."""

import json
import time
import urllib.error
import urllib.request

import pytest
import redis

from agora.core.context import request_id_var
from agora.core.observability import REQUEST_ID_ATTRIBUTE, scrub_event
from config.celery import app
from testing.observability import FakeCollector, FakeSentry
from testing.server import GunicornServer
from testing.worker import WorkerProcess, wait_for

STATUS_ERROR = 2  # opentelemetry.proto.trace.v1.Status.STATUS_CODE_ERROR


def _telemetry_env(sentry: FakeSentry, collector: FakeCollector) -> dict[str, str]:
    return {
        "SENTRY_DSN": sentry.dsn,
        "AGORA_ENVIRONMENT": "test",
        "APP_VERSION": "test-release",
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }


def _no_personal_data(payload, *secrets: str) -> None:
    text = json.dumps(payload)
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"personal data sent: {leaked}"


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_500_is_one_scrubbed_event_and_a_trace_with_the_request_id(tmp_path):
    with FakeSentry() as sentry, FakeCollector() as collector:
        env = {**_telemetry_env(sentry, collector), "DJANGO_SETTINGS_MODULE": "testing.observability_settings"}
        server = GunicornServer(tmp_path / "web.log", workers=1, extra_env=env).start()
        try:
            body = json.dumps({"email": "alice@example.com", "password": "Sup3r-secret-pass", "address": "1 Rue X"})
            request = urllib.request.Request(  # noqa: S310 - the loopback server started above
                f"{server.url}/api/v1/test-observability/checkout/?email=alice@example.com",
                data=body.encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Request-ID": "req-500-observability",
                    "Authorization": "Bearer tok_live_abcdef123456",
                    "Cookie": "sessionid=sess-987654321; csrftoken=csrf-123456789",
                    "X-Forwarded-For": "203.0.113.77",
                },
            )
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
            assert answer.value.code == 500
            assert json.loads(answer.value.read())["error"]["code"] == "server_error"

            wait_for(lambda: sentry.events, timeout=15, message="the Sentry event")
            wait_for(
                lambda: any(s["attributes"].get("http.status_code") == 500 for s in collector.spans),
                timeout=15,
                message="the request's server span",
            )
            time.sleep(1)  # a duplicate event or late spans would arrive by now
        finally:
            server.stop()

    (event,) = sentry.events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-500-observability"
    assert event["environment"] == "test" and event["release"] == "test-release"
    _no_personal_data(
        event,
        "alice@example.com",
        "Sup3r-secret-pass",
        "tok_live_abcdef123456",
        "sess-987654321",
        "csrf-123456789",
        "203.0.113.77",
        "1 Rue X",
    )

    spans = collector.spans
    (server_span,) = [s for s in spans if s["attributes"].get("http.status_code") == 500]
    assert server_span["service"] == "agora-web" and server_span["status"] == STATUS_ERROR
    assert server_span["attributes"][REQUEST_ID_ATTRIBUTE] == "req-500-observability"
    scopes = {s["scope"] for s in spans if s["attributes"].get(REQUEST_ID_ATTRIBUTE) == "req-500-observability"}
    assert {
        "opentelemetry.instrumentation.django",
        "opentelemetry.instrumentation.psycopg",
        "opentelemetry.instrumentation.redis",
    } <= scopes, scopes
    _no_personal_data(spans, "alice@example.com", "tok_live_abcdef123456", "sess-987654321", "203.0.113.77")


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_one_scrubbed_event_and_a_span_with_the_enqueuing_request_id(tmp_path, settings):
    broker = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/11"
    redis.Redis.from_url(broker).flushdb()
    with FakeSentry() as sentry, FakeCollector() as collector:
        worker = WorkerProcess(
            tmp_path / "worker.log",
            ("-P", "prefork", "-c", "1", "-I", "testing.tasks"),
            {**_telemetry_env(sentry, collector), "CELERY_BROKER_URL": broker},
        ).start()
        try:
            token = request_id_var.set("req-task-observability")  # as if a request enqueued it
            try:
                with app.connection_for_write(broker) as conn:
                    app.send_task(
                        "testing.tasks.fail_with_personal_data",
                        kwargs={"email": "bob@example.com", "card_last4": "4242"},
                        queue="default",
                        connection=conn,
                    )
            finally:
                request_id_var.reset(token)
            wait_for(lambda: sentry.events, timeout=20, message="the Sentry event")
            wait_for(
                lambda: any(s["name"].startswith("run/") for s in collector.spans), timeout=20, message="the task span"
            )
            time.sleep(1.5)
        finally:
            worker.stop()
        redis.Redis.from_url(broker).flushdb()

    (event,) = sentry.events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-task-observability"
    _no_personal_data(event, "bob@example.com", "4242")
    (run,) = [s for s in collector.spans if s["name"].startswith("run/")]
    assert run["service"] == "agora-worker" and run["status"] == STATUS_ERROR
    assert run["attributes"][REQUEST_ID_ATTRIBUTE] == "req-task-observability"
    _no_personal_data(collector.spans, "bob@example.com")
    log = (tmp_path / "worker.log").read_text()
    assert "[req-task-observability]" in log, "the task's log lines carry the request id"


def test_the_scrubber_removes_what_integrations_attach():
    event = {
        "request": {
            "url": "https://shop.example.com/api/v1/checkout/",
            "query_string": "email=carol@example.com",
            "data": {"email": "carol@example.com"},
            "cookies": {"sessionid": "s"},
            "env": {"REMOTE_ADDR": "198.51.100.1"},
            "headers": {"Authorization": "Bearer t", "X-Cart-Token": "cart-secret", "User-Agent": "ua"},
        },
        "user": {"id": 7, "email": "carol@example.com", "ip_address": "198.51.100.1"},
        "extra": {"celery-job": {"task_name": "x", "args": ["carol@example.com"], "kwargs": {}}},
        "exception": {
            "values": [{"value": "failed for carol@example.com", "stacktrace": {"frames": [{"vars": {"e": "x"}}]}}]
        },
        "breadcrumbs": {"values": [{"message": "sent to carol@example.com", "data": {"phone": "+33 6"}}]},
    }
    scrubbed = scrub_event(event)
    _no_personal_data(scrubbed, "carol@example.com", "198.51.100.1", "cart-secret", "Bearer t", "+33 6")
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["request"]["headers"]["User-Agent"] == "ua"
