import gc
import os

from celery import Celery
from celery.signals import (
    beat_init,
    before_task_publish,
    heartbeat_sent,
    task_postrun,
    task_prerun,
    worker_before_create_process,
    worker_init,
    worker_process_init,
)
from django.db import close_old_connections

from agora.core import observability, scale_in_protection
from agora.core.worker_health import touch_heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("agora")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each event heartbeat of the worker's main process refreshes the file its container health check
# reads (agora.core.worker_health). Connected before the worker builds its Heart, which only
# sends the signal when it has receivers at that moment.
heartbeat_sent.connect(touch_heartbeat, weak=False)

# While an import runs, autoscaling must not stop this worker's ECS task (agora.core.scale_in_protection).
task_prerun.connect(scale_in_protection.on_task_prerun, weak=False)
task_postrun.connect(scale_in_protection.on_task_postrun, weak=False)


# Database connections around each task as around each request: one past CONN_MAX_AGE, or broken,
# is closed (and a health check runs before the next use), so tasks reuse a healthy connection
# instead of Celery's default of a new one per task (CELERY_DB_REUSE_MAX in settings).
def _db_connections_fresh(task=None, **_kwargs) -> None:
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in the caller's thread, inside its transaction: its connection is not ours
    close_old_connections()


task_prerun.connect(_db_connections_fresh, weak=False)
task_postrun.connect(_db_connections_fresh, weak=False)

# The request id travels with the tasks a request enqueues (logs, spans and errors carry it).
before_task_publish.connect(observability.add_request_id_header, weak=False)
task_prerun.connect(observability.enter_task_context, weak=False)
task_postrun.connect(observability.leave_task_context, weak=False)


# Tracing starts in the process that will run the tasks: each prefork pool process (the exporter's
# thread does not survive a fork), the worker itself with a thread or solo pool, and beat.
@worker_process_init.connect(weak=False)
def _trace_pool_process(**_kwargs):
    observability.init_tracing("agora-worker")


@worker_init.connect(weak=False)
def _trace_worker(sender=None, **_kwargs):
    if "prefork" not in str(getattr(sender, "pool_cls", "prefork")):
        observability.init_tracing("agora-worker")


# Before the prefork pool forks a child: the parent's objects (Django, the app, the tasks) move to
# the collector's permanent generation, as gunicorn's master does before forking a web worker
# (config/gunicorn.conf.py, pre_fork): a child's full collection then walks only what the child
# made, instead of pausing a task to walk them all and copying the parent's shared pages into the
# child as it writes to each object (bench/README.md, "The collector and the preloaded app").
@worker_before_create_process.connect(weak=False)
def _freeze_before_fork(**_kwargs):
    gc.freeze()


@beat_init.connect(weak=False)
def _trace_beat(**_kwargs):
    observability.init_tracing("agora-beat")
