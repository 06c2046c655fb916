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
"""

from gunicorn.workers import gthread


class ThreadWorker(gthread.ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Requests handed to the thread pool and not finished yet (counted on the main thread:
        # every hand-off and every finish runs there).
        self.busy = 0

    def enqueue_req(self, conn) -> None:
        self.busy += 1
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        # The main loop turns accepting back on at its next turn (set_accept_enabled below).
        self.busy -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)
