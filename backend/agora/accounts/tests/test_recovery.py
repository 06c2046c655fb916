"""Account recovery: password reset (always 202, throttled, single-use expiring link), password
change, email verification on sign-up, and vendor applications that need a verified address."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.accounts.models import User
from agora.accounts.services.recovery import email_verification_enqueue
from agora.accounts.tests.factories import PASSWORD
from agora.notifications.models import Notification
from testing.clients import client_for
from testing.deployment import PROD_ENV, printed_settings
from testing.outbox import deliver_all

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password/reset/"
RESET_CONFIRM = "/api/v1/auth/password/reset/confirm/"
CHANGE = "/api/v1/me/password/"
VERIFY = "/api/v1/auth/email/verify/"
RESEND = "/api/v1/me/email/verification/"
TOKEN = "/api/v1/auth/token/"


def link_params(message, path: str) -> dict:
    """The uid/token pairs of the SPA link in an email (they ride in the URL fragment)."""
    match = re.search(rf"{re.escape(path)}#(\S+)", message.body)
    assert match, message.body
    return dict(part.split("=", 1) for part in match.group(1).split("&"))


def login(client, email, password):
    return client.post(TOKEN, {"email": email, "password": password}, format="json")


# --- password reset ----------------------------------------------------------------------


def test_reset_answers_202_alike_for_known_and_unknown_addresses(ask_reset, user):
    known = ask_reset(user.email.upper())
    unknown = ask_reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    emails = deliver_all()
    assert [m.to for m in emails] == [[user.email]], "only the real account gets an email"
    assert "reset-password#" in emails[0].body and emails[0].alternatives


def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(api_client, user, sent_tasks):
    """The answer is the same either way; so must be the work behind it, or its timing tells which
    addresses have an account (a lookup, a token and an outbox row for one, nothing for the other)."""
    work = []
    for email in (user.email, "nobody@example.com"):
        sent_tasks.clear()
        with CaptureQueriesContext(connection) as queries:
            assert api_client.post(RESET, {"email": email}, format="json").status_code == 202
        work.append(([q["sql"] for q in queries], [name for name, _ in sent_tasks]))
    assert work[0] == work[1]
    assert Notification.objects.count() == 0, "the worker looks the address up and writes the email"


def test_a_reset_asked_while_the_broker_is_down_is_not_lost(api_client, user, monkeypatch):
    monkeypatch.setattr("agora.core.tasks_util._send", lambda task, args, kwargs, **options: False)
    assert api_client.post(RESET, {"email": user.email}, format="json").status_code == 202
    assert [m.to for m in deliver_all()] == [[user.email]], "written at once instead"


def test_reset_link_sets_a_new_password_once_and_signs_everyone_out(api_client, ask_reset, user):
    old_refresh = login(api_client, user.email, PASSWORD).json()["refresh"]
    ask_reset(user.email)
    params = link_params(deliver_all()[0], "/reset-password")

    body = {"uid": params["uid"], "token": params["token"], "password": "a-brand-new-passphrase"}
    assert api_client.post(RESET_CONFIRM, body, format="json").status_code == 204
    # the new password works, the old one does not
    assert login(api_client, user.email, "a-brand-new-passphrase").status_code == 200
    assert login(api_client, user.email, PASSWORD).status_code == 401
    # the link is single-use
    again = api_client.post(RESET_CONFIRM, {**body, "password": "yet-another-passphrase"}, format="json")
    assert again.status_code == 400 and "token" in again.json()["error"]["details"]
    # every refresh token issued before the reset is revoked
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": old_refresh}, format="json").status_code == 401
    # the account holder is told, and clicking the link proved the address
    assert any("password was reset" in m.subject for m in deliver_all())
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_reset_link_expires(api_client, ask_reset, user, settings):
    ask_reset(user.email)
    params = link_params(deliver_all()[0], "/reset-password")
    settings.PASSWORD_RESET_TIMEOUT = -1
    r = api_client.post(RESET_CONFIRM, {**params, "password": "a-brand-new-passphrase"}, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["details"]["token"] == ["This link is invalid or has expired. Ask for a new one."]


@pytest.mark.parametrize(
    "body",
    [
        {"uid": "garbage", "token": "garbage", "password": "a-brand-new-passphrase"},
        {"uid": "", "token": "", "password": "a-brand-new-passphrase"},
        {"uid": "MQ", "token": "x" * 5000, "password": "a-brand-new-passphrase"},
        {"uid": "\u00fc\u00fc", "token": "\u2603", "password": "a-brand-new-passphrase"},
    ],
)
def test_reset_confirm_refuses_bad_links(api_client, user, body):
    r = api_client.post(RESET_CONFIRM, body, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "validation_error"


def test_reset_confirm_applies_the_password_rules(api_client, ask_reset, user):
    ask_reset(user.email)
    params = link_params(deliver_all()[0], "/reset-password")
    r = api_client.post(RESET_CONFIRM, {**params, "password": "short"}, format="json")
    assert r.status_code == 400 and "password" in r.json()["error"]["details"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_requests_are_throttled_per_address(ask_reset, user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset_email": "2/hour",
        },
    }
    for _ in range(2):
        assert ask_reset(user.email).status_code == 202
    r = ask_reset(user.email)
    assert r.status_code == 429 and r.json()["error"]["code"] == "throttled"
    # unknown addresses are throttled the same way: the answer never tells them apart
    for _ in range(2):
        ask_reset("ghost@example.com")
    assert ask_reset("ghost@example.com").status_code == 429
    assert len(deliver_all()) == 2


def test_a_reset_address_is_throttled_however_it_is_spelt(ask_reset, user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset_email": "2/hour",
        },
    }
    local, domain = user.email.split("@")
    spellings = [user.email, user.email.upper(), local.replace("s", "\u017f") + "@" + domain]
    answers = [ask_reset(spelling, REMOTE_ADDR=f"10.3.0.{n}").status_code for n, spelling in enumerate(spellings * 2)]
    assert answers.count(202) == 2 and len(deliver_all()) <= 2


def test_reset_requests_are_throttled_per_client(ask_reset, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "password_reset_ip": "3/hour"},
    }
    for n in range(3):
        assert ask_reset(f"a{n}@example.com").status_code == 202
    assert ask_reset("a9@example.com").status_code == 429


def test_inactive_accounts_get_no_reset_email(ask_reset, make_user):
    gone = make_user(is_active=False)
    assert ask_reset(gone.email).status_code == 202
    assert deliver_all() == []


# --- password change ---------------------------------------------------------------------


def test_change_needs_the_current_password(user):
    client = client_for(user)
    r = client.post(CHANGE, {"current_password": "wrong-password", "new_password": "a-brand-new-passphrase"})
    assert r.status_code == 400 and "current_password" in r.json()["error"]["details"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_revokes_every_other_session_and_keeps_this_one(api_client, user):
    other_device = login(api_client, user.email, PASSWORD).json()
    client = client_for(user)
    r = client.post(CHANGE, {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase"}, format="json")
    assert r.status_code == 200, r.content
    fresh = r.json()
    assert set(fresh) == {"access", "refresh"}
    # the other device's refresh token and access token stop working
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": other_device["refresh"]}).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {other_device['access']}")
    assert api_client.get("/api/v1/me/").status_code == 401
    # the caller continues with the tokens the answer carried
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh['access']}")
    assert api_client.get("/api/v1/me/").status_code == 200
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": fresh["refresh"]}).status_code == 200
    assert any("password was changed" in m.subject for m in deliver_all())


def test_change_applies_the_password_rules(user):
    r = client_for(user).post(CHANGE, {"current_password": PASSWORD, "new_password": "1234567890"}, format="json")
    assert r.status_code == 400 and "new_password" in r.json()["error"]["details"]


def test_wrong_current_passwords_are_throttled_like_logins(user):
    client = client_for(user)
    for _ in range(10):
        client.post(CHANGE, {"current_password": "guess-guess", "new_password": "a-brand-new-passphrase"})
    r = client.post(CHANGE, {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase"})
    assert r.status_code == 429


# --- email verification ------------------------------------------------------------------


def test_sign_up_sends_a_verification_link_that_verifies_the_address(api_client):
    r = api_client.post("/api/v1/auth/register/", {"email": "new@example.com", "password": "a-long-passphrase"})
    assert r.status_code == 201 and r.json()["email_verified"] is False
    message = deliver_all()[0]
    assert message.to == ["new@example.com"] and "Confirm" in message.subject
    params = link_params(message, "/verify-email")
    r = api_client.post(VERIFY, {"token": params["token"]}, format="json")
    assert r.status_code == 200 and r.json() == {"email": "new@example.com", "email_verified": True}
    assert User.objects.get(email="new@example.com").email_verified_at is not None
    # clicking twice is fine
    assert api_client.post(VERIFY, {"token": params["token"]}, format="json").status_code == 200


@pytest.mark.parametrize("token", ["garbage", "", "a:b:c", "\u2603" * 10])
def test_a_bad_verification_token_is_400(api_client, token):
    r = api_client.post(VERIFY, {"token": token}, format="json")
    assert r.status_code == 400 and "token" in r.json()["error"]["details"]


def test_a_verification_link_expires(api_client, settings):
    api_client.post("/api/v1/auth/register/", {"email": "late@example.com", "password": "a-long-passphrase"})
    params = link_params(deliver_all()[0], "/verify-email")
    settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS = -1
    assert api_client.post(VERIFY, {"token": params["token"]}, format="json").status_code == 400


def test_a_signed_in_user_can_ask_for_a_new_link_a_few_times(user):
    client = client_for(user)
    assert client.get("/api/v1/me/").json()["email_verified"] is False
    for _ in range(3):
        assert client.post(RESEND).status_code == 202
    assert client.post(RESEND).status_code == 429
    assert len(deliver_all()) == 3
    user.email_verified_at = user.date_joined
    user.save()
    cache.clear()  # the hourly allowance, not the verification, is what refused the fourth
    assert client_for(user).post(RESEND).status_code == 409


def test_vendor_application_needs_a_verified_address_where_the_setting_says(user, settings):
    body = {"name": "Fresh Shop", "description": "", "contact_email": "shop@example.com"}
    settings.VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL = True
    r = client_for(user).post("/api/v1/vendors/", body, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "email_not_verified"
    User.objects.filter(pk=user.pk).update(email_verified_at=user.date_joined)
    assert client_for(user).post("/api/v1/vendors/", body, format="json").status_code == 201


def test_vendor_application_is_open_to_unverified_addresses_when_off(user, settings):
    settings.VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL = False
    body = {"name": "Fresh Shop", "description": "", "contact_email": "shop@example.com"}
    assert client_for(user).post("/api/v1/vendors/", body, format="json").status_code == 201


def test_the_setting_is_on_in_production_and_off_locally():
    prod = printed_settings("VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL", env=PROD_ENV)
    local = printed_settings("VENDOR_APPLICATION_REQUIRES_VERIFIED_EMAIL")
    assert prod.stdout.strip() == "True", prod.stderr
    assert local.stdout.strip() == "False", local.stderr


def test_enqueue_happens_in_the_sign_up_transaction(api_client, monkeypatch):
    """A sign-up that fails after the user row is written leaves no email behind."""
    from agora.accounts import services

    def boom(**kwargs):
        raise RuntimeError("after the insert")

    monkeypatch.setattr(services.profile, "_after_register", boom)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.user_register(email="rollback@example.com", password="a-long-passphrase")
    assert not Notification.objects.exists() and not User.objects.filter(email="rollback@example.com").exists()


def test_staff_reading_the_outbox_never_see_a_working_link(client, ask_reset, user, make_user):
    """A reset link is the account's password for a day, a verification link proves its address:
    the admin's notification page and previews show the emails with those links hidden."""
    ask_reset(user.email)
    with transaction.atomic():
        email_verification_enqueue(user=user)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    for notification in Notification.objects.filter(template__in=["password_reset", "email_verification"]):
        secret = notification.context.get("reset_url") or notification.context["verify_url"]
        assert "token=" in secret
        for page in ("change", "preview", "preview_html"):
            url = reverse(f"admin:notifications_notification_{page}", args=[notification.pk])
            shown = client.get(url)
            assert shown.status_code == 200 and "token=" not in shown.content.decode(), (notification.template, page)
    sent = deliver_all()
    assert {"reset-password#uid=", "verify-email#token="} <= {
        part for m in sent for part in ("reset-password#uid=", "verify-email#token=") if part in m.body
    }, "the emails themselves carry the links"
