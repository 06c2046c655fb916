import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.utils.module_loading import import_string

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


class BackofficeMiddleware:
    """Runs settings.BACKOFFICE_MIDDLEWARE (the admin's sessions, CSRF, sign-in, second factor,
    allow-list, messages and lockout) for requests under settings.BACKOFFICE_PATH, and goes
    straight on for every other one (settings/base.py says why).

    The inner stack is built as Django builds MIDDLEWARE: each entry wraps the next, an exception
    inside becomes a response at each level (so an outer entry still sees it), and the entries'
    process_view hooks (CSRF's check) run, in order, before an admin view.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.BACKOFFICE_PATH
        handler = get_response
        view_hooks: list[Callable[..., HttpResponse | None]] = []
        for path in reversed(settings.BACKOFFICE_MIDDLEWARE):
            try:
                middleware = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_exception") or hasattr(middleware, "process_template_response"):
                raise ImproperlyConfigured(f"{path}: BackofficeMiddleware runs only __call__ and process_view")
            if hasattr(middleware, "process_view"):
                view_hooks.insert(0, middleware.process_view)
            handler = convert_exception_to_response(middleware)
        self.backoffice = handler
        self.view_hooks = tuple(view_hooks)

    def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            return self.backoffice(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(self.prefix):
            return None
        for hook in self.view_hooks:
            response = hook(request, view_func, view_args, view_kwargs)
            if response is not None:
                return response
        return None
