from django.core.management.base import BaseCommand

from agora.carts.services import carts_cleanup


class Command(BaseCommand):
    help = (
        "Delete guest carts untouched for CART_GUEST_TTL_DAYS (default 7). Signed-in users' carts are "
        "kept. Idempotent: safe to re-run; beat runs the same work hourly."
    )

    def handle(self, *args, **options):
        deleted = carts_cleanup()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired guest cart(s)."))
