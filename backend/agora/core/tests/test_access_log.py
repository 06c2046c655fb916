"""The gunicorn access log (config/gunicorn.conf.py): one JSON object per request, whatever the
client puts in its headers."""

import importlib.util
import json
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
    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    logger = conf.JsonAccessLogger(cfg)
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
    atoms = logger.atoms_wrapper_class(logger.atoms(response, request, environ, timedelta(milliseconds=12)))
    line = cfg.access_log_format % atoms

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
