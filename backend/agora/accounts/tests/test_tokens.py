"""Tokens that can be revoked, and the browser's cookie mode: the SPA never holds a refresh token
page script could read."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from agora.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
COOKIE = "agora_refresh"


def test_logout_revokes_the_presented_refresh_token(api_client, user):
    tokens = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}).json()
    other = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}).json()
    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert api_client.post(REFRESH, {"refresh": other["refresh"]}).status_code == 200, "other sessions stay"


def test_beat_flushes_expired_tokens(user):
    from rest_framework_simplejwt.tokens import RefreshToken

    from agora.accounts.tasks import tokens_flush_expired

    live = RefreshToken.for_user(user)
    dead = RefreshToken.for_user(user)
    OutstandingToken.objects.filter(jti=dead["jti"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    dead.blacklist()
    assert tokens_flush_expired.run() == 1
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [live["jti"]]
    assert not BlacklistedToken.objects.exists()


def test_the_flush_is_scheduled_on_the_default_queue(settings):
    from config.celery import app

    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "agora.accounts.tasks.tokens_flush_expired"
    )
    assert entry["schedule"] <= 24 * 3600
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "default"


# --- cookie mode -------------------------------------------------------------------------


def test_cookie_mode_puts_the_refresh_token_in_an_httponly_strict_cookie(api_client, user):
    r = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD, "mode": "cookie"}, format="json")
    assert r.status_code == 200
    assert set(r.json()) == {"access"}, "no refresh token in the body page script could read"
    cookie = r.cookies[COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == REFRESH
    assert int(cookie["max-age"]) == 7 * 24 * 3600


def test_cookie_mode_refresh_rotates_the_cookie(api_client, user):
    api_client.post(TOKEN, {"email": user.email, "password": PASSWORD, "mode": "cookie"}, format="json")
    first = api_client.cookies[COOKIE].value
    r = api_client.post(REFRESH, {}, format="json")
    assert r.status_code == 200 and set(r.json()) == {"access"}
    second = api_client.cookies[COOKIE].value
    assert second != first
    # the rotated-out token is dead even if replayed in the body
    assert api_client.post(REFRESH, {"refresh": first}, format="json").status_code == 401


def test_cookie_mode_logout_revokes_and_clears_the_cookie(api_client, user):
    api_client.post(TOKEN, {"email": user.email, "password": PASSWORD, "mode": "cookie"}, format="json")
    token = api_client.cookies[COOKIE].value
    r = api_client.delete(REFRESH)
    assert r.status_code == 204
    assert r.cookies[COOKIE].value == "" and r.cookies[COOKIE]["max-age"] == 0
    assert api_client.post(REFRESH, {"refresh": token}, format="json").status_code == 401
    assert api_client.post(REFRESH, {}, format="json").status_code == 401


def test_refresh_without_a_token_or_cookie_is_401(api_client):
    r = api_client.post(REFRESH, {}, format="json")
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


def test_garbage_cookie_is_401(api_client):
    api_client.cookies[COOKIE] = "garbage\u00fc"
    assert api_client.post(REFRESH, {}, format="json").status_code == 401
    assert api_client.delete(REFRESH).status_code == 204


def test_the_v1_json_answer_is_unchanged_for_other_clients(api_client, user):
    r = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")
    assert set(r.json()) == {"access", "refresh"} and COOKIE not in r.cookies
    r = api_client.post(REFRESH, {"refresh": r.json()["refresh"]}, format="json")
    assert set(r.json()) == {"access", "refresh"} and COOKIE not in r.cookies


def test_both_modes_are_documented_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    login = schema["paths"]["/api/v1/auth/token/"]["post"]
    body = login["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "cookie" in str(schema["components"]["schemas"][body]["properties"]["mode"])
    assert "HttpOnly" in login["description"]
    refresh = schema["paths"]["/api/v1/auth/token/refresh/"]
    assert "delete" in refresh and any(p["in"] == "cookie" for p in refresh["post"].get("parameters", []))


def _sign_in(client, user) -> str:
    return client.post(TOKEN, {"email": user.email, "password": PASSWORD}).json()["refresh"]


def _later(seconds: int) -> None:
    """Ages every revocation so far by ``seconds`` (as if that long had passed since)."""
    BlacklistedToken.objects.update(blacklisted_at=timezone.now() - timedelta(seconds=seconds))


def test_a_used_refresh_token_presented_again_ends_the_session_it_was_rotated_into(api_client, user, settings):
    """Rotation makes a stolen refresh token single-use; and if the thief used it first, the owner's
    next refresh presents a used one: either way, one party holds a token used twice, so the whole
    chain it belongs to ends (the other devices' sessions stay)."""
    settings.JWT_REFRESH_REUSE_GRACE_SECONDS = 10
    stolen = _sign_in(api_client, user)
    elsewhere = _sign_in(api_client, user)
    thief = api_client.post(REFRESH, {"refresh": stolen}).json()["refresh"]  # the thief rotates first
    _later(60)

    assert api_client.post(REFRESH, {"refresh": stolen}).status_code == 401  # the owner's refresh
    assert api_client.post(REFRESH, {"refresh": thief}).status_code == 401, "the chain is over"
    assert api_client.post(REFRESH, {"refresh": elsewhere}).status_code == 200, "other sessions stay"


def test_a_refresh_retried_at_once_after_a_lost_answer_does_not_end_the_session(api_client, user, settings):
    """Within a few seconds, the same token again is a client retrying (its answer was lost on the
    way): 401, but the token it was rotated into goes on working."""
    settings.JWT_REFRESH_REUSE_GRACE_SECONDS = 10
    first = _sign_in(api_client, user)
    second = api_client.post(REFRESH, {"refresh": first}).json()["refresh"]
    assert api_client.post(REFRESH, {"refresh": first}).status_code == 401
    assert api_client.post(REFRESH, {"refresh": second}).status_code == 200
