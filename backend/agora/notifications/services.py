"""The notification outbox: emails are recorded in the caller's transaction and sent once by the
worker.

- ``notification_enqueue`` writes one row per email inside the transaction that causes it (a
  duplicate dedupe key writes nothing) and, on commit, sends one task carrying the ids of every
  row the transaction wrote; ``notifications_enqueue`` writes several emails of one change in
  one INSERT.
- A worker task that writes emails can send them itself once its transaction committed
  (``notifications_sent_by_caller`` collects the ids instead of sending a task,
  ``notifications_send`` sends them): a task costs the worker more than the sending.
- ``notifications_send`` sends a transaction's emails over one connection; after two failures in
  a row it hands the rest to one task due at the retry, instead of waiting out a timeout each.
- ``notification_send`` (the task) locks the row, sends it if it is still queued and marks it
  sent in the same transaction, so a redelivered task sends nothing twice. A failed send is
  recorded (attempts, last error, next attempt) and retried with backoff, each wait shorter than
  the broker's visibility timeout; a row whose next attempt is not due yet is left to its retry,
  so a second copy of a task costs no attempt. A template that does not render fails at once.
- ``notifications_redrive`` (beat) re-sends the task of queued rows whose task was lost (the
  broker was down at commit, a worker died holding a delayed retry).
"""

import logging
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail import get_connection as get_mail_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from agora.core.prepared import PreparedValues, loaded
from agora.core.tasks_util import enqueue_in, enqueue_on_commit, enqueue_together_on_commit
from agora.notifications import registry
from agora.notifications.errors import OutsideTransaction
from agora.notifications.models import DELETED_ACCOUNT_DOMAIN, ERASED_RECIPIENT, Notification
from agora.notifications.rendering import render

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("agora.notifications")
S = Notification.Status

SEND_SENT = "sent"
SEND_SKIPPED = "skipped"
SEND_FAILED = "failed"


def _send_task() -> "Task[..., int]":
    from agora.notifications.tasks import notification_send

    return notification_send


@dataclass(frozen=True)
class Outgoing:
    """One email to record: a registered ``template`` rendered with ``context`` (JSON) to ``to``,
    written once per dedupe ``key``; ``forget_after_send`` erases the address and context once
    it is sent."""

    template: str
    to: str
    context: dict[str, Any]
    key: str
    forget_after_send: bool = False

    def row(self) -> Notification:
        return Notification(
            template=self.template,
            to=self.to,
            context=self.context,
            key=self.key[:200],
            forget_after_send=self.forget_after_send,
        )


def erased_recipient(address: str) -> bool:
    """Whether ``address`` stands for someone erased: a deleted account's placeholder
    (``deleted-<id>@deleted.invalid``, which its orders keep) or a forgotten email's address."""
    address = address.strip().lower()
    return address == ERASED_RECIPIENT or address.rpartition("@")[2] == DELETED_ACCOUNT_DOMAIN


def notification_enqueue(
    *, template: str, to: str, context: dict[str, Any], key: str, forget_after_send: bool = False
) -> Notification | None:
    """Records an email to ``to`` from the registered ``template`` with ``context`` (JSON), unless
    a notification with this dedupe ``key`` exists or ``to`` is an erased recipient (a deleted
    account's placeholder address). Call it inside the transaction of the change that causes the
    email: the row commits or rolls back with it. Returns the new row, or None for a duplicate
    key or an erased recipient. ``forget_after_send`` erases the address and context once it is
    sent."""
    return notifications_enqueue([Outgoing(template, to, context, key, forget_after_send)])[0]


