"""The queue-depth metric is no longer a beat task on the ``default`` queue (it waited behind the
backlog it measured); the beat sidecar ``publish_queue_metrics --every 60`` publishes it. The
database scheduler keeps entries removed from CELERY_BEAT_SCHEDULE, so this drops the old one."""

from django.db import migrations

OLD_ENTRY = "queue-depth-metrics"
OLD_TASK = "agora.core.tasks.publish_queue_metrics"


def drop_entry(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=OLD_TASK).delete()
    PeriodicTask.objects.filter(name=OLD_ENTRY).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(drop_entry, migrations.RunPython.noop)]
