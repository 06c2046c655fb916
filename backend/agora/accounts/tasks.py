"""Account work on the `default` queue: tasks take ids and call services."""

from celery import shared_task

from agora.core.tasks_util import RETRYING


@shared_task(
    name="agora.accounts.tasks.data_export_build",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=300,  # not reached: 10, 20, 40, 80, 160 s
    max_retries=5,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def data_export_build(export_id: int) -> str:
    """Prepare a person's data export and email them the link."""
    from agora.accounts.services import data_export_build as build

    return build(export_id=export_id)


@shared_task(name="agora.accounts.tasks.password_reset_send", **RETRYING, soft_time_limit=30, time_limit=60)
def password_reset_send(email: str, request_id: str) -> bool:
    """Email a reset link if an active account uses the address (the API answered already)."""
    from agora.accounts.services import password_reset_email

    return password_reset_email(email=email, request_id=request_id)


@shared_task(name="agora.accounts.tasks.tokens_flush_expired", ignore_result=True, soft_time_limit=240, time_limit=300)
def tokens_flush_expired() -> int:
    """Beat: delete expired refresh tokens and their revocations."""
    from agora.accounts.services import tokens_flush_expired as flush

    return flush()


@shared_task(name="agora.accounts.tasks.data_exports_cleanup", ignore_result=True, soft_time_limit=240, time_limit=300)
def data_exports_cleanup() -> int:
    """Beat: delete data export files past DATA_EXPORT_TTL_DAYS."""
    from agora.accounts.services import data_exports_cleanup as cleanup

    return cleanup()
