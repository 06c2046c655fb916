from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response

from agora.core.health import readiness


@never_cache
def health(request):
    """Liveness: the process serves requests. No I/O."""
    return JsonResponse({"status": "ok"})


def load_test_ceiling(request):
    """The load test's ceiling (backend/bench/load/): a bare Django view with a constant JSON body,
    behind the full middleware stack. Answers only when LOAD_TEST_CEILING_VIEW is on (404 otherwise)."""
    if not settings.LOAD_TEST_CEILING_VIEW:
        raise Http404
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


_CHECK = inline_serializer("ReadinessCheck", {"status": serializers.ChoiceField(choices=["ok", "down"])})
_READINESS = inline_serializer(
    "Readiness",
    {
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "checks": inline_serializer(
            "ReadinessChecks", {"database": _CHECK, "cache": _CHECK, "broker": _CHECK, "search": _CHECK}
        ),
    },
)


@extend_schema(
    tags=["health"],
    responses={200: _READINESS, 503: _READINESS},
    description="Each dependency's status only (why one is down is logged, never answered); the result "
    "is cached for a few seconds (HEALTH_READY_CACHE_SECONDS).",
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def health_ready(request):
    """Readiness: database, cache, broker and search backend all answer."""
    ok, checks = readiness()
    response = Response({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


def local_media(request, path: str):
    """Uploaded files on local disk (no S3 bucket configured), e.g. under `make run`."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
