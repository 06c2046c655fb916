# ruff: noqa: N999  (gunicorn looks this file up by its conventional name)
"""Gunicorn settings, read from the environment so one image serves every env.

Used by the container (`gunicorn -c config/gunicorn.conf.py config.wsgi:application`)
and by local runs (`make run`, with GUNICORN_BIND=127.0.0.1:8000).
"""

import gc
import json
import multiprocessing
import os
import threading
import time
import traceback

from gunicorn import glogging

from agora.core.client_ip import client_ip_from


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


_NUM_PROXIES = _env_int("NUM_PROXIES", 0)

# cores + 1 processes of 4 threads, chosen by measurement (make bench's storefront mix, 20k
# products, 16 clients, 2 cores, 2026-11-30, bench/README.md "Worker counts"): 3 x 4 served
# 367-374 req/s in three runs, 4 x 4 262-343, 2 x 8 309, 2 x 4 293 (too few threads: 1.3 of 2
# cores busy). gunicorn's 2*cores+1 is a rule for sync workers; with threads, each process more
# is another GIL and interpreter competing for the same cores. Capped because on Fargate
# cpu_count() reports the host's cores, not the task's vCPU share (the task sets
# WEB_CONCURRENCY, infra/modules/ecs: 3), and each worker holds DB connections.
_MAX_DEFAULT_WORKERS = 8
workers = _env_int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, _MAX_DEFAULT_WORKERS))
# Threads let a worker overlap I/O-bound requests (DB, cache, Stripe) and keep
# ALB keep-alive connections open, which the sync worker cannot.
#
# Chosen by measurement (make bench, 2026-11-29, 20k products, 16 clients, load average 13-15 from
# other work on the 2-core VM; bench/README.md, "Worker class"): sync, 5 workers, against gthread,
# 4 workers x 4 threads. The ceiling favoured sync (1,045 against 898 req/s: no thread hand-off),
# but every request that waits on PostgreSQL did as well or better on gthread — cold list 43 vs 37
# req/s, cold product page 60 vs 37, add to cart 42 vs 42, the storefront mix 28 vs 29 req/s with
# p95 960-1,800 ms against 1,200-2,400 ms. What decides it is checkout: a payment provider call
# waits (up to its timeout) and a sync worker serves nothing meanwhile, while a gthread worker's
# other threads keep catalog, cart and search answering (test_slow_provider.py runs one worker of
# 4 threads against a provider that hangs). An async worker (gevent, or uvicorn with ASGI) was
# not measured: Django's ORM is synchronous (under ASGI it runs in a thread pool anyway) and
# psycopg 3 under gevent needs its own green wait callbacks, so it would add risk where provider
# calls are already bounded (timeout, one retry, a per-process cap on concurrent calls).
# Counts: cores + 1 processes (capped at 8, see above) x 4 threads; more threads per worker
# only queue more requests on the GIL of a 2-vCPU task.
# gthread, in config/gunicorn_workers.py's form: a worker accepts a new connection only while one of
# its threads is free, so the clients' kept-alive connections spread over the workers instead of
# piling up on one (16/0/0 in make bench's search phase with gthread itself; see that module).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "").strip() or "config.gunicorn_workers.ThreadWorker"
threads = _env_int("GUNICORN_THREADS", 4)

# GUNICORN_BIND wins so local runs can stay on loopback; containers listen on
# every interface because the ALB reaches the task on its ENI address.
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

timeout = _env_int("GUNICORN_TIMEOUT", 30)
# Must finish inside ECS's stopTimeout (30 s) and the ALB deregistration delay
# (30 s), so in-flight requests complete before SIGKILL.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Longer than the ALB idle timeout (60 s): if gunicorn closed first, the ALB
# could reuse a dead connection and answer 502.
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)

