"""Domain errors: each has a stable code and HTTP status, mapped once by the exception handler."""

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.message
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    status_code = 400
    code = "validation_error"
    message = "Some fields are invalid."
    #: A subclass about one field names it; its message is then that field's detail.
    field: str | None = None

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message, details=details)
        if details is None and self.field:
            self.details = {self.field: [self.message]}


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
    message = "You do not have permission to perform this action."


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    message = "Not found."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"
    message = "The request body is too large."


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    message = "Unsupported media type."


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"
    message = "A service this request needs is unavailable. Try again shortly."
