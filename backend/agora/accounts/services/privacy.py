"""A person's data: a JSON copy of everything the shop keeps about them (prepared on the worker,
link emailed), and deleting the account (personal data erased, accounting records kept)."""

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agora.accounts.errors import OrdersInProgress, WrongPassword
from agora.accounts.models import DataExport, User
from agora.accounts.services.sessions import user_sessions_revoke
from agora.core.privacy import providers
from agora.core.site import site_url
from agora.core.tasks_util import enqueue_on_commit
from agora.notifications.models import DELETED_ACCOUNT_DOMAIN
from agora.notifications.selectors import notifications_to
from agora.notifications.services import notification_enqueue, notifications_forget_recipient

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("agora.accounts")
E = DataExport.Status


def _build_task() -> "Task[[int], str]":
    from agora.accounts.tasks import data_export_build

    return data_export_build


def data_export_request(*, user: User) -> DataExport:
    """Queues a copy of the caller's data. While one is being prepared, asking again returns it."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per user
        pending = DataExport.objects.filter(user=user, status=E.QUEUED).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(user=user)
        enqueue_on_commit(_build_task(), export.pk)
        return export


def _personal_data(user: User) -> dict[str, Any]:
    data = {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email_verified": user.email_verified,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "addresses": [
            {
                "full_name": a.full_name,
                "line1": a.line1,
                "line2": a.line2,
                "city": a.city,
                "postal_code": a.postal_code,
                "country": a.country,
                "phone": a.phone,
                "is_default": a.is_default,
            }
            for a in user.addresses.all()
        ],
        # The mail sent to the address is the account's once it proved it owns the address: anyone
        # can sign up with someone else's (a guest's) and must not read or erase their mail.
        "emails": [
            {"template": n.template, "status": n.status, "created_at": n.created_at.isoformat()}
            for n in (notifications_to(email=user.email) if user.email_verified_at else [])
        ],
    }
    for provider in providers():
        data[provider.name] = provider.export(user)
    return data


def data_export_build(*, export_id: int) -> str:
    """Worker: writes the JSON file to private storage, marks the export ready and emails the
    link. Runs once per export (a redelivered task finds it no longer queued)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.status != E.QUEUED:
            return "skipped"
        user = export.user
        body = json.dumps(_personal_data(user), ensure_ascii=False, indent=2, default=str).encode()
        export.file.save(f"{uuid.uuid4().hex}.json", ContentFile(body), save=False)
        now = timezone.now()
        export.status = E.READY
        export.ready_at = now
        export.expires_at = now + timedelta(days=settings.DATA_EXPORT_TTL_DAYS)
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        notification_enqueue(
            template="data_export_ready",
            to=user.email,
            context={
                "first_name": user.first_name,
                "download_url": site_url("/account/privacy"),
                "valid_days": settings.DATA_EXPORT_TTL_DAYS,
            },
            key=f"data_export_ready:{export.pk}",
        )
    return "ready"


def _delete_file(export: DataExport) -> None:
    if export.file:
        name = str(export.file.name)
        # After the commit: a rolled-back deletion must not lose the file.
        transaction.on_commit(lambda: export.file.storage.delete(name))


def data_exports_cleanup(*, now: datetime | None = None) -> int:
    """Beat: deletes the files of exports past their expiry; returns how many it expired."""
    cutoff = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(status=E.READY, expires_at__lte=cutoff).order_by("pk")[:500]:
        with transaction.atomic():
            if DataExport.objects.filter(pk=export.pk, status=E.READY).update(status=E.EXPIRED, file="") == 1:
                _delete_file(export)
                expired += 1
    return expired


def deleted_email(user: User) -> str:
    """A deleted account's placeholder address (its orders keep it): the outbox queues nothing to it."""
    return f"deleted-{user.pk}@{DELETED_ACCOUNT_DOMAIN}"


def _refuse_unfinished_orders(user: User) -> None:
    """An order still to ship, or with a return still open, needs the address it would lose."""
    numbers = sorted({number for p in providers() if p.unfinished for number in p.unfinished(user)})
    if numbers:
        raise OrdersInProgress.naming(numbers)


def account_delete(*, user: User, password: str) -> None:
    """Deletes the caller's account once the password confirms it (account_erase)."""
    if not user.check_password(password):
        raise WrongPassword()
    account_erase(user=user)


def account_erase(*, user: User) -> None:
    """Deletes an account (the person's own request, or staff in the admin): every personal field
    is erased (name, email, addresses, cart, saved exports, the emails sent to a verified address,
    orders' contact and address) in one transaction, while orders, sub-orders and payments stay
    for the books. The account can no longer sign in and every session ends. A goodbye email goes
    to the old address and is then forgotten too. Refused (nothing erased) while an order is still
    to be delivered or has a return open (OrdersInProgress), or for a vendor's owner."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _refuse_unfinished_orders(user)
        old_email, first_name, owned_address = user.email, user.first_name, user.email_verified_at is not None
        replacement = deleted_email(user)
        for provider in providers():
            provider.erase(user, replacement)
        for export in DataExport.objects.filter(user=user):
            _delete_file(export)
        DataExport.objects.filter(user=user).delete()
        user.addresses.all().delete()
        if owned_address:  # an unverified account's address may be someone else's, with their mail
            notifications_forget_recipient(email=old_email, replacement=replacement)
        user.email = replacement
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.email_verified_at = None
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        user_sessions_revoke(user=user)
        notification_enqueue(
            template="account_deleted",
            to=old_email,
            context={"first_name": first_name},
            key=f"account_deleted:{user.pk}",
            forget_after_send=True,
        )
    logger.info("account %s deleted and anonymised", user.pk)
