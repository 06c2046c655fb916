from django.conf import settings
from django.http import JsonResponse
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
