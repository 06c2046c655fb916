"""OpenAPI helpers: the one error shape, declared once, and the project's schema generator."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular documents every PATCH body as partial (a "Patched…" component, every field
    optional), as DRF's partial updates are. A PATCH whose input serializer sets
    ``whole_on_patch = True`` validates it whole (a cart line's quantity: the one value the
    request sets, required), and is documented so."""

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request") -> Any:
        if self.method == "PATCH" and getattr(force_instance(serializer), "whole_on_patch", False):
            self.method = "PUT"  # read as a whole body, as a PUT's is
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)


ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "details": serializers.DictField(),
            },
        )
    },
)

_DESCRIPTIONS = {
    400: "validation_error",
    401: "not_authenticated",
    402: "payment_declined",
    403: "permission_denied",
    404: "not_found",
    409: "conflict / insufficient_stock",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "idempotency_key_reused",
    429: "throttled",
    503: "service_unavailable",
}


def ERRORS(*statuses: int, codes: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:  # noqa: N802 - reads like a constant in decorators
    """The error answers of ``statuses``; ``codes`` names an operation's own codes for a status
    ("validation_error / order_too_large") where the usual ones do not say all."""
    described = {**_DESCRIPTIONS, **(codes or {})}
    return {s: OpenApiResponse(ErrorSerializer, description=described.get(s, "error")) for s in statuses}


COUNT_IS_ESTIMATE_HELP = (
    "False: `count` is exact. True (only with `min_price`, `max_price` or `min_rating` matching more "
    "products than are counted exactly: CATALOG_EXACT_COUNT_LIMIT, 1,000 by default): `count` is an "
    "estimate from PostgreSQL's statistics, never below that limit; show it as approximate. `next` is "
    "exact either way, and a page past the real end answers 404."
)


def paginated_with_estimate(serializer_class, name: str):
    """The page envelope of a list whose count is exact up to a limit and estimated past it."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(
                help_text="How many match: exact, or an estimate when `count_is_estimate` is true."
            ),
            "count_is_estimate": serializers.BooleanField(help_text=COUNT_IS_ESTIMATE_HELP),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def paginated(serializer_class, name: str):
    """The page envelope of a paginated list, as DRF's PageNumberPagination answers it."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
