"""One error shape for every error: {"error": {"code", "message", "details"}}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from agora.core.errors import DomainError

logger = logging.getLogger("agora.errors")

MESSAGES = {
    "validation_error": "Some fields are invalid.",
    "parse_error": "The request body is not valid JSON.",
    "not_authenticated": "Authentication credentials were not provided or are invalid.",
    "permission_denied": "You do not have permission to perform this action.",
    "not_found": "Not found.",
    "method_not_allowed": "Method not allowed.",
    "not_acceptable": "Cannot satisfy the request's Accept header.",
    "unsupported_media_type": "Unsupported media type.",
    "payload_too_large": "The request body is too large.",
    "throttled": "Too many requests. Try again later.",
    "server_error": "An unexpected error occurred. It has been logged.",
    "service_unavailable": "A service this request needs is unavailable. Try again shortly.",
}


# DRF's exceptions that keep their status and take our code and message (see _drf_error).
_DRF_CODES: tuple[tuple[tuple[type[drf.APIException], ...], str], ...] = (
    ((drf.NotAuthenticated, drf.AuthenticationFailed), "not_authenticated"),
    ((drf.PermissionDenied,), "permission_denied"),
    ((drf.NotFound,), "not_found"),
    ((drf.MethodNotAllowed,), "method_not_allowed"),
    ((drf.UnsupportedMediaType,), "unsupported_media_type"),
    ((drf.NotAcceptable,), "not_acceptable"),
)


def error_body(code: str, message: str | None = None, details: object = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message or MESSAGES.get(code, code), "details": details or {}}}


def _drf_error(exc: drf.APIException) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers: dict[str, str] = {}
    if isinstance(exc, drf.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return 400, error_body("validation_error", details=details), headers
    if isinstance(exc, drf.ParseError):
        return 400, error_body("validation_error", MESSAGES["parse_error"], {"body": [str(exc.detail)]}), headers
    if isinstance(exc, drf.Throttled):
        # DRF sets Throttled.wait in __init__; djangorestframework-stubs 3.18.1 does not declare it
        wait: float | None = exc.wait  # type: ignore[attr-defined]
        if wait is not None:
            headers["Retry-After"] = str(int(wait) + 1)
        return exc.status_code, error_body("throttled", details={"retry_after": int(wait or 0) + 1}), headers
    code = next((known for kinds, known in _DRF_CODES if isinstance(exc, kinds)), None)
    if code is None:
        code = exc.default_code if isinstance(exc.default_code, str) else "error"
    message = exc.detail if isinstance(exc.detail, str) else MESSAGES.get(code)
    return exc.status_code, error_body(code, str(message)), headers


def exception_handler(exc, context):
    """DRF's exception handler: every exception raised by an API view ends here."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        set_rollback()
        return Response(error_body("payload_too_large"), status=413)
    if isinstance(exc, drf.APIException):
        set_rollback()
        status, body, headers = _drf_error(exc)
        response = Response(body, status=status, headers=headers)
        auth_header = getattr(exc, "auth_header", None)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        elif auth_header:
            response["WWW-Authenticate"] = auth_header
        return response
    set_rollback()
    if isinstance(exc, (OperationalError, InterfaceError)) or _is_db_unavailable(exc):
        logger.warning("database unavailable: %s", exc)
        return Response(error_body("service_unavailable"), status=503, headers={"Retry-After": "5"})
    logger.exception("unhandled error in %s", context.get("view").__class__.__name__ if context else "?")
    return Response(error_body("server_error"), status=500)


def _is_db_unavailable(exc: Exception) -> bool:
    return isinstance(exc, DatabaseError) and "connection" in str(exc).lower()


# Django-level handlers (urls.py handler404/handler500): JSON in the shape for /api/ paths.
def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/health/")


def handler404(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("not_found"), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if _wants_json(request):
        return JsonResponse(error_body("server_error"), status=500)
    from django.views.defaults import server_error

    return server_error(request)


def handler400(request, exception=None):
    if _wants_json(request):
        if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
            return JsonResponse(error_body("payload_too_large"), status=413)
        return JsonResponse(error_body("validation_error", "Bad request."), status=400)
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler403(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("permission_denied"), status=403)
    from django.views.defaults import permission_denied

    return permission_denied(request, exception)
