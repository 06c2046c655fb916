from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "agora.ledger"
    label = "ledger"
    verbose_name = "Vendor ledger"

    def ready(self) -> None:
        from agora.ledger import handlers  # noqa: F401 - books what orders and payments announce
