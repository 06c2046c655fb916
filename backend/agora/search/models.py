from django.db import models


class PendingIndex(models.Model):
    """A product whose search document must be (re)built or removed: the indexing outbox.

    Rows are written in the same transaction as the change that caused them, so nothing is
    lost if the broker is down or a task dies; the indexing task deletes the rows it handled
    and a beat reconciler handles any left behind.
    """

    product_id = models.BigIntegerField(primary_key=True)
    queued_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"product {self.product_id}"
