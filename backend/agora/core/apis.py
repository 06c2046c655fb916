from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response

from agora.core.health import run_checks


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


@extend_schema(
    tags=["health"],
    responses={
        200: inline_serializer("Readiness", {"status": serializers.CharField(), "checks": serializers.DictField()}),
        503: inline_serializer("ReadinessDown", {"status": serializers.CharField(), "checks": serializers.DictField()}),
    },
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def health_ready(request):
    """Readiness: database, cache, broker and search backend all answer."""
    checks = run_checks()
    ok = all(c["status"] == "ok" for c in checks.values())
    response = Response({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


def local_media(request, path: str):
    """Uploaded files on local disk (no S3 bucket configured), e.g. under `make run`."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
