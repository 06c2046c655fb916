"""The indexing pipeline: outbox, one task per transaction, reconciler, rebuild command."""

import sys
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.search import selectors
from agora.search.indexing import products_changed
from agora.search.models import IndexedProduct, PendingIndex, SearchDocument
from agora.search.services import drifted_product_ids, index_pending_products, search_rebuild, search_reconcile
from agora.search.tasks import index_pending
from agora.search.types import PageRequest, SearchFilters
from agora.vendors.models import Vendor

pytestmark = pytest.mark.django_db


def found(q):
    return [
        r["slug"]
        for r in selectors.search_products(query=q, filters=SearchFilters(), ordering=None, page=PageRequest()).results
    ]


def test_changes_in_one_transaction_queue_every_product_and_send_one_task(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(index_pending, "apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        products_changed([3, 1, 2, 3])
        products_changed([4])
        products_changed([])
    assert sorted(PendingIndex.objects.values_list("product_id", flat=True)) == [1, 2, 3, 4]
    send.assert_called_once_with(args=(), kwargs={})


def test_a_dead_broker_loses_nothing_the_reconciler_indexes_it(django_capture_on_commit_callbacks):
    # Given the broker refuses the task
    with (
        mock.patch.object(index_pending, "apply_async", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        product = ProductFactory.create(name="Walnut Cutting Board")
    # Then the change is still recorded
    assert PendingIndex.objects.filter(product_id=product.pk).exists()
    assert found("walnut") == []
    # When the beat reconciler runs
    search_reconcile()
    # Then it is searchable and the outbox is empty
    assert found("walnut") == [product.slug]
    assert not PendingIndex.objects.exists()


def test_draining_indexes_public_products_removes_hidden_ones_and_keeps_the_ledger():
    public = ProductFactory.create(name="Linen Apron")
    hidden = ProductFactory.create(name="Linen Napkin")
    index_pending_products()
    assert set(SearchDocument.objects.values_list("product_id", flat=True)) == {public.pk, hidden.pk}
    # When one is archived and reported
    Product.objects.filter(pk=hidden.pk).update(status=Product.Status.ARCHIVED)
    products_changed([hidden.pk])
    assert index_pending_products() == 1
    # Then its document and ledger row are gone, the other's stay
    assert list(SearchDocument.objects.values_list("product_id", flat=True)) == [public.pk]
    assert list(IndexedProduct.objects.values_list("product_id", flat=True)) == [public.pk]
    assert not PendingIndex.objects.exists()


def test_a_change_queued_while_its_batch_is_indexed_is_not_lost():
    product = ProductFactory.create(name="Copper Kettle")
    from agora.search.backends.postgres import PostgresBackend

    original = PostgresBackend.index
    calls = []

    def index_and_change_again(self, ids, **kwargs):
        calls.append(list(ids))
        result = original(self, ids, **kwargs)
        if len(calls) == 1:
            # a newer change lands while the first batch is being indexed
            Product.objects.filter(pk=product.pk).update(name="Copper Tea Kettle")
            products_changed([product.pk])
        return result

    with mock.patch.object(PostgresBackend, "index", index_and_change_again):
        index_pending_products()
    # The re-queued row survived the first batch's delete and was indexed by the next one
    assert calls == [[product.pk], [product.pk]]
    assert found("tea") == [product.slug]
    assert not PendingIndex.objects.exists()


def test_the_reconciler_finds_documents_that_drifted_without_anyone_reporting_them():
    renamed, archived, deleted, untouched = (
        ProductFactory.create(name=f"Item {w}") for w in ("one", "two", "three", "four")
    )
    index_pending_products()
    assert drifted_product_ids() == []
    # Given changes made behind the pipeline's back (admin, shell, raw SQL)
    renamed.name = "Brass Candle Holder"
    renamed.save()  # bumps updated_at
    Product.objects.filter(pk=archived.pk).update(status=Product.Status.ARCHIVED)
    deleted_pk = deleted.pk
    deleted.delete()
    unindexed = Product.objects.create(
        vendor=untouched.vendor, category=untouched.category, name="Pewter Jug", slug="pewter-jug", status="approved"
    )
    # Then the reconciler sees each of them, and only them
    assert drifted_product_ids() == sorted([renamed.pk, archived.pk, deleted_pk, unindexed.pk])
    search_reconcile()
    assert found("brass") == [renamed.slug]
    assert found("pewter") == ["pewter-jug"]
    assert not SearchDocument.objects.filter(product_id__in=[archived.pk, deleted_pk]).exists()
    assert drifted_product_ids() == []


def test_the_reconciler_catches_variant_and_vendor_changes():
    product = ProductFactory.create(name="Slate Coaster")
    index_pending_products()
    variant = product.variants.get()
    variant.stock = 0
    variant.save()
    assert drifted_product_ids() == [product.pk]
    index_pending_products()
    search_reconcile()
    vendor = product.vendor
    vendor.status = Vendor.Status.SUSPENDED
    vendor.save()
    assert drifted_product_ids() == [product.pk]
    search_reconcile()
    assert not SearchDocument.objects.filter(product_id=product.pk).exists()


def test_the_reconciler_runs_every_minute_on_the_search_queue():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["search-reconcile"]
    assert entry["schedule"] == 60.0
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert app.amqp.router.route({}, entry["task"])["queue"].name == "search"


def test_search_rebuild_command_rebuilds_with_a_progress_bar_at_a_terminal(capsys, monkeypatch):
    products = ProductFactory.create_batch(3)
    SearchDocument.objects.all().delete()
    IndexedProduct.objects.all().delete()
    PendingIndex.objects.all().delete()

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # a person at a terminal
    call_command("search_rebuild")

    out, err = capsys.readouterr()
    assert "Indexed 3 products with the postgres backend." in out
    assert "3/3" in err  # tqdm's bar (in logs it prints lines instead: agora/core/tests/test_ops_commands.py)
    assert set(SearchDocument.objects.values_list("product_id", flat=True)) == {p.pk for p in products}
    assert IndexedProduct.objects.count() == 3
    assert drifted_product_ids() == []


def test_health_of_the_postgres_backend_is_part_of_readiness(client):
    response = client.get("/health/ready/")
    assert response.json()["checks"]["search"]["status"] == "ok"


def test_indexed_at_is_taken_before_the_products_are_read():
    product = ProductFactory.create()
    before = timezone.now()
    index_pending_products()
    ledger = IndexedProduct.objects.get(product_id=product.pk)
    assert before <= ledger.indexed_at <= SearchDocument.objects.get(product_id=product.pk).indexed_at


def test_rebuild_empties_the_outbox_rows_it_covered_and_keeps_changes_made_while_it_ran():
    imported, edited = ProductFactory.create_batch(2)
    products_changed([imported.pk, edited.pk], schedule=False)  # a bulk import queued both

    def progress(_done):
        products_changed([edited.pk], schedule=False)  # edited again while the rebuild runs

    search_rebuild(progress=progress)

    # the import is in the new index: the worker need not index it again; the edit must reach it
    assert list(PendingIndex.objects.values_list("product_id", flat=True)) == [edited.pk]
    assert SearchDocument.objects.filter(product_id=imported.pk).exists()
