"""Catalog reads. The public catalog has a lean path (``.values()`` rows turned into the API
shape, no model instances; see bench/catalog_serialization.py) with a flat number of queries
whatever the page size and the number of variants or images."""

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict, overload

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.files.storage import default_storage
from django.db.models import CharField, Count, F, OrderBy, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Cast, JSONObject, Upper
from django.shortcuts import get_object_or_404

from agora.catalog.cache import cached_value, catalog_version, list_index, product_detail_version
from agora.catalog.models import Category, ImportJob, Product, ProductImage, Variant
from agora.core.money import money_text
from agora.core.pagination import PageNumberPagination
from agora.core.prepared import PreparedPage, PreparedValues, any_of
from agora.vendors.models import Vendor

ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "price": ("price_min", "id"),
    "-price": ("-price_min", "-id"),
    "name": ("name", "id"),
    "-created_at": ("-created_at", "-id"),
    # Best rated first: products without reviews last; more reviews win a tie. The
    # catalog_product_public_rating index has exactly this order.
    "-rating": (F("rating_average").desc(nulls_last=True), "-rating_count", "-id"),
}
DEFAULT_ORDERING = "-created_at"
SUMMARY_VALUES = (
    "id",
    "slug",
    "name",
    "price_min",
    "currency",
    "in_stock",
    "rating_average",
    "rating_count",
    "vendor__slug",
    "vendor__name",
    "category__slug",
    "category__name",
)
# A row of ``public_product_rows()``: the SUMMARY_VALUES columns (plus, for the detail page,
# description and attributes) by name.
Row = dict[str, Any]


class ProductFilters(TypedDict, total=False):
    """The public list's query parameters (ProductListQuerySerializer); blank means no filter."""

    category: str
    vendor: str
    min_price: Decimal
    max_price: Decimal
    in_stock: bool | None
    min_rating: Decimal
    ordering: str


class NamedRef(TypedDict):
    slug: str
    name: str


class ProductSummary(TypedDict):
    """One product of the public list (ProductSummarySerializer's shape, money as text)."""

    id: int
    slug: str
    name: str
    vendor: NamedRef
    category: NamedRef
    price_from: str | None
    currency: str
    in_stock: bool
    rating_average: str | None
    rating_count: int
    thumbnail: str | None


# The summary's fields in the API's order: the one list the DRF serializer (the schema), the
# Elasticsearch request's _source and the contract tests use.
SUMMARY_FIELDS: tuple[str, ...] = tuple(ProductSummary.__annotations__)


class ImageView(TypedDict):
    url: str | None
    thumbnail_url: str | None
    alt: str


class VariantView(TypedDict):
    id: int
    sku: str
    name: str
    price: str | None
    currency: str
    stock_available: int


class ProductDetail(ProductSummary):
    """The public product page."""

    description: str
    attributes: dict[str, Any]
    images: list[ImageView]
    variants: list[VariantView]


class CategoryNode(TypedDict):
    slug: str
    name: str
    children: list["CategoryNode"]


def file_url(name: str | None) -> str | None:
    """Root-relative (local disk) or absolute (S3) URL of a stored file; None for no file."""
    return default_storage.url(name) if name else None


def public_products() -> QuerySet[Product]:
    """Only approved products of approved vendors are public."""
    return Product.objects.filter(status=Product.Status.APPROVED, vendor__status=Vendor.Status.APPROVED)


# Filters the per-filter counts do not cover: counted up to a limit, estimated past it.
RANGE_FILTERS = ("min_price", "max_price", "min_rating")


@dataclass(frozen=True)
class ResolvedFilters:
    """The list's filters with the category resolved to the ids of its subtree's categories that
    hold public products and the vendor to its id, once per request, for both the page and its
    count. ``nothing`` when a filter names no public product."""

    filters: ProductFilters
    category_ids: tuple[int, ...] | None = None
    vendor_id: int | None = None
    nothing: bool = False

    @property
    def by_range(self) -> bool:
        """A price range or a minimum rating: filters the per-filter counts do not cover."""
        return any(self.filters.get(name) is not None for name in RANGE_FILTERS)


# (category id, vendor id, in stock) → how many public products: every filter of the list but the
# price range, counted for the whole catalog at once.
CountGroups = list[tuple[int, int, bool, int]]


