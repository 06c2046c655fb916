"""Back-office building blocks the apps' admins share."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages

from agora.core.errors import DomainError


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the system writes (money rows, events, the outbox): staff read them and act through
    actions, never add, edit or delete them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown inside their parent's page: every field of ``fields`` read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or super().get_readonly_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def bulk_action(modeladmin, request, queryset, call: Callable[[Any], object], *, noun: str, verb: str) -> None:
    """An admin action over the selected rows: ``call`` on each in turn, then one message of how many
    were ``verb`` and one naming (up to 20) those skipped because their status does not allow it."""
    done, skipped = 0, []
    for obj in queryset.order_by("pk"):
        try:
            call(obj)
            done += 1
        except DomainError:
            skipped.append(f"{obj.name} ({obj.status})")
    if done:
        modeladmin.message_user(request, f"{done} {noun}(s) {verb}.", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, f"Skipped, cannot be {verb}: {', '.join(skipped[:20])}.", messages.WARNING)
