from agora.core.errors import NotFound, ValidationFailed


class EntryNotFound(NotFound):
    code = "not_found"
    message = "No such ledger entry."


class StatementNotFound(NotFound):
    code = "not_found"
    message = "No statement for that month."


class AdjustmentInvalid(ValidationFailed):
    message = "The adjustment needs a reason, a non-zero amount and a currency."