def notifications_enqueue(emails: Sequence[Outgoing]) -> list[Notification | None]:
    """``notification_enqueue`` for several emails of one change (an order's confirmation and its
    vendors' notices) in one INSERT. Returns, in order, each new row or None for a duplicate key
    or an erased recipient (nothing is written to one); when any key exists (a redelivered task),
    each email is written on its own so the rest still go out."""
    for email in emails:
        registry.get(email.template)  # an unknown template is a programming error, caught at the call site
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction("notification_enqueue must run inside the caller's transaction.atomic()")
    if any(erased_recipient(email.to) for email in emails):
        # A deleted account's orders keep its placeholder address: its mail reaches nobody.
        kept = iter(notifications_enqueue([e for e in emails if not erased_recipient(e.to)]))
        return [None if erased_recipient(email.to) else next(kept) for email in emails]
    if not emails:
        return []
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the caller's transaction usable
            written: list[Notification | None] = list(Notification.objects.bulk_create([e.row() for e in emails]))
    except IntegrityError:
        if len(emails) == 1:
            return [None]
        return [notifications_enqueue([email])[0] for email in emails]  # each queues its own send
    collected: list[int] | None = getattr(_sent_by_caller, "ids", None)
    for notification in written:
        if notification is None:
            continue
        if collected is not None:
            collected.append(notification.pk)
        else:
            # One send task for all the transaction's notifications (an order's confirmation and
            # each vendor's notice): the task sends each once, on its own terms.
            enqueue_together_on_commit(_send_task(), notification.pk)
    return written


_sent_by_caller = threading.local()


@contextmanager
def notifications_sent_by_caller() -> Iterator[list[int]]:
    """For a worker task that writes emails: inside the block, the notifications written are not
    handed to a send task on commit; their ids are collected in the list yielded, for the caller
    to pass to ``notifications_send`` (the worker is running already, and a task costs it more
    than the sending: bench/README.md, issue #18). A crash before they go leaves them queued in
    the outbox for the beat re-drive, as a lost send task would."""
    previous = getattr(_sent_by_caller, "ids", None)
    collected: list[int] = []
    _sent_by_caller.ids = collected
    try:
        yield collected
    finally:
        _sent_by_caller.ids = previous


def notifications_send(ids: Sequence[int]) -> int:
    """Sends each queued notification of ``ids`` once, in order, over one connection to the mail
    server; never raises. Call it once the transaction that wrote them committed. Returns how many
    it sent. A row that is gone, sent already, or from a rolled-back transaction is skipped.

    An email the server fails is recorded on its row and retried by a task with backoff; the
    connection is not reused (the server may have dropped it). After two failures in a row the
    server is taken to be down: the emails not tried yet are not each held up to EMAIL_TIMEOUT,
    but go with the last failed one into one task, due at its retry (each hand-off records an
    attempt, so a server that stays down ends with the rows failed, not with tasks forever)."""
    if not ids:
        return 0
    mail_connection: Any = get_mail_connection()
    sent = failures_in_a_row = 0
    try:
        for index, pk in enumerate(ids):
            try:
                sent += notification_send(notification_id=pk, mail_connection=mail_connection) == SEND_SENT
                failures_in_a_row = 0
            except Exception:  # recorded on the row by notification_send
                failures_in_a_row += 1
                delay = retry_after(notification_id=pk)
                logger.warning("notification %s not sent (%s)", pk, "retrying" if delay else "given up", exc_info=True)
                with suppress(Exception):
                    mail_connection.close()
                mail_connection = get_mail_connection()  # the next email opens a connection of its own
                untried = list(ids[index + 1 :])
                if failures_in_a_row >= 2 and untried:
                    batch = [pk, *untried] if delay is not None else untried
                    wait = delay if delay is not None else retry_delay(1)
                    # Due with the retry, so the beat re-drive does not send them before it; and
                    # still queued in the outbox if the task cannot be sent: the re-drive sends them.
                    Notification.objects.filter(pk__in=untried, status=S.QUEUED).update(
                        next_attempt_at=timezone.now() + timedelta(seconds=wait)
                    )
                    enqueue_in(_send_task(), wait, *batch)
                    logger.warning("the mail server failed twice in a row: %d emails wait for one retry", len(batch))
                    return sent
                if delay is not None:
                    enqueue_in(_send_task(), delay, pk)
        return sent
    finally:
        with suppress(Exception):
            mail_connection.close()


