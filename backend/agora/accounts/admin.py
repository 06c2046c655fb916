from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as confirm_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst

from agora.accounts.models import Address, User
from agora.accounts.services import account_erase
from agora.core.admin import needs_permission
from agora.core.errors import DomainError


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        field_classes = {"email": forms.EmailField}


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [AddressInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["delete_selected"]
    # Django's pages say every related item "will be deleted"; ours say what erasing keeps.
    delete_confirmation_template = "admin/accounts/user/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/accounts/user/delete_selected_confirmation.html"

    # Deleting an account, here as through the API (DELETE /api/v1/me/), erases the person
    # (account_erase): the row stays, anonymised, so their orders, payments and reviews' ratings
    # stay true, and it is refused for a vendor's owner or while an order is still in progress.

    def get_deleted_objects(self, objs, request):
        """The confirmation page lists the accounts only: nothing else is deleted with them."""
        label = capfirst(self.opts.verbose_name)
        users = list(objs)
        return [f"{label}: {user}" for user in users], {self.opts.verbose_name_plural: len(users)}, set(), []

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id)) if request.method == "POST" else None
        if user is None:  # the confirmation page (or Django's answer to a missing account)
            return super().delete_view(request, object_id, extra_context)
        if not self.has_delete_permission(request, user):
            raise PermissionDenied
        site = self.admin_site.name
        if self._erase(request, user):
            return HttpResponseRedirect(reverse(f"{site}:accounts_user_changelist"))
        return HttpResponseRedirect(reverse(f"{site}:accounts_user_change", args=[user.pk]))

    @admin.action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
    def delete_selected(self, request, queryset):
        if not request.POST.get("post"):
            return confirm_delete_selected(self, request, queryset)  # the confirmation page
        for user in queryset.order_by("pk"):
            self._erase(request, user)
        return None

    def _erase(self, request, user: User) -> bool:
        shown = str(user)
        if user.pk == request.user.pk:
            self.message_user(
                request,
                f"“{shown}” was not deleted: staff cannot delete themselves; ask another administrator.",
                messages.ERROR,
            )
            return False
        try:
            account_erase(user=user)
        except DomainError as exc:
            self.message_user(request, f"“{shown}” was not deleted: {exc.message}", messages.ERROR)
            return False
        user.refresh_from_db()
        self.log_change(request, user, "Deleted the account: personal data erased, orders kept anonymised.")
        self.message_user(
            request,
            f"The account “{shown}” was deleted: its personal data is erased, its orders stay anonymised.",
            messages.SUCCESS,
        )
        return True


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "city", "country", "is_default"]
    list_filter = ["country", "is_default"]
    search_fields = ["full_name", "user__email", "city", "postal_code"]
    raw_id_fields = ["user"]


if admin.site.is_registered(AccessAttempt):  # django-axes registers it unless AXES_ENABLE_ADMIN is off

    class AccessAttemptAdmin(BaseAccessAttemptAdmin):
        """django-axes' failed sign-ins; cleaning up the expired ones deletes rows, so it takes
        the right to delete them."""

        cleanup_expired_attempts = needs_permission("delete", BaseAccessAttemptAdmin.cleanup_expired_attempts)

    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
