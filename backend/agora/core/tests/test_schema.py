import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def _api_v1_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _api_v1_routes(p, route)
        elif isinstance(p, URLPattern) and route.startswith("api/v1/"):
            yield route


def _normalise(route: str) -> str:
    import re

    # drf-spectacular names a `pk` path parameter `id` (SCHEMA_COERCE_PATH_PK).
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid_openapi(schema):
    validate(schema)


def test_every_api_v1_url_is_in_the_schema(schema):
    routes = {_normalise(r) for r in _api_v1_routes()}
    assert routes, "no /api/v1/ routes found"
    missing = sorted(routes - set(schema["paths"]))
    assert not missing, f"missing from the OpenAPI schema: {missing}"


def test_schema_and_docs_are_served(client):
    r = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    assert r.json()["openapi"].startswith("3.")
    assert client.get("/api/docs/").status_code == 200


def test_a_patch_that_validates_its_body_whole_documents_its_required_fields(schema):
    """Changing a cart line's quantity requires the quantity (400 without it): the schema says so,
    while a partial update (a vendor's product) keeps every field optional."""

    def body(path: str) -> dict:
        ref = schema["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]

    assert body("/api/v1/cart/items/{id}/").get("required") == ["quantity"]
    assert "required" not in body("/api/v1/vendor/products/{id}/")
