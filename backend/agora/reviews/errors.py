"""Reviews errors and the messages tests check."""

from agora.core.errors import Conflict, NotFound

NOT_SHIPPED = "You can review this item once it has shipped."
NO_LONGER_SOLD = "This product is no longer sold, so it cannot be reviewed."
ALREADY_REVIEWED = "You already reviewed this purchase: edit your review instead."
ALREADY_REPLIED = "This review already has your reply."
NOT_PUBLISHED = "Only published reviews can be answered."
PHOTO_LIMIT = "This review already has the maximum number of photos."
HELD_LINK = "link"
HELD_WORD = "word"


class ReviewNotFound(NotFound):
    message = "Review not found."


class OrderLineNotFound(NotFound):
    message = "Order line not found."


class NotReviewable(Conflict):
    code = "not_reviewable"
    message = NOT_SHIPPED


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    message = ALREADY_REVIEWED


class AlreadyReplied(Conflict):
    code = "already_replied"
    message = ALREADY_REPLIED


class ReviewTransitionNotAllowed(Conflict):
    code = "invalid_transition"
    message = "The review cannot move to that status from its current one."
