"""The processes that fork workers from a loaded app (gunicorn's master, config/gunicorn.conf.py
pre_fork; Celery's prefork pool, config/celery.py) hand their objects to the collector's permanent
generation before each fork: a worker's full collection then scans only what the worker made,
instead of pausing a request or a task to walk the whole app and copying the parent's shared
memory pages into the worker as it writes to each object it scans."""

import gc
import importlib.util

from testing.worker import BACKEND_DIR


def _gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", BACKEND_DIR / "config/gunicorn.conf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_left_out_of_collections_after(fork_hook) -> None:
    gc.unfreeze()
    made_by_the_parent = [[n] for n in range(1000)]  # lists: always tracked by the collector
    try:
        assert all(gc.is_tracked(obj) for obj in made_by_the_parent)
        fork_hook()

        # the parent's objects are no longer in any generation a collection walks
        assert gc.get_freeze_count() >= len(made_by_the_parent)
        walked = {id(obj) for obj in gc.get_objects()}
        assert not any(id(obj) in walked for obj in made_by_the_parent)
        # while what comes after the fork is collected as usual
        made_by_the_worker = [-1]
        assert gc.is_tracked(made_by_the_worker) and id(made_by_the_worker) in {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()


def test_objects_made_before_gunicorn_forks_a_worker_are_left_out_of_its_collections():
    config = _gunicorn_config()
    _assert_left_out_of_collections_after(lambda: config.pre_fork(server=None, worker=None))


def test_objects_made_before_celery_forks_a_pool_process_are_left_out_of_its_collections():
    from celery.signals import worker_before_create_process

    import config.celery  # noqa: F401  # connects the app's signal handlers

    _assert_left_out_of_collections_after(lambda: worker_before_create_process.send(sender=None))
