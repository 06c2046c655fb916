from django.apps import AppConfig


class CartsConfig(AppConfig):
    name = "agora.carts"
    label = "carts"
