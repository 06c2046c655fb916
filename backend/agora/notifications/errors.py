class OutsideTransaction(RuntimeError):
    """notification_enqueue was called outside a transaction: the outbox row would not commit
    (or roll back) with the change that caused it."""
