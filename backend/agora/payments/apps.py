from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "agora.payments"
    label = "payments"