def retry_after(*, notification_id: int) -> int | None:
    """Seconds before the next try of a notification still queued after a failed send; None for
    one given up on (or gone)."""
    row = Notification.objects.filter(pk=notification_id).values("status", "attempts").first()
    if row is None or row["status"] != S.QUEUED:
        return None
    return retry_delay(row["attempts"])


# The longest a retry waits. Its task is a message held unacknowledged by a worker (acks_late) until
# it ran: this plus the task's hard time limit (90 s) stays under the broker's visibility timeout
# (CELERY_VISIBILITY_TIMEOUT, 720 s), else Redis delivers it to a second worker too.
# NOTIFICATION_MAX_ATTEMPTS sets how long a failing email is retried in all (12: about 75 minutes).
RETRY_DELAY_MAX = 600
# A task may run this much before its row's next attempt (the clocks of the host that scheduled
# it and of the worker); a row due later is waiting for its retry, and the task is a duplicate.
_EARLY = timedelta(seconds=5)


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failures: 30 s, 1 min, 2 min … capped at 10 min."""
    return min(30 * int(2 ** max(attempts - 1, 0)), RETRY_DELAY_MAX)


class _Email(EmailMultiAlternatives):
    """An email whose MIME boundary is chosen when its message is built. Left unset, the email
    package chooses one while writing the message out, and searches all of its text for it with
    a regular expression compiled anew for each email: ~0.2 of the ~0.9 ms an email's MIME costs
    the worker (bench/README.md, issue #18). 128 random bits cannot occur in the text by chance."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        message = super().message(*args, **kwargs)
        if message.is_multipart() and message.get_boundary() is None:
            message.set_boundary(f"==============={secrets.token_hex(16)}==")
        return message


def _message(notification: Notification, mail_connection: Any = None) -> EmailMultiAlternatives:
    rendered = render(notification.template, notification.context)
    message = _Email(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to],
        connection=mail_connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


_SENDING = ("id", "template", "to", "context", "status", "attempts", "forget_after_send", "next_attempt_at")


def _locked(notification_id: int) -> QuerySet[Notification, dict[str, Any]]:
    rows: QuerySet[Notification, dict[str, Any]] = (
        Notification.objects.select_for_update().filter(pk=notification_id).values(*_SENDING)
    )
    return rows


# Each email locks its row and marks it sent in a transaction of its own: the two statements
# are compiled once (the ORM building them cost more than the rest of the send but the MIME).
_LOCKED = PreparedValues(_locked, notification_id=int)
_MARK_SENT = (
    f"UPDATE {Notification._meta.db_table} SET status = %s, sent_at = %s, attempts = %s, last_error = '' "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
    "WHERE id = %s"
)


def notification_send(*, notification_id: int, mail_connection: Any = None) -> str:
    """Sends a queued notification once (over ``mail_connection``, if given: opened here if it is
    not, and left open; a failure to open it is a failed send).
    Returns "sent", "skipped" (not queued any more, gone, or waiting for a retry not due yet: a
    second copy of a task) or "failed" (a permanent failure, recorded). A transient failure (the mail server) is recorded on the row and raised, for the
    task to retry."""
    try:
        with transaction.atomic():
            row = _LOCKED.first(notification_id=notification_id)
            if row is None or row["status"] != S.QUEUED:
                return SEND_SKIPPED
            if row["next_attempt_at"] > timezone.now() + _EARLY:
                # A failed try before this one scheduled the retry that sends it: a duplicate of
                # a task (re-delivered by the broker) would spend one of its attempts early.
                return SEND_SKIPPED
            notification = loaded(Notification, row)
            try:
                message = _message(notification, mail_connection)
            except (TemplateDoesNotExist, TemplateSyntaxError, registry.UnknownTemplate) as exc:
                _record_failure(notification, exc, permanent=True)
                logger.error("notification %s cannot be rendered: %s", notification.pk, exc)
                return SEND_FAILED
            if mail_connection is not None:
                mail_connection.open()  # kept open for the next email (a no-op once open)
            message.send()
            # Marked sent in the transaction that sent it: a redelivered task finds it sent.
            if notification.forget_after_send:
                Notification.objects.filter(pk=notification.pk).update(
                    status=S.SENT,
                    sent_at=timezone.now(),
                    attempts=notification.attempts + 1,
                    last_error="",
                    to=ERASED_RECIPIENT,
                    context={},
                )
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_MARK_SENT, [S.SENT, timezone.now(), notification.attempts + 1, notification.pk])
            return SEND_SENT
    except Exception as exc:
        # The transaction above rolled back (nothing marked sent); record the attempt apart.
        with transaction.atomic():
            locked = Notification.objects.select_for_update().filter(pk=notification_id, status=S.QUEUED).first()
            if locked is not None:
                _record_failure(locked, exc, permanent=False)
        raise


