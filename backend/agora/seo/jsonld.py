"""schema.org structured data, in the shapes Google documents for rich results:

- ``Product`` (https://developers.google.com/search/docs/appearance/structured-data/product):
  ``name``, ``image``, ``description``, ``sku``, ``offers`` (one ``Offer`` per variant: ``price``,
  ``priceCurrency``, ``availability``, ``url``, ``seller``) and, with reviews, ``aggregateRating``
  (``ratingValue``, ``reviewCount``, ``bestRating``, ``worstRating``).
- ``BreadcrumbList`` (…/structured-data/breadcrumb): ``ListItem``s with ``position`` from 1,
  ``name`` and ``item`` (the last one may leave ``item`` out: it is the page itself).
- ``Organization`` (…/structured-data/organization): ``name``, ``url``, ``description``.
- ``WebSite`` for the home page (…/structured-data/site-names): ``name``, ``url``.
"""

from typing import Any

from agora.catalog.selectors import NamedRef, ProductDetail
from agora.vendors.selectors import VendorProfile

CONTEXT = "https://schema.org"
IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"
NEW = "https://schema.org/NewCondition"

JsonLd = dict[str, Any]


def breadcrumbs(trail: list[tuple[str, str | None]]) -> JsonLd:
    """``trail``: (name, absolute URL) from the home page down; the last item is the page itself."""
    items = []
    for position, (name, url) in enumerate(trail, start=1):
        item: JsonLd = {"@type": "ListItem", "position": position, "name": name}
        if url:
            item["item"] = url
        items.append(item)
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": items}


def product(detail: ProductDetail, *, url: str, images: list[str], vendor_url: str) -> JsonLd:
    seller = {"@type": "Organization", "name": detail["vendor"]["name"], "url": vendor_url}
    offers = [
        {
            "@type": "Offer",
            "url": url,
            "sku": variant["sku"],
            "name": variant["name"],
            "price": variant["price"],
            "priceCurrency": variant["currency"],
            "availability": IN_STOCK if variant["stock_available"] > 0 else OUT_OF_STOCK,
            "itemCondition": NEW,
            "seller": seller,
        }
        for variant in detail["variants"]
        if variant["price"] is not None
    ]
    data: JsonLd = {
        "@context": CONTEXT,
        "@type": "Product",
        "name": detail["name"],
        "url": url,
        "category": detail["category"]["name"],
        "brand": {"@type": "Brand", "name": detail["vendor"]["name"]},
    }
    if detail["description"]:
        data["description"] = detail["description"]
    if images:
        data["image"] = images
    if detail["variants"]:
        data["sku"] = detail["variants"][0]["sku"]
    if offers:
        data["offers"] = offers
    if detail["rating_count"] and detail["rating_average"] is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": detail["rating_average"],
            "reviewCount": detail["rating_count"],
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


def organization(profile: VendorProfile, *, url: str) -> JsonLd:
    data: JsonLd = {"@context": CONTEXT, "@type": "Organization", "name": profile["name"], "url": url}
    if profile["description"]:
        data["description"] = profile["description"]
    return data


def website(*, name: str, url: str) -> JsonLd:
    return {"@context": CONTEXT, "@type": "WebSite", "name": name, "url": url}


def marketplace(*, name: str, url: str, description: str) -> JsonLd:
    return {"@context": CONTEXT, "@type": "Organization", "name": name, "url": url, "description": description}


def category_trail(trail: list[NamedRef], *, home: str, site_name: str, link) -> list[tuple[str, str | None]]:
    """Home, then each category of ``trail`` (root first), each linked with ``link(slug)``."""
    return [(site_name, home), *((c["name"], link(c["slug"])) for c in trail)]