# Recycle workers now and then so slow leaks never reach the memory limit;
# jitter keeps them from restarting all at once.
# A leak guard, not a habit: before preload_app (below), each restart re-imported Django (~1 s of
# CPU), and at 1,000 a worker serving 100 req/s restarted every 10 s; the load test lost a
# noticeable share of its CPU. Now a restart is a fork, and the leaving worker skips the
# interpreter's teardown (~0.9 s of CPU; worker_exit below, config/gunicorn_workers.py).
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Workers are forked from a master that imported the app once (GUNICORN_PRELOAD=false turns it
# off). Importing and setting up Django costs ~1.8 s of CPU: without this every worker replaced
# by max_requests, a crash or a timeout paid it again (in make bench each of the 3 workers is
# replaced every ~25 s at the ceiling's rate, a tenth of the machine), and each worker held its
# own copy of the app's memory instead of sharing the master's pages. Safe because importing
# the app opens no database, Redis or broker connection (agora/core/tests/test_preload.py): each
# worker opens its own on first use; tracing and error reporting restart their threads after a
# fork. A code change needs a new master (a deploy replaces the ECS task), not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in {"0", "false", "no", "off"}

# The heartbeat file lives in RAM: on a container's overlay filesystem a slow
# disk can stall it and get healthy workers killed. /dev/shm is absent on macOS.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  # nosec B108

# Tasks run in private subnets reachable only from the ALB's security group,
# and ALB addresses change, so trust X-Forwarded-* from any peer there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
proxy_allow_ips = forwarded_allow_ips

# The control socket (gunicornc) defaults to ~/.gunicorn, which is not writable
# in the container and is shared between local checkouts; opt in when wanted.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# Logs go to stdout/stderr: awslogs ships them to CloudWatch.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
capture_output = True

# One JSON object per request, so CloudWatch Logs Insights can query fields: type, time,
# client_ip (the client behind NUM_PROXIES trusted proxies, the ALB), forwarded_for and peer (the
# raw header and the load balancer node, kept for investigations), method, path, query, status,
# bytes, duration_ms, referer, user_agent, request_id, amzn_trace_id. Every value is a JSON
# string; a header the request did not send reads "-".
#
# Lines are written together, as nginx's `access_log … buffer= flush=` does: at most
# GUNICORN_ACCESSLOG_FLUSH_SECONDS after they were made (1 s; 0 writes each line as it comes), or
# once 64 KiB are waiting, and when the worker exits (worker_exit below). A write per request
# cost the stack's ceiling ~8 % of its throughput under load — a syscall that hands the GIL to
# another thread and the logging machinery around it (bench/README.md, "The stack against a bare
# view"). A worker killed with SIGKILL loses at most that last second of lines.
_ACCESS_FLUSH_SECONDS = float(os.environ.get("GUNICORN_ACCESSLOG_FLUSH_SECONDS", "").strip() or 1)
_ACCESS_BUFFER_BYTES = 64 * 1024
# The request headers the line reads (lower case → the field).
_LOGGED_HEADERS = {"x-forwarded-for": "forwarded_for", "x-request-id": "request_id", "x-amzn-trace-id": "amzn_trace_id"}


class JsonAccessLogger(glogging.Logger):
    """Writes the access line from the 15 values it holds (json.dumps escapes each one), and the
    lines of each second together (see above).

    gunicorn's generic path builds an atom for every request header, response header and environ
    entry (~60) and formats them through a wrapper; building only the line's own values costs a
    fraction of that on every request (bench/README.md, "Middleware and access log")."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self._pending: list[str] = []
        self._pending_bytes = 0
        self._pending_lock = threading.Lock()  # the list; held for an append or a swap
        self._write_lock = threading.Lock()  # one batch written at a time, in order
        self._flusher_pid = 0  # the process whose flusher thread runs (workers are forked)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            line = self.line(resp, req, environ, request_time)
        except Exception:  # noqa: BLE001  (as gunicorn's own access(): a bad line never fails the request)
            self.error(traceback.format_exc())
            return
        if _ACCESS_FLUSH_SECONDS <= 0:
            self.access_log.info("%s", line)
            return
        with self._pending_lock:
            self._pending.append(line)
            self._pending_bytes += len(line) + 1
            full = self._pending_bytes >= _ACCESS_BUFFER_BYTES
        if self._flusher_pid != os.getpid():
            self._start_flusher()
        if full:
            self.flush_access()

    def flush_access(self) -> None:
        """Writes the lines waiting, in the order they were made (one write, a line each)."""
        with self._write_lock:
            with self._pending_lock:
                lines, self._pending, self._pending_bytes = self._pending, [], 0
            if lines:
                try:
                    self.access_log.info("%s", "\n".join(lines))
                except Exception:  # noqa: BLE001
                    self.error(traceback.format_exc())

    def _start_flusher(self) -> None:
        with self._pending_lock:
            if self._flusher_pid == os.getpid():
                return
            self._flusher_pid = os.getpid()
        threading.Thread(target=self._flush_every, name="access-log-flush", daemon=True).start()

    def _flush_every(self) -> None:
        while True:
            time.sleep(_ACCESS_FLUSH_SECONDS)
            self.flush_access()

    def line(self, resp, req, environ, request_time) -> str:
        headers = dict.fromkeys(_LOGGED_HEADERS.values(), "-")
        for name, value in req.headers:
            field = _LOGGED_HEADERS.get(name.lower())
            if field is not None:
                headers[field] = value
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        sent = getattr(resp, "sent", None)
        return json.dumps(
            {
                "type": "access",
                "time": self.now(),
                "client_ip": client_ip_from(
                    environ.get("HTTP_X_FORWARDED_FOR"), environ.get("REMOTE_ADDR", ""), _NUM_PROXIES
                ),
                "forwarded_for": headers["forwarded_for"],
                "peer": environ.get("REMOTE_ADDR", "-"),
                "method": environ.get("REQUEST_METHOD", "-"),
                "path": environ.get("PATH_INFO", "-"),
                "query": environ.get("QUERY_STRING", "-"),
                "status": str(status),
                "bytes": "-" if sent is None else str(sent),
                "duration_ms": str(request_time.seconds * 1000 + request_time.microseconds // 1000),
                "referer": environ.get("HTTP_REFERER", "-"),
                "user_agent": environ.get("HTTP_USER_AGENT", "-"),
                "request_id": headers["request_id"],
                "amzn_trace_id": headers["amzn_trace_id"],
            }
        )


logger_class = JsonAccessLogger


def pre_fork(server, worker):
    """Before each worker is forked from the preloaded master: the master's objects (Django, the
    app, ~190k of them) move to the collector's permanent generation, as Python's gc docs advise for
    fork without exec. A worker's full collection then scans only what it made itself: measured
    in-process, a full collection over the app's objects stopped a request for ~100 ms, and it
    wrote to every object it scanned, copying the master's shared pages into each worker
    (bench/README.md, "The collector and the preloaded app")."""
    gc.freeze()


def worker_exit(server, worker):
    """A worker leaving (restart, deploy, scale-in) writes the access lines it still holds, then,
    if it stopped as asked, ends without tearing down its interpreter (config/gunicorn_workers.py)."""
    flush = getattr(worker.log, "flush_access", None)
    if flush is not None:
        flush()
    from config.gunicorn_workers import end_stopped_worker

    end_stopped_worker(worker)


def worker_abort(worker):
    """A worker stopped for a timeout (SIGABRT) writes its access lines before it goes."""
    worker_exit(None, worker)
