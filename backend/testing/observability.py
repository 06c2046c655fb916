"""Local stand-ins for Sentry's ingest endpoint and an OpenTelemetry collector (OTLP/HTTP)."""

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


def _body(handler: BaseHTTPRequestHandler) -> bytes:
    raw = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
    encoding = (handler.headers.get("Content-Encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":
        return zlib.decompress(raw)
    return raw


def parse_envelope(data: bytes) -> list[tuple[dict, bytes]]:
    """Items of a Sentry envelope: (item header, payload)."""
    items = []
    _header, _, rest = data.partition(b"\n")
    while rest.strip():
        item_header_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_header_line)
        length = item_header.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length + 1 :]
        items.append((item_header, payload))
    return items


class _Server:
    def __init__(self, handler_cls):
        self.received: list = []
        self.raw: list[bytes] = []
        handler = type("Handler", (handler_cls,), {"sink": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()


class _Quiet(BaseHTTPRequestHandler):
    sink: "_Server"  # set on the class each _Server makes of its handler

    def log_message(self, *args):
        pass

    def _ok(self, body: bytes = b"{}", content_type: str = "application/json"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _SentryHandler(_Quiet):
    def do_POST(self):
        data = _body(self)
        self.sink.raw.append(data)
        for header, payload in parse_envelope(data):
            if header.get("type") == "event":
                self.sink.received.append(json.loads(payload))
        self._ok()


class _OtlpHandler(_Quiet):
    def do_POST(self):
        data = _body(self)
        self.sink.raw.append(data)
        request = ExportTraceServiceRequest()
        request.ParseFromString(data)
        for resource_spans in request.resource_spans:
            resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.sink.received.append(
                        {
                            "name": span.name,
                            "service": resource.get("service.name"),
                            "scope": scope_spans.scope.name,
                            "status": span.status.code,
                            "attributes": {a.key: _value(a.value) for a in span.attributes},
                        }
                    )
        self._ok(ExportTraceServiceRequest().SerializeToString(), "application/x-protobuf")


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class FakeSentry(_Server):
    def __init__(self):
        super().__init__(_SentryHandler)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.port}/1"

    @property
    def events(self) -> list[dict]:
        return list(self.received)


class FakeCollector(_Server):
    def __init__(self):
        super().__init__(_OtlpHandler)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def spans(self) -> list[dict]:
        return list(self.received)
