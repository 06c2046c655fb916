import re
from datetime import UTC, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from agora.payouts.services import payouts_run
from agora.vendors.models import Vendor

OFFSET = re.compile(r"^\+(\d+)([dh])$")


class Command(BaseCommand):
    help = (
        "Pay every due vendor's available balance now (one transfer per vendor and currency, "
        "PAYOUT_MINIMUM_AMOUNT and each vendor's schedule and holds apply) and re-send payouts left "
        "pending. Beat runs the same work hourly. Safe to re-run: an entry is never paid twice and "
        "each transfer carries an idempotency key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vendor", action="append", default=[], help="Only this vendor (slug); repeatable.")
        parser.add_argument(
            "--now",
            default="",
            help="Pay what is available at this moment: an ISO date-time or an offset like +8d / +12h. "
            "For tests and rehearsals (the hold period passes); refused in production.",
        )

    def handle(self, *args, **options):
        now = self._now(options["now"])
        vendor_ids = None
        if options["vendor"]:
            vendor_ids = list(Vendor.objects.filter(slug__in=options["vendor"]).values_list("pk", flat=True))
            if len(vendor_ids) != len(set(options["vendor"])):
                raise CommandError("Unknown vendor slug.")
        result = payouts_run(now=now, vendor_ids=vendor_ids, send_now=True)
        skipped = ", ".join(f"{why}: {n}" for why, n in sorted(result.skipped.items())) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(result.created)} payout(s) {result.created}; skipped {skipped}; "
                f"re-sent {result.redriven} pending."
            )
        )

    def _now(self, value: str):
        if not value:
            return timezone.now()
        if settings.IS_PRODUCTION:
            raise CommandError("--now is refused in production: payouts follow the real clock there.")
        match = OFFSET.match(value.strip())
        if match:
            n, unit = int(match[1]), match[2]
            try:
                return timezone.now() + (timedelta(days=n) if unit == "d" else timedelta(hours=n))
            except OverflowError:
                raise CommandError(f"--now {value} is past the year 9999.") from None
        try:
            parsed = parse_datetime(value)
        except ValueError as exc:  # well-formed but no such moment (2026-02-30)
            raise CommandError(f"--now {value} is not a moment: {exc}.") from None
        if parsed is None:
            raise CommandError("--now takes an ISO date-time or +Nd / +Nh.")
        moment = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        try:
            moment.astimezone(UTC)  # as the database stores it
        except OverflowError:
            raise CommandError(f"--now {value} is past the year 9999.") from None
        return moment
