"""The preloaded master hands its objects to the collector's permanent generation before each
fork (config/gunicorn.conf.py, pre_fork): a worker's full collection then scans only what the
worker made, instead of pausing a request to walk the whole app and copying the master's shared
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


def test_objects_made_before_a_fork_are_left_out_of_the_workers_collections():
    config = _gunicorn_config()
    gc.unfreeze()
    made_by_the_master = [[n] for n in range(1000)]  # lists: always tracked by the collector
    try:
        assert all(gc.is_tracked(obj) for obj in made_by_the_master)
        config.pre_fork(server=None, worker=None)

        # the master's objects are no longer in any generation a collection walks
        assert gc.get_freeze_count() >= len(made_by_the_master)
        walked = {id(obj) for obj in gc.get_objects()}
        assert not any(id(obj) in walked for obj in made_by_the_master)
        # while what comes after the fork is collected as usual
        made_by_the_worker = [-1]
        assert gc.is_tracked(made_by_the_worker) and id(made_by_the_worker) in {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()
