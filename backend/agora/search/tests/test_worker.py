"""With a real Celery worker: every change reaches search within one indexing cycle."""

import pytest
from django.db import transaction

from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.search import selectors
from agora.search.indexing import products_changed
from agora.search.models import PendingIndex, SearchDocument
from agora.search.types import PageRequest, SearchFilters
from agora.vendors.models import Vendor
from testing.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def found(q):
    result = selectors.search_products(query=q, filters=SearchFilters(), ordering=None, page=PageRequest())
    return [r["slug"] for r in result.results]


def change(product_ids, **updates):
    """A catalog write as the catalog services make it: the change and products_changed in one transaction."""
    with transaction.atomic():
        for model, pk, fields in updates.values():
            model.objects.filter(pk=pk).update(**fields)
        products_changed(product_ids)


def test_approved_edited_suspended_and_reapproved_product_follows_in_search(celery_worker):
    # Given a draft product (not searchable)
    product = ProductFactory.create(name="Juniper Serving Board", slug="juniper-board", status=Product.Status.DRAFT)
    vendor = product.vendor
    assert found("juniper") == []

    # When staff approve it, it is found after one indexing cycle on the worker
    change([product.pk], p=(Product, product.pk, {"status": Product.Status.APPROVED}))
    wait_for(lambda: found("juniper") == ["juniper-board"], message="the approved product in search")

    # When the vendor edits its name, the new name is found and the old one is not
    change([product.pk], p=(Product, product.pk, {"name": "Maple Serving Board"}))
    wait_for(lambda: found("maple") == ["juniper-board"], message="the edited name in search")
    # (the worker clears cached answers just after committing the new document: waited for too)
    wait_for(lambda: found("juniper") == [], message="the old name gone from search")

    # When the vendor is suspended, its product is gone at once and its document removed by the worker
    change([product.pk], v=(Vendor, vendor.pk, {"status": Vendor.Status.SUSPENDED}))
    assert found("maple") == []
    wait_for(lambda: not SearchDocument.objects.filter(product_id=product.pk).exists(), message="document removed")

    # When the vendor is approved again, the product is back
    change([product.pk], v=(Vendor, vendor.pk, {"status": Vendor.Status.APPROVED}))
    wait_for(lambda: found("maple") == ["juniper-board"], message="the product back in search")
    wait_for(lambda: not PendingIndex.objects.exists(), message="an empty outbox")
