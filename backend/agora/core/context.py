"""Per-request context (the request id) shared by middleware, logging and tasks."""

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
