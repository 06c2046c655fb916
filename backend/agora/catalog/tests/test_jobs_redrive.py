"""Jobs never hang: an import or a thumbnail whose task was never queued (the broker was down at
the moment of commit) or whose worker died is re-queued by beat, and runs once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agora.catalog.models import ImportJob, ProductImage, Variant
from agora.catalog.services.imports import catalog_jobs_redrive
from agora.catalog.tests.conftest import image_bytes, upload
from agora.catalog.tests.factories import ProductFactory
from agora.catalog.tests.test_imports import HEADER, post, run
from testing.worker import wait_for


def _refuse(*args, **kwargs):
    raise OSError("broker unreachable")


def _age(model, pk, seconds, field="created_at"):
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(seconds=seconds)})


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_import_and_a_thumbnail_lost_with_the_broker_are_run_by_the_redrive(
    worker_media, vendor_client, vendor, category, monkeypatch, settings
):
    # given an import and an image accepted while the broker was down: nothing reached a worker
    product = ProductFactory.create(vendor=vendor, category=category)
    with monkeypatch.context() as m:
        m.setattr("celery.app.task.Task.apply_async", _refuse)
        r = post(vendor_client, (HEADER + "\nRD-1,Redrive Lamp,Brass,12.00,3,home,,\n").encode())
        assert r.status_code == 202
        image = vendor_client.post(
            f"/api/v1/vendor/products/{product.pk}/images/", {"image": upload(image_bytes())}, format="multipart"
        )
        assert image.status_code == 201
    job_id, image_id = r.json()["id"], image.json()["id"]
    assert ImportJob.objects.get(pk=job_id).status == "queued"

    # a re-drive before the threshold leaves them alone (their task may merely be slow)
    settings.CATALOG_JOB_REDRIVE_AFTER_SECONDS = 300
    assert catalog_jobs_redrive() == {"imports": 0, "thumbnails": 0}

    # when beat's re-drive runs after the threshold, with the broker back
    _age(ImportJob, job_id, 301)
    _age(ProductImage, image_id, 301)
    assert catalog_jobs_redrive() == {"imports": 1, "thumbnails": 1}

    # then the worker runs both, and the next re-drive finds nothing to do
    wait_for(lambda: ImportJob.objects.get(pk=job_id).status == "succeeded", timeout=60, message="the import")
    wait_for(lambda: ProductImage.objects.get(pk=image_id).thumbnail, timeout=60, message="the thumbnail")
    assert Variant.objects.filter(vendor=vendor, sku="RD-1").count() == 1
    assert catalog_jobs_redrive() == {"imports": 0, "thumbnails": 0}


@pytest.mark.django_db
def test_a_running_import_is_restarted_only_when_its_worker_died(
    vendor_client, vendor, category, settings, sent_tasks, django_capture_on_commit_callbacks
):
    r = post(vendor_client, (HEADER + "\nHB-1,Heartbeat Lamp,Brass,12.00,3,home,,\n").encode())
    job = ImportJob.objects.get(pk=r.json()["id"])
    # a live run: a second task for the same job (a re-queue racing it) does nothing
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    assert run(job.pk).status == "running"
    assert not Variant.objects.filter(sku="HB-1").exists()
    assert catalog_jobs_redrive() == {"imports": 0, "thumbnails": 0}
    # its heartbeat stopped long ago: the worker died; the re-drive re-queues it and it runs
    _age(ImportJob, job.pk, settings.CATALOG_IMPORT_STALE_SECONDS + 1, field="heartbeat_at")
    with django_capture_on_commit_callbacks(execute=True):
        assert catalog_jobs_redrive()["imports"] == 1
    assert ("agora.catalog.tasks.import_run", (job.pk,)) in sent_tasks
    assert run(job.pk).status == "succeeded"
    assert Variant.objects.filter(sku="HB-1").count() == 1


@pytest.mark.django_db
def test_a_thumbnail_that_keeps_failing_is_re_queued_a_bounded_number_of_times(vendor, category, settings, sent_tasks):
    product = ProductFactory.create(vendor=vendor, category=category)
    image = ProductImage.objects.create(product=product, image="products/missing.png", width=1, height=1)
    _age(ProductImage, image.pk, settings.CATALOG_JOB_REDRIVE_AFTER_SECONDS + 1)
    runs = [catalog_jobs_redrive()["thumbnails"] for _ in range(settings.CATALOG_THUMBNAIL_MAX_REQUEUES + 2)]
    assert runs == [1] * settings.CATALOG_THUMBNAIL_MAX_REQUEUES + [0, 0]
