from agora.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed


class InvalidCredentials(DomainError):
    status_code = 401
    code = "not_authenticated"
    message = "No active account found with the given credentials."


class InvalidRefreshToken(DomainError):
    status_code = 401
    code = "not_authenticated"
    message = "The refresh token is invalid, expired or revoked. Sign in again."


class WrongCurrentPassword(ValidationFailed):
    field = "current_password"
    message = "Your current password is not correct."


class InvalidResetLink(ValidationFailed):
    field = "token"
    message = "This link is invalid or has expired. Ask for a new one."


class InvalidVerificationLink(ValidationFailed):
    field = "token"
    message = "This verification link is invalid or has expired. Ask for a new one."


class EmailAlreadyVerified(Conflict):
    code = "conflict"
    message = "Your email address is already verified."


class EmailNotVerified(PermissionDenied):
    code = "email_not_verified"
    message = "Verify your email address first: open the link we emailed you (or ask for a new one)."


class WrongPassword(ValidationFailed):
    field = "password"
    message = "Your password is not correct."


class OrdersInProgress(Conflict):
    code = "orders_in_progress"
    message = (
        "Some of your orders are still in progress: they must be delivered, cancelled or closed "
        "before you delete your account."
    )

    @classmethod
    def naming(cls, numbers: list[str]) -> "OrdersInProgress":
        return cls(
            f"Orders still in progress: {', '.join(numbers)}. Each must be delivered, cancelled or closed "
            "(any return settled) before you can delete your account.",
            details={"orders": numbers},
        )