class ListIndex(TypedDict):
    """What the public list needs to know of the whole catalog, built once per catalog version (every
    write that changes what the list shows bumps it) and shared by every list: the counts per filter
    key, each category's subtree as the ids of its categories holding public products, and the
    vendors with public products."""

    groups: CountGroups
    categories: dict[str, tuple[int, ...]]  # category slug → ids (none: nothing to list)
    vendors: dict[str, int]  # vendor slug → id


def public_list_index() -> ListIndex:
    """One GROUP BY over the public rows and a read of the category tree (run once per catalog
    version by the cache, instead of a COUNT(*) and a category lookup on every miss)."""
    rows = (
        public_products()
        .values_list("category_id", "vendor_id", "vendor__slug", "in_stock")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups: CountGroups = []
    vendors: dict[str, int] = {}
    holding: set[int] = set()
    for category_id, vendor_id, vendor_slug, in_stock, n in rows:
        groups.append((category_id, vendor_id, in_stock, n))
        vendors[vendor_slug] = vendor_id
        holding.add(category_id)
    tree = list(Category.objects.values_list("id", "slug", "path"))
    slug_by_path = {path: slug for _, slug, path in tree}
    subtrees: dict[str, list[int]] = {slug: [] for _, slug, _ in tree}
    for category_id, _, path in tree:
        if category_id in holding:
            parts = path.split("/")
            for depth in range(1, len(parts) + 1):  # the category and each of its ancestors
                ancestor = slug_by_path.get("/".join(parts[:depth]))
                if ancestor is not None:  # a path whose ancestor is gone lists under what remains
                    subtrees[ancestor].append(category_id)
    categories = {slug: tuple(sorted(ids)) for slug, ids in subtrees.items()}
    return {"groups": groups, "categories": categories, "vendors": vendors}


def public_list_index_of(version: int) -> ListIndex:
    """The list index of this catalog version, from the cache (built by the first list to need it)."""
    index: ListIndex = list_index(version, public_list_index)
    return index


def resolve_filters(filters: ProductFilters, index: ListIndex | None = None) -> ResolvedFilters:
    """The category and vendor filters resolved through the catalog version's list index, without a
    query: a slug unknown, not public or without public products lists nothing."""
    index = index if index is not None else public_list_index_of(catalog_version())
    category_ids = vendor_id = None
    if filters.get("category"):
        category_ids = index["categories"].get(filters["category"])
        if not category_ids:
            return ResolvedFilters(filters, nothing=True)
    if filters.get("vendor"):
        vendor_id = index["vendors"].get(filters["vendor"])
        if vendor_id is None:
            return ResolvedFilters(filters, nothing=True)
    return ResolvedFilters(filters, category_ids=category_ids, vendor_id=vendor_id)


def public_product_queryset(
    *, filters: ProductFilters, resolved: ResolvedFilters | None = None, with_ranges: bool = True
) -> QuerySet[Product]:
    resolved = resolved or resolve_filters(filters)
    qs = public_products()
    if resolved.nothing:
        return qs.none()
    # The ids as constants, not a subquery on the category tree: the planner then knows from the
    # statistics how many rows each holds and reads a small category through its own index.
    if resolved.category_ids is not None:
        qs = qs.filter(category_id__in=resolved.category_ids)
    if resolved.vendor_id is not None:
        qs = qs.filter(vendor_id=resolved.vendor_id)
    if with_ranges and filters.get("min_price") is not None:
        qs = qs.filter(price_min__gte=filters["min_price"])
    if with_ranges and filters.get("max_price") is not None:
        qs = qs.filter(price_min__lte=filters["max_price"])
    in_stock = filters.get("in_stock")
    if in_stock is not None:
        qs = qs.filter(in_stock=in_stock)
    if with_ranges and filters.get("min_rating") is not None:
        qs = qs.filter(rating_average__gte=filters["min_rating"])
    return qs.order_by(*ORDERINGS[filters.get("ordering") or DEFAULT_ORDERING])


def public_product_rows(*, filters: ProductFilters, resolved: ResolvedFilters | None = None) -> QuerySet[Product, Row]:
    """Summary rows as dicts; turn a page of them into the API shape with ``summaries()``."""
    rows: QuerySet[Product, Row] = public_product_queryset(filters=filters, resolved=resolved).values(*SUMMARY_VALUES)
    return rows


def public_product_count(*, resolved: ResolvedFilters, groups: CountGroups) -> int:
    """How many public products match every filter but the price range (exact, from the groups)."""
    if resolved.nothing:
        return 0
    vendor_id, in_stock = resolved.vendor_id, resolved.filters.get("in_stock")
    categories = None if resolved.category_ids is None else set(resolved.category_ids)
    return sum(
        n
        for g_category, g_vendor, g_stock, n in groups
        if (categories is None or g_category in categories)
        and (vendor_id is None or g_vendor == vendor_id)
        and (in_stock is None or g_stock == in_stock)
    )


def price_share_estimate(*, resolved: ResolvedFilters) -> float:
    """The planner's estimate of the share of the listed products inside the price range and the
    minimum rating: the
    filtered and unfiltered lists EXPLAINed in one statement (their estimates share the same
    join misjudgements, so the ratio is better than either figure)."""
    with_price = public_product_queryset(filters=resolved.filters, resolved=resolved).order_by().values("pk")
    without = (
        public_product_queryset(filters=resolved.filters, resolved=resolved, with_ranges=False).order_by().values("pk")
    )
    plan = json.loads(with_price.union(without, all=True).explain(format="json"))[0]["Plan"]
    parts = [float(p["Plan Rows"]) for p in plan.get("Plans", [])]
    if len(parts) != 2 or not parts[1]:
        return 1.0
    return min(1.0, parts[0] / parts[1])


@dataclass(frozen=True)
class ListCount:
    """How the public list is counted, without scanning every matching row: ``exact`` when the
    per-filter counts give it; otherwise the page's own query counts up to ``limit`` rows and, past
    that, the count is ``estimate()`` (the answer's count_is_estimate)."""

    exact: int | None
    limit: int
    estimate: Callable[[], int] | None = None


def public_product_list_count(*, resolved: ResolvedFilters, index: ListIndex) -> ListCount:
    """The count policy of the public list. The whole catalog's counts per (category, vendor, in
    stock) come once per catalog version; a price range or minimum rating is counted exactly up to
    CATALOG_EXACT_COUNT_LIMIT and estimated past it. An exact COUNT(*) of every public row was most
    of a cold list's time (bench/README.md)."""
    groups = index["groups"]
    limit = settings.CATALOG_EXACT_COUNT_LIMIT
    if not resolved.by_range:
        return ListCount(exact=public_product_count(resolved=resolved, groups=groups), limit=limit)

    def estimate() -> int:
        return round(public_product_count(resolved=resolved, groups=groups) * price_share_estimate(resolved=resolved))

    return ListCount(exact=None, limit=limit, estimate=estimate)


def _whole_list(ordering: str) -> Callable[[], QuerySet[Product, Row]]:
    def public_list_page() -> QuerySet[Product, Row]:
        rows: QuerySet[Product, Row] = public_products().order_by(*ORDERINGS[ordering]).values(*SUMMARY_VALUES)
        return rows

    return public_list_page


# The whole public list in each ordering, compiled once per thread and prepared on the server once
# per connection, the page's offset and size bound: the storefront's most asked list (its first
# pages, every ordering) no longer builds, compiles and plans its statement on each miss. Its first
# five pages of the default size are each a statement of their own, which the server plans once per
# connection instead of on every run (bench/README.md, "A cold list's page prepared").
_WHOLE_LIST_PAGES = {
    ordering: PreparedPage(_whole_list(ordering), fixed_size=PageNumberPagination.page_size, fixed_pages=5)
    for ordering in ORDERINGS
}


class PreparedListRows(Sequence[Row]):
    """The whole public list in one ordering (``count`` rows, a count the list index keeps), as the
    paginator slices it: each slice is one run of the prepared statement, reading that page only."""

    def __init__(self, ordering: str, count: int) -> None:
        self._page = _WHOLE_LIST_PAGES[ordering]
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(self._count)
        if step != 1:
            raise ValueError("a page of the public list is a [start:stop] slice")
        return self._page.page(start, stop - start) if stop > start else []


def public_list_page_rows(
    *, filters: ProductFilters, resolved: ResolvedFilters, count: ListCount
) -> QuerySet[Product, Row] | PreparedListRows:
    """The rows the list's paginator slices a page from: for the whole list (no filter but the
    ordering) the prepared statement, otherwise the filtered queryset (its plan depends on the
    filters' values, which a prepared statement's generic plan would not see)."""
    unfiltered = not resolved.nothing and resolved.category_ids is None and resolved.vendor_id is None
    if unfiltered and filters.get("in_stock") is None and count.exact is not None:
        return PreparedListRows(filters.get("ordering") or DEFAULT_ORDERING, count.exact)
    return public_product_rows(filters=filters, resolved=resolved)


def _first_images_query(product_ids: list[int]) -> QuerySet[ProductImage, Any]:
    return (
        ProductImage.objects.filter(any_of('"catalog_productimage"."product_id" = ANY(%s::bigint[])', product_ids))
        .order_by("product_id", "position", "id")
        .distinct("product_id")
        .values("product_id", "image", "thumbnail")
    )


# Compiled once per thread: building it took a cold list more CPU than running it (issue #18).
_FIRST_IMAGES = PreparedValues(_first_images_query, product_ids=list)


def first_images(product_ids: list[int]) -> dict[int, tuple[str, str]]:
    """product id → (image, thumbnail) of its first image: one DISTINCT ON query."""
    if not product_ids:
        return {}
    rows = _FIRST_IMAGES.rows(product_ids=list(product_ids))
    return {row["product_id"]: (row["image"], row["thumbnail"]) for row in rows}


def _summary(row: Row, image: tuple[str, str] | None) -> ProductSummary:
    return {
        "id": row["id"],
        "slug": row["slug"],
        "name": row["name"],
        "vendor": {"slug": row["vendor__slug"], "name": row["vendor__name"]},
        "category": {"slug": row["category__slug"], "name": row["category__name"]},
        "price_from": money_text(row["price_min"]),
        "currency": row["currency"],
        "in_stock": row["in_stock"],
        "rating_average": money_text(row["rating_average"]),
        "rating_count": row["rating_count"],
        "thumbnail": file_url(image[1] or image[0]) if image else None,
    }


def summaries(rows: Sequence[Row]) -> list[ProductSummary]:
    images = first_images([row["id"] for row in rows])
    return [_summary(row, images.get(row["id"])) for row in rows]


def public_product_detail(*, slug: str) -> ProductDetail:
    """The public product page: one statement whatever the number of variants and images."""
    detail = _product_detail(slug)
    if detail is None:
        from django.http import Http404

        raise Http404
    return detail


def public_product_page(*, slug: str) -> ProductDetail | None:
    """The public product page from the cache (its version is renewed by every change the page
    shows), None for a product the public may not see; no query on a hit."""
    found: ProductDetail | None = cached_value(
        f"product:{slug}",
        lambda: _product_detail(slug),
        version=product_detail_version(slug),
        timeout=settings.CATALOG_CACHE_TIMEOUT,
    )
    return found


def category_trail(*, slug: str) -> list[NamedRef] | None:
    """A category and its ancestors, root first (breadcrumbs), from the cache; None when unknown."""
    found: list[NamedRef] | None = cached_value(
        f"trail:{slug}", lambda: _trail(slug), version=catalog_version(), timeout=settings.CATALOG_CACHE_TIMEOUT
    )
    return found


def _trail(slug: str) -> list[NamedRef] | None:
    path = Category.objects.filter(slug=slug).values_list("path", flat=True).first()
    if path is None:
        return None
    parts = path.split("/")
    names = dict(Category.objects.filter(slug__in=parts).values_list("slug", "name"))
    return [{"slug": part, "name": names.get(part, part)} for part in parts]


def sitemap_product_rows(*, offset: int, limit: int) -> list[tuple[str, datetime]]:
    """(slug, updated_at) of public products in id order: one page of a product sitemap."""
    return list(public_products().order_by("pk").values_list("slug", "updated_at")[offset : offset + limit])


def sitemap_sections() -> tuple[int, list[str], list[str]]:
    """How many public products there are, the slugs of categories that hold any (or whose
    descendants do), and of approved vendors that sell any: what the sitemaps list."""
    products = public_products()
    category_paths = Category.objects.filter(pk__in=products.values("category_id")).values_list("path", flat=True)
    slugs = sorted({part for path in category_paths for part in path.split("/")})
    vendors = sorted(
        Vendor.objects.filter(pk__in=products.values("vendor_id"), status=Vendor.Status.APPROVED).values_list(
            "slug", flat=True
        )
    )
    return products.count(), slugs, vendors


def _product_detail_query(slug: str) -> QuerySet[Product, dict[str, Any]]:
    variants = ArraySubquery(
        Variant.objects.filter(product_id=OuterRef("pk"), is_active=True)
        .order_by("position", "id")
        .values(
            json=JSONObject(
                id="id", sku="sku", name="name", price=Cast("price", CharField()), currency="currency", stock="stock"
            )
        )
    )
    images = ArraySubquery(
        ProductImage.objects.filter(product_id=OuterRef("pk"))
        .order_by("position", "id")
        .values(json=JSONObject(image="image", thumbnail="thumbnail", alt="alt"))
    )
    rows: QuerySet[Product, dict[str, Any]] = (
        public_products()
        .filter(slug=slug)
        .annotate(variant_rows=variants, image_rows=images)
        .values(*SUMMARY_VALUES, "description", "attributes", "variant_rows", "image_rows")
        .order_by()[:1]
    )
    return rows


# Compiled once per thread: building and compiling this queryset cost more CPU than running it.
_PRODUCT_DETAIL = PreparedValues(_product_detail_query, "slug")


def _product_detail(slug: str) -> ProductDetail | None:
    """The public product page in one statement: the product row with its active variants and its
    images aggregated by two array subqueries (was three round trips: product, variants, images).
    Prices travel as text so they stay exact decimals."""
    row = _PRODUCT_DETAIL.first(slug=slug)
    if row is None:
        return None
    image_rows = row["image_rows"] or []
    first = (image_rows[0]["image"], image_rows[0]["thumbnail"]) if image_rows else None
    return {
        **_summary(row, first),
        "description": row["description"],
        "attributes": row["attributes"] or {},
        "images": [
            {"url": file_url(i["image"]), "thumbnail_url": file_url(i["thumbnail"]), "alt": i["alt"]}
            for i in image_rows
        ],
        "variants": [
            {
                "id": v["id"],
                "sku": v["sku"],
                "name": v["name"],
                "price": money_text(None if v["price"] is None else Decimal(v["price"])),
                "currency": v["currency"],
                "stock_available": v["stock"],
            }
            for v in row["variant_rows"] or []
        ],
    }


def public_product_models(*, filters: ProductFilters) -> QuerySet[Product]:
    """The same list as model instances, for the DRF serializers (reference shape and benchmark)."""
    return public_product_queryset(filters=filters).select_related("vendor", "category").prefetch_related("images")


def public_product_model(*, slug: str) -> Product:
    return get_object_or_404(
        public_products()
        .select_related("vendor", "category")
        .prefetch_related(Prefetch("variants", queryset=Variant.objects.filter(is_active=True)), "images"),
        slug=slug,
    )


def category_tree() -> list[CategoryNode]:
    """The whole tree as nested ``{slug, name, children}``, from one query (ordered by path)."""
    nodes: dict[int, CategoryNode] = {}
    roots: list[CategoryNode] = []
    for pk, parent_id, slug, name in Category.objects.order_by("path", "position").values_list(
        "pk", "parent_id", "slug", "name"
    ):
        node: CategoryNode = {"slug": slug, "name": name, "children": []}
        nodes[pk] = node
        (nodes[parent_id]["children"] if parent_id in nodes else roots).append(node)
    return roots


# --- vendor portal -------------------------------------------------------------------------


def _with_parts(qs: QuerySet[Product]) -> QuerySet[Product]:
    return qs.select_related("category", "vendor").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(is_active=True).order_by("position", "id")),
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
    )


