"""Refusing oversized request bodies by their declared Content-Length, before Django reads them.

Django spools a multipart body (to memory, then a temporary file) as soon as a view touches
request.data/FILES; an upload view mixes in ``BodyLimitMixin`` to answer 413 from the headers
alone. A body without a usable Content-Length (chunked) is refused with 411.
"""

from typing import TYPE_CHECKING, Any

from agora.core.errors import DomainError, PayloadTooLarge

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

    _View = APIView
else:
    _View = object

# Multipart framing around the file: boundaries, part headers and small fields (alt text).
MULTIPART_OVERHEAD = 64 * 1024


class LengthRequired(DomainError):
    status_code = 411
    code = "length_required"
    message = "Uploads need a Content-Length header."


def check_content_length(request, limit: int) -> None:
    raw = request.META.get("CONTENT_LENGTH", "")
    try:
        declared = int(raw)
    except (TypeError, ValueError):
        raise LengthRequired() from None
    if declared < 0:
        raise LengthRequired()
    if declared > limit:
        raise PayloadTooLarge(details={"content_length": [f"The limit is {limit // (1024 * 1024)} MB."]})


class BodyLimitMixin(_View):
    """For DRF upload views: ``max_body_bytes()`` is checked against Content-Length for writes,
    before authentication, permissions and parsing."""

    def max_body_bytes(self) -> int:
        raise NotImplementedError

    def initial(self, request: "Request", *args: Any, **kwargs: Any) -> None:
        if request.method in ("POST", "PUT", "PATCH"):
            check_content_length(request, self.max_body_bytes())
        super().initial(request, *args, **kwargs)
