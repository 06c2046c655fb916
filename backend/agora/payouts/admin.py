from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from agora.core.admin import ReadOnlyAdmin, ReadOnlyInline
from agora.core.errors import DomainError
from agora.payouts import services
from agora.payouts.models import (
    Payout,
    PayoutAccount,
    PayoutHold,
    PayoutItem,
    ProviderEvent,
    ReconciliationFinding,
    ReconciliationRun,
    VendorBalance,
)
from agora.payouts.providers.base import ProviderError

# Payouts whose transfer was made (or refused, or reversed: booked back as payout_reversal entries).
TRANSFERRED = [status for status in Payout.Status.values if status != Payout.Status.PENDING]


class NoteActionForm(ActionForm):
    note = forms.CharField(required=False, max_length=500, label="Reason / note")


class ManagesPayouts:
    """Balances and payouts are read-only to everyone; their actions move money, so they are for
    staff with the ``payouts.manage_payouts`` permission (and superusers), not for all who may look."""

    def has_manage_payouts_permission(self, request) -> bool:
        return request.user.has_perm("payouts.manage_payouts")


class HoldInline(ReadOnlyInline):
    model = PayoutHold
    fk_name = "vendor"
    fields = ("reason", "created_by", "created_at", "released_by", "released_at", "release_note")


@admin.register(VendorBalance)
class VendorBalanceAdmin(ManagesPayouts, ReadOnlyAdmin):
    """Each vendor's balance in the marketplace currency (derived from the ledger), its payout
    account and hold. Actions: hold payouts (reason required), release a hold, pay now."""

    list_display = ["name", "status", "pending", "available", "paid_out", "payout_status", "held"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "contact_email"]
    action_form = NoteActionForm
    actions = ["hold_payouts", "release_hold", "pay_now"]
    inlines = [HoldInline]
    fields = ("name", "slug", "status", "contact_email", "commission_rate")

    def get_queryset(self, request):
        now = timezone.now()
        mine = Q(ledger_entries__currency=settings.AGORA_CURRENCY)
        return (
            super()
            .get_queryset(request)
            .select_related("payout_account")
            .annotate(
                _pending=Sum("ledger_entries__amount", filter=mine & Q(ledger_entries__available_at__gt=now)),
                _available=Sum("ledger_entries__amount", filter=mine & Q(ledger_entries__available_at__lte=now)),
                # transferred, net of reversals: a payout still pending is on its way, not paid out
                _paid=Sum(
                    "ledger_entries__amount",
                    filter=mine
                    & Q(ledger_entries__type__in=["payout", "payout_reversal"])
                    & Q(ledger_entries__payout__status__in=TRANSFERRED),
                ),
                _held=Exists(PayoutHold.objects.filter(vendor=OuterRef("pk"), released_at__isnull=True)),
            )
        )

    @admin.display(description=f"pending ({settings.AGORA_CURRENCY})", ordering="_pending")
    def pending(self, obj) -> Decimal:
        return obj._pending or Decimal("0.00")

    @admin.display(description=f"available ({settings.AGORA_CURRENCY})", ordering="_available")
    def available(self, obj) -> Decimal:
        return obj._available or Decimal("0.00")

    @admin.display(description=f"paid out ({settings.AGORA_CURRENCY})")
    def paid_out(self, obj) -> Decimal:
        return -(obj._paid or Decimal("0.00"))

    @admin.display(description="payout account")
    def payout_status(self, obj) -> str:
        account = getattr(obj, "payout_account", None)
        return account.status if account else "not connected"

    @admin.display(description="on hold", boolean=True, ordering="_held")
    def held(self, obj) -> bool:
        return obj._held

    @admin.action(description="Hold payouts of the selected vendors (type the reason)", permissions=["manage_payouts"])
    def hold_payouts(self, request, queryset):
        note = request.POST.get("note", "")
        for vendor in queryset:
            try:
                services.hold_place(vendor=vendor, reason=note, created_by_id=request.user.pk)
            except DomainError as exc:
                messages.error(request, f"{vendor}: {exc.message}")
                return
        messages.success(request, f"Payouts held for {queryset.count()} vendor(s).")

    @admin.action(description="Release the payout hold of the selected vendors", permissions=["manage_payouts"])
    def release_hold(self, request, queryset):
        n = sum(
            services.hold_release(vendor=v, released_by_id=request.user.pk, note=request.POST.get("note", ""))
            for v in queryset
        )
        messages.success(request, f"Released {n} hold(s).")

    @admin.action(
        description="Pay the selected vendors' available balance now (if due)", permissions=["manage_payouts"]
    )
    def pay_now(self, request, queryset):
        result = services.payouts_run(vendor_ids=list(queryset.values_list("pk", flat=True)), send_now=True)
        messages.success(request, f"{len(result.created)} payout(s) made; skipped: {result.skipped or 'none'}.")


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["vendor", "provider", "account_id", "status", "schedule", "weekly_anchor", "updated_at"]
    list_filter = ["provider", "payouts_enabled", "schedule"]
    search_fields = ["vendor__name", "account_id"]
    list_select_related = ["vendor"]
    fields = (
        "vendor",
        "provider",
        "account_id",
        "details_submitted",
        "charges_enabled",
        "payouts_enabled",
        "schedule",
        "weekly_anchor",
        "created_at",
        "updated_at",
    )
    # The provider owns the account's state (webhooks keep it); staff choose the schedule.
    readonly_fields = tuple(f for f in fields if f not in ("schedule", "weekly_anchor"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PayoutHold)
class PayoutHoldAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "reason", "created_by", "created_at", "released_by", "released_at"]
    list_filter = ["released_at"]
    search_fields = ["vendor__name", "reason"]
    list_select_related = ["vendor", "created_by", "released_by"]


