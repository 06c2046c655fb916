"""The notification outbox: recorded in the caller's transaction, sent once by the worker,
retried with backoff, re-driven by beat, previewable by staff."""

import ast
import email
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from agora.notifications import registry
from agora.notifications.errors import OutsideTransaction
from agora.notifications.models import DELETED_ACCOUNT_DOMAIN, ERASED_RECIPIENT, Notification
from agora.notifications.rendering import render
from agora.notifications.services import (
    Outgoing,
    notification_enqueue,
    notification_retry,
    notification_send,
    notifications_enqueue,
    notifications_forget_recipient,
    notifications_redrive,
    notifications_send,
)
from testing.worker import broker_unreachable, wait_for

HERE = Path(__file__).resolve().parent


@pytest.fixture
def test_templates(settings):
    """Registers `outbox_test` (and a broken one) with templates from this folder."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [HERE / "templates"]}]
    registry.register("outbox_test", sample={"name": "Sam", "code": "1234"}, description="test")
    registry.register("outbox_broken", sample={}, description="test")
    yield
    registry._templates.pop("outbox_test", None)
    registry._templates.pop("outbox_broken", None)


def _enqueue(key="k1", to="sam@example.com", template="outbox_test", **context):
    with transaction.atomic():
        return notification_enqueue(template=template, to=to, context={"name": "Sam", "code": "42", **context}, key=key)


@pytest.fixture
def send_tasks(monkeypatch) -> list[tuple[tuple, dict]]:
    """The send tasks queued, as (args, options), instead of reaching the broker."""
    from agora.notifications.tasks import notification_send as task

    queued: list[tuple[tuple, dict]] = []
    monkeypatch.setattr(task, "apply_async", lambda args=(), kwargs=None, **opts: queued.append((tuple(args), opts)))
    return queued


def _mail_server_failing_for(monkeypatch, to: str, error: Exception) -> list[int]:
    """The test mail backend fails sending to ``to`` with ``error``; returns the list of the
    connections (ids of the backend objects) used for each send, in order."""
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    used: list[int] = []

    def send_messages(self, messages):
        used.append(id(self))
        if messages[0].to == [to]:
            raise error
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return used


@pytest.mark.django_db
def test_enqueue_writes_a_row_and_sends_its_task_on_commit(test_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = _enqueue()
        duplicate = _enqueue()
    assert first is not None and first.status == "queued"
    assert duplicate is None, "a duplicate key writes nothing"
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1, "one task per written row, scheduled on commit"


@pytest.mark.django_db
def test_a_rolled_back_cause_leaves_no_email(test_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(template="outbox_test", to="a@example.com", context={}, key="rb")
        raise RuntimeError("the cause failed")
    assert not Notification.objects.exists() and callbacks == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_run_outside_a_transaction(test_templates):
    with pytest.raises(OutsideTransaction):
        notification_enqueue(template="outbox_test", to="a@example.com", context={}, key="x")


@pytest.mark.django_db
def test_an_unknown_template_is_refused_at_enqueue():
    with pytest.raises(registry.UnknownTemplate), transaction.atomic():
        notification_enqueue(template="no_such_email", to="a@example.com", context={}, key="x")


@pytest.mark.django_db
def test_nothing_is_queued_to_an_erased_recipient(test_templates, django_capture_on_commit_callbacks):
    # a deleted account's placeholder (its orders keep it) and the address of a forgotten email
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        skipped = [
            notification_enqueue(template="outbox_test", to=to, context={}, key=f"erased:{to}")
            for to in (
                f"deleted-7@{DELETED_ACCOUNT_DOMAIN}",
                f"Deleted-8@{DELETED_ACCOUNT_DOMAIN.upper()}",
                ERASED_RECIPIENT,
            )
        ]
        written = notifications_enqueue(
            [
                Outgoing("outbox_test", f"deleted-7@{DELETED_ACCOUNT_DOMAIN}", {}, "together:erased"),
                Outgoing("outbox_test", "sam@example.com", {}, "together:sam"),
            ]
        )
    assert skipped == [None, None, None]
    assert written[0] is None and written[1] is not None
    assert list(Notification.objects.values_list("to", flat=True)) == ["sam@example.com"]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_send_delivers_subject_text_and_html_once(test_templates):
    n = _enqueue()
    assert notification_send(notification_id=n.pk) == "sent"
    assert notification_send(notification_id=n.pk) == "skipped", "a redelivered task sends nothing"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@example.com"]
    assert message.subject == "Hello Sam & welcome"
    assert "your code is 42 & more." in message.body, "text parts are not HTML-escaped"
    assert isinstance(message, EmailMultiAlternatives), "an HTML part beside the text"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and isinstance(html, str) and "<b>42</b>" in html
    n.refresh_from_db()
    assert n.status == "sent" and n.sent_at is not None and n.attempts == 1


@pytest.mark.django_db
def test_each_email_is_a_well_formed_multipart_with_a_boundary_of_its_own(test_templates):
    """The boundary is set when the message is built (so writing it out searches no text for one)."""
    first, second = _enqueue(), _enqueue(key="welcome-2")
    for n in (first, second):
        assert notification_send(notification_id=n.pk) == "sent"
    built = [m.message() for m in mail.outbox]
    boundaries = [m.get_boundary() for m in built]
    assert all(boundaries) and len(set(boundaries)) == 2
    parsed = email.message_from_bytes(built[0].as_bytes())
    whole, *parts = parsed.walk()
    assert whole.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    html = parts[1].get_payload(decode=True)
    assert isinstance(html, bytes) and b"<b>42</b>" in html


@pytest.mark.django_db
def test_a_failing_mail_server_is_recorded_and_retried_until_it_gives_up(test_templates, settings, monkeypatch):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    n = _enqueue()

    def down(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    before = timezone.now()
    with pytest.raises(ConnectionRefusedError):
        notification_send(notification_id=n.pk)
    n.refresh_from_db()
    assert n.status == "queued" and n.attempts == 1 and "SMTP down" in n.last_error
    assert n.next_attempt_at >= before + timedelta(seconds=25), "backoff before the next try"
    assert notification_send(notification_id=n.pk) == "skipped", "not before its retry is due"
    for _ in range(2):
        _due(n)
        with pytest.raises(ConnectionRefusedError):
            notification_send(notification_id=n.pk)
    n.refresh_from_db()
    assert n.status == "failed" and n.attempts == 3
    # staff send it again from the admin once the server is back
    monkeypatch.undo()
    assert notification_retry(notification=n) is True
    assert notification_send(notification_id=n.pk) == "sent" and len(mail.outbox) == 1


def _due(*notifications: Notification) -> None:
    """The countdown of their retry has passed."""
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_every_retry_waits_less_than_the_broker_visibility_timeout_and_together_over_an_hour(
    test_templates, settings, monkeypatch, send_tasks
):
    """Redis re-delivers a message held unacknowledged (acks_late) for CELERY_VISIBILITY_TIMEOUT:
    a retry parked for longer is held by two workers and runs twice."""
    _mail_server_failing_for(monkeypatch, "sam@example.com", ConnectionRefusedError("SMTP down"))
    countdowns = []
    for attempts in range(settings.NOTIFICATION_MAX_ATTEMPTS - 1):
        n = _enqueue(key=f"retry-{attempts}")
        assert n is not None
        Notification.objects.filter(pk=n.pk).update(attempts=attempts)
        send_tasks.clear()
        notifications_send([n.pk])
        countdowns += [opts["countdown"] for _, opts in send_tasks]
    assert len(countdowns) == settings.NOTIFICATION_MAX_ATTEMPTS - 1, "each failed try but the last is retried"
    too_long = [c for c in countdowns if c >= settings.CELERY_VISIBILITY_TIMEOUT]
    assert not too_long, f"retries parked beyond the visibility timeout ({settings.CELERY_VISIBILITY_TIMEOUT} s)"
    assert sum(countdowns) >= 3600, "a mail server down for an hour loses no email"


@pytest.mark.django_db
def test_a_second_delivery_of_a_retry_costs_no_attempt(test_templates, monkeypatch, send_tasks):
    # given an email whose 6th try is due, and a mail server still down
    _mail_server_failing_for(monkeypatch, "sam@example.com", ConnectionRefusedError("SMTP down"))
    n = _enqueue()
    assert n is not None
    Notification.objects.filter(pk=n.pk).update(attempts=5)
    # when its retry task runs, and a copy of it (re-delivered by the broker) runs too
    notifications_send([n.pk])
    assert notifications_send([n.pk]) == 0
    # then the copy found the email waiting for its next retry: one attempt, one retry scheduled
    n.refresh_from_db()
    assert n.status == "queued" and n.attempts == 6
    assert [args for args, _ in send_tasks] == [(n.pk,)]


@pytest.mark.django_db
def test_a_template_that_does_not_render_fails_at_once(test_templates):
    n = _enqueue(template="outbox_broken")
    assert notification_send(notification_id=n.pk) == "failed"
    n.refresh_from_db()
    assert n.status == "failed" and n.attempts == 1 and "TemplateSyntaxError" in n.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_redrive_resends_only_overdue_queued_rows(test_templates, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_REDRIVE_AFTER_SECONDS = 120
    overdue, fresh, sent = _enqueue(key="a"), _enqueue(key="b"), _enqueue(key="c")
    Notification.objects.filter(pk__in=[overdue.pk, sent.pk]).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    Notification.objects.filter(pk=sent.pk).update(status="sent")
    with django_capture_on_commit_callbacks() as sent_tasks:
        assert notifications_redrive() == 1, "only the overdue queued row, not the fresh or the sent one"
    assert len(sent_tasks) == 1
    assert Notification.objects.get(pk=fresh.pk).status == "queued"


@pytest.mark.django_db
def test_forgetting_a_recipient_erases_address_and_context(test_templates):
    n = _enqueue(to="Gone@Example.com")
    other = _enqueue(key="k2", to="stay@example.com")
    assert notifications_forget_recipient(email="gone@example.com", replacement="deleted-1@deleted.invalid") == 1
    n.refresh_from_db()
    other.refresh_from_db()
    assert n.to == "deleted-1@deleted.invalid" and n.context == {} and n.status == "failed"
    assert other.to == "stay@example.com" and other.context


# --- staff preview -------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_preview_every_registered_template_and_stored_notifications(client, test_templates, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/notifications/notification/templates/")
    assert listing.status_code == 200
    for template in registry.all_templates():
        assert template.name in listing.content.decode()
        page = client.get(f"/admin/notifications/notification/templates/{template.name}/")
        assert page.status_code == 200, template.name
        if template.name == "outbox_broken":
            assert "does not render" in page.content.decode()
            continue
        assert "notification-text" in page.content.decode(), f"{template.name} has no text preview"
        html = client.get(f"/admin/notifications/notification/templates/{template.name}/html/")
        assert html.status_code == 200 and b"<html" in html.content, template.name
        assert "sandbox" in html["Content-Security-Policy"]
    stored = _enqueue(name="Stored Person")
    page = client.get(f"/admin/notifications/notification/{stored.pk}/preview/")
    assert page.status_code == 200 and "Stored Person" in page.content.decode()
    html = client.get(f"/admin/notifications/notification/{stored.pk}/preview/html/")
    assert "Stored Person" in html.content.decode()


class _Links(HTMLParser):
    """The links of an email's HTML part: its hrefs."""

    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.add(href)


