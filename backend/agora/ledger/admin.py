import re

from django import forms
from django.contrib import admin, messages

from agora.core.admin import ReadOnlyAdmin
from agora.core.errors import DomainError
from agora.ledger import services
from agora.ledger.models import LedgerEntry, ManualAdjustment

READ_FIELDS = (
    "id",
    "vendor",
    "type",
    "amount",
    "currency",
    "available_at",
    "key",
    "order",
    "vendor_order",
    "refund",
    "payout",
    "reason",
    "created_by",
    "created_at",
)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The ledger is append-only: staff read it here and correct it with a manual adjustment."""

    list_display = ["created_at", "vendor", "type", "amount", "currency", "available_at", "key"]
    list_filter = ["type", "currency", "created_at", ("vendor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["key", "vendor__name", "vendor__slug", "order__number", "reason"]
    list_select_related = ["vendor"]
    readonly_fields = READ_FIELDS
    fields = READ_FIELDS
    date_hierarchy = "created_at"


class AdjustmentForm(forms.ModelForm):
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required; the vendor sees it."
    )

    class Meta:
        model = ManualAdjustment
        fields = ["vendor", "amount", "currency", "reason"]
        help_texts = {"amount": "Signed: + credits the vendor, - debits it. Available at once."}

    def clean_currency(self) -> str:
        # adjustment_post takes three letters (it raises otherwise): an error next to the field here
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError("A currency is three letters (ISO 4217), like EUR.")
        return currency

    def clean(self):
        data = super().clean() or {}
        if data.get("amount") == 0:
            self.add_error("amount", "An adjustment moves money: not zero.")
        return data


@admin.register(ManualAdjustment)
class ManualAdjustmentAdmin(admin.ModelAdmin):
    """Corrections by staff: each is a new entry with its reason and author (the audit trail)."""

    form = AdjustmentForm
    list_display = ["created_at", "vendor", "amount", "currency", "reason", "created_by"]
    list_filter = ["currency", "created_at"]
    search_fields = ["vendor__name", "reason", "created_by__email"]
    list_select_related = ["vendor", "created_by"]
    autocomplete_fields = ["vendor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(type=LedgerEntry.Type.ADJUSTMENT)

    def get_changeform_initial_data(self, request):
        from django.conf import settings

        return {"currency": settings.AGORA_CURRENCY}

    def get_readonly_fields(self, request, obj=None):
        return READ_FIELDS if obj else ()

    def get_fields(self, request, obj=None):
        return READ_FIELDS if obj else ("vendor", "amount", "currency", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            entry = services.adjustment_post(
                vendor=form.cleaned_data["vendor"],
                amount=form.cleaned_data["amount"],
                currency=form.cleaned_data["currency"],
                reason=form.cleaned_data["reason"],
                created_by_id=request.user.pk,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            raise
        obj.pk = entry.pk
        obj._state.adding = False
