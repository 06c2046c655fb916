import gzip

import pytest
from django.http import StreamingHttpResponse
from django.test import Client


@pytest.fixture
def built_spa(tmp_path, settings):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-a1B2c3D4.js").write_text("console.log(1)")
    settings.FRONTEND_DIST = dist
    settings.WHITENOISE_ROOT = dist
    return dist


@pytest.mark.django_db
def test_client_routes_get_index_html_and_assets_are_immutable(built_spa):
    client = Client()  # a new client builds the middleware with the settings above
    for route in ("/", "/products", "/account/orders"):
        r = client.get(route)
        assert r.status_code == 200, route
        assert b"<div id=root>" in r.content
        assert r["Cache-Control"] == "no-cache"
    asset = client.get("/assets/index-a1B2c3D4.js")
    assert asset.status_code == 200
    assert "immutable" in asset["Cache-Control"] and "max-age=315360000" in asset["Cache-Control"]


@pytest.mark.django_db
def test_a_missing_asset_is_a_404_not_the_index_page(built_spa):
    # a page built before a deploy asks for an asset hash the new build does not have
    response = Client().get("/assets/index-0ld0ne00.js")
    assert response.status_code == 404
    assert b"<div id=root>" not in response.content


@pytest.mark.django_db
def test_an_unknown_product_is_a_404_that_still_runs_the_spa(built_spa):
    # the SPA shows its not-found page; search engines must not index a soft 404
    r = Client().get("/products/some-lamp")
    assert r.status_code == 404 and b"<div id=root>" in r.content


@pytest.mark.django_db
def test_client_routes_answer_head_requests(built_spa):
    assert Client().head("/products").status_code == 200


@pytest.mark.django_db
def test_api_admin_and_health_are_not_swallowed_by_the_spa(built_spa):
    client = Client()
    assert client.get("/api/v1/nope/").json()["error"]["code"] == "not_found"
    assert client.get("/health/").json() == {"status": "ok"}
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db
def test_unbuilt_spa_is_a_404_not_a_crash(tmp_path, settings):
    settings.FRONTEND_DIST = tmp_path / "missing"
    assert Client().get("/products").status_code == 404


@pytest.mark.django_db
def test_local_media_is_served(settings, tmp_path):
    (tmp_path / "media" / "products").mkdir(parents=True, exist_ok=True)
    (tmp_path / "media" / "products" / "a.txt").write_text("hi")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    r = Client().get("/media/products/a.txt")
    assert r.status_code == 200 and isinstance(r, StreamingHttpResponse)  # streamed from the file
    assert b"".join(r.streaming_content) == b"hi"
    assert Client().get("/media/../settings.py").status_code in (400, 404)


@pytest.mark.django_db
def test_the_shell_is_compressed_for_browsers_that_accept_gzip(built_spa):
    # the built shell carries the inlined stylesheet (~17 kB)
    css = "".join(f".c{i}{{margin:{i}px}}" for i in range(1500))
    (built_spa / "index.html").write_text(f"<!doctype html><style>{css}</style><div id=root></div>")
    client = Client()
    plain = client.get("/products")
    compressed = client.get("/products", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
