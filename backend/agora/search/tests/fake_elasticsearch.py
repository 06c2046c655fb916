"""A recording stand-in for the Elasticsearch HTTP transport: the real client builds every request
(path, query string, body), this records it and answers with scripted responses. The cluster is
outside the project; what the client would send it is what these tests assert."""

import json
from dataclasses import dataclass, field

from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, SerializerCollection
from elasticsearch import Elasticsearch
from elasticsearch.serializer import DEFAULT_SERIALIZERS


@dataclass
class Call:
    method: str
    target: str
    body: object

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


def _decode(body):
    if isinstance(body, (list, tuple)):  # bulk: one serialised JSON line per item
        return [json.loads(line) if isinstance(line, (bytes, str)) else line for line in body]
    if isinstance(body, (bytes, str)):
        return json.loads(body)
    return body


@dataclass
class RecordingTransport:
    """Answers each request with the first matching ``(method, path prefix) -> (status, body)`` rule."""

    rules: list = field(default_factory=list)
    calls: list = field(default_factory=list)
    # The bulk helper serialises each line with the transport's serializers, as for a real cluster.
    serializers: SerializerCollection = field(default_factory=lambda: SerializerCollection(DEFAULT_SERIALIZERS))

    def on(self, method: str, path: str, status: int = 200, body=None) -> "RecordingTransport":
        self.rules.insert(0, (method, path, status, {"acknowledged": True} if body is None else body))
        return self

    def perform_request(self, method, target, *, body=None, headers=None, **kwargs):
        call = Call(method, target, _decode(body))
        self.calls.append(call)
        for rule_method, prefix, rule_status, answer in self.rules:
            if rule_method == method and call.path.startswith(prefix):
                status, answer = rule_status, (answer(call) if callable(answer) else answer)
                break
        else:
            status, answer = 200, {"acknowledged": True}
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders({"x-elastic-product": "Elasticsearch", "content-type": "application/json"}),
            duration=0.0,
            node=NodeConfig("http", "localhost", 9200),
        )
        return meta, (None if method == "HEAD" else answer)

    def close(self):
        pass

    def requests(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if method is None or c.method == method]


def recording_client(transport: RecordingTransport) -> Elasticsearch:
    return Elasticsearch(_transport=transport)


def bulk_ok(call: Call) -> dict:
    lines = call.body
    items = []
    i = 0
    while i < len(lines):
        ((op, meta),) = lines[i].items()
        items.append({op: {"_id": meta["_id"], "status": 200 if op != "delete" else 404}})
        i += 1 if op == "delete" else 2
    return {"took": 1, "errors": False, "items": items}
