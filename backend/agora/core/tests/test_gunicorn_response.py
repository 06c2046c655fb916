"""The web's answers leave in one write (config/gunicorn_workers.py, ``OneWriteResponse``): the
head together with the first piece of the body, the bytes on the wire the same as gunicorn's own
response writes in two or more."""

import io
import socket
import tempfile
from typing import Any

import pytest
from gunicorn import util
from gunicorn.http import wsgi

from config.gunicorn_workers import OneWriteResponse
from testing.server import GunicornServer


class _Socket:
    """What a response writes, one entry per ``sendall``."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        file.seek(offset)
        data = file.read(count)
        self.writes.append(data)
        return len(data)


class _Request:
    def __init__(self, method: str = "GET", version: tuple[int, int] = (1, 1)) -> None:
        self.method, self.version = method, version

    def should_close(self) -> bool:
        return False


class _Config:
    sendfile = True
    is_ssl = False
    protocol = "http"


def _answer(response_class: type[wsgi.Response], method: str, status: str, headers, body) -> list[bytes]:
    sock = _Socket()
    response = response_class(_Request(method), sock, _Config())
    response.start_response(status, headers)
    if isinstance(body, wsgi.FileWrapper):
        response.write_file(body)
    else:
        for piece in body:
            response.write(piece)
    response.close()
    return sock.writes


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setattr(util, "http_date", lambda *a: "Tue, 01 Dec 2026 07:00:00 GMT")


JSON = [("Content-Type", "application/json"), ("Content-Length", "15"), ("X-Frame-Options", "DENY")]
ANSWERS = {
    "a JSON answer": ("GET", "200 OK", JSON, [b'{"status":"ok"}']),
    "a body in pieces, no length (chunked)": (
        "GET",
        "200 OK",
        [("Content-Type", "text/csv")],
        [b"a,b\r\n", b"1,2\r\n"],
    ),
    "an empty chunked body": ("GET", "200 OK", [("Content-Type", "text/csv")], []),
    "HEAD": ("HEAD", "200 OK", JSON, [b'{"status":"ok"}']),
    "204 No Content": ("DELETE", "204 No Content", [("X-Request-ID", "abc")], []),
    "304 Not Modified": ("GET", "304 Not Modified", [("ETag", '"v1"')], [b""]),
    "a body over 64 KiB": ("GET", "200 OK", [("Content-Length", str(200_000))], [b"x" * 200_000]),
    "a body longer than its Content-Length": ("GET", "200 OK", [("Content-Length", "3")], [b"abcdef"]),
}


@pytest.mark.parametrize("name", list(ANSWERS))
def test_the_bytes_on_the_wire_are_gunicorns(name):
    method, status, headers, body = ANSWERS[name]
    ours = _answer(OneWriteResponse, method, status, headers, body)
    theirs = _answer(wsgi.Response, method, status, headers, body)
    assert b"".join(ours) == b"".join(theirs)
    assert b"".join(ours).startswith(b"HTTP/1.1 " + status.encode())
    assert len(ours) <= len(theirs)


def test_an_api_answer_leaves_in_one_write_instead_of_two():
    ours = _answer(OneWriteResponse, *ANSWERS["a JSON answer"])
    theirs = _answer(wsgi.Response, *ANSWERS["a JSON answer"])
    assert len(theirs) == 2  # gunicorn: the head, then the body
    assert len(ours) == 1
    assert ours[0].endswith(b'\r\n\r\n{"status":"ok"}')


def test_a_chunked_body_sends_its_head_with_the_first_chunk():
    ours = _answer(OneWriteResponse, *ANSWERS["a body in pieces, no length (chunked)"])
    assert ours[0].endswith(b"\r\n\r\n5\r\na,b\r\n\r\n")
    assert ours[-1] == b"0\r\n\r\n"
    assert len(ours) == 3  # gunicorn: 4


def test_an_answer_without_a_body_sends_its_head_once():
    for name in ("HEAD", "204 No Content", "304 Not Modified"):
        ours = _answer(OneWriteResponse, *ANSWERS[name])
        assert len(ours) == 1, name
        assert ours[0].endswith(b"\r\n\r\n"), name


def test_a_file_goes_after_its_head():
    with tempfile.TemporaryFile() as file:
        file.write(b"body of a static file")
        file.seek(0)
        headers = [("Content-Type", "text/plain"), ("Content-Length", "21")]
        ours = _answer(OneWriteResponse, "GET", "200 OK", headers, wsgi.FileWrapper(file))
        file.seek(0)
        theirs = _answer(wsgi.Response, "GET", "200 OK", headers, wsgi.FileWrapper(file))
    assert ours == theirs
    assert ours[-1] == b"body of a static file"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_web_workers_answers_are_whole_on_a_kept_alive_connection(tmp_path):
    """Through the real server: two requests on one connection, a HEAD, a 404 and a static file,
    each answer whole and in order."""
    server = GunicornServer(tmp_path / "web.log", workers=1).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            conn.sendall(
                b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                b"HEAD /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                b"GET /api/v1/no-such-thing/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            stream = io.BytesIO()
            while chunk := conn.recv(65536):
                stream.write(chunk)
    finally:
        server.stop()
    answers = _split(stream.getvalue())
    assert [status for status, _, _ in answers] == [200, 200, 404, 200]
    assert answers[0][2].replace(b" ", b"") == b'{"status":"ok"}'
    assert answers[1][2] == b""  # HEAD: the head only
    assert b'"code":"not_found"' in answers[2][2].replace(b" ", b"")
    assert answers[3][1]["content-type"].startswith("text/plain")
    assert b"Sitemap:" in answers[3][2]


def _split(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The answers of a connection, each read by its Content-Length or its chunks (a HEAD's body
    is empty)."""
    answers = []
    methods = iter(["GET", "HEAD", "GET", "GET"])
    while raw:
        head, _, raw = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        body = b""
        if next(methods) == "HEAD":
            pass
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size, _, raw = raw.partition(b"\r\n")
                length = int(size, 16)
                body, raw = body + raw[:length], raw[length + 2 :]
                if not length:
                    break
        else:
            length = int(headers["content-length"])
            body, raw = raw[:length], raw[length:]
        answers.append((int(status_line.split()[1]), headers, body))
    return answers