def _record_failure(notification: Notification, exc: Exception, *, permanent: bool) -> None:
    attempts = notification.attempts + 1
    failed = permanent or attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
    Notification.objects.filter(pk=notification.pk).update(
        attempts=attempts,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        status=S.FAILED if failed else S.QUEUED,
        next_attempt_at=timezone.now() + timedelta(seconds=retry_delay(attempts)),
    )


def notifications_redrive(*, now: datetime | None = None) -> int:
    """Re-sends the task of queued notifications whose task was lost: due for more than
    NOTIFICATION_REDRIVE_AFTER_SECONDS. Sending twice is harmless (the row lock and status check
    send once). Returns how many it re-sent."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.NOTIFICATION_REDRIVE_AFTER_SECONDS)
    ids = list(
        Notification.objects.filter(status=S.QUEUED, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    task = _send_task()
    for pk in ids:
        enqueue_on_commit(task, pk)  # outside a transaction: sent at once, never raises
    return len(ids)


def notification_retry(*, notification: Notification) -> bool:
    """Staff: queue a failed notification again (from the admin). Returns whether it was failed."""
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, status=S.FAILED).update(
            status=S.QUEUED, next_attempt_at=timezone.now(), last_error=""
        )
        if updated:
            enqueue_on_commit(_send_task(), notification.pk)
    return bool(updated)


def notifications_forget_recipient(*, email: str, replacement: str, order_numbers: Sequence[str] | None = None) -> int:
    """Erases an address from the outbox (account deletion): rows to ``email`` keep their
    template, status and dates, but are addressed to ``replacement`` with an empty context.
    Queued ones are dropped from sending (failed). With ``order_numbers``, only the rows about
    those orders (their context's ``order_number``): an order's own contact address may receive
    others' mail too. Returns how many rows it changed."""
    with transaction.atomic():
        rows = Notification.objects.filter(to__iexact=email)
        if order_numbers is not None:
            rows = rows.filter(context__order_number__in=list(order_numbers))
        rows.filter(status=S.QUEUED).update(status=S.FAILED, last_error="recipient erased")
        return rows.update(to=replacement, context={})


def notifications_redact(*, templates: Sequence[str], where: str, among: Sequence[Any], fields: Sequence[str]) -> int:
    """Blanks ``fields`` in the context of the outbox rows of ``templates`` whose context's
    ``where`` is one of ``among`` (a deleted person's words quoted in emails to someone else: a
    return's reason, to its vendor). The rows keep their recipient, status and the rest of their
    context. Returns how many rows it changed."""
    if not among:
        return 0
    changed = 0
    with transaction.atomic():
        rows = Notification.objects.select_for_update().filter(
            template__in=templates, **{f"context__{where}__in": list(among)}
        )
        for row in rows.order_by("pk"):
            context = row.context if isinstance(row.context, dict) else {}
            if any(context.get(field) for field in fields):
                row.context = {**context, **{field: "" for field in fields if field in context}}
                row.save(update_fields=["context"])
                changed += 1
    return changed
