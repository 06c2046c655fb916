class OutsideTransaction(RuntimeError):
    """notification_enqueue was called outside a transaction: the outbox row would not commit
    (or roll back) with the change that caused it."""


class MailNotConfigured(Exception):
    """Production has no mail server (EMAIL_URL unset): an email cannot be sent yet."""