def vendor_product_list(*, vendor: Vendor, status: str | None = None) -> QuerySet[Product]:
    qs = Product.objects.filter(vendor=vendor)
    if status:
        qs = qs.filter(status=status)
    return _with_parts(qs).order_by("-created_at", "-id")


def vendor_product_get(*, vendor: Vendor, pk: int) -> Product:
    """One of the caller's products; another vendor's product is indistinguishable from a missing one."""
    return get_object_or_404(_with_parts(Product.objects.filter(vendor=vendor)), pk=pk)


def vendor_variants_with_skus(*, vendor_id: int, skus: Collection[str]) -> list[tuple[int, str]]:
    """The vendor's variants (archived ones too: they keep their SKU) holding any of these SKUs,
    compared as the unique constraint does (case-insensitive): ``(id, upper-case SKU)`` pairs."""
    wanted = {sku.upper() for sku in skus}
    if not wanted:
        return []
    return list(
        Variant.objects.filter(vendor_id=vendor_id)
        .annotate(usku=Upper("sku"))
        .filter(usku__in=wanted)
        .values_list("pk", "usku")
    )


def vendor_import_get(*, vendor: Vendor, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, vendor=vendor, pk=pk)


# --- moderation ----------------------------------------------------------------------------


def moderation_product_list() -> QuerySet[Product]:
    """Products waiting for review, oldest first."""
    return _with_parts(Product.objects.filter(status=Product.Status.PENDING_REVIEW)).order_by("updated_at", "id")


def moderation_product_get(*, pk: int) -> Product:
    return get_object_or_404(Product.objects.select_related("vendor"), pk=pk)