# The frame every HTML part shares (notifications/base.html) ends with a link to the site; the
# text parts have no frame.
_FOOTER = "You receive this email because of your account at"


def html_links(html: str) -> set[str]:
    parser = _Links()
    parser.feed(html.split(_FOOTER)[0])
    return parser.links


def text_links(text: str) -> set[str]:
    return {url.rstrip(".,;:)") for url in re.findall(r"https?://[^\s<>\"]+", text)}


@pytest.mark.parametrize("name", [t.name for t in registry.all_templates()])
def test_the_text_and_html_parts_of_every_email_carry_the_same_links(name):
    # each registered email, rendered with the sample the staff preview renders it with
    rendered = render(name, registry.get(name).sample)
    assert html_links(rendered.html) == text_links(rendered.text)


@pytest.mark.django_db
def test_the_preview_is_for_staff_only(client, user, test_templates):
    client.force_login(user)
    r = client.get("/admin/notifications/notification/templates/outbox_test/html/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]


def test_the_notifications_app_depends_only_on_core():
    package = HERE.parent
    for path in package.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name.startswith("agora."):
                    assert name.startswith(("agora.core", "agora.notifications")), f"{path.name} imports {name}"


# --- the real worker -----------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_notification_once_even_when_the_task_is_delivered_twice(celery_worker):
    from agora.notifications.tasks import notification_send as task

    logged = celery_worker.output().count("agora.notifications.tasks.notification_send[")  # earlier tests' lines
    with transaction.atomic():
        n = notification_enqueue(
            template="password_reset",
            to="twice@example.com",
            context={"first_name": "T", "reset_url": "https://x/r", "valid_hours": 24},
            key="worker-twice",
        )
        assert n is not None, "a new key is enqueued"
    task.delay(n.pk)  # a redelivery, as after a crash
    wait_for(lambda: Notification.objects.get(pk=n.pk).status == "sent", message="the worker to send it")
    wait_for(
        lambda: celery_worker.output().count("agora.notifications.tasks.notification_send[") >= logged + 4,
        message="both deliveries to finish (received and succeeded each)",
    )
    n.refresh_from_db()
    assert n.attempts == 1, "sent once: the second delivery found it sent"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_broker_down_at_commit_then_beat_redrive_sends_it(celery_worker, settings, caplog):
    with broker_unreachable(), transaction.atomic():
        n = notification_enqueue(
            template="email_verification",
            to="lost@example.com",
            context={"first_name": "L", "email": "lost@example.com", "verify_url": "https://x/v"},
            key="worker-lost",
        )
        assert n is not None, "a new key is enqueued"
    assert "could not enqueue agora.notifications.tasks.notification_send" in caplog.text
    assert Notification.objects.get(pk=n.pk).status == "queued"

    settings.NOTIFICATION_REDRIVE_AFTER_SECONDS = 0
    assert notifications_redrive() == 1
    wait_for(lambda: Notification.objects.get(pk=n.pk).status == "sent", message="the re-driven send")
    assert notifications_redrive() == 0


@pytest.mark.django_db
def test_a_notification_can_forget_its_recipient_once_sent(test_templates):
    with transaction.atomic():
        n = notification_enqueue(
            template="outbox_test",
            to="bye@example.com",
            context={"name": "B", "code": "1"},
            key="bye",
            forget_after_send=True,
        )
        assert n is not None, "a new key is enqueued"
    assert notification_send(notification_id=n.pk) == "sent"
    assert mail.outbox[0].to == ["bye@example.com"]
    n.refresh_from_db()
    assert n.to == "erased@erased.invalid" and n.context == {} and n.status == "sent"


# --- one task per transaction ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_notifications_of_one_transaction_share_one_task(
    test_templates, send_tasks, django_capture_on_commit_callbacks
):
    from agora.notifications.tasks import notification_send as task

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = notification_enqueue(template="outbox_test", to="a@example.com", context={"name": "A"}, key="t-a")
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint that rolls back
            lost = notification_enqueue(template="outbox_test", to="x@example.com", context={"name": "X"}, key="t-x")
            raise RuntimeError
        second = notification_enqueue(template="outbox_test", to="b@example.com", context={"name": "B"}, key="t-b")
    assert first is not None and lost is not None and second is not None
    # one task, sent once after commit (ids of earlier rolled-back transactions, as every
    # earlier test's, ride along and are skipped: their rows do not exist)
    assert len(send_tasks) == 1 and send_tasks[0][0][-3:] == (first.pk, lost.pk, second.pk)
    # The worker sends what committed, in order, and skips the row the savepoint took back.
    task.apply(args=send_tasks[0][0])
    assert [m.to for m in mail.outbox] == [["a@example.com"], ["b@example.com"]]
    assert not Notification.objects.filter(pk=lost.pk).exists()
    assert Notification.objects.filter(status="sent").count() == 2
    # A later transaction gets a task of its own
    with django_capture_on_commit_callbacks() as later:
        third = _enqueue(key="t-c")
    assert len(later) == 1 and third is not None


