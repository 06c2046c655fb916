"""Scheduling Celery tasks from services: after commit, and never failing the request."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger("agora.tasks")


def _send(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        # and re-driven by a beat reconciler, so the user's request must still succeed.
        logger.exception("could not enqueue %s; the reconciler will pick it up", task.name)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Sends ``task`` once the surrounding transaction commits (immediately outside one)."""
    transaction.on_commit(partial(_send, task, args, kwargs))
