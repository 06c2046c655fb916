"""Celery queue depth, published as a CloudWatch custom metric the worker autoscaling uses."""

import logging
from typing import TYPE_CHECKING, cast

from django.conf import settings

if TYPE_CHECKING:
    from kombu.transport.virtual import Channel

logger = logging.getLogger("agora.metrics")

QUEUES = ("default", "orders", "search", "media", "imports")
METRIC_NAME = "QueueDepth"


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue, read from the broker."""
    from config.celery import app

    depths = {}
    with app.connection_for_read(settings.CELERY_BROKER_URL) as conn:
        # The broker is Redis: its transport's channels are kombu's virtual ones, which declare
        # queues (the generic StdChannel the stubs return does not say so).
        channel = cast("Channel", conn.default_channel)
        for queue in QUEUES:
            depths[queue] = channel.queue_declare(queue=queue, durable=True, auto_delete=False).message_count
    return depths


def publish_queue_depths() -> dict[str, int]:
    """Reads the depths and puts them to CloudWatch (namespace from CLOUDWATCH_METRICS_NAMESPACE).

    Without a namespace configured (local runs, tests) it only logs them.
    """
    depths = queue_depths()
    namespace = settings.CLOUDWATCH_METRICS_NAMESPACE
    if not namespace:
        logger.info("queue depths (CloudWatch not configured): %s", depths)
        return depths
    import boto3

    client = boto3.client("cloudwatch", endpoint_url=settings.CLOUDWATCH_ENDPOINT_URL)
    client.put_metric_data(
        Namespace=namespace,
        MetricData=[
            *(
                {"MetricName": METRIC_NAME, "Dimensions": [{"Name": "Queue", "Value": q}], "Value": n, "Unit": "Count"}
                for q, n in depths.items()
            ),
            {"MetricName": METRIC_NAME, "Value": sum(depths.values()), "Unit": "Count"},
        ],
    )
    return depths


def put_metric(name: str, value: float, *, unit: str = "Count", dimensions: dict[str, str] | None = None) -> None:
    """One custom metric datapoint to CloudWatch (CLOUDWATCH_METRICS_NAMESPACE); logged only when
    no namespace is configured. A CloudWatch failure is logged, never raised: the caller's work
    (and its own ERROR log line) stands."""
    namespace = settings.CLOUDWATCH_METRICS_NAMESPACE
    if not namespace:
        logger.info("metric %s=%s (CloudWatch not configured)", name, value)
        return
    import boto3

    datum: dict = {"MetricName": name, "Value": value, "Unit": unit}
    if dimensions:
        datum["Dimensions"] = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    try:
        boto3.client("cloudwatch", endpoint_url=settings.CLOUDWATCH_ENDPOINT_URL).put_metric_data(
            Namespace=namespace, MetricData=[datum]
        )
    except Exception:
        logger.exception("could not put metric %s to CloudWatch", name)
