from celery import shared_task


@shared_task(
    name="agora.catalog.tasks.image_thumbnails",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=60,  # not reached: 1, 2, 4, 8, 16 s (Celery's default cap is 600 s)
    max_retries=5,
)
def image_thumbnails(image_id: int) -> None:
    """Makes the WebP thumbnail of one product image (``media`` queue)."""
    from agora.catalog.services import image_make_thumbnail

    image_make_thumbnail(image_id=image_id)


@shared_task(name="agora.catalog.tasks.import_run", ignore_result=True)
def import_run(import_id: int) -> None:
    """Runs one CSV import (``imports`` queue). Failures are recorded on the job, not retried."""
    from agora.catalog.services import import_run as run

    run(import_id=import_id)


@shared_task(name="agora.catalog.tasks.jobs_redrive", ignore_result=True, soft_time_limit=50, time_limit=60)
def jobs_redrive() -> dict[str, int]:
    """Beat: re-queue imports and thumbnails whose task was lost (broker down at commit, worker died)."""
    from agora.catalog.services.imports import catalog_jobs_redrive

    return catalog_jobs_redrive()