@pytest.mark.django_db
def test_one_failing_notification_does_not_hold_back_the_others_of_its_task(test_templates, monkeypatch, send_tasks):
    from agora.notifications.tasks import notification_send as task

    a, b, c = (_enqueue(key=f"f-{n}", to=f"{n}@example.com") for n in "abc")
    assert a is not None and b is not None and c is not None
    used = _mail_server_failing_for(monkeypatch, "b@example.com", ConnectionRefusedError("mailbox server down"))
    task.apply(args=(a.pk, b.pk, c.pk))
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "c@example.com"]
    b.refresh_from_db()
    assert b.status == "queued" and b.attempts == 1 and "mailbox server down" in b.last_error
    assert send_tasks == [((b.pk,), {"countdown": 30})], "b alone is retried, after its backoff"
    assert used[0] == used[1], "the task's emails share its connection (until one fails)"


@pytest.mark.django_db
def test_emails_sent_together_share_a_connection_until_the_server_drops_it(test_templates, monkeypatch, send_tasks):
    # given three queued emails, and a mail server that drops the connection while sending b's
    from smtplib import SMTPServerDisconnected

    a, b, c = (_enqueue(key=f"d-{n}", to=f"{n}@example.com") for n in "abc")
    assert a is not None and b is not None and c is not None
    used = _mail_server_failing_for(monkeypatch, "b@example.com", SMTPServerDisconnected("Connection closed"))

    # when they are sent together
    assert notifications_send([a.pk, b.pk, c.pk]) == 2

    # then a and b went over one connection, c over a new one, and b alone waits for its retry
    assert used[0] == used[1] and used[2] != used[1]
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "c@example.com"]
    b.refresh_from_db()
    assert b.status == "queued" and b.attempts == 1
    assert send_tasks == [((b.pk,), {"countdown": 30})]


