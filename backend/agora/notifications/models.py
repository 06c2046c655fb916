from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

# Erased recipients: the address of a forgotten email once sent, and the domain of a deleted
# account's placeholder address (deleted-<id>@deleted.invalid: its orders keep it).
ERASED_RECIPIENT = "erased@erased.invalid"
DELETED_ACCOUNT_DOMAIN = "deleted.invalid"


class Notification(models.Model):
    """One email to one recipient, recorded in the transaction that causes it (the outbox row)
    and sent exactly once by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"

    template = models.CharField(
        max_length=64, help_text="A registered template name (templates/notifications/<name>/)."
    )
    to = models.EmailField(max_length=254)
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    key = models.CharField(
        max_length=200, unique=True, help_text="Dedupe key: a second enqueue with the same key writes nothing."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When the next send may happen: now at enqueue, later after a failure (backoff). The beat
    # re-drive only picks queued rows well past it, so it never races a scheduled retry.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Erase the address and context once sent (the goodbye email of a deleted account).
    forget_after_send = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="notifications_queued_due",
            ),
            models.Index(fields=["to"], name="notifications_to"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.to} ({self.status})"
