from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "agora.payouts"
    label = "payouts"
    verbose_name = "Vendor payouts"
