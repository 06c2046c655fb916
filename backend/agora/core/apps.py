from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "agora.core"
    label = "core"

    def ready(self):
        from agora.core.db_roles import sync_after_migrate

        # Once per `migrate`, after every app's migrations have run. Django sends post_migrate
        # once per app that has models (this one has none), so listen for contenttypes' copy.
        post_migrate.connect(
            sync_after_migrate, sender=apps.get_app_config("contenttypes"), dispatch_uid="agora.core.db_roles"
        )
