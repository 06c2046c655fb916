import pytest
from moto.server import ThreadedMotoServer

from agora.core.metrics import publish_queue_depths, queue_depths
from config.celery import app


@pytest.fixture
def purge_queues(settings):
    """A broker database no worker consumes, so messages stay where the metric can count them.

    The session's real worker (started by other tests) drains the shared broker database at once.
    """
    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/14"
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        for q in ("default", "orders", "search", "media", "imports"):
            conn.default_channel.queue_declare(queue=q, durable=True, auto_delete=False)
            conn.default_channel.queue_purge(q)
    yield


@pytest.fixture
def cloudwatch(monkeypatch, settings):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    settings.CLOUDWATCH_ENDPOINT_URL = f"http://{host}:{port}"
    settings.CLOUDWATCH_METRICS_NAMESPACE = "Agora/Celery"
    import boto3

    yield boto3.client("cloudwatch", endpoint_url=settings.CLOUDWATCH_ENDPOINT_URL)
    server.stop()


def _enqueue(n: int, queue: str) -> None:
    from django.conf import settings

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        for _ in range(n):
            app.send_task("agora.core.tasks.worker_heartbeat", queue=queue, connection=conn)


def test_queue_depth_counts_waiting_messages_per_queue(purge_queues):
    _enqueue(3, "orders")
    _enqueue(1, "search")
    depths = queue_depths()
    assert depths["orders"] == 3 and depths["search"] == 1 and depths["imports"] == 0


def test_queue_depths_are_published_to_cloudwatch(purge_queues, cloudwatch):
    _enqueue(2, "imports")
    publish_queue_depths()
    metrics = cloudwatch.list_metrics(Namespace="Agora/Celery", MetricName="QueueDepth")["Metrics"]
    queues = {d["Value"] for m in metrics for d in m["Dimensions"] if d["Name"] == "Queue"}
    assert queues == {"default", "orders", "search", "media", "imports"}
    assert any(not m["Dimensions"] for m in metrics)  # the total, used by the worker scaling policy


def test_without_a_namespace_it_only_logs(purge_queues, settings, caplog):
    settings.CLOUDWATCH_METRICS_NAMESPACE = ""
    caplog.set_level("INFO", logger="agora.metrics")
    assert publish_queue_depths()["default"] == 0
    assert "CloudWatch not configured" in caplog.text
