from django.contrib.admin.apps import AdminConfig


class AgoraAdminConfig(AdminConfig):
    """Django's admin with the project's site (two-factor for staff): listed in INSTALLED_APPS
    instead of django.contrib.admin."""

    default_site = "agora.accounts.admin_site.AgoraAdminSite"
