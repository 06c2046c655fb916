from django.conf import settings
from django.core.management.base import BaseCommand

from agora.orders.services import orders_expire_unpaid


class Command(BaseCommand):
    help = (
        "Cancel orders still pending_payment after ORDER_PAYMENT_TIMEOUT_MINUTES: their stock goes back "
        "and their payment is voided. Idempotent: safe to re-run; beat runs the same work every minute."
    )

    def handle(self, *args, **options):
        expired = orders_expire_unpaid()
        self.stdout.write(
            self.style.SUCCESS(
                f"Expired {expired} unpaid order(s) older than {settings.ORDER_PAYMENT_TIMEOUT_MINUTES} minutes."
            )
        )
