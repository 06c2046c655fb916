"""What a storefront URL is about, for search engines and link previews: its title, description,
canonical URL, preview image, robots rule and structured data, read from the cached catalog and
vendor selectors (no query on a cache hit). Unknown products, categories and vendors are 404s.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, QueryDict

from agora.catalog.cache import catalog_version
from agora.catalog.selectors import (
    category_trail,
    public_product_page,
    sitemap_product_rows,
    sitemap_sections,
)
from agora.core.site import site_url
from agora.seo import jsonld
from agora.vendors.selectors import vendor_public_profile

DESCRIPTION_LENGTH = 160
HOME_DESCRIPTION = (
    "Independent vendors, one cart and one checkout: lighting, kitchen, decor, audio, bags and stationery."
)
INDEX = "index,follow"
NOINDEX = "noindex,follow"

# Storefront pages with no content of their own for search engines (private or per-visitor).
PRIVATE = {
    "cart": "Your cart",
    "checkout": "Checkout",
    "login": "Sign in",
    "register": "Create an account",
    "forgot-password": "Forgot your password?",
    "reset-password": "Choose a new password",
    "verify-email": "Verify your email address",
    "account": "Your account",
    "orders": "Your order",
    "vendor": "Vendor portal",
    "wishlist": "Your wishlist",
}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_PAGE = re.compile(r"[0-9]{1,6}")


@dataclass
class Page:
    """The head of one storefront URL."""

    title: str
    description: str
    canonical: str
    robots: str = INDEX
    og_type: str = "website"
    image: str | None = None
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    extra_meta: list[tuple[str, str]] = field(default_factory=list)  # (property, content) of og:/product:


def absolute(url: str | None) -> str | None:
    """A media URL as an absolute one (local disk answers root-relative paths; S3 absolute ones)."""
    if not url:
        return None
    return url if url.startswith(("http://", "https://")) else site_url(url)


def _title(*parts: str) -> str:
    return " — ".join([*parts, settings.SITE_NAME])


def summary(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Plain text cut at a word boundary, at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return f"{cut}…"


def category_url(slug: str) -> str:
    return site_url(f"/products?{urlencode({'category': slug})}")


def _product(slug: str) -> Page:
    detail = public_product_page(slug=slug)
    if detail is None:
        raise Http404
    url = site_url(f"/products/{slug}")
    images = [u for u in (absolute(i["url"]) for i in detail["images"]) if u]
    vendor_url = site_url(f"/vendors/{detail['vendor']['slug']}")
    price = f" from {detail['price_from']} {detail['currency']}" if detail["price_from"] else ""
    description = summary(detail["description"]) or f"{detail['name']} by {detail['vendor']['name']}{price}."
    trail = category_trail(slug=detail["category"]["slug"]) or [detail["category"]]
    crumbs = [*jsonld.category_trail(trail, home=site_url("/"), site_name=settings.SITE_NAME, link=category_url)]
    crumbs.append((detail["name"], None))
    extra = []
    if detail["price_from"]:
        extra = [("product:price:amount", detail["price_from"]), ("product:price:currency", detail["currency"])]
    return Page(
        title=_title(detail["name"], detail["vendor"]["name"]),
        description=description,
        canonical=url,
        og_type="product",
        image=images[0] if images else None,
        json_ld=[jsonld.product(detail, url=url, images=images, vendor_url=vendor_url), jsonld.breadcrumbs(crumbs)],
        extra_meta=extra,
    )


def _vendor(slug: str) -> Page:
    profile = vendor_public_profile(slug=slug)  # 404 for unknown, pending and suspended vendors
    url = site_url(f"/vendors/{slug}")
    rating = ""
    if profile["rating_count"]:
        rating = f" Rated {profile['rating_average']} out of 5 by {profile['rating_count']} shoppers."
    description = summary(profile["description"] + rating) or f"{profile['name']} sells on {settings.SITE_NAME}."
    crumbs = [(settings.SITE_NAME, site_url("/")), (profile["name"], None)]
    return Page(
        title=_title(profile["name"]),
        description=description,
        canonical=url,
        og_type="profile",
        json_ld=[jsonld.organization(profile, url=url), jsonld.breadcrumbs(crumbs)],
    )


def _listing(query: QueryDict) -> Page:
    slug = (query.get("category") or "").strip()
    page = query.get("page") or ""
    # ASCII digits only: "²".isdigit() is true and int() refuses it; anything else is the first page.
    suffix = f"&page={int(page)}" if _PAGE.fullmatch(page) and int(page) > 1 else ""
    if not slug:
        return Page(
            title=_title("All products"),
            description=summary(f"Every product on {settings.SITE_NAME}. {HOME_DESCRIPTION}"),
            canonical=site_url("/products") + (f"?page={int(page)}" if suffix else ""),
        )
    trail = category_trail(slug=slug) if _SLUG.match(slug) else None
    if trail is None:
        raise Http404
    name = trail[-1]["name"]
    crumbs = jsonld.category_trail(trail, home=site_url("/"), site_name=settings.SITE_NAME, link=category_url)
    crumbs[-1] = (name, None)
    return Page(
        title=_title(name),
        description=f"{name} from independent vendors on {settings.SITE_NAME}: compare prices and ratings, "
        "one cart, one checkout.",
        canonical=category_url(slug) + suffix,
        json_ld=[jsonld.breadcrumbs(crumbs)],
    )


def _search(query: QueryDict) -> Page:
    words = " ".join((query.get("q") or "").split())[:100]
    return Page(
        title=_title(f"Search results for “{words}”") if words else _title("Search"),
        description=f"Products matching “{words}” on {settings.SITE_NAME}." if words else HOME_DESCRIPTION,
        canonical=site_url("/search") + (f"?{urlencode({'q': words})}" if words else ""),
        robots=NOINDEX,  # result pages are endless variations: the products themselves are indexed
    )


def _home() -> Page:
    home = site_url("/")
    return Page(
        title=f"{settings.SITE_NAME} — independent vendors, one checkout",
        description=HOME_DESCRIPTION,
        canonical=home,
        json_ld=[
            jsonld.website(name=settings.SITE_NAME, url=home),
            jsonld.marketplace(name=settings.SITE_NAME, url=home, description=HOME_DESCRIPTION),
        ],
    )


def storefront_page(*, path: str, query: QueryDict) -> Page:
    """The head of a storefront URL (``path`` without its leading slash). Raises Http404 for an
    unknown product, category, vendor or route: the shell is still served, with a 404 status, and
    the SPA shows its not-found page."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return _home()
    head, rest = parts[0], parts[1:]
    if head == "products" and len(rest) == 1 and _SLUG.match(rest[0]):
        return _product(rest[0])
    if head == "products" and not rest:
        return _listing(query)
    if head == "vendors" and len(rest) == 1 and _SLUG.match(rest[0]):
        return _vendor(rest[0])
    if head == "search" and not rest:
        return _search(query)
    if head in PRIVATE:
        title = PRIVATE[head]
        return Page(title=_title(title), description=HOME_DESCRIPTION, canonical=site_url(f"/{head}"), robots=NOINDEX)
    raise Http404


