from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agora.payouts.models import ReconciliationRun
from agora.payouts.services.reconcile import MARGIN, day_bounds, reconcile


class Command(BaseCommand):
    help = (
        "Compare our payments, refunds and payouts with the payout provider's balance transactions and "
        "transfers for each day (default: yesterday, UTC) and record every difference as a finding on a "
        "reconciliation run (admin: Vendor payouts > Reconciliation runs). Exits 1 when it found any or "
        "could not read the provider. Beat runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to reconcile (YYYY-MM-DD).")
        parser.add_argument("--days", type=int, default=1, help="How many days, ending with --date (default 1).")

    def handle(self, *args, **options):
        try:
            last = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate() - timedelta(days=1)
        except ValueError as exc:  # not YYYY-MM-DD, or no such day (2026-02-30)
            raise CommandError(f"--date takes an existing day as YYYY-MM-DD: {exc}.") from None
        if not 1 <= options["days"] <= 366:
            raise CommandError("--days must be between 1 and 366.")
        if last > timezone.localdate():
            raise CommandError(f"--date {last} is in the future: the provider has no books for it yet.")
        # The provider's data is read from MARGIN before the first day (and a day of slack for the
        # time zone's offset): the calendar starts with the year 1.
        if last.toordinal() - (options["days"] - 1) < (date.min + MARGIN + timedelta(days=1)).toordinal():
            raise CommandError(f"--date {last} with --days {options['days']} reaches before the year 1.")
        bad = 0
        for offset in range(options["days"] - 1, -1, -1):
            start, end = day_bounds(last - timedelta(days=offset))
            run = reconcile(start=start, end=end)
            line = (
                f"{start.date()}: {run.status} — {run.payments_checked} payments, {run.refunds_checked} refunds, "
                f"{run.payouts_checked} payouts checked, {run.finding_count} finding(s) (run {run.pk})"
            )
            if run.status == ReconciliationRun.Status.CLEAN:
                self.stdout.write(self.style.SUCCESS(line))
                continue
            bad += 1
            self.stdout.write(self.style.ERROR(line + (f": {run.error}" if run.error else "")))
            for f in run.findings.all():
                self.stdout.write(
                    f"  {f.kind} {f.subject} {f.reference or f.object_id}: ours {f.our_amount}, "
                    f"provider {f.provider_amount} {f.currency} — {f.detail}"
                )
        if bad:
            raise SystemExit(1)
