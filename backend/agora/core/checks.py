"""System checks of Agora's own settings."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# What Django's admin checks (admin.E408-E410) and django-axes (axes.W002) look for in MIDDLEWARE:
# here they live in BACKOFFICE_MIDDLEWARE, which runs for the admin (settings/base.py).
BACKOFFICE_REQUIRED = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
)


@register()
def backoffice_middleware(app_configs, **kwargs):
    errors = []
    if "agora.core.middleware.BackofficeMiddleware" not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "BackofficeMiddleware is not in MIDDLEWARE: the admin has no sessions, CSRF or lockout.", id="core.E001"
            )
        )
    stack = list(getattr(settings, "BACKOFFICE_MIDDLEWARE", []))
    missing = [path for path in BACKOFFICE_REQUIRED if path not in stack]
    if missing:
        errors.append(Error(f"BACKOFFICE_MIDDLEWARE lacks {', '.join(missing)}.", id="core.E002"))
    elif stack.index(BACKOFFICE_REQUIRED[0]) > stack.index(BACKOFFICE_REQUIRED[2]):
        errors.append(Error("SessionMiddleware must come before AuthenticationMiddleware.", id="core.E003"))
    return errors


@register(Tags.security, deploy=True)
def backoffice_csrf_cookie(app_configs, **kwargs):
    """Django's security.W016, for the CSRF middleware where it runs (BACKOFFICE_MIDDLEWARE)."""
    if settings.CSRF_USE_SESSIONS or settings.CSRF_COOKIE_SECURE:
        return []
    return [Warning("CSRF_COOKIE_SECURE is off: the admin's CSRF cookie would travel over HTTP.", id="core.W004")]
