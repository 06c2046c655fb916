"""Back-office building blocks the apps' admins share."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

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

    def has_act_permission(self, request) -> bool:
        """Who may run the actions declared with ``permissions=["act"]``: staff holding the model's
        change permission ("Can change …"). Nobody edits these rows by hand; that permission is
        what lets a role act on them, while view-only staff just read."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")


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


def needs_permission(permission: str, action: Callable) -> Callable:
    """A third-party admin action, run only by staff with ``permission`` (Django's admin then
    leaves it out of the list, and refuses the POST, for everyone else)."""

    @functools.wraps(action)
    def run(modeladmin, request, queryset):
        return action(modeladmin, request, queryset)

    run.allowed_permissions = (permission,)  # type: ignore[attr-defined]
    return run


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    """django-celery-beat's schedule editor. Enabling, disabling and running a task (a payout run,
    the reconciliation) takes the right to change periodic tasks, not just to see them."""

    enable_tasks = needs_permission("change", BeatPeriodicTaskAdmin.enable_tasks)
    disable_tasks = needs_permission("change", BeatPeriodicTaskAdmin.disable_tasks)
    toggle_tasks = needs_permission("change", BeatPeriodicTaskAdmin.toggle_tasks)
    run_tasks = needs_permission("change", BeatPeriodicTaskAdmin.run_tasks)
