"""PreparedValues: a values() queryset compiled once, run again with other values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.core.prepared import PreparedValues

pytestmark = pytest.mark.django_db


def test_the_same_rows_as_the_queryset_for_each_value_and_the_queryset_built_once():
    built = []

    def build(slug):
        built.append(slug)
        return Product.objects.filter(slug=slug).values("id", "slug", "attributes", "vendor__slug")

    prepared = PreparedValues(build, "slug")
    first, second = ProductFactory(attributes={"colour": "red"}), ProductFactory()
    for product in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.rows(slug=product.slug)
        assert rows == list(
            Product.objects.filter(slug=product.slug).values("id", "slug", "attributes", "vendor__slug")
        )
        assert len(queries) == 1
    assert rows[0]["attributes"] == {"colour": "red"}  # Django's converters ran (JSON decoded)
    assert len(built) == 1  # compiled once (this thread)
    assert prepared.first(slug="no-such-product") is None


def test_a_value_that_is_not_one_bound_parameter_is_refused_at_first_use():
    prepared = PreparedValues(lambda word: Product.objects.filter(name__icontains=word).values("id"), "word")
    with pytest.raises(ValueError, match="word"):
        prepared.rows(word="mug")


def test_a_typed_value_used_several_times_is_bound_at_each_place():
    first, second = (Product.objects.get(slug=ProductFactory().slug) for _ in range(2))

    def build(pk):
        return Product.objects.filter(pk=pk, vendor__products__pk=pk).values("slug")

    prepared = PreparedValues(build, pk=int)
    assert prepared.rows(pk=second.pk) == [{"slug": second.slug}]
    assert prepared.rows(pk=first.pk) == [{"slug": first.slug}]
