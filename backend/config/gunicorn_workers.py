"""The web's gunicorn worker class (``worker_class`` in config/gunicorn.conf.py).

gunicorn's gthread worker accepts every connection its listener offers while it holds fewer than
``worker_connections`` (1,000), however busy its threads are. Its workers share one listening
socket, and a kept-alive connection stays with the worker that accepted it. So a worker could take
connections while every one of its threads was serving: in ``make bench`` the 16 clients' connections
sat 16/0/0 on the 3 workers for a whole phase (search alone: one worker, one core at most under
its GIL, 0.61 of 2 cores idle), and 14/1/1, 13/3/0 in others (backend/bench/README.md, "Connections
per worker").

This worker accepts a new connection only while one of its threads is free. A connection arriving
while all are serving waits in the listener's queue (the kernel's backlog) for the first worker
with a free thread, instead of queueing behind this worker's requests; kept-alive connections are
served as before, whatever the count. Nothing else changes: one listening socket, owned by the
master, so a worker that stops or is replaced drops no queued connection.

A worker that stopped as asked (max_requests, a deploy, scale-in) ends its process without tearing
down the interpreter: see ``end_stopped_worker``.

An answer's head leaves together with the first piece of its body, in one write: see
``OneWriteResponse``.
"""

import atexit
import os
import sys

from gunicorn.http import wsgi
from gunicorn.workers import gthread

# A body piece larger than this is written on its own after the head (not copied to join them).
_JOIN_LIMIT = 64 * 1024


class OneWriteResponse(wsgi.Response):
    """gunicorn's response, writing the head (status line and headers) together with the first
    piece of the body: one ``send`` and one TCP segment for an API answer, where gunicorn writes
    the head and then the body (aiohttp coalesces small answers the same way).

    Measured with ``bench/response_writes.py`` (a real loopback connection, the stack's ~650-byte
    head): the worker's CPU per answer 68 -> 55 µs, the round trip 83 -> 66 µs, and the client
    woken once per answer instead of twice (it read 1.99 times per answer, now 1.00). Behind the
    ALB, one segment per answer instead of two.

    The bytes on the wire are gunicorn's (agora/core/tests/test_gunicorn_response.py): a head not
    yet written is held (``headers_sent`` is set as gunicorn sets it) until the first body piece,
    the end of a chunked body, ``close`` (an answer without a body: HEAD, 204, 304) or a file sent
    with ``sendfile``. A body piece over 64 KiB is sent on its own after the head, not copied.
    """

    _held: bytes | None = None
    headers_sent: bool  # gunicorn's, set in its __init__

    def send_headers(self) -> None:
        if self.headers_sent:
            return
        head = self.default_headers()
        head.extend(["%s: %s\r\n" % (name, value) for name, value in self.headers])  # noqa: UP031 (gunicorn's own form)
        self._held = ("%s\r\n" % "".join(head)).encode("latin-1")  # noqa: UP031
        self.headers_sent = True

    def _send_held(self, then: bytes = b"") -> None:
        held, self._held = self._held, None
        if held is not None or then:
            self.sock.sendall((held or b"") + then)

    def _emit_body(self, data: bytes) -> None:
        if self._held is None or len(data) > _JOIN_LIMIT:
            self._send_held()
            super()._emit_body(data)
        elif self.chunked:
            self._send_held(b"%X\r\n%s\r\n" % (len(data), data))
        else:
            self._send_held(data)

    def sendfile(self, respiter) -> bool:
        # gunicorn writes the head, then hands the file to the kernel: the head goes first.
        self.send_headers()
        self._send_held()
        return super().sendfile(respiter)

    def close(self) -> None:
        self.send_headers()
        self._send_held(b"0\r\n\r\n" if self.chunked else b"")  # the end of a chunked body


class ThreadWorker(gthread.ThreadWorker):
    #: Set once ``run`` returned: the worker stopped as asked, not on an error or a quick exit.
    stopped = False

    def serving(self) -> int:
        """Requests in the thread pool: the open connections neither kept alive nor waiting for
        their first bytes on the poller (gthread counts all three on the main thread)."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def enqueue_req(self, conn) -> None:
        super().enqueue_req(conn)
        if self.serving() >= self.cfg.threads:
            self.set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        # The main loop asks to accept again at its next turn; it does once a thread is free.
        super().set_accept_enabled(enabled and self.serving() < self.cfg.threads)

    def init_process(self) -> None:
        # Every HTTP/1 answer of this worker (gunicorn's create() makes a ``wsgi.Response``).
        wsgi.Response = OneWriteResponse
        super().init_process()

    def run(self) -> None:
        super().run()
        self.stopped = True


def end_stopped_worker(worker) -> None:
    """Ends the process of a worker that stopped as asked, skipping the interpreter's teardown.

    A preloaded worker shares the master's memory pages until it writes to them. Tearing down the
    interpreter frees every object of the app, which writes to nearly all of those pages: measured
    on a worker that had served 30 requests, its exit took ~0.9 s of CPU and copied ~80 MB of the
    master's pages (Private_Dirty 8 → 89 MB) before the process was gone. A deploy stops every
    worker at once, and max_requests replaces each now and then. Ending with ``os._exit`` takes
    ~0.01 s and copies nothing (agora/core/tests/test_worker_exit.py).

    What a normal exit does first still runs: the atexit handlers (logging's flush, the error
    reporter's flush of queued events) and the flush of stdout and stderr. A worker that failed
    keeps the normal exit and its exit code, which the master reads.
    """
    if not getattr(worker, "stopped", False):
        return
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
