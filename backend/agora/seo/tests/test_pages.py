"""What search engines and link previews read (issue 17: every URL answered `<title>Agora</title>`
with the same description, and unknown products answered 200): each storefront URL's head carries
its own title, description, canonical link, Open Graph/Twitter tags and JSON-LD, from the cached
selectors; unknown slugs are 404 with the SPA's shell; sitemaps and robots.txt."""

import json
from decimal import Decimal
from html.parser import HTMLParser

import jsonschema
import pytest
from defusedxml import ElementTree
from django.test import Client

from agora.catalog.models import ProductImage
from agora.catalog.services import product_rating_set
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory

pytestmark = pytest.mark.django_db
SITE = "https://shop.example"
SHELL = (
    '<!doctype html><html lang="en"><head><meta charset="UTF-8">'
    '<meta name="description" content="Agora — an open marketplace of independent vendors.">'
    "<title>Agora</title><style>body{margin:0}</style></head>"
    '<body><div id="root"></div><script type="module" src="/assets/index-a1B2c3D4.js"></script></body></html>'
)

# --- the shapes Google documents for rich results, as JSON Schemas ------------------------------
# Product snippets and merchant listings:
#   https://developers.google.com/search/docs/appearance/structured-data/product-snippet
#   https://developers.google.com/search/docs/appearance/structured-data/merchant-listing
# Breadcrumbs: https://developers.google.com/search/docs/appearance/structured-data/breadcrumb
# Organization: https://developers.google.com/search/docs/appearance/structured-data/organization
URL = {"type": "string", "pattern": "^https?://"}
NUMBER_TEXT = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"}]}
SCHEMA_ORG = {"const": "https://schema.org"}
OFFER = {
    "type": "object",
    "required": ["@type", "price", "priceCurrency", "availability"],
    "properties": {
        "@type": {"const": "Offer"},
        "price": NUMBER_TEXT,
        "priceCurrency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "availability": {"enum": ["https://schema.org/InStock", "https://schema.org/OutOfStock"]},
        "itemCondition": {"const": "https://schema.org/NewCondition"},
        "url": URL,
        "sku": {"type": "string", "minLength": 1},
        "seller": {
            "type": "object",
            "required": ["@type", "name"],
            "properties": {"@type": {"const": "Organization"}, "name": {"type": "string", "minLength": 1}},
        },
    },
}
AGGREGATE_RATING = {
    "type": "object",
    "required": ["@type", "ratingValue"],
    "anyOf": [{"required": ["reviewCount"]}, {"required": ["ratingCount"]}],
    "properties": {
        "@type": {"const": "AggregateRating"},
        "ratingValue": NUMBER_TEXT,
        "reviewCount": {"type": "integer", "minimum": 1},
        "ratingCount": {"type": "integer", "minimum": 1},
        "bestRating": {"type": "number"},
        "worstRating": {"type": "number"},
    },
}
PRODUCT = {
    "type": "object",
    "required": ["@context", "@type", "name"],
    # Google: a product snippet needs a review, an aggregateRating or offers.
    "anyOf": [{"required": ["offers"]}, {"required": ["aggregateRating"]}, {"required": ["review"]}],
    "properties": {
        "@context": SCHEMA_ORG,
        "@type": {"const": "Product"},
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "image": {"type": "array", "items": URL, "minItems": 1},
        "sku": {"type": "string"},
        "brand": {"type": "object", "required": ["@type", "name"]},
        "offers": {"anyOf": [OFFER, {"type": "array", "items": OFFER, "minItems": 1}]},
        "aggregateRating": AGGREGATE_RATING,
    },
}
BREADCRUMBS = {
    "type": "object",
    "required": ["@context", "@type", "itemListElement"],
    "properties": {
        "@context": SCHEMA_ORG,
        "@type": {"const": "BreadcrumbList"},
        "itemListElement": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["@type", "position", "name"],
                "properties": {
                    "@type": {"const": "ListItem"},
                    "position": {"type": "integer", "minimum": 1},
                    "name": {"type": "string", "minLength": 1},
                    "item": URL,
                },
            },
        },
    },
}
ORGANIZATION = {
    "type": "object",
    "required": ["@context", "@type", "name", "url"],
    "properties": {"@context": SCHEMA_ORG, "@type": {"const": "Organization"}, "name": {"type": "string"}, "url": URL},
}
SCHEMAS = {"Product": PRODUCT, "BreadcrumbList": BREADCRUMBS, "Organization": ORGANIZATION}


