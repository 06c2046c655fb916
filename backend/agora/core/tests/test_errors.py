"""Every error, from any layer, has one shape: {"error": {"code", "message", "details"}}."""

import pytest
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

from config.urls import urlpatterns as real_urlpatterns


@api_view(["GET"])
def _boom(request):
    raise RuntimeError("secret internal detail /etc/passwd")


@api_view(["POST"])
def _echo(request):
    return Response(request.data)


@api_view(["GET"])
@permission_classes([IsAdminUser])
def _staff_only(request):
    return Response({})


urlpatterns = [
    path("api/v1/_test/boom/", _boom),
    path("api/v1/_test/echo/", _echo),
    path("api/v1/_test/staff/", _staff_only),
    *real_urlpatterns,
]
handler404 = "agora.core.exceptions.handler404"
handler500 = "agora.core.exceptions.handler500"


def assert_shape(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_unknown_api_path_is_404_in_shape(client, db):
    assert_shape(client.get("/api/v1/does-not-exist/"), 404, "not_found")


def test_method_not_allowed_is_405_in_shape(client, db):
    assert_shape(client.delete("/api/v1/auth/token/"), 405, "method_not_allowed")


def test_malformed_json_is_400_in_shape(client, db):
    err = assert_shape(
        client.post("/api/v1/auth/register/", data="{not json", content_type="application/json"),
        400,
        "validation_error",
    )
    assert "body" in err["details"]


def test_wrong_types_are_400_not_500(client, db):
    r = client.post("/api/v1/auth/register/", data='["a", "list"]', content_type="application/json")
    assert_shape(r, 400, "validation_error")
    r = client.post(
        "/api/v1/auth/token/", data='{"email": {"$gt": ""}, "password": 5}', content_type="application/json"
    )
    assert_shape(r, 400, "validation_error")


def test_unsupported_media_type_is_415(client, db):
    assert_shape(
        client.post("/api/v1/auth/register/", data="a=b", content_type="text/plain"), 415, "unsupported_media_type"
    )


def test_huge_body_is_413(client, db, settings):
    body = '{"email": "' + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    assert_shape(
        client.post("/api/v1/auth/register/", data=body, content_type="application/json"), 413, "payload_too_large"
    )


def test_unhandled_exception_is_500_in_shape_without_traceback(client, db, test_urls, caplog):
    response = client.get("/api/v1/_test/boom/")
    err = assert_shape(response, 500, "server_error")
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert err["details"] == {}
    assert any("unhandled error" in r.message for r in caplog.records)


def test_permission_denied_is_403_for_a_signed_in_non_staff_user(auth_client, test_urls):
    assert_shape(auth_client.get("/api/v1/_test/staff/"), 403, "permission_denied")


def test_anonymous_is_401(client, db, test_urls):
    assert_shape(client.get("/api/v1/_test/staff/"), 401, "not_authenticated")


def test_invalid_bearer_token_is_401(client, db):
    r = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert_shape(r, 401, "not_authenticated")


def test_request_id_is_echoed_or_generated(client, db):
    assert client.get("/api/v1/me/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    generated = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert len(generated) == 32


def test_non_api_404_is_not_json(client, db):
    r = client.get("/static/definitely-missing.css")
    assert r.status_code == 404


def test_security_headers_present(client, db):
    r = client.get("/api/v1/me/")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_cors_only_for_the_storefront_origin(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]
    ok = client.get("/api/v1/me/", HTTP_ORIGIN="https://shop.example.com")
    assert ok["Access-Control-Allow-Origin"] == "https://shop.example.com"
    evil = client.get("/api/v1/me/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in evil
