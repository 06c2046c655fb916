import logging

from agora.core.context import request_id_var


class RequestIdFilter(logging.Filter):
    """Stamps every log record with the id of the request (or task) that produced it, and with the
    current trace and span ids when tracing is on (to jump from a log line to its trace)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "trace_id"):
            from agora.core.observability import current_trace_ids

            record.trace_id, record.span_id = current_trace_ids()
        return True
