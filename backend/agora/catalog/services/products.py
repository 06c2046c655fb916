"""Product and variant writes, and every product status change.

Status machine: draft → pending_review → approved | rejected; rejected → pending_review;
approved → archived. Editing an approved product's name, description or category sends it
back to pending_review; price and stock edits do not.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.functions import Upper
from django.utils import timezone

from agora.catalog import errors
from agora.catalog.changes import products_changed
from agora.catalog.locks import lock_product_variants, lock_products
from agora.catalog.models import Category, Product, Variant
from agora.catalog.notifications import product_moderated
from agora.catalog.services.summary import products_refresh_summary
from agora.catalog.skus import sku_problem
from agora.core.errors import ValidationFailed
from agora.core.money import default_currency
from agora.core.slugs import unique_slug
from agora.core.states import StateMachine
from agora.core.updates import apply_changes
from agora.vendors.errors import VendorNotApproved
from agora.vendors.models import Vendor

PRODUCTS = StateMachine(
    Product,
    {
        Product.Status.DRAFT: {Product.Status.PENDING_REVIEW},
        Product.Status.PENDING_REVIEW: {Product.Status.APPROVED, Product.Status.REJECTED},
        Product.Status.REJECTED: {Product.Status.PENDING_REVIEW},
        Product.Status.APPROVED: {Product.Status.ARCHIVED, Product.Status.PENDING_REVIEW},
        Product.Status.ARCHIVED: set(),
    },
    error=lambda current, to: errors.TransitionNotAllowed(
        f"A {current} product cannot become {to}.", details={"status": current, "requested": to}
    ),
)


class VariantItem(TypedDict, total=False):
    """One item of a product's desired variant list (VariantInputSerializer): with ``id`` it
    updates that variant (left-out fields stay), without it creates one (all but
    ``expected_stock`` required)."""

    id: int
    sku: str
    name: str
    price: Decimal
    stock: int
    expected_stock: int
    currency: str  # the variant's as GET shows it, sent back: checked, never written


class ProductChanges(TypedDict, total=False):
    """A product PATCH (ProductUpdateInputSerializer): only the fields it names change."""

    name: str
    description: str
    category: str  # slug
    attributes: dict[str, Any]
    variants: Sequence[VariantItem]


class StockConflict(TypedDict):
    """A variant whose stock moved since the client read it (409 ``stock_changed``)."""

    id: int
    expected_stock: int
    stock: int


# What a PATCH may change on the product itself (variants have their own rules).
EDITABLE_FIELDS = ("name", "description", "category", "attributes")
# Edits to these send an approved product back to review; price/stock/attributes do not.
REVIEWED_FIELDS = ("name", "description", "category")


def sends_back_to_review(product: Product, changed: list[str]) -> bool:
    """An approved product whose reviewed content changed goes back to review (the portal, the
    API and the CSV import all follow this rule)."""
    return product.status == Product.Status.APPROVED and any(f in REVIEWED_FIELDS for f in changed)


def unique_product_slug(name: str) -> str:
    return unique_slug(
        name, fallback="product", max_length=240, taken=lambda slug: Product.objects.filter(slug=slug).exists()
    )


def category_by_slug(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise ValidationFailed(details={"category": [errors.UNKNOWN_CATEGORY]})
    return category


def _require_approved(vendor: Vendor) -> None:
    if vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()


def require_not_archived(product: Product) -> None:
    """An archived product is off sale for good and kept for order history: the vendor may only
    delete it (``Product.portal_actions``), so edits and new images answer 409 ``product_archived``.
    Checked again on the locked row, as staff may archive it meanwhile."""
    if product.status == Product.Status.ARCHIVED:
        raise errors.ProductArchived()


def _currency_of_new_variants(product: Product | None) -> str:
    """The currency a new variant of ``product`` (None: of a product being created) is sold in."""
    return product.currency if product is not None else default_currency()


def _check_variants(*, vendor: Vendor, product: Product | None, items: Sequence[VariantItem]) -> None:
    """SKUs unique within the list and among the vendor's other variants; ids must be the product's,
    each once. A currency sent with an item (the list as GET shows it, sent back) must be the one
    the variant is sold in: the shop sells in one currency, and it is never changed."""
    problems: list[dict[str, list[str]]] = [{} for _ in items]
    rows = list(product.variants.filter(is_active=True).values_list("pk", "sku", "currency")) if product else []
    own = {pk: sku for pk, sku, _ in rows}
    currencies = {pk: currency for pk, _, currency in rows}
    own_ids = set(own)
    new_currency = _currency_of_new_variants(product)
    seen: dict[str, int] = {}
    seen_ids: set[int] = set()
    for i, item in enumerate(items):
        if item.get("id") is not None and item["id"] not in own_ids:
            problems[i].setdefault("id", []).append(errors.UNKNOWN_VARIANT)
        elif item.get("id") is not None:
            if item["id"] in seen_ids:  # two instructions for one variant: which is meant?
                problems[i].setdefault("id", []).append(errors.VARIANT_REPEATED)
            seen_ids.add(item["id"])
        if "currency" in item:
            sold_in = currencies.get(item["id"], new_currency) if item.get("id") is not None else new_currency
            if item["currency"].upper() != sold_in.upper():
                problems[i].setdefault("currency", []).append(errors.CURRENCY_FIXED.format(currency=sold_in))
        if "sku" not in item:  # an unknown id that left its SKU out: nothing to compare
            continue
        # A new or changed SKU follows the rule; one sent back as it is stays (imports of
        # earlier versions took any text).
        kept = item.get("id") is not None and item["sku"] == own.get(item["id"])
        if not kept and (problem := sku_problem(item["sku"])):
            problems[i].setdefault("sku", []).append(problem)
        sku = item["sku"].upper()
        if sku in seen:
            problems[i].setdefault("sku", []).append(errors.SKU_REPEATED)
        seen.setdefault(sku, i)
    taken = set(
        Variant.objects.filter(vendor=vendor)
        .exclude(pk__in=own_ids)
        .annotate(usku=Upper("sku"))
        .filter(usku__in=list(seen))
        .values_list("usku", flat=True)
    )
    for i, item in enumerate(items):
        if "sku" in item and item["sku"].upper() in taken:
            problems[i].setdefault("sku", []).append(errors.SKU_TAKEN)
    if any(problems):
        raise ValidationFailed(details={"variants": problems})


def _remove_variant(variant: Variant) -> None:
    """Deletes a variant, or archives it when something (an order line) still refers to it."""
    try:
        with transaction.atomic():
            variant.delete()
    except (ProtectedError, RestrictedError):
        Variant.objects.filter(pk=variant.pk).update(is_active=False, updated_at=timezone.now())


def _fill_unchanged(product: Product, items: Sequence[VariantItem]) -> list[VariantItem]:
    """Items that update a variant (with ``id``) may leave fields out: those stay as they are.
    Their current SKU, name and price are filled in for the checks; a left-out stock stays out
    (it is never written)."""
    current = {v.pk: v for v in product.variants.filter(is_active=True, pk__in=[i["id"] for i in items if i.get("id")])}
    filled = []
    for item in items:
        variant = current.get(item["id"]) if item.get("id") is not None else None
        if variant is not None:
            item = {"sku": variant.sku, "name": variant.name, "price": variant.price, **item}
        filled.append(item)
    return filled


def _new_stock(variant: Variant, item: VariantItem, conflicts: list[StockConflict]) -> int:
    """The stock to write for an updated variant (its row is locked): unchanged when left out or
    when the client did not change what it read; else compare-and-set on what it read."""
    if "stock" not in item:
        return variant.stock
    if "expected_stock" not in item:  # an API client syncing inventory (v1): absolute
        return item["stock"]
    if item["stock"] == item["expected_stock"]:
        return variant.stock  # the vendor did not touch it: sales made meanwhile stand
    if variant.stock != item["expected_stock"]:
        conflicts.append({"id": variant.pk, "expected_stock": item["expected_stock"], "stock": variant.stock})
    return item["stock"]


def _apply_variants(*, product: Product, items: Sequence[VariantItem]) -> None:
    """Writes the desired variant list of a locked product; its variants are locked first (the
    catalog's lock order: product, then variants)."""
    existing = lock_product_variants(product)
    keep = {item["id"] for item in items if item.get("id") is not None}
    to_update: list[Variant] = []
    to_create: list[Variant] = []
    conflicts: list[StockConflict] = []
    for position, item in enumerate(items):
        if item.get("id") is not None:
            variant = existing.get(item["id"])
            if variant is None:  # removed by a concurrent edit since the checks
                raise ValidationFailed(details={"variants": [errors.UNKNOWN_VARIANT]})
            variant.stock = _new_stock(variant, item, conflicts)
            variant.sku, variant.name, variant.price = item["sku"], item["name"], item["price"]
            variant.position = position
            variant.updated_at = timezone.now()
            to_update.append(variant)
        else:
            to_create.append(
                Variant(
                    product=product,
                    vendor_id=product.vendor_id,
                    sku=item["sku"],
                    name=item["name"],
                    price=item["price"],
                    stock=item["stock"],
                    currency=product.currency,  # an item's own currency was checked to be this one
                    position=position,
                )
            )
    if conflicts:
        raise errors.StockChanged(details={"variants": conflicts})
    for pk, variant in existing.items():
        if pk not in keep:
            _remove_variant(variant)
    try:
        with transaction.atomic():
            if to_update:
                Variant.objects.bulk_update(to_update, ["sku", "name", "price", "stock", "position", "updated_at"])
            if to_create:
                Variant.objects.bulk_create(to_create)
    except IntegrityError:
        # A SKU still held by an archived variant of this product, or swapped between two variants.
        raise ValidationFailed(details={"variants": [errors.SKU_TAKEN]}) from None


def product_create(
    *,
    vendor: Vendor,
    name: str,
    category: str,
    description: str = "",
    attributes: dict[str, Any] | None = None,
    variants: Sequence[VariantItem] = (),
) -> Product:
    """A new draft product of the caller's approved vendor, with its variants."""
    _require_approved(vendor)
    cat = category_by_slug(category)
    _check_variants(vendor=vendor, product=None, items=variants)
    with transaction.atomic():
        product = Product.objects.create(
            vendor=vendor,
            category=cat,
            name=name,
            slug=unique_product_slug(name),
            description=description,
            attributes=attributes or {},
            status=Product.Status.DRAFT,
        )
        _apply_variants(product=product, items=variants)
        products_refresh_summary(product_ids=[product.pk])
    product.refresh_from_db()
    return product


def product_update(*, product: Product, data: ProductChanges) -> Product:
    """Applies any of the create fields. ``variants``, when given, is the whole desired list."""
    _require_approved(product.vendor)
    require_not_archived(product)
    cat = category_by_slug(data["category"]) if "category" in data else None
    if "variants" in data:
        data = {**data, "variants": _fill_unchanged(product, data["variants"])}
        _check_variants(vendor=product.vendor, product=product, items=data["variants"])
    with transaction.atomic():
        product = Product.objects.select_for_update(of=("self",)).select_related("vendor").get(pk=product.pk)
        require_not_archived(product)
        changed = apply_changes(product, {**data, **({"category": cat} if cat else {})}, EDITABLE_FIELDS)
        if changed:
            product.save(update_fields=[*changed, "updated_at"])
        if sends_back_to_review(product, changed):
            PRODUCTS.move(product, Product.Status.PENDING_REVIEW, only_from={Product.Status.APPROVED})
        if "variants" in data:
            _apply_variants(product=product, items=data["variants"])
            products_refresh_summary(product_ids=[product.pk])
        else:
            products_changed([product.pk])
    product.refresh_from_db()
    return product


def _move(product: Product, to: str, *, only_from: set[str] | None = None, **fields: object) -> Product:
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        PRODUCTS.move(product, to, only_from=only_from, **fields)
        products_changed([product.pk])
    return product


def product_submit(*, product: Product) -> Product:
    """draft/rejected → pending_review (needs at least one variant)."""
    _require_approved(product.vendor)
    if not product.variants.filter(is_active=True).exists():
        raise ValidationFailed(errors.NEEDS_VARIANT, details={"variants": [errors.NEEDS_VARIANT]})
    return _move(product, Product.Status.PENDING_REVIEW, only_from={Product.Status.DRAFT, Product.Status.REJECTED})


def product_approve(*, product: Product) -> Product:
    """pending_review → approved: listed (if its vendor is approved) and indexed; the vendor is
    emailed in the same transaction."""
    with transaction.atomic():
        product = _move(product, Product.Status.APPROVED, approved_at=timezone.now(), rejection_reason="")
        product_moderated(product=product)
    return product


def product_reject(*, product: Product, reason: str) -> Product:
    """pending_review → rejected, with the reason the vendor sees (and is emailed)."""
    with transaction.atomic():
        product = _move(product, Product.Status.REJECTED, rejection_reason=reason)
        product_moderated(product=product)
    return product


def product_archive(*, product: Product) -> Product:
    """approved → archived: off the storefront, kept for order history."""
    return _move(product, Product.Status.ARCHIVED)


def product_delete(*, product: Product) -> None:
    """Deletes the product, or archives it (and its variants) when orders still refer to it."""
    from agora.catalog.services.images import delete_files_on_commit

    with transaction.atomic():
        # The product row first (the catalog's lock order), then its variants go with it.
        product = Product.objects.select_for_update().get(pk=product.pk)
        lock_product_variants(product)
        files = [name for pair in product.images.values_list("image", "thumbnail") for name in pair if name]
        products_changed([product.pk])
        try:
            with transaction.atomic():
                product.delete()
        except (ProtectedError, RestrictedError):
            Product.objects.filter(pk=product.pk).update(status=Product.Status.ARCHIVED, updated_at=timezone.now())
            Variant.objects.filter(product=product).update(is_active=False)
            products_refresh_summary(product_ids=[product.pk])
            return
        delete_files_on_commit(files)


def variants_staff_save(
    *,
    product: Product,
    changes: Mapping[int, Mapping[str, Any]],
    new: Sequence[Variant] = (),
    removed: Sequence[int] = (),
) -> None:
    """Staff's edits to a product's variants from its admin page: ``changes`` holds, by variant
    id, only the fields staff changed there; ``new`` are variants to add (with their starting
    stock), ``removed`` the ids to delete.

    An existing variant's stock is never among the changes: checkout, cancellations, returns and
    the vendor's own edits move it while the page is open, and writing back the number the page
    was rendered with would put units sold meanwhile up for sale again. Only the changed fields
    are written, on rows locked in the catalog's lock order (the product, then all its variants
    in primary-key order). The caller refreshes the product's summary."""
    if "stock" in {field for fields in changes.values() for field in fields}:
        raise ValueError("An existing variant's stock is not changed from the admin page.")
    with transaction.atomic():
        lock_products([product.pk])
        locked = lock_product_variants(product, inactive_too=True)  # staff see and edit archived ones too
        for pk in sorted(changes):
            variant = locked.get(pk)
            if variant is None or not changes[pk]:
                continue  # deleted meanwhile, or nothing to write
            for field, value in changes[pk].items():
                setattr(variant, field, value)
            variant.save(update_fields=[*changes[pk], "updated_at"])
        for pk in removed:
            if pk in locked:
                locked[pk].delete()
        for variant in new:
            variant.product_id = product.pk
            variant.vendor_id = product.vendor_id
            variant.save()
