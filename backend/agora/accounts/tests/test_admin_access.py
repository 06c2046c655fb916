"""The Django admin: lockout after repeated failures (per real client address and username),
an optional network allow-list, and TOTP two-factor authentication for staff (required in
production)."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agora.accounts.tests.factories import PASSWORD
from agora.notifications.models import Notification
from agora.notifications.services import notification_send
from testing.deployment import PROD_ENV, printed_settings

pytestmark = pytest.mark.django_db

ALB = "10.0.1.23"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff(make_user):
    return make_user(is_staff=True, is_superuser=True, first_name="Sam")


def admin_login(client, username, password, ip="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR=ip)


def signed_in_to_admin(client, ip="198.51.100.7") -> bool:
    r = client.get("/admin/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR=ip)
    return r.status_code == 200 and b"Site administration" in r.content


# --- lockout ---------------------------------------------------------------------------------


def test_repeated_failures_lock_that_client_out_of_that_account(staff, settings):
    settings.NUM_PROXIES = 1
    settings.ADMIN_REQUIRE_2FA = False
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, staff.email, "wrong-password").status_code == 200  # the form again
    assert admin_login(client, staff.email, "wrong-password").status_code == 429  # the last straw
    # now even the right password from that client is refused, also with a spoofed hop in front
    locked = admin_login(client, staff.email, PASSWORD)
    assert locked.status_code == 429
    spoofed = admin_login(Client(), staff.email, PASSWORD, ip="203.0.113.9, 198.51.100.7")
    assert spoofed.status_code == 429
    assert not signed_in_to_admin(client)
    # the staff member signs in from their own address; the attacker's lockout is not theirs
    own = Client()
    assert admin_login(own, staff.email, PASSWORD, ip="203.0.113.9").status_code == 302
    assert signed_in_to_admin(own, ip="203.0.113.9")


def test_the_lockout_ends_after_the_cool_off(staff, settings):
    from axes.models import AccessAttempt

    settings.ADMIN_REQUIRE_2FA = False
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, staff.email, "wrong-password")
    assert admin_login(client, staff.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME)
    assert admin_login(client, staff.email, PASSWORD).status_code == 302


def test_api_logins_are_not_counted_by_the_admin_lockout(api_client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": "wrong"}, format="json")
    from django.core.cache import cache

    cache.clear()  # the API's own throttle
    settings.ADMIN_REQUIRE_2FA = False
    assert admin_login(Client(), staff.email, PASSWORD).status_code == 302


# --- allow-list ------------------------------------------------------------------------------


def test_the_admin_answers_only_allowed_networks(staff, settings):
    settings.NUM_PROXIES = 1
    settings.ADMIN_ALLOWED_NETWORKS = ["192.0.2.0/24", "2001:db8::/32"]
    client = Client()
    outside = client.get("/admin/login/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert outside.status_code == 404
    assert client.get("/admin/login/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="192.0.2.44").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="2001:db8::5").status_code == 200
    # a spoofed hop in front of a refused address does not get in
    spoofed = client.get("/admin/login/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="192.0.2.44, 198.51.100.7")
    assert spoofed.status_code == 404
    # the shop itself is not affected
    assert client.get("/api/v1/products/", REMOTE_ADDR=ALB, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200


def test_an_empty_allow_list_admits_everyone(settings):
    settings.ADMIN_ALLOWED_NETWORKS = []
    assert Client().get("/admin/login/").status_code == 200


# --- two-factor ------------------------------------------------------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_staff_set_up_an_authenticator_before_the_admin_opens(staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client = Client()
    r = admin_login(client, staff.email, PASSWORD)
    assert r.status_code == 302
    assert not signed_in_to_admin(client), "a password alone does not open the admin"
    setup = client.get(r["Location"], follow=True)
    assert setup.status_code == 200 and b"Set up two-factor authentication" in setup.content
    assert b"data:image/svg+xml" in setup.content, "a QR code to scan"
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert device.config_url.encode().split(b"secret=")[1][:16] in setup.content.replace(b" ", b"")

    wrong = client.post(setup.request["PATH_INFO"], {"otp_token": "000000"})
    assert wrong.status_code == 200 and b"not correct" in wrong.content
    device.refresh_from_db()
    assert device.throttling_failure_count == 1, "guesses slow down (django-otp's throttle)"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no need to wait a second in a test
    right = client.post(setup.request["PATH_INFO"], {"otp_token": _code(device)})
    assert right.status_code == 302
    assert signed_in_to_admin(client)
    device.refresh_from_db()
    assert device.confirmed
    # the staff member is told by email
    for pk in Notification.objects.filter(template="staff_two_factor_enabled").values_list("pk", flat=True):
        notification_send(notification_id=pk)
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_staff_with_an_authenticator_enter_its_code(staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()
    r = admin_login(client, staff.email, PASSWORD)
    step = client.get(r["Location"], follow=True)
    assert b"Enter the code from your authenticator app" in step.content
    assert not signed_in_to_admin(client)
    assert client.post(step.request["PATH_INFO"], {"otp_token": "123"}).status_code == 200
    assert client.post(step.request["PATH_INFO"], {"otp_token": _code(device)}).status_code == 302
    assert signed_in_to_admin(client)


def test_a_staff_member_can_sign_out_from_the_second_step(staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client = Client()
    r = admin_login(client, staff.email, PASSWORD)
    step = client.get(r["Location"], follow=True)
    assert b'action="/admin/two-factor/cancel/"' in step.content
    assert client.get("/admin/two-factor/cancel/").status_code == 405
    r = client.post("/admin/two-factor/cancel/")
    assert r.status_code == 302 and r["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session, "signed out"


def test_without_the_requirement_a_password_opens_the_admin(staff, settings):
    settings.ADMIN_REQUIRE_2FA = False
    client = Client()
    admin_login(client, staff.email, PASSWORD)
    assert signed_in_to_admin(client)


def test_two_factor_is_required_in_production():
    prod = printed_settings("ADMIN_REQUIRE_2FA", "AXES_FAILURE_LIMIT", env=PROD_ENV)
    local = printed_settings("ADMIN_REQUIRE_2FA", "AXES_FAILURE_LIMIT")
    assert re.match(r"True \d+", prod.stdout.strip()), prod.stderr
    assert local.stdout.startswith("False"), local.stderr


# --- the admin's own middleware (settings.BACKOFFICE_MIDDLEWARE) -------------------------------


def test_an_admin_form_posted_without_its_csrf_token_is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(LOGIN, {"username": staff.email, "password": PASSWORD}, REMOTE_ADDR=ALB)
    assert refused.status_code == 403
    assert not signed_in_to_admin(client)
    # the same form with the token it was served signs in
    page = client.get(LOGIN, REMOTE_ADDR=ALB)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert found is not None
    token = found.group(1).decode()
    accepted = client.post(
        LOGIN, {"username": staff.email, "password": PASSWORD, "csrfmiddlewaretoken": token}, REMOTE_ADDR=ALB
    )
    assert accepted.status_code == 302
    assert signed_in_to_admin(client)


def test_only_admin_requests_carry_a_session_the_api_and_storefront_go_without(client, staff):
    client.force_login(staff)
    admin = client.get("/admin/", REMOTE_ADDR=ALB)
    assert admin.status_code == 200 and admin.wsgi_request.user == staff
    for path in ("/api/v1/products/", "/api/v1/me/", "/robots.txt", "/sitemap.xml"):
        response = client.get(path)
        assert not hasattr(response.wsgi_request, "session"), path
        # and every other middleware still answers for them
        assert "sessionid" not in response.cookies and response["X-Frame-Options"] == "DENY", path
        assert response["X-Request-ID"] and "Content-Security-Policy" in response, path
    # the admin's session is no API credential (the API reads JWTs only)
    assert client.get("/api/v1/me/").status_code == 401


def test_a_backoffice_stack_without_the_admins_middleware_fails_the_system_check(settings):
    from agora.core.checks import backoffice_middleware

    assert backoffice_middleware(None) == []
    settings.BACKOFFICE_MIDDLEWARE = [
        m for m in settings.BACKOFFICE_MIDDLEWARE if m != "django.contrib.auth.middleware.AuthenticationMiddleware"
    ]
    assert [e.id for e in backoffice_middleware(None)] == ["core.E002"]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("BackofficeMiddleware")]
    assert [e.id for e in backoffice_middleware(None)] == ["core.E001", "core.E002"]


def test_the_deploy_check_asks_for_a_secure_csrf_cookie(settings):
    from agora.core.checks import backoffice_csrf_cookie

    settings.CSRF_COOKIE_SECURE = True
    assert backoffice_csrf_cookie(None) == []
    settings.CSRF_COOKIE_SECURE = False
    assert [w.id for w in backoffice_csrf_cookie(None)] == ["core.W004"]


@pytest.mark.django_db
def test_where_two_factors_are_required_the_staff_api_needs_a_sign_in_with_the_code(api_client, staff, settings):
    from agora.vendors.models import Vendor
    from agora.vendors.tests.factories import VendorFactory

    settings.ADMIN_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no need to wait a second in a test
    pending = VendorFactory.create(status=Vendor.Status.PENDING)
    approve = f"/api/v1/moderation/vendors/{pending.slug}/approve/"

    def staff_call(access: str):
        return api_client.post(approve, HTTP_AUTHORIZATION=f"Bearer {access}")

    # a staff password alone signs in, but opens no staff endpoint
    password_only = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD}).json()
    r = staff_call(password_only["access"])
    assert r.status_code == 403 and "otp_token" in r.json()["error"]["message"]
    assert Vendor.objects.get(pk=pending.pk).status == Vendor.Status.PENDING
    # a code that is not the authenticator's fails the sign-in
    device = TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)
    wrong = f"{(int(_code(device)) + 1) % 10**device.digits:0{device.digits}d}"
    body = {"email": staff.email, "password": PASSWORD}
    assert api_client.post("/api/v1/auth/token/", {**body, "otp_token": wrong}).status_code == 401
    # the right code: staff powers, which a refresh of the session keeps
    tokens = api_client.post("/api/v1/auth/token/", {**body, "otp_token": _code(device)}).json()
    refreshed = api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).json()
    assert staff_call(refreshed["access"]).status_code == 200
    assert Vendor.objects.get(pk=pending.pk).status == Vendor.Status.APPROVED
    # and the password-only session still opens nothing
    assert staff_call(password_only["access"]).status_code == 403
