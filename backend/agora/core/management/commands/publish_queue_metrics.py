import logging
import math
import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from agora.core.metrics import publish_queue_depths

logger = logging.getLogger("agora.metrics")


class Command(BaseCommand):
    help = (
        "Publish every Celery queue's depth (and their total) to CloudWatch, once or every N seconds. "
        "In ECS it runs as a sidecar of the beat task: the worker autoscaling signal must never wait "
        "in the queues it measures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="keep publishing at this interval until SIGTERM/SIGINT (default: publish once and exit)",
        )

    def handle(self, *args, every: float = 0, **options):
        if not math.isfinite(every) or every < 0:  # nan passes "< 0" and waits for nothing between runs
            raise CommandError("--every must be a positive number of seconds (or 0: publish once).")
        if not every:
            self.stdout.write(str(publish_queue_depths()))
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        logger.info("publishing queue depths every %ss", every)
        while not stop.is_set():
            started = time.monotonic()
            try:
                publish_queue_depths()
            except Exception:
                # A broker or CloudWatch hiccup costs one datapoint; the alarms treat a missing
                # datapoint as breaching, so a publisher that keeps failing is seen, not silent.
                logger.exception("could not publish queue depths")
            stop.wait(max(0.0, every - (time.monotonic() - started)))
        logger.info("queue depth publisher stopped")
