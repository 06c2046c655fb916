"""Search documents, built once from the catalog and fed to whichever backend is configured."""

from collections.abc import Iterable, Iterator
from typing import TypedDict

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django_stubs_ext import WithAnnotations

from agora.catalog.attributes import SEPARATOR, attribute_pairs
from agora.catalog.models import Category, Product, ProductImage, Variant
from agora.vendors.models import Vendor


def public_products() -> QuerySet[Product]:
    """Every product the public may see: approved, of an approved vendor."""
    return Product.objects.filter(status=Product.Status.APPROVED, vendor__status=Vendor.Status.APPROVED)


def _ancestor_paths(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _flatten(value) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _flatten(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def build_documents(product_ids: Iterable[int]) -> list[dict]:
    """The documents of those of ``product_ids`` that are public (hidden or missing ones are left out).

    Three queries whatever the batch size: products with vendor, category and first image;
    active variants' SKUs; ancestor categories' names.
    """
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    products = list(
        public_products()
        .filter(pk__in=list(product_ids))
        .select_related("vendor", "category")
        .annotate(
            thumb=Subquery(first_image.values("thumbnail")[:1]),
            image_name=Subquery(first_image.values("image")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.filter(is_active=True).only("id", "product_id", "sku").order_by("id"),
                to_attr="active_variants",
            )
        )
        .order_by("pk")
    )
    paths = {p for product in products for p in _ancestor_paths(product.category.path)}
    names = dict(Category.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    return [_document(product, names) for product in products]


class _Read(TypedDict):
    """What build_documents reads with each product: its first image and its active variants."""

    thumb: str | None
    image_name: str | None
    active_variants: list[Variant]


def _document(product: "WithAnnotations[Product, _Read]", category_names: dict[str, str]) -> dict:
    """``product`` as build_documents reads it: with its first image's ``thumb`` and ``image_name``
    and its ``active_variants``."""
    ancestors = _ancestor_paths(product.category.path)
    return {
        "id": product.pk,
        "slug": product.slug,
        "name": product.name,
        "description": product.description,
        "vendor_id": product.vendor_id,
        "vendor": {"slug": product.vendor.slug, "name": product.vendor.name},
        "category": {"slug": product.category.slug, "name": product.category.name},
        "category_slugs": [p.rsplit("/", 1)[-1] for p in ancestors],
        "category_names": [category_names.get(p, "") for p in ancestors if category_names.get(p)],
        "skus": [v.sku for v in product.active_variants],
        "attributes_text": " ".join(_flatten(product.attributes)),
        "attribute_values": [f"{key}{SEPARATOR}{value}" for key, value in attribute_pairs(product.attributes)],
        "price_from": product.price_min,
        "currency": product.currency,
        "in_stock": product.in_stock,
        "popularity": product.units_sold_30d,
        "rating_average": product.rating_average,
        "rating_count": product.rating_count,
        "thumbnail": product.thumb or product.image_name or "",
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def summary(doc: dict) -> dict:
    """The public summary the API returns, from a full document."""
    return {
        "id": doc["id"],
        "slug": doc["slug"],
        "name": doc["name"],
        "vendor": doc["vendor"],
        "category": doc["category"],
        "price_from": doc["price_from"],
        "currency": doc["currency"],
        "in_stock": doc["in_stock"],
        "rating_average": doc["rating_average"],
        "rating_count": doc["rating_count"],
        "thumbnail": doc["thumbnail"],
    }
