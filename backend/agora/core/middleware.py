import re
import uuid

from agora.core.context import request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class RequestIdMiddleware:
    """Takes the caller's X-Request-ID (the ALB's or a client's) or makes one, and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not request.headers: building HttpHeaders (every header of the request) made this
        # the costliest middleware on the ceiling view, ~40 µs a request (bench/middleware_cost.py).
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class HealthCheckMiddleware:
    """Answers the liveness probe before host validation.

    Load balancers and container health checks address the task by its IP, which is (rightly)
    not in ALLOWED_HOSTS; the liveness answer reveals nothing and does no I/O.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/health/" and request.method in ("GET", "HEAD"):
            from django.http import JsonResponse

            response = JsonResponse({"status": "ok"})
            response["Cache-Control"] = "no-cache, no-store, must-revalidate, private"
            return response
        return self.get_response(request)
