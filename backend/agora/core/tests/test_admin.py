"""Every admin action changes something (a status, money, an email sent again): each declares the
permission it needs, so staff who may only look at a list cannot run them, while superusers keep
every one."""

import pytest
from django.contrib import admin
from django.test import RequestFactory


def _actions(model_admin) -> list[tuple[str, object]]:
    """The actions a ModelAdmin offers before any permission filter: the site's and its own."""
    found = list(model_admin.admin_site.actions)
    for action in model_admin.actions or ():
        func = action if callable(action) else getattr(type(model_admin), action)
        found.append((getattr(func, "__name__", str(action)), func))
    return found


def test_every_admin_action_declares_the_permission_it_needs():
    undeclared = [
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name, func in _actions(model_admin)
        if not getattr(func, "allowed_permissions", None)
    ]
    assert not undeclared, f"actions any staff member who may view the list can run: {undeclared}"


@pytest.mark.django_db
def test_superusers_keep_every_action(make_user):
    request = RequestFactory().get("/admin/")
    request.user = make_user(is_staff=True, is_superuser=True)
    missing = []
    for model, model_admin in admin.site._registry.items():
        offered = model_admin.get_actions(request)
        for name, _func in _actions(model_admin):
            if name == "delete_selected":
                continue  # offered where deleting is allowed at all
            if name not in offered:
                missing.append(f"{model._meta.label}.{name}")
    assert not missing, f"actions not even a superuser can run: {missing}"


@pytest.mark.django_db
def test_actions_on_read_only_records_are_for_staff_who_may_change_them(make_user):
    """Notifications are read-only to everyone; re-sending failed ones takes "Can change notification"."""
    from django.contrib.auth.models import Permission

    from agora.notifications.models import Notification

    model_admin = admin.site._registry[Notification]

    def actions_for(*codenames: str) -> set[str]:
        user = make_user(is_staff=True)
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        request = RequestFactory().get("/admin/")
        request.user = type(user).objects.get(pk=user.pk)  # fresh permission cache
        return set(model_admin.get_actions(request))

    assert "retry_failed" not in actions_for("view_notification")
    assert "retry_failed" in actions_for("view_notification", "change_notification")
