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
"""

import atexit
import os
import sys

from gunicorn.workers import gthread


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
