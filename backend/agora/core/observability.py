"""Error reporting (Sentry) and tracing (OpenTelemetry), both off unless configured.

- Errors: ``SENTRY_DSN`` turns on the Sentry SDK (Django, Celery and logging integrations). An
  unhandled exception in a request (including the ones the API's exception handler turns into a
  500 envelope, which it logs) or a failing Celery task is one event. Personal data is kept out:
  ``send_default_pii`` is off, local variables are not sent, and ``scrub_event`` removes bodies,
  cookies, credentials, addresses, task arguments and every e-mail address left in any string.
- Traces: ``OTEL_EXPORTER_OTLP_ENDPOINT`` turns on OpenTelemetry with spans for Django requests,
  Celery publish/run, psycopg queries and Redis commands, exported over OTLP/HTTP (in ECS to the
  AWS Distro for OpenTelemetry collector sidecar on 127.0.0.1:4318, which sends them to X-Ray).
- The request id (``X-Request-ID``, agora.core.middleware) is on every span (``agora.request_id``)
  and every log line, and travels with the Celery tasks a request enqueues (a message header), so
  a task's logs, spans and errors carry the id of the request that caused them. Tasks nobody's
  request enqueued (beat) use ``task:<task id>``.

Processes call ``init_tracing`` once they are what they will stay: gunicorn workers in
config/wsgi.py (after the fork), Celery pool processes on ``worker_process_init``, beat on
``beat_init`` (config/celery.py). The OpenTelemetry packages are imported only then.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from agora.core.context import request_id_var

logger = logging.getLogger("agora.observability")

REQUEST_ID_ATTRIBUTE = "agora.request_id"
REQUEST_ID_HEADER = "agora_request_id"
FILTERED = "[Filtered]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Keys whose values are personal data or credentials, wherever they appear in an event.
_SENSITIVE_KEY = re.compile(
    r"pass(word|wd)?|secret|token|auth|cookie|session|csrf|api[-_]?key|signature|e-?mail|phone|"
    r"address|line[12]|postal|zip|city|full_?name|first_?name|last_?name|card|iban|"
    r"(^|[-_])ip($|[-_])|forwarded|remote[-_]addr|idempotency",
    re.IGNORECASE,
)


# ------------------------------------------------------------------------------------ Sentry
def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:
        return FILTERED
    if isinstance(value, str):
        return _EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {
            k: (FILTERED if isinstance(k, str) and _SENSITIVE_KEY.search(k) else _scrub(v, depth + 1))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_scrub(v, depth + 1) for v in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """``before_send``: no personal data leaves the process, whatever the code put in the event."""
    request = event.get("request")
    if isinstance(request, dict):
        # Bodies, cookies and the WSGI environment hold form fields, tokens and client addresses.
        for key in ("data", "cookies", "env"):
            request.pop(key, None)
        if isinstance(request.get("headers"), dict):
            request["headers"] = {
                k: (FILTERED if _SENSITIVE_KEY.search(k) else v) for k, v in request["headers"].items()
            }
        if request.get("query_string"):
            request["query_string"] = FILTERED
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    extra = event.get("extra")
    if isinstance(extra, dict) and isinstance(extra.get("celery-job"), dict):
        # Task arguments are whatever the caller passed (e-mail addresses, names...); ids say enough.
        job = extra["celery-job"]
        extra["celery-job"] = {"task_name": job.get("task_name"), "args": FILTERED, "kwargs": FILTERED}
    for frame_holder in _frames(event):
        frame_holder.pop("vars", None)
    request_id = request_id_var.get()
    if request_id != "-":
        event.setdefault("tags", {})["request_id"] = request_id
    return _scrub(event)


def _frames(event: dict):
    for exc in (event.get("exception") or {}).get("values") or []:
        yield from (exc.get("stacktrace") or {}).get("frames") or []
    for thread in (event.get("threads") or {}).get("values") or []:
        yield from (thread.get("stacktrace") or {}).get("frames") or []


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return _scrub(crumb)


def init_sentry(*, dsn: str, environment: str, release: str) -> bool:
    """Starts the Sentry SDK when a DSN is configured; returns whether it did."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        # Errors only: traces go to OpenTelemetry (X-Ray), not to Sentry.
        traces_sample_rate=0.0,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(monitor_beat_tasks=False),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
    return True


