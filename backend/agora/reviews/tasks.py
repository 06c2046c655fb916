from celery import shared_task


@shared_task(
    name="agora.reviews.tasks.photo_thumbnail",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=60,  # not reached: 1, 2, 4, 8, 16 s (Celery's default cap is 600 s)
    max_retries=5,
)
def photo_thumbnail(photo_id: int) -> None:
    """Makes the WebP thumbnail of one review photo (``media`` queue)."""
    from agora.reviews.services import photo_make_thumbnail

    photo_make_thumbnail(photo_id=photo_id)