@pytest.mark.django_db
def test_a_task_sends_all_its_emails_over_one_connection(test_templates, monkeypatch):
    from agora.notifications.tasks import notification_send as task

    a, b, c = (_enqueue(key=f"one-{n}", to=f"{n}@example.com") for n in "abc")
    assert a is not None and b is not None and c is not None
    used = _mail_server_failing_for(monkeypatch, "nobody@example.com", RuntimeError("unused"))
    task.apply(args=(a.pk, b.pk, c.pk))
    assert [m.to[0] for m in mail.outbox] == ["a@example.com", "b@example.com", "c@example.com"]
    assert len(used) == 3 and len(set(used)) == 1, "one connection to the mail server for the task's three emails"


@pytest.mark.django_db
def test_a_mail_server_that_is_down_costs_two_tries_and_the_other_emails_wait_for_the_retry_together(
    test_templates, settings, send_tasks
):
    # given four queued emails, and a mail server that refuses connections
    import socket

    from agora.notifications.tasks import notification_send as task

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: each connection is refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    a, b, c, d = (_enqueue(key=f"down-{n}", to=f"{n}@example.com") for n in "abcd")
    assert a is not None and b is not None and c is not None and d is not None

    # when they are sent together
    assert notifications_send([a.pk, b.pk, c.pk, d.pk]) == 0

    # then a and b were tried and recorded, c and d were not tried, and one task carries b, c
    # and d to b's retry (a is retried on its own)
    def attempts() -> list[int]:
        return [Notification.objects.get(pk=n.pk).attempts for n in (a, b, c, d)]

    assert attempts() == [1, 1, 0, 0]
    assert "refused" in Notification.objects.get(pk=b.pk).last_error.lower()
    assert send_tasks == [((a.pk,), {"countdown": 30}), ((b.pk, c.pk, d.pk), {"countdown": 30})]
    settings.NOTIFICATION_REDRIVE_AFTER_SECONDS = 0
    send_tasks.clear()
    assert notifications_redrive() == 0, "the beat re-drive leaves them to that retry"

    # when that task runs and the server is still down: b (its 2nd try) and c fail, d waits on
    send_tasks.clear()
    _due(b, c, d)
    task.apply(args=(b.pk, c.pk, d.pk))
    assert attempts() == [1, 2, 1, 0]
    assert send_tasks == [((b.pk,), {"countdown": 60}), ((c.pk, d.pk), {"countdown": 30})]

    # when the server is back, the next task sends what it carries
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _due(c, d)
    task.apply(args=(c.pk, d.pk))
    assert [m.to[0] for m in mail.outbox] == ["c@example.com", "d@example.com"]
    assert Notification.objects.get(pk=d.pk).status == "sent"


