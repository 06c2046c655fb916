"""Search test fixtures: the backend under test (PostgreSQL always, Elasticsearch when one answers)
and a small fixed catalog whose relevance, filters and facets the behavioural suite knows."""

import os
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from agora.search import _backend_for, get_backend
from agora.search.backends.elasticsearch import ElasticsearchBackend
from testing.env import docker_answers

ES_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:8.19.3"
ES_SKIP_REASON = (
    "no Elasticsearch to test against: set ELASTICSEARCH_URL, or start a Docker engine so testcontainers can "
    "(the request bodies are still checked by test_elasticsearch_requests.py)"
)


@pytest.fixture(scope="session")
def elasticsearch_url():
    """A reachable Elasticsearch: ELASTICSEARCH_URL if set, else a testcontainer, else the test is skipped."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        yield url
        return
    if not docker_answers():
        pytest.skip(ES_SKIP_REASON)
    from testcontainers.elasticsearch import ElasticSearchContainer

    container = ElasticSearchContainer(ES_IMAGE, mem_limit="1G").with_env("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
    container.start()
    try:
        yield f"http://{container.get_container_host_ip()}:{container.get_exposed_port(9200)}"
    finally:
        container.stop()


@pytest.fixture(params=["postgres", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def search_backend(request, settings):
    """Each behavioural test runs once per backend, through the one interface."""
    settings.SEARCH_BACKEND = request.param
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = request.getfixturevalue("elasticsearch_url")
        settings.ELASTICSEARCH_INDEX_PREFIX = f"agora-test-{uuid.uuid4().hex[:8]}"
    _backend_for.cache_clear()
    backend = get_backend()
    yield backend
    if request.param == "elasticsearch":
        assert isinstance(backend, ElasticsearchBackend)
        # By name: clusters refuse wildcard deletes (action.destructive_requires_name).
        for name in backend.client.indices.get(index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*"):
            backend.client.indices.delete(index=name)
    _backend_for.cache_clear()


def index_pending():
    from agora.search.services import index_pending_products

    return index_pending_products()


@dataclass
class Catalog:
    home: object
    kitchen: object
    mugs: object
    furniture: object
    garden: object
    nordic: object
    urban: object
    mug: object
    travel_mug: object
    desk_chair: object
    bench: object
    planter: object
    draft: object
    pending_vendors_product: object

    @property
    def public(self):
        return [self.mug, self.travel_mug, self.desk_chair, self.bench, self.planter]


@pytest.fixture
def catalog(db):
    """Five public products, one draft and one of a pending vendor (both must never be found)."""
    from agora.catalog.tests.factories import CategoryFactory, ProductFactory
    from agora.vendors.models import Vendor
    from agora.vendors.tests.factories import VendorFactory

    home = CategoryFactory.create(name="Home", slug="home")
    kitchen = CategoryFactory.create(name="Kitchen", slug="kitchen", parent=home)
    mugs = CategoryFactory.create(name="Mugs", slug="mugs", parent=kitchen)
    furniture = CategoryFactory.create(name="Furniture", slug="furniture", parent=home)
    garden = CategoryFactory.create(name="Garden", slug="garden")
    nordic = VendorFactory.create(name="Nordic Crafts", slug="nordic")
    urban = VendorFactory.create(name="Urban Goods", slug="urban")
    pending = VendorFactory.create(name="Pending Pottery", slug="pending", status=Vendor.Status.PENDING)

    def product(name, slug, vendor, category, price, stock, description, **extra):
        return ProductFactory.create(
            name=name,
            slug=slug,
            vendor=vendor,
            category=category,
            description=description,
            variants__price=Decimal(price),
            variants__stock=stock,
            **extra,
        )

    c = Catalog(
        home=home,
        kitchen=kitchen,
        mugs=mugs,
        furniture=furniture,
        garden=garden,
        nordic=nordic,
        urban=urban,
        mug=product("Ceramic Coffee Mug", "ceramic-coffee-mug", nordic, mugs, "12.00", 5, "Hand glazed stoneware."),
        travel_mug=product("Travel Mug", "travel-mug", urban, mugs, "24.00", 0, "Keeps coffee hot for hours."),
        desk_chair=product("Oak Desk Chair", "oak-desk-chair", nordic, furniture, "149.00", 3, "Solid oak, oiled."),
        bench=product(
            "Garden Bench", "garden-bench", urban, garden, "320.00", 2, "Weatherproof; pairs well with a ceramic pot."
        ),
        planter=product(
            "Ceramic Planter",
            "ceramic-planter",
            urban,
            garden,
            "35.00",
            8,
            "For herbs.",
            attributes={"material": "ceramic", "colour": "terracotta"},
        ),
        draft=product("Ceramic Teapot", "ceramic-teapot", nordic, mugs, "30.00", 4, "Draft.", status="draft"),
        pending_vendors_product=product("Ceramic Vase", "ceramic-vase", pending, home, "40.00", 4, "Not yet public."),
    )
    index_pending()
    return c
