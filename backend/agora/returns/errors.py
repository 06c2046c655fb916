"""Returns errors and the messages tests check."""

from agora.core.errors import Conflict, NotFound

REASON_REQUIRED = "Say why (a few words are enough)."
NOT_IN_ORDER = "This sub-order is not part of the order."
NOT_SHIPPED = "This line has not shipped, or is not part of this sub-order."
NOT_RETURNABLE = "At most {left} of this line can be returned now (the return window may have closed)."
NO_LINES = "Choose at least one line to return."
AMOUNT_RANGE = "Refund between 0.01 and the returned lines' value ({value})."


class ReturnNotFound(NotFound):
    message = "Return not found."


class ReturnTransitionNotAllowed(Conflict):
    code = "invalid_transition"
    message = "The return cannot move to that status from its current one."


class NothingPaid(Conflict):
    message = "This order has no captured payment to refund."
