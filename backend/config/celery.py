import os

from celery import Celery
from celery.signals import heartbeat_sent, task_postrun, task_prerun

from agora.core import scale_in_protection
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