def valid(block: dict) -> dict:
    jsonschema.validate(block, SCHEMAS[block["@type"]])
    if block["@type"] == "BreadcrumbList":
        items = block["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert all("item" in i for i in items[:-1])  # only the last (the page itself) may leave it out
    return block


class Head(HTMLParser):
    """The parts of a served page a crawler reads before any script runs."""

    def __init__(self, html: str):
        super().__init__()
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str | None, str | None] = {}
        self.json_ld: list[dict] = []
        self._in: str | None = None
        self._data = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta.setdefault(str(a.get("name") or a.get("property")), []).append(a.get("content") or "")
        elif tag == "link":
            self.links[a.get("rel")] = a.get("href")
        elif tag == "title" or (tag == "script" and a.get("type") == "application/ld+json"):
            self._in, self._data = tag, ""

    def handle_data(self, data):
        if self._in:
            self._data += data

    def handle_endtag(self, tag):
        if tag == self._in == "title":
            self.title = self._data
        elif tag == self._in == "script":
            self.json_ld.append(json.loads(self._data))
        if tag == self._in:
            self._in = None

    def one(self, name: str) -> str:
        [value] = self.meta[name]
        return value

    def block(self, kind: str) -> dict:
        [found] = [b for b in self.json_ld if b["@type"] == kind]
        return valid(found)


@pytest.fixture
def shell(tmp_path, settings):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(SHELL)
    settings.FRONTEND_DIST = dist
    settings.WHITENOISE_ROOT = dist
    settings.SITE_URL = SITE
    return dist


@pytest.fixture
def lamp():
    home = CategoryFactory.create(name="Home", slug="home")
    lighting = CategoryFactory.create(name="Lighting", slug="lighting", parent=home)
    vendor = VendorFactory.create(name="Lumen Works", slug="lumen-works", description="Lamps made in Porto.")
    product = ProductFactory.create(
        name="Aurora Desk Lamp",
        slug="aurora-desk-lamp",
        vendor=vendor,
        category=lighting,
        description="A warm, dimmable desk lamp in brushed brass. " * 8,
        variants=0,
    )
    VariantFactory.create(product=product, sku="AUR-BR", name="Brass", price=Decimal("49.90"), stock=3, position=0)
    VariantFactory.create(product=product, sku="AUR-BK", name="Black", price=Decimal("44.90"), stock=0, position=1)
    from agora.catalog.services import products_refresh_summary

    products_refresh_summary(product_ids=[product.pk])
    ProductImage.objects.create(product=product, image="products/1/lamp.jpg", width=800, height=800)
    return product


def get(path: str, status: int = 200) -> Head:
    response = Client().get(path)
    assert response.status_code == status, (path, response.status_code)
    assert b'<div id="root">' in response.content  # the SPA runs either way (it shows its not-found page)
    return Head(response.content.decode())


def test_a_product_url_carries_its_title_description_canonical_previews_and_json_ld(shell, lamp):
    head = get("/products/aurora-desk-lamp")

    assert head.title == "Aurora Desk Lamp — Lumen Works — Agora"
    description = head.one("description")
    assert description.startswith("A warm, dimmable desk lamp in brushed brass.") and len(description) <= 160
    assert head.links["canonical"] == f"{SITE}/products/aurora-desk-lamp"
    assert head.one("robots") == "index,follow"
    assert head.one("og:type") == "product" and head.one("og:title") == head.title
    assert head.one("og:url") == head.links["canonical"]
    assert head.one("og:image") == f"{SITE}/media/products/1/lamp.jpg" == head.one("twitter:image")
    assert head.one("twitter:card") == "summary_large_image"
    assert (head.one("product:price:amount"), head.one("product:price:currency")) == ("44.90", "EUR")

    product = head.block("Product")
    assert product["name"] == "Aurora Desk Lamp" and product["image"] == [f"{SITE}/media/products/1/lamp.jpg"]
    assert [(o["sku"], o["price"], o["availability"]) for o in product["offers"]] == [
        ("AUR-BR", "49.90", "https://schema.org/InStock"),
        ("AUR-BK", "44.90", "https://schema.org/OutOfStock"),
    ]
    assert product["offers"][0]["seller"] == {
        "@type": "Organization",
        "name": "Lumen Works",
        "url": f"{SITE}/vendors/lumen-works",
    }
    assert "aggregateRating" not in product  # no reviews yet: Google refuses an empty rating
    crumbs = head.block("BreadcrumbList")["itemListElement"]
    assert [(c["name"], c.get("item")) for c in crumbs] == [
        ("Agora", f"{SITE}/"),
        ("Home", f"{SITE}/products?category=home"),
        ("Lighting", f"{SITE}/products?category=lighting"),
        ("Aurora Desk Lamp", None),
    ]


