"""The staff back office: Django's admin with two-factor authentication.

Where ADMIN_REQUIRE_2FA is on (production), a password opens nothing: after it, a staff member
enters the code of their authenticator app (TOTP, django-otp), or, the first time, scans a QR code
to set one up (and is emailed that it happened). Failed password attempts are locked out per
client address and username by django-axes (settings), and ADMIN_ALLOWED_NETWORKS can keep the
admin off the internet altogether (agora.accounts.middleware).
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from agora.core.site import site_url
from agora.notifications.services import notification_enqueue


def method_decorator_never_cache(view):
    """never_cache + csrf_protect for AdminSite methods (they take self)."""
    return method_decorator(csrf_protect)(method_decorator(never_cache)(view))


class OtpTokenForm(forms.Form):
    otp_token = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        label="Code",
        error_messages={"invalid": "Enter the 6-digit code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def two_factor_required() -> bool:
    return settings.ADMIN_REQUIRE_2FA


class AgoraAdminSite(admin.AdminSite):
    site_header = "Agora administration"
    site_title = "Agora admin"

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return not two_factor_required() or request.user.is_verified()

    def _needs_second_factor(self, request) -> bool:
        user = request.user
        return (
            two_factor_required()
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and not user.is_verified()
        )

    @method_decorator_never_cache
    def login(self, request, extra_context=None):
        if self._needs_second_factor(request):
            target = reverse("admin:two_factor", current_app=self.name)
            next_url = request.GET.get(REDIRECT_FIELD_NAME)
            if next_url:
                target += f"?{REDIRECT_FIELD_NAME}={next_url}"
            return HttpResponseRedirect(target)
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("two-factor/", self.two_factor_view, name="two_factor"),
            path("two-factor/cancel/", self.two_factor_cancel_view, name="two_factor_cancel"),
            *super().get_urls(),
        ]

    @method_decorator_never_cache
    def two_factor_cancel_view(self, request):
        """Sign out from the second step (the admin's own logout only serves verified staff)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        auth_logout(request)
        return HttpResponseRedirect(reverse("admin:login", current_app=self.name))

    def _next(self, request) -> str:
        candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
            return candidate
        return resolve_url("admin:index")

    @method_decorator_never_cache
    def two_factor_view(self, request):
        """The second step: the code of a confirmed authenticator, or setting one up."""
        if not self._needs_second_factor(request):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        user = request.user
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        setting_up = device is None
        if setting_up:
            device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        form = OtpTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["otp_token"].strip()):
                with transaction.atomic():
                    if setting_up:
                        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
                        device.confirmed = True
                        notification_enqueue(
                            template="staff_two_factor_enabled",
                            to=user.email,
                            context={
                                "first_name": user.first_name,
                                "admin_url": site_url(reverse("admin:index")),
                            },
                            key=f"staff_two_factor_enabled:{device.pk}",
                        )
                    otp_login(request, device)
                return HttpResponseRedirect(self._next(request))
            form.add_error("otp_token", "That code is not correct (or it expired). Try the current one.")
        context = {
            **self.each_context(request),
            "title": "Set up two-factor authentication" if setting_up else "Two-factor authentication",
            "form": form,
            "setting_up": setting_up,
            "next": self._next(request),
            "site_header": self.site_header,
        }
        if setting_up:
            # otpauth://totp/<OTP_TOTP_ISSUER>:<email>?secret=…&issuer=…
            context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
            context["secret"] = _b32(device.bin_key)
        return TemplateResponse(request, "admin/two_factor.html", context)


def _b32(key: bytes) -> str:
    secret = base64.b32encode(key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
