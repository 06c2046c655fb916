from agora.core.errors import DomainError


class InvalidCredentials(DomainError):
    status_code = 401
    code = "not_authenticated"
    message = "No active account found with the given credentials."
