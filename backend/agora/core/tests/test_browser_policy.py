"""A strict browser policy: a Content-Security-Policy without inline script (the shell's inline
stylesheet allowed by its hash; Stripe's origins only on the checkout page, where Stripe.js runs),
Referrer-Policy and Permissions-Policy on every answer."""

import base64
import hashlib

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STYLE = "body{margin:0}.x{color:red}"
STRIPE = ("https://js.stripe.com", "https://api.stripe.com", "https://hooks.stripe.com")


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.fixture
def built_spa(tmp_path, settings):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        f"<!doctype html><html><head><style>{STYLE}</style>"
        '<script type="module" crossorigin src="/assets/index-a1B2c3D4.js"></script></head>'
        "<body><div id=root></div></body></html>"
    )
    (dist / "assets" / "index-a1B2c3D4.js").write_text("console.log(1)")
    settings.FRONTEND_DIST = dist
    settings.WHITENOISE_ROOT = dist
    return dist


def test_the_shell_allows_no_inline_script_and_only_its_own_stylesheet(built_spa):
    response = Client().get("/products")
    csp = directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp["style-src"]
    assert "'unsafe-inline'" not in " ".join(csp["style-src"] + csp["script-src"])
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert not any(origin in response["Content-Security-Policy"] for origin in STRIPE)


def test_stripe_origins_only_on_the_checkout_page_and_only_when_stripe_is_on(built_spa, settings):
    settings.PAYMENT_METHODS = ["stripe"]
    client = Client()
    checkout = directives(client.get("/checkout")["Content-Security-Policy"])
    assert "https://js.stripe.com" in checkout["script-src"]
    assert "https://api.stripe.com" in checkout["connect-src"]
    assert "https://js.stripe.com" in checkout["frame-src"]
    for path in ("/", "/products/lamp", "/account", "/checkout/confirmation/AG-1"):
        assert "stripe" not in client.get(path)["Content-Security-Policy"], path
    settings.PAYMENT_METHODS = ["dummy"]
    assert "stripe" not in client.get("/checkout")["Content-Security-Policy"]


def test_product_images_on_the_cdn_are_allowed(built_spa, settings):
    settings.AWS_STORAGE_BUCKET_NAME = "media-bucket"
    settings.AWS_S3_CUSTOM_DOMAIN = "media.example-cdn.net"
    csp = directives(Client().get("/")["Content-Security-Policy"])
    assert "https://media.example-cdn.net" in csp["img-src"]


def test_api_answers_forbid_everything_and_every_answer_has_the_policies(built_spa):
    client = Client()
    api = client.get("/api/v1/products/")
    assert directives(api["Content-Security-Policy"]) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}
    for response in (api, client.get("/"), client.get("/health/ready/"), client.get("/admin/login/")):
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_admin_and_the_api_docs_run_no_inline_script(client):
    for path in ("/admin/login/", "/api/docs/"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = directives(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"], path
        body = response.content.decode()
        assert "<script>" not in body.replace(" ", ""), f"{path} has an inline script"
