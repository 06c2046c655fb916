from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "agora.core"
    label = "core"

    def ready(self) -> None:
        # Apps declare the personal data they hold in their own privacy.py (agora.core.privacy).
        autodiscover_modules("privacy")
