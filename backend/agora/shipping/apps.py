from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "agora.shipping"
    label = "shipping"
