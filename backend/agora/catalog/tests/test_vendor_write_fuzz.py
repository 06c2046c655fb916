"""Property test of the vendor portal's product writes: bodies built from the product's own
variant ids (which the schema-driven fuzzer cannot guess) with any subset of fields, valid or
not. No body may answer a 5xx, and a refused body changes nothing."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.catalog.models import Product, Variant
from agora.catalog.tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.text(max_size=12),
    st.sampled_from(["19.99", "0", "-1", "1e9", "NaN", "99999999999.99", "", "LAMP-1", "home"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
GOOD = {
    "sku": st.from_regex(r"\A[A-Z][A-Z0-9-]{0,10}\Z"),
    "name": st.text(min_size=1, max_size=20).filter(str.strip),
    "price": st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2).map(str),
    "stock": st.integers(min_value=0, max_value=500),
    "expected_stock": st.integers(min_value=0, max_value=500),
}


def _item(ids):
    fields = st.fixed_dictionaries(
        {},
        optional={name: st.one_of(strategy, ANYTHING) for name, strategy in GOOD.items()},
    )
    with_id = st.one_of(st.sampled_from(ids), ANYTHING)
    return st.one_of(fields, st.builds(lambda f, i: {**f, "id": i}, fields, with_id))


def _snapshot(product):
    p = Product.objects.get(pk=product.pk)
    variants = list(
        Variant.objects.filter(product=product).order_by("pk").values_list("sku", "name", "price", "stock", "is_active")
    )
    return (p.name, p.description, p.category_id, p.status, variants)


@pytest.mark.slow
def test_vendor_product_patch_never_answers_5xx_and_refusals_change_nothing(vendor_client, vendor, category):
    product = ProductFactory.create(vendor=vendor, category=category, variants=0)
    ids = [VariantFactory.create(product=product, stock=5).pk for _ in range(2)]
    url = f"/api/v1/vendor/products/{product.pk}/"

    @given(
        body=st.fixed_dictionaries(
            {},
            optional={
                "name": st.one_of(st.text(max_size=30), ANYTHING),
                "category": st.one_of(st.just(category.slug), ANYTHING),
                "attributes": ANYTHING,
                "variants": st.one_of(st.lists(_item(ids), max_size=4), ANYTHING),
            },
        )
    )
    @settings(max_examples=150, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def exercise(body):
        before = _snapshot(product)
        r = vendor_client.patch(url, body, format="json")
        assert r.status_code < 500, (body, r.content)
        if r.status_code >= 400:
            assert r.json()["error"]["code"]
            assert _snapshot(product) == before, body

    exercise()