def test_a_rated_product_carries_its_aggregate_rating(shell, lamp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product_rating_set(product_id=lamp.pk, average=Decimal("4.50"), count=2)

    rating = get("/products/aurora-desk-lamp").block("Product")["aggregateRating"]

    assert rating == {
        "@type": "AggregateRating",
        "ratingValue": "4.50",
        "reviewCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_unknown_and_hidden_products_are_404_with_the_spa_shell(shell, lamp):
    head = get("/products/no-such-lamp", status=404)
    assert head.title == "Page not found — Agora" and head.one("robots") == "noindex"
    assert head.json_ld == []
    Vendor.objects.filter(pk=lamp.vendor_id).update(status=Vendor.Status.SUSPENDED)
    from agora.catalog.cache import invalidate_public_catalog

    invalidate_public_catalog()
    get("/products/aurora-desk-lamp", status=404)
    get("/no/such/page", status=404)


def test_vendor_category_search_and_home_pages(shell, lamp):
    vendor = get("/vendors/lumen-works")
    assert vendor.title == "Lumen Works — Agora" and vendor.one("description") == "Lamps made in Porto."
    assert vendor.block("Organization") == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Lumen Works",
        "url": f"{SITE}/vendors/lumen-works",
        "description": "Lamps made in Porto.",
    }
    assert [c["name"] for c in vendor.block("BreadcrumbList")["itemListElement"]] == ["Agora", "Lumen Works"]
    get("/vendors/nobody", status=404)

    category = get("/products?category=lighting&page=2&ordering=price")
    assert category.title == "Lighting — Agora"
    assert category.links["canonical"] == f"{SITE}/products?category=lighting&page=2"
    assert [c["name"] for c in category.block("BreadcrumbList")["itemListElement"]] == ["Agora", "Home", "Lighting"]
    get("/products?category=nowhere", status=404)

    search = get("/search?q=brass%20lamp")
    assert search.title == "Search results for “brass lamp” — Agora" and search.one("robots") == "noindex,follow"

    home = get("/")
    assert home.links["canonical"] == f"{SITE}/" and home.one("robots") == "index,follow"
    assert {b["@type"] for b in home.json_ld} == {"WebSite", "Organization"}
    assert get("/account/orders").one("robots") == "noindex,follow"


def test_nothing_a_vendor_writes_can_break_out_of_the_head(shell, lamp):
    from agora.catalog.models import Product

    evil = '</script><script>alert(1)</script> "quoted" & <b>bold</b>'
    Product.objects.filter(pk=lamp.pk).update(name=evil, description=evil)

    response = Client().get("/products/aurora-desk-lamp")

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    head = Head(html)
    assert head.block("Product")["name"] == evil  # the data survives, escaped
    assert head.title.startswith(evil)
    assert head.one("description").startswith('</script><script>alert(1)</script> "quoted"')


def test_a_cached_page_costs_no_query(shell, lamp, django_assert_max_num_queries):
    client = Client()
    for path in ("/products/aurora-desk-lamp", "/vendors/lumen-works", "/products?category=lighting"):
        assert client.get(path).status_code == 200
        with django_assert_max_num_queries(0):
            assert client.get(path).status_code == 200
    client.get("/products/no-such-lamp")
    with django_assert_max_num_queries(0):
        assert client.get("/products/no-such-lamp").status_code == 404


def test_a_price_change_renews_the_page(shell, lamp, vendor_client_for, django_capture_on_commit_callbacks):
    assert get("/products/aurora-desk-lamp").block("Product")["offers"][0]["price"] == "49.90"
    brass = lamp.variants.get(sku="AUR-BR")
    with django_capture_on_commit_callbacks(execute=True):
        r = vendor_client_for(lamp.vendor).patch(
            f"/api/v1/vendor/products/{lamp.pk}/", {"variants": [{"id": brass.pk, "price": "39.90"}]}, format="json"
        )
        assert r.status_code == 200, r.content
    assert get("/products/aurora-desk-lamp").block("Product")["offers"][0]["price"] == "39.90"


def test_the_shell_keeps_its_policy_and_headers(shell, lamp):
    response = Client().get("/products/aurora-desk-lamp")
    assert response["Cache-Control"] == "no-cache"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy


# --- sitemaps and robots.txt --------------------------------------------------------------------


def _locs(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)
    return [el.text for el in root.iter() if el.tag.endswith("}loc")]


def test_sitemaps_list_public_products_in_pages_and_are_cached(shell, lamp, settings, django_assert_max_num_queries):
    settings.SITEMAP_PAGE_SIZE = 2
    others = [ProductFactory.create(slug=f"mug-{i}", vendor=lamp.vendor, category=lamp.category) for i in range(2)]
    ProductFactory.create(slug="a-draft", status="draft")
    client = Client()

    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index["Content-Type"].startswith("application/xml")
    assert _locs(index.content) == [
        f"{SITE}/sitemaps/pages.xml",
        f"{SITE}/sitemaps/products-1.xml",
        f"{SITE}/sitemaps/products-2.xml",
    ]
    first, second = (client.get(f"/sitemaps/products-{n}.xml") for n in (1, 2))
    assert _locs(first.content) + _locs(second.content) == [
        f"{SITE}/products/{slug}" for slug in ["aurora-desk-lamp", *(p.slug for p in others)]
    ]
    assert b"<lastmod>" in first.content
    pages = _locs(client.get("/sitemaps/pages.xml").content)
    assert pages == [
        f"{SITE}/",
        f"{SITE}/products",
        f"{SITE}/products?category=home",
        f"{SITE}/products?category=lighting",
        f"{SITE}/vendors/lumen-works",
    ]
    with django_assert_max_num_queries(0):
        assert client.get("/sitemap.xml").status_code == 200
        assert client.get("/sitemaps/products-2.xml").status_code == 200
    assert client.get("/sitemaps/products-3.xml").status_code == 404
    assert client.get("/sitemaps/other.xml").status_code == 404


def test_robots_txt_points_at_the_sitemap_and_keeps_private_pages_out(shell):
    response = Client().get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *" and f"Sitemap: {SITE}/sitemap.xml" in lines
    for private in ("/account", "/cart", "/checkout", "/vendor/", "/search", "/api/", "/admin/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /vendors" not in lines  # vendor storefronts are public pages
    assert "Disallow: /orders" in lines  # a guest's order page (tracking, returns)


def test_a_guests_order_page_is_a_private_page_not_a_404(shell):
    """The storefront's /orders/<number> (guest tracking and returns, linked from emails and the
    account) is a private page: served with the shell, kept out of search engines."""
    page = get("/orders/AG-7K2M9Q")
    assert page.one("robots") == "noindex,follow"


@pytest.mark.parametrize("page", ["\u00b2", "\u0663", "\uff11", "99999999999999999999999"])
def test_a_page_number_in_other_digits_is_the_first_page_not_a_500(shell, lamp, page):
    """ "²".isdigit() is true, and int() refuses it; a crawler or a hand-typed URL gets a page (page
    numbers are ASCII digits, at most six)."""
    from urllib.parse import quote

    listing = get(f"/products?page={quote(page)}")
    assert listing.links["canonical"] == f"{SITE}/products"
    category = get(f"/products?category=lighting&page={quote(page)}")
    assert category.links["canonical"] == f"{SITE}/products?category=lighting"