class PayoutItemInline(ReadOnlyInline):
    model = PayoutItem
    fields = ("entry", "amount")


@admin.register(Payout)
class PayoutAdmin(ManagesPayouts, ReadOnlyAdmin):
    list_display = ["id", "vendor", "amount", "currency", "status", "amount_reversed", "transfer_id", "created_at"]
    list_filter = ["status", "provider", "currency", "created_at"]
    search_fields = ["vendor__name", "transfer_id", "idempotency_key"]
    list_select_related = ["vendor"]
    inlines = [PayoutItemInline]
    action_form = NoteActionForm
    actions = ["send_again", "reverse"]

    @admin.action(
        description="Send the selected pending payouts again (same idempotency key)", permissions=["manage_payouts"]
    )
    def send_again(self, request, queryset):
        for payout in queryset.filter(status=Payout.Status.PENDING):
            try:
                services.payout_send(payout_id=payout.pk)
            except ProviderError as exc:
                messages.error(request, f"payout {payout.pk}: {exc}")
        messages.success(request, "Done.")

    @admin.action(
        description="Reverse the selected paid payouts (take the transfer back to the balance)",
        permissions=["manage_payouts"],
    )
    def reverse(self, request, queryset):
        for payout in queryset:
            try:
                services.payout_reverse(payout_id=payout.pk)
            except DomainError as exc:
                messages.error(request, f"payout {payout.pk}: {exc.message}")
        messages.success(request, "Done.")


class FindingInline(ReadOnlyInline):
    model = ReconciliationFinding
    fields = ("kind", "subject", "reference", "object_id", "our_amount", "provider_amount", "currency", "detail")


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "period_start",
        "period_end",
        "provider",
        "status",
        "finding_count",
        "payments_checked",
        "refunds_checked",
        "payouts_checked",
        "finished_at",
    ]
    list_filter = ["status", "provider", "period_start"]
    inlines = [FindingInline]


@admin.register(ReconciliationFinding)
class ReconciliationFindingAdmin(ReadOnlyAdmin):
    list_display = ["run", "kind", "subject", "reference", "object_id", "our_amount", "provider_amount", "currency"]
    list_filter = ["kind", "subject", "run__period_start"]
    search_fields = ["reference", "detail"]
    list_select_related = ["run"]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "provider", "type", "outcome", "received_at"]
    list_filter = ["provider", "type", "outcome"]
    search_fields = ["event_id"]
    fields = ["provider", "event_id", "type", "payload", "outcome"]
