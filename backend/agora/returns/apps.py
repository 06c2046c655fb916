from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "agora.returns"
    label = "returns"
