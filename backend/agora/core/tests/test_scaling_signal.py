"""The worker autoscaling signal and the workers' own health check (issue 19, point 1)."""

import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from config.celery import app
from testing.worker import BACKEND_DIR, WorkerProcess, wait_for

QUEUES = ("default", "orders", "search", "media", "imports")


@pytest.fixture
def quiet_broker(settings):
    """A broker database no worker consumes, so a backlog stays where the metric can see it."""
    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/13"
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        for q in QUEUES:
            conn.default_channel.queue_declare(queue=q, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(q)
    yield settings.CELERY_BROKER_URL
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        for q in QUEUES:
            conn.default_channel.queue_purge(q)


def test_no_beat_entry_publishes_the_metric_through_a_worker_queue():
    """Given the beat schedule, then nothing in it is the queue-depth publisher: a task on the
    default queue waits behind the very backlog it should report."""
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert not any("queue" in t and "metric" in t for t in tasks), tasks
    assert "agora.core.tasks.publish_queue_metrics" not in app.tasks


def test_the_publisher_reports_a_backlog_without_waiting_in_it(quiet_broker, capsys):
    """Given 40 messages stuck in the default queue, when the sidecar command publishes, then it
    reports them at once (it reads the broker, it is not a task in that queue)."""
    with app.connection_for_write(quiet_broker) as conn:
        for _ in range(40):
            app.send_task("agora.core.tasks.worker_heartbeat", queue="default", connection=conn)
    call_command("publish_queue_metrics")
    out = capsys.readouterr().out
    assert "'default': 40" in out


def test_the_sidecar_loop_publishes_every_interval_and_stops_on_sigterm(quiet_broker, tmp_path):
    env = {**WorkerProcess(tmp_path / "unused.log").env(), "CELERY_BROKER_URL": quiet_broker}
    env["CLOUDWATCH_METRICS_NAMESPACE"] = ""  # log-only: no CloudWatch here
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["LOG_LEVEL"] = "INFO"
    log = tmp_path / "publisher.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "publish_queue_metrics", "--every", "0.3"],
            cwd=BACKEND_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            # Several datapoints, however long Django takes to start on a busy machine.
            wait_for(
                lambda: log.read_text().count("queue depths (CloudWatch not configured)") >= 4,
                timeout=60,
                message="four publishes",
            )
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
    output = log.read_text()
    assert proc.returncode == 0, output
    assert "queue depth publisher stopped" in output


@pytest.mark.django_db
def test_the_old_beat_entry_is_dropped_by_the_migration():
    from django.apps import apps
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="queue-depth-metrics", task="agora.core.tasks.publish_queue_metrics", interval=every
    )
    PeriodicTask.objects.create(name="worker-heartbeat", task="agora.core.tasks.worker_heartbeat", interval=every)
    migration = importlib.import_module("agora.core.migrations.0001_drop_queue_depth_beat_entry")
    migration.drop_entry(apps, None)
    assert list(PeriodicTask.objects.values_list("name", flat=True)) == ["worker-heartbeat"]


def _health(heartbeat_file: Path, max_age: str = "3") -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "WORKER_HEARTBEAT_FILE": str(heartbeat_file),
        "WORKER_HEARTBEAT_MAX_AGE": max_age,
    }
    return subprocess.run(
        [sys.executable, "-m", "agora.core.worker_health"], cwd=BACKEND_DIR, env=env, capture_output=True, text=True
    )


def test_the_health_check_fails_without_a_heartbeat(tmp_path):
    r = _health(tmp_path / "never-written")
    assert r.returncode == 1 and "no heartbeat yet" in r.stderr


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_container_is_healthy_while_it_beats_and_unhealthy_when_wedged(tmp_path):
    """Given a real worker writing its heartbeat file, then the container health check passes;
    when the worker is frozen (SIGSTOP: a wedged event loop), then the check fails within the limit."""
    beat_file = tmp_path / "celery-heartbeat"
    worker = WorkerProcess(
        tmp_path / "worker.log", ("-P", "threads", "-c", "1"), {"WORKER_HEARTBEAT_FILE": str(beat_file)}, heartbeat=True
    )
    worker.start()
    try:
        wait_for(beat_file.exists, timeout=15, message="the first heartbeat")
        assert _health(beat_file).returncode == 0
        first = beat_file.stat().st_mtime
        wait_for(lambda: beat_file.stat().st_mtime > first, timeout=10, message="a second heartbeat")
        os.killpg(worker.process.pid, signal.SIGSTOP)
        try:
            time.sleep(4)
            r = _health(beat_file)
            assert r.returncode == 1 and "last heartbeat" in r.stderr
        finally:
            os.killpg(worker.process.pid, signal.SIGCONT)
        wait_for(lambda: _health(beat_file).returncode == 0, timeout=10, message="the health check to recover")
    finally:
        worker.stop()
