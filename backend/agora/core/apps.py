from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "agora.core"
    label = "core"

    def ready(self) -> None:
        from agora.core import checks  # noqa: F401  (registers Agora's system checks)
        from agora.core.db_roles import sync_after_migrate

        # Apps declare the personal data they hold in their own privacy.py (agora.core.privacy).
        autodiscover_modules("privacy")
        # Once per `migrate`, after every app's migrations have run. Django sends post_migrate
        # once per app that has models (this one has none), so listen for contenttypes' copy.
        post_migrate.connect(
            sync_after_migrate, sender=apps.get_app_config("contenttypes"), dispatch_uid="agora.core.db_roles"
        )