# ----------------------------------------------------------------------------- OpenTelemetry
_tracing_service: str | None = None


def tracing_enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def init_tracing(service: str, *, django: bool = False) -> bool:
    """Sets up the tracer provider and instrumentation once per process; returns whether tracing is on."""
    global _tracing_service
    if _tracing_service is not None:
        return True
    if not tracing_enabled():
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create(
        {
            "service.name": os.environ.get("OTEL_SERVICE_NAME") or service,
            "service.version": os.environ.get("APP_VERSION", "unknown"),
            "deployment.environment": os.environ.get("AGORA_ENVIRONMENT", "local"),
        }
    )
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(_request_id_span_processor())
    # Endpoint, headers, timeout and batching come from the standard OTEL_* variables.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)

    if django:
        from opentelemetry.instrumentation.django import DjangoInstrumentor

        DjangoInstrumentor().instrument(
            # The ALB's and ECS's health checks would be most of the traces and say nothing.
            excluded_urls="/health/",
            request_hook=_redact_request_span,
            response_hook=_request_id_on_server_span,
        )
    CeleryInstrumentor().instrument()
    # No SQL commenter: statements stay as Django wrote them (and pg_stat_statements groups them).
    PsycopgInstrumentor().instrument(enable_commenter=False)
    RedisInstrumentor().instrument()
    _tracing_service = service
    logger.info("tracing %s to %s", service, os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
    return True


def _request_id_span_processor():
    """A span processor that puts the current request id on every span as it starts (database,
    Redis, Celery spans...). Built on first use: the SDK is imported only when tracing is on."""
    from opentelemetry.sdk.trace import SpanProcessor

    class RequestIdSpanProcessor(SpanProcessor):
        def on_start(self, span, parent_context=None) -> None:
            request_id = request_id_var.get()
            if request_id != "-":
                span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)

    return RequestIdSpanProcessor()


_URL_ATTRIBUTES = ("http.url", "url.full", "http.target")


def _redact_request_span(span, request) -> None:
    """Query strings may carry e-mail addresses or tokens: spans keep the path only."""
    if not span.is_recording():
        return
    span.set_attribute("http.target", request.path)
    span.set_attribute("url.path", request.path)
    span.set_attribute("http.url", request.build_absolute_uri(request.path))
    span.set_attribute("url.full", request.build_absolute_uri(request.path))
    span.set_attribute("url.query", FILTERED if request.META.get("QUERY_STRING") else "")
    span.set_attribute("http.client_ip", FILTERED)
    span.set_attribute("client.address", FILTERED)


def _request_id_on_server_span(span, request, response) -> None:
    # The server span starts before RequestIdMiddleware has read or made the id.
    request_id = getattr(request, "request_id", None)
    if request_id and span.is_recording():
        span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id)


def current_trace_ids() -> tuple[str, str]:
    """(trace id, span id) of the current span in hex, or ("-", "-") when there is none."""
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - the package is a dependency
        return "-", "-"
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return "-", "-"
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


# ------------------------------------------------------------- request id across Celery tasks
def add_request_id_header(sender=None, headers=None, **_kwargs) -> None:
    """``before_task_publish``: a task enqueued while serving a request carries its id."""
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault(REQUEST_ID_HEADER, request_id)


_task_tokens: dict[str, Any] = {}


def enter_task_context(sender=None, task_id=None, task=None, **_kwargs) -> None:
    """``task_prerun``: the task's logs, spans and errors carry the enqueuing request's id."""
    request = getattr(task, "request", None)
    request_id = getattr(request, REQUEST_ID_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        REQUEST_ID_HEADER
    )
    token = request_id_var.set(request_id or f"task:{task_id}")
    _task_tokens[task_id] = token
    try:
        from opentelemetry import trace

        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute(REQUEST_ID_ATTRIBUTE, request_id_var.get())
    except ImportError:  # pragma: no cover - the package is a dependency
        pass


def leave_task_context(sender=None, task_id=None, **_kwargs) -> None:
    """``task_postrun``: back to no request id for whatever the pool process runs next."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (thread pools): just clear it
            request_id_var.set("-")