@pytest.mark.django_db
def test_emails_enqueued_together_skip_only_the_keys_already_written(
    test_templates, django_assert_num_queries, send_tasks, django_capture_on_commit_callbacks
):

    def emails(*keys: str) -> list[Outgoing]:
        return [Outgoing("outbox_test", f"{key}@example.com", {"name": key}, key) for key in keys]

    # Three new emails of one change: one INSERT (in its savepoint)
    with transaction.atomic(), django_assert_num_queries(3):
        first = notifications_enqueue(emails("a", "b", "c"))
    assert all(row is not None and row.pk for row in first)
    # A second change repeating one key: the other two are still written, the repeat is not
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        second = notifications_enqueue(emails("d", "b", "e"))
    assert [row is None for row in second] == [False, True, False]
    # one send task after commit, carrying each new row once
    d, _, e = second
    assert d is not None and e is not None
    assert len(send_tasks) == 1 and send_tasks[0][0][-2:] == (d.pk, e.pk) and send_tasks[0][0].count(d.pk) == 1
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["a", "b", "c", "d", "e"]
    deliver = list(Notification.objects.filter(key="b").values_list("to", flat=True))
    assert deliver == ["b@example.com"]


@pytest.mark.django_db
def test_a_mail_server_that_stops_answering_fails_the_send_after_the_timeout_and_it_waits_for_a_retry(
    test_templates, settings, send_tasks
):
    # given a mail server that accepts the connection and then says nothing
    import socket
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(server.accept()[0]), daemon=True).start()

    def hang_up_later() -> None:  # a send without a timeout fails the test instead of hanging it
        time.sleep(15)
        for sock in [server, *held]:
            sock.close()

    threading.Thread(target=hang_up_later, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    notification = _enqueue(key="silent-server")
    assert notification is not None
    # when the worker sends it
    started = time.monotonic()
    notifications_send([notification.pk])
    # then the send gave up after the timeout instead of holding the worker, and the email waits
    # in the outbox for its retry
    assert time.monotonic() - started < 5
    notification.refresh_from_db()
    assert notification.status == "queued" and notification.attempts == 1 and "timed out" in notification.last_error
    assert send_tasks == [((notification.pk,), {"countdown": 30})]


@pytest.mark.parametrize(
    "env,backend",
    [
        ({}, "agora.notifications.backends.NotConfiguredEmailBackend"),
        ({"EMAIL_URL": "not-configured"}, "agora.notifications.backends.NotConfiguredEmailBackend"),
        ({"EMAIL_URL": "smtp+tls://agora:pw@smtp.example.com:587"}, "django.core.mail.backends.smtp.EmailBackend"),
        # a production-like stack on a laptop (docker compose) may still print its emails
        ({"EMAIL_URL": "consolemail://"}, "django.core.mail.backends.console.EmailBackend"),
        ({"DJANGO_ENV": "local"}, "django.core.mail.backends.console.EmailBackend"),
    ],
)
def test_production_without_a_mail_server_sends_and_logs_nothing(env, backend):
    from testing.deployment import PROD_ENV, printed_settings

    base = {k: v for k, v in PROD_ENV.items() if k != "EMAIL_URL"}
    r = printed_settings("EMAIL_BACKEND", env={**base, **env})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == backend


def test_check_deploy_warns_when_emails_reach_nobody():
    from testing.deployment import PROD_ENV, run_manage

    unset = {k: v for k, v in PROD_ENV.items() if k != "EMAIL_URL"}
    r = run_manage("check", "--deploy", "--fail-level", "WARNING", env=unset)
    assert r.returncode != 0 and "notifications.W001" in r.stderr and "EMAIL_URL is not set" in r.stderr
    r = run_manage("check", "--deploy", "--fail-level", "WARNING", env={**PROD_ENV, "EMAIL_URL": "consolemail://"})
    assert r.returncode != 0 and "writes emails to the console" in r.stderr


def test_check_deploy_warns_when_staff_emails_reach_nobody():
    """Disputed returns and late sub-orders are emailed to STAFF_NOTIFICATION_EMAILS only: with
    none, a shopper's dispute reaches nobody, silently."""
    from testing.deployment import PROD_ENV, printed_settings, run_manage

    unset = {k: v for k, v in PROD_ENV.items() if k != "STAFF_NOTIFICATION_EMAILS"}
    r = run_manage("check", "--deploy", "--fail-level", "WARNING", env=unset)
    assert r.returncode != 0 and "notifications.W002" in r.stderr and "STAFF_NOTIFICATION_EMAILS" in r.stderr
    # Terraform passes the list comma-joined
    r = printed_settings(
        "STAFF_NOTIFICATION_EMAILS", env={**PROD_ENV, "STAFF_NOTIFICATION_EMAILS": "a@x.example,b@x.example"}
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "['a@x.example', 'b@x.example']"


@pytest.mark.django_db
def test_without_a_mail_server_an_email_waits_in_the_outbox_until_one_is_set(
    test_templates, settings, caplog, send_tasks
):
    settings.EMAIL_BACKEND = "agora.notifications.backends.NotConfiguredEmailBackend"
    n = _enqueue(to="private@example.com", code="secret-code")
    with caplog.at_level("DEBUG"):
        assert notifications_send([n.pk]) == 0
    n.refresh_from_db()
    assert n.status == "queued" and n.attempts == 1 and "EMAIL_URL is not set" in n.last_error
    assert [args for args, _ in send_tasks] == [(n.pk,)], "retried later"
    assert "private@example.com" not in caplog.text and "secret-code" not in caplog.text
    # the mail server is set (the tasks restart with EMAIL_URL): the retry sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _due(n)
    assert notification_send(notification_id=n.pk) == "sent"
    assert [m.to for m in mail.outbox] == [["private@example.com"]]
