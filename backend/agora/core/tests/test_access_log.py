"""The gunicorn access log (config/gunicorn.conf.py): one JSON object per request, whatever the
client puts in its headers."""

import importlib.util
import json
import logging
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[3] / "config" / "gunicorn.conf.py"


def _conf():
    spec = importlib.util.spec_from_file_location("agora_gunicorn_conf", CONF)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_access_line_is_one_json_object_with_hostile_headers_escaped():
    # given the production access logger and a request whose headers carry quotes, backslashes,
    # a newline and non-ASCII text
    conf = _conf()
    logger = conf.JsonAccessLogger(Config())
    agent = 'evil "agent" \\ with\nnewline and ünïcode'
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/products/?q=%22x%22",
        "PATH_INFO": "/api/v1/products/",
        "QUERY_STRING": 'q="x"',
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": agent,
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    }
    request = SimpleNamespace(
        headers=[("USER-AGENT", agent), ("X-REQUEST-ID", "req-1"), ("X-FORWARDED-FOR", "203.0.113.9")]
    )
    response = SimpleNamespace(status="200 OK", sent=123, headers=[("Content-Type", "application/json")])

    # when the line is written
    line = logger.line(response, request, environ, timedelta(milliseconds=12))

    # then it is one JSON object with every value intact
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["user_agent"] == agent and entry["query"] == 'q="x"'
    assert (entry["method"], entry["path"], entry["status"], entry["bytes"]) == (
        "GET",
        "/api/v1/products/",
        "200",
        "123",
    )
    assert entry["request_id"] == "req-1" and entry["peer"] == "10.0.0.7" and entry["duration_ms"] == "12"
    # headers the request did not send read as "-"
    assert entry["referer"] == "-" and entry["amzn_trace_id"] == "-"
    # every field, in the order Logs Insights queries expect
    assert list(entry) == [
        "type",
        "time",
        "client_ip",
        "forwarded_for",
        "peer",
        "method",
        "path",
        "query",
        "status",
        "bytes",
        "duration_ms",
        "referer",
        "user_agent",
        "request_id",
        "amzn_trace_id",
    ]
    assert entry["type"] == "access" and entry["forwarded_for"] == "203.0.113.9"
    assert entry["time"].startswith("[") and entry["time"].endswith("]")


def _stdout_logger(conf):
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = conf.JsonAccessLogger(cfg)
    writes: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            writes.append(record.getMessage())

    logger.access_log.addHandler(Collect())
    return logger, writes


ENVIRON = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/cart/items/", "REMOTE_ADDR": "10.0.0.8"}
REQUEST = SimpleNamespace(headers=[("X-AMZN-TRACE-ID", "Root=1-abc")])
RESPONSE = SimpleNamespace(status="201 Created", sent=None, headers=[])


def test_each_request_writes_one_line_and_the_lines_of_a_second_go_out_together():
    # given the production logger with the access log on stdout, as in the container
    logger, writes = _stdout_logger(_conf())
    # when two requests are answered
    logger.access(RESPONSE, REQUEST, ENVIRON, timedelta(seconds=1, microseconds=2500))
    logger.access(RESPONSE, REQUEST, ENVIRON, timedelta(milliseconds=3))
    # then their lines wait for the flush (not a write per request) …
    assert writes == []
    logger.flush_access()
    # … and go out in one write, one JSON line each, in order, with its own figures
    assert len(writes) == 1
    entries = [json.loads(line) for line in writes[0].split("\n")]
    assert [(e["status"], e["duration_ms"], e["bytes"]) for e in entries] == [("201", "1002", "-"), ("201", "3", "-")]
    assert entries[0]["amzn_trace_id"] == "Root=1-abc" and entries[0]["query"] == "-"
    logger.flush_access()
    assert len(writes) == 1  # nothing twice


def test_waiting_lines_are_written_within_the_flush_interval_without_another_request():
    conf = _conf()
    conf._ACCESS_FLUSH_SECONDS = 0.05
    logger, writes = _stdout_logger(conf)
    logger.access(RESPONSE, REQUEST, ENVIRON, timedelta(milliseconds=3))
    deadline = time.monotonic() + 5
    while not writes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(writes) == 1 and json.loads(writes[0])["path"] == "/api/v1/cart/items/"


def test_a_full_buffer_is_written_at_once_and_a_leaving_worker_writes_what_it_holds():
    conf = _conf()
    conf._ACCESS_FLUSH_SECONDS = 3600  # only size and exit write
    logger, writes = _stdout_logger(conf)
    line_bytes = len(logger.line(RESPONSE, REQUEST, ENVIRON, timedelta(milliseconds=3))) + 1
    per_batch = -(-conf._ACCESS_BUFFER_BYTES // line_bytes)
    for _ in range(per_batch + 2):
        logger.access(RESPONSE, REQUEST, ENVIRON, timedelta(milliseconds=3))
    assert [len(w.split("\n")) for w in writes] == [per_batch]
    conf.worker_exit(None, SimpleNamespace(log=logger))
    assert [len(w.split("\n")) for w in writes] == [per_batch, 2]


def test_with_no_flush_interval_each_line_is_written_as_it_comes():
    conf = _conf()
    conf._ACCESS_FLUSH_SECONDS = 0
    logger, writes = _stdout_logger(conf)
    logger.access(RESPONSE, REQUEST, ENVIRON, timedelta(milliseconds=3))
    logger.access(RESPONSE, REQUEST, ENVIRON, timedelta(milliseconds=4))
    assert [json.loads(w)["duration_ms"] for w in writes] == ["3", "4"]