def not_found_page() -> Page:
    return Page(title=_title("Page not found"), description=HOME_DESCRIPTION, canonical=site_url("/"), robots="noindex")


# --- sitemaps -----------------------------------------------------------------------------------


def _cached_sitemap(name: str, build: Any) -> str | None:
    """A sitemap document cached under the catalog version (every catalog change renews it)."""
    key = f"seo:{catalog_version()}:sitemap:{name}"
    text = cache.get(key)
    if text is None:
        text = build()
        if text is not None:
            cache.set(key, text, timeout=settings.CATALOG_CACHE_TIMEOUT)
    result: str | None = text
    return result


def _urlset(entries: list[tuple[str, str | None]]) -> str:
    from xml.sax.saxutils import escape

    rows = []
    for loc, lastmod in entries:
        row = f"<url><loc>{escape(loc)}</loc>"
        if lastmod:
            row += f"<lastmod>{lastmod}</lastmod>"
        rows.append(row + "</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(rows) + "</urlset>\n"
    )


def sitemap_index() -> str:
    """The sitemap index: the pages sitemap and one sitemap per SITEMAP_PAGE_SIZE public products."""

    def build() -> str:
        from xml.sax.saxutils import escape

        count, _, _ = sitemap_sections()
        pages = max(1, math.ceil(count / settings.SITEMAP_PAGE_SIZE))
        names = ["pages", *(f"products-{n}" for n in range(1, pages + 1))]
        body = "".join(f"<sitemap><loc>{escape(site_url(f'/sitemaps/{name}.xml'))}</loc></sitemap>" for name in names)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + body + "</sitemapindex>\n"
        )

    text = _cached_sitemap("index", build)
    assert text is not None
    return text


def sitemap(name: str) -> str:
    """``pages`` (home, listing, categories, vendors) or ``products-N``; Http404 for anything else."""

    def pages() -> str:
        _, categories, vendors = sitemap_sections()
        entries: list[tuple[str, str | None]] = [(site_url("/"), None), (site_url("/products"), None)]
        entries += [(category_url(slug), None) for slug in categories]
        entries += [(site_url(f"/vendors/{slug}"), None) for slug in vendors]
        return _urlset(entries)

    def products(number: int) -> str | None:
        size = settings.SITEMAP_PAGE_SIZE
        rows = sitemap_product_rows(offset=(number - 1) * size, limit=size)
        if not rows and number > 1:
            return None
        return _urlset([(site_url(f"/products/{slug}"), updated.date().isoformat()) for slug, updated in rows])

    if name == "pages":
        text = _cached_sitemap(name, pages)
    else:
        match = re.fullmatch(r"products-([1-9][0-9]{0,5})", name)
        if match is None:
            raise Http404
        number = int(match.group(1))
        text = _cached_sitemap(name, lambda: products(number))
    if text is None:
        raise Http404
    return text


def robots_txt() -> str:
    private = sorted({"account", "cart", "checkout", "login", "register", "forgot-password", "reset-password"})
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: /{name}" for name in [*private, "orders", "verify-email", "wishlist"]]
    lines += ["Disallow: /vendor/", "Disallow: /search", "Disallow: /api/", "Disallow: /admin/", ""]
    lines.append(f"Sitemap: {site_url('/sitemap.xml')}")
    return "\n".join(lines) + "\n"
