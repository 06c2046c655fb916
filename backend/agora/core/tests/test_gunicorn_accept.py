"""The web's gunicorn workers accept a connection only while one of their threads is free
(config/gunicorn_workers.py): a worker whose threads are all serving leaves new connections to a
worker that can answer them, and a connection that finds every thread serving waits for the
first one free instead of being refused."""

import socket
import threading
import time
import urllib.request

import pytest

from testing.server import GunicornServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - loopback
        answer.read()
        return answer.status


def _slow_request(server: GunicornServer) -> socket.socket:
    """A client that sent half its request: the thread reading it is held until it sends the rest."""
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    conn.sendall(b"GET /health/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return conn


def _finish(conn: socket.socket) -> bytes:
    conn.sendall(b"Connection: close\r\n\r\n")
    answer = b""
    while chunk := conn.recv(65536):
        answer += chunk
    conn.close()
    return answer


@pytest.fixture
def server(tmp_path):
    # two workers of one thread each: one slow client takes a whole worker
    server = GunicornServer(tmp_path / "web.log", workers=2, extra_env={"GUNICORN_THREADS": "1"}).start()
    yield server
    server.stop()


def test_a_worker_whose_threads_are_all_serving_leaves_new_connections_to_a_free_one(server):
    # given one worker's only thread held by a client sending its request slowly
    slow = _slow_request(server)
    time.sleep(0.5)  # accepted, and its thread is reading
    try:
        # when 20 shoppers connect one after another, each on a new connection
        statuses = [_get(f"{server.url}/health/", timeout=3) for _ in range(20)]
    finally:
        first = _finish(slow)
    # then each was answered at once by the other worker, none queued behind the slow request
    # (gthread itself hands about half of them to the busy worker: they time out)
    assert statuses == [200] * 20
    assert first.startswith(b"HTTP/1.1 200")


def test_a_connection_that_finds_every_thread_serving_is_answered_once_one_is_free(server):
    # given both workers' threads held by slow clients
    slow = [_slow_request(server)]
    time.sleep(0.5)
    slow.append(_slow_request(server))  # only the other worker accepts it
    time.sleep(0.5)
    answered: list[tuple[int, float]] = []

    def shop() -> None:
        started = time.monotonic()
        answered.append((_get(f"{server.url}/health/", timeout=20), time.monotonic() - started))

    # when a shopper connects, waits a second, and then one slow client finishes its request
    shopper = threading.Thread(target=shop)
    shopper.start()
    time.sleep(1.0)
    waiting = not answered
    first = _finish(slow.pop(0))
    shopper.join(20)
    second = _finish(slow.pop(0))
    # then the shopper waited in the listener's queue, was not refused, and was answered
    assert waiting
    assert [status for status, _ in answered] == [200]
    assert 1.0 <= answered[0][1] < 10
    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200")
