"""CSV product import: checked before queueing, run on the ``imports`` worker queue.

Columns (header row required, any order): sku, product_name, variant_name, price, stock,
category, description, attributes. One row is one variant, upserted by SKU within the vendor:

* a known SKU updates that variant (name, price, stock) and its product (name, category, and
  description/attributes when given);
* a new SKU joins the vendor's product of the same ``product_name`` (one created earlier in the
  file, or an existing one), or creates a new draft product.

Bad rows are reported as ``{row, message}`` (row 1 is the header, so the first data row is 2,
as a spreadsheet numbers them) while the good rows go in. Rows are written in chunks, each in
its own transaction, and ``processed_rows`` moves after each chunk.
"""

import csv
import io
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from agora.catalog import errors
from agora.catalog.attributes import attributes_problem
from agora.catalog.locks import lock_products, lock_variants
from agora.catalog.models import Category, ImportJob, Product, ProductImage, Variant
from agora.catalog.notifications import import_finished
from agora.catalog.services.products import EDITABLE_FIELDS, sends_back_to_review
from agora.catalog.services.summary import products_refresh_summary
from agora.catalog.skus import SKU_MAX_LENGTH, SKU_TOO_LONG, sku_problem
from agora.core.slugs import unique_slug
from agora.core.tasks_util import enqueue_on_commit
from agora.core.updates import apply_changes
from agora.vendors.errors import VendorNotApproved
from agora.vendors.models import Vendor

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from agora.accounts.models import User

logger = logging.getLogger("agora.catalog.imports")

COLUMNS = ("sku", "product_name", "variant_name", "price", "stock", "category", "description", "attributes")
CHUNK_ROWS = 500
MAX_STORED_ERRORS = 1000
MAX_PRICE = Decimal("99999999.99")
MAX_STOCK = 2_147_483_647
DEFAULT_VARIANT_NAME = "Standard"
ABORTED = "The import stopped on an unexpected error; rows before processed_rows were saved."
VENDOR_GONE = "The vendor is not approved any more; nothing was imported."


def _refuse(message: str) -> errors.InvalidImportFile:
    return errors.InvalidImportFile(message, details={"file": [message]})


def _read_text(data: bytes) -> str:
    # A NUL early on marks a binary file (or UTF-16); one further on is a bad row (``_parse``).
    if b"\x00" in data[:65536]:
        raise _refuse(errors.CSV_NOT_CSV)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(errors.CSV_NOT_CSV) from None


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        header = []
    if sorted(header) != sorted(COLUMNS):
        raise _refuse(errors.CSV_BAD_HEADER.format(columns=", ".join(COLUMNS)))
    return header


def inspect_csv(data: bytes) -> int:
    """Checks an upload is a UTF-8 CSV with the expected header and 1..max rows; returns the row count."""
    text = _read_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    limit = settings.CATALOG_IMPORT_MAX_ROWS
    try:
        _header(reader)
        count = 0
        for row in reader:
            if any(cell.strip() for cell in row):
                count += 1
                if count > limit:
                    raise _refuse(errors.CSV_TOO_MANY_ROWS.format(limit=limit))
    except csv.Error:
        raise _refuse(errors.CSV_NOT_CSV) from None
    if count == 0:
        raise _refuse(errors.CSV_NO_ROWS)
    return count


def import_create(*, vendor: Vendor, user: "User", upload: "UploadedFile[bytes]") -> ImportJob:
    """Checks the file, stores it and queues the import (the worker does the rest)."""
    if vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()
    if upload.size > settings.CATALOG_IMPORT_MAX_BYTES:
        raise errors.ImportFileTooLarge(
            details={"file": [f"The limit is {settings.CATALOG_IMPORT_MAX_BYTES // (1024 * 1024)} MB."]}
        )
    upload.seek(0)
    data = upload.read()
    total = inspect_csv(data)
    with transaction.atomic():
        job = ImportJob(vendor=vendor, created_by=user, total_rows=total)
        job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
        job.save()
        from agora.catalog.tasks import import_run as import_run_task

        enqueue_on_commit(import_run_task, job.pk)
    return job


class RowError(TypedDict):
    """A row the import left out, as ``ImportJob.errors`` stores it (row 0: the whole file)."""

    row: int
    message: str


@dataclass
class Row:
    number: int
    sku: str
    product_name: str
    variant_name: str
    price: Decimal
    stock: int
    category: Category
    description: str
    attributes: dict[str, Any] | None


@dataclass
class _Run:
    vendor: Vendor
    categories: dict[str, Category]
    seen_skus: dict[str, int] = field(default_factory=dict)
    # product_name → product id, for products this import created or joined.
    products_by_name: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "message": message})


def _not_json(constant: str) -> float:
    """NaN and Infinity: Python's decoder reads them, JSON (and the API's parser) does not."""
    raise ValueError(f"{constant} is not JSON")


def _parse(number: int, raw: dict[str, str], run: _Run) -> Row | str:
    def cell(name: str) -> str:
        return (raw.get(name) or "").strip()

    for column in COLUMNS:  # PostgreSQL's text cannot hold it
        if "\x00" in cell(column):
            return f"{column}: may not contain the NUL character."
    sku, name = cell("sku"), cell("product_name")
    if not sku:
        return "sku: required."
    if len(sku) > SKU_MAX_LENGTH:
        return f"sku: {SKU_TOO_LONG}"
    if not name:
        return "product_name: required."
    if len(name) > 200:
        return "product_name: at most 200 characters."
    variant_name = cell("variant_name") or DEFAULT_VARIANT_NAME
    if len(variant_name) > 120:
        return "variant_name: at most 120 characters."
    try:
        price = Decimal(cell("price"))
        exponent = price.as_tuple().exponent  # a letter for NaN and Infinity
        if not isinstance(exponent, int) or exponent < -2:
            raise InvalidOperation
    except InvalidOperation:
        return "price: must be a decimal number with at most two decimal places, e.g. 19.99."
    if price < Decimal("0.01"):
        return "price: must be at least 0.01."
    if price > MAX_PRICE:
        return f"price: must be at most {MAX_PRICE}."
    try:
        stock = int(cell("stock"))
    except ValueError:
        return "stock: must be a whole number."
    if stock < 0:
        return "stock: must be 0 or more."
    if stock > MAX_STOCK:
        return f"stock: must be at most {MAX_STOCK}."
    category = run.categories.get(cell("category").lower())
    if category is None:
        return f"category: unknown category {cell('category')!r}."
    attributes = None
    if cell("attributes"):
        try:
            attributes = json.loads(cell("attributes"), parse_constant=_not_json)
        except (ValueError, RecursionError):  # RecursionError: nested past what the decoder follows
            attributes = None
        if not isinstance(attributes, dict):
            return 'attributes: must be a JSON object, e.g. {"colour": "red"}.'
        if problem := attributes_problem(attributes):
            return f"attributes: {problem}"
    usku = sku.upper()
    if usku in run.seen_skus:
        return f"sku: {sku} already appears in row {run.seen_skus[usku]}."
    run.seen_skus[usku] = number
    return Row(number, sku, name, variant_name, price, stock, category, cell("description"), attributes)


def _referenced_products(run: _Run, rows: list[Row]) -> set[int]:
    """The vendor's products these rows may write to, read without locks (to know what to lock):
    those of the SKUs they name and those of their product names."""
    ids = set(
        Variant.objects.filter(vendor=run.vendor)
        .annotate(usku=Upper("sku"))
        .filter(usku__in=[r.sku.upper() for r in rows])
        .values_list("product_id", flat=True)
    )
    names = {r.product_name for r in rows}
    ids.update(run.products_by_name[name] for name in names if name in run.products_by_name)
    ids.update(
        Product.objects.filter(vendor=run.vendor, name__in=names - set(run.products_by_name))
        .exclude(status=Product.Status.ARCHIVED)
        .values_list("pk", flat=True)
    )
    return ids


@dataclass
class _Chunk:
    """What one chunk writes, worked out from rows read under the products' locks."""

    products: dict[int, Product] = field(default_factory=dict)  # existing products rows refer to
    dirty: set[int] = field(default_factory=set)  # ... of which these changed
    new_products: dict[str, Product] = field(default_factory=dict)
    changed_variants: list[Variant] = field(default_factory=list)
    new_variants: list[Variant] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)  # product_name → existing product joined
    created: int = 0
    updated: int = 0


def _plan(run: _Run, rows: list[Row]) -> _Chunk:
    """Reads the rows' variants and products as they are now and applies the rows to them."""
    vendor = run.vendor
    existing: dict[str, Variant] = {
        v.usku: v
        for v in Variant.objects.filter(vendor=vendor)
        .annotate(usku=Upper("sku"))
        .filter(usku__in=[r.sku.upper() for r in rows])
        .select_related("product")
    }
    needed = {r.product_name for r in rows if r.sku.upper() not in existing}
    by_name: dict[str, Product] = {}
    if wanted_names := needed - set(run.products_by_name):
        for product in (
            Product.objects.filter(vendor=vendor, name__in=wanted_names)
            .exclude(status=Product.Status.ARCHIVED)
            .order_by("created_at", "id")
        ):
            by_name.setdefault(product.name, product)
    known_ids = [run.products_by_name[name] for name in needed if name in run.products_by_name]
    for product in Product.objects.filter(pk__in=known_ids).exclude(status=Product.Status.ARCHIVED):
        by_name.setdefault(product.name, product)

    chunk = _Chunk()
    for row in rows:
        variant = existing.get(row.sku.upper())
        if variant is not None:
            product = chunk.products.setdefault(variant.product_id, variant.product)
            new = (row.sku, row.variant_name, row.price, row.stock, True)
            if (variant.sku, variant.name, variant.price, variant.stock, variant.is_active) != new:
                variant.sku, variant.name, variant.price, variant.stock, variant.is_active = new
                chunk.changed_variants.append(variant)
            if _apply_product_fields(product, row):
                chunk.dirty.add(product.pk)
            chunk.updated += 1
            continue
        found = chunk.new_products.get(row.product_name) or by_name.get(row.product_name)
        if found is None:
            product = Product(
                vendor=vendor,
                category=row.category,
                name=row.product_name,
                slug=unique_slug(row.product_name, fallback="product", max_length=240),
                description=row.description,
                attributes=row.attributes or {},
                status=Product.Status.DRAFT,
            )
            chunk.new_products[row.product_name] = product
        elif found.pk:
            product = chunk.products.setdefault(found.pk, found)
            if _apply_product_fields(product, row):
                chunk.dirty.add(product.pk)
        else:  # created earlier in this chunk
            product = found
        chunk.new_variants.append(
            Variant(
                product=product,
                vendor=vendor,
                sku=row.sku,
                name=row.variant_name,
                price=row.price,
                stock=row.stock,
                currency=product.currency,
                position=0,
            )
        )
        chunk.created += 1
    chunk.names = {p.name: p.pk for p in by_name.values() if p.pk in chunk.products}
    return chunk


def _write(run: _Run, rows: list[Row]) -> tuple[int, int, dict[str, int]]:
    """Upserts one chunk in one transaction; returns (created, updated, new product names → ids).

    The rows' products are locked before they are read, so what a staff member or the portal
    committed while the import waited for the locks (an archive, an edit) stands: the import
    applies its rows to the products as they are then, never to a copy read earlier. Should a
    concurrent write make the rows refer to a product not locked (a SKU renamed meanwhile),
    the transaction ends and the chunk starts over with that product locked too, in order.
    """
    now = timezone.now()
    wanted = _referenced_products(run, rows)
    while True:
        with transaction.atomic():
            # The catalog's lock order (products, then variants, by primary key), as checkout
            # takes it: an import running during sales waits its turn instead of deadlocking.
            # The stock it writes is absolute: an import is an inventory sync.
            locked = set(lock_products(wanted))
            chunk = _plan(run, rows)
            if set(chunk.products) <= locked:
                _save(chunk, now)
                break
        wanted = locked | set(chunk.products)
    names = {p.name: p.pk for p in chunk.new_products.values()}
    names.update(chunk.names)
    return chunk.created, chunk.updated, names


def _save(chunk: _Chunk, now: datetime) -> None:
    """Writes a planned chunk; its products are locked."""
    if chunk.changed_variants:
        lock_variants([v.pk for v in chunk.changed_variants])
    if chunk.new_products:
        Product.objects.bulk_create(list(chunk.new_products.values()))
    if chunk.dirty:
        _update_products([chunk.products[pk] for pk in sorted(chunk.dirty)], now)
    if chunk.changed_variants:
        _update_variants(chunk.changed_variants, now)
    if chunk.new_variants:
        for variant in chunk.new_variants:
            variant.product_id = variant.product.pk
        Variant.objects.bulk_create(chunk.new_variants)
    products_refresh_summary(product_ids=[*chunk.products, *(p.pk for p in chunk.new_products.values())])


def _update_variants(variants: list[Variant], now: datetime) -> None:
    """One UPDATE … FROM unnest(arrays) for the chunk (bulk_update's CASE per row is quadratic)."""
    variants.sort(key=lambda v: v.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Variant._meta.db_table} AS v
                   SET sku = d.sku, name = d.name, price = d.price, stock = d.stock, is_active = TRUE,
                       updated_at = %s
                  FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::numeric[], %s::integer[])
                       AS d(id, sku, name, price, stock)
                 WHERE v.id = d.id""",  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            [
                now,
                [v.pk for v in variants],
                [v.sku for v in variants],
                [v.name for v in variants],
                [v.price for v in variants],
                [v.stock for v in variants],
            ],
        )


def _update_products(products: list[Product], now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Product._meta.db_table} AS p
                   SET name = d.name, description = d.description, category_id = d.category_id,
                       attributes = d.attributes::jsonb, status = d.status, updated_at = %s
                  FROM unnest(%s::bigint[], %s::varchar[], %s::text[], %s::bigint[], %s::text[], %s::varchar[])
                       AS d(id, name, description, category_id, attributes, status)
                 WHERE p.id = d.id""",  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            [
                now,
                [p.pk for p in products],
                [p.name for p in products],
                [p.description for p in products],
                [p.category_id for p in products],
                [json.dumps(p.attributes) for p in products],
                [p.status for p in products],
            ],
        )


def _apply_product_fields(product: Product, row: Row) -> bool:
    """Applies the row's product columns (an empty description keeps the current one); True if
    anything changed. A reviewed field's change sends an approved product back to review."""
    data: dict[str, object] = {"name": row.product_name, "category": row.category}
    if row.description:
        data["description"] = row.description
    if row.attributes is not None:
        data["attributes"] = row.attributes
    changed = apply_changes(product, data, EDITABLE_FIELDS)
    if sends_back_to_review(product, changed):
        product.status = Product.Status.PENDING_REVIEW
    return bool(changed)


def _new_skus_kept(run: _Run, rows: list[Row]) -> list[Row]:
    """The rows, less those that would create a SKU the portal's rule refuses (a row error each):
    what the import creates, the portal saves. A SKU the vendor has already (imports of earlier
    versions took any text) goes on being updated."""
    bad = {r.sku.upper() for r in rows if sku_problem(r.sku)}
    if bad:
        bad -= set(
            Variant.objects.filter(vendor=run.vendor)
            .annotate(usku=Upper("sku"))
            .filter(usku__in=bad)
            .values_list("usku", flat=True)
        )
    for row in rows:
        if row.sku.upper() in bad:
            run.error(row.number, f"sku: {sku_problem(row.sku)}")
    return [r for r in rows if r.sku.upper() not in bad]


def _save_chunk(run: _Run, rows: list[Row]) -> None:
    rows = _new_skus_kept(run, rows)
    if not rows:
        return
    try:
        created, updated, names = _write(run, rows)
    except IntegrityError:
        # A concurrent edit (or a slug clash) broke the batch: retry row by row to pin it down.
        created = updated = 0
        names = {}
        for row in rows:
            try:
                c, u, n = _write(run, [row])
            except IntegrityError:
                run.error(row.number, f"sku: {row.sku} could not be saved (it conflicts with another variant).")
                continue
            created, updated = created + c, updated + u
            names.update(n)
    run.created += created
    run.updated += updated
    run.products_by_name.update(names)


def _progress(job: ImportJob, run: _Run, processed: int, **extra: object) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now(),
        processed_rows=processed,
        created=run.created,
        updated=run.updated,
        errors=run.errors,
        error_count=run.error_count,
        **extra,
    )


def _may_start(job: ImportJob) -> bool:
    """A queued job starts; a running one only if its worker died (no heartbeat for
    CATALOG_IMPORT_STALE_SECONDS), so a re-queued task never runs beside a live one."""
    if job.status == ImportJob.Status.QUEUED:
        return True
    if job.status != ImportJob.Status.RUNNING:
        return False
    stale = timezone.now() - timedelta(seconds=settings.CATALOG_IMPORT_STALE_SECONDS)
    return (job.heartbeat_at or job.started_at or job.created_at) < stale


def import_run(*, import_id: int, chunk_rows: int = CHUNK_ROWS) -> ImportJob | None:
    """Runs a queued import. Safe to re-run: a finished or live job is left alone, one whose worker
    died starts over (every row is an upsert by SKU, so rows already written are simply updated)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update(of=("self",)).select_related("vendor").filter(pk=import_id).first()
        if job is None or not _may_start(job):
            return job
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.heartbeat_at = job.started_at
        job.processed_rows = job.created = job.updated = job.error_count = 0
        job.errors = []
        job.save()
    run = _Run(vendor=job.vendor, categories={})
    processed = 0
    try:
        if job.vendor.status != Vendor.Status.APPROVED:
            run.error(0, VENDOR_GONE)
            _finish(job, run, 0, ImportJob.Status.FAILED)
            job.refresh_from_db()
            return job
        for category in Category.objects.all():
            run.categories[category.slug.lower()] = category
            run.categories.setdefault(category.path.lower(), category)
        with job.file.open("rb") as fh:
            text = _read_text(fh.read())
        reader = csv.reader(io.StringIO(text, newline=""))
        header = _header(reader)
        chunk: list[Row] = []
        number = 1
        for values in reader:
            number += 1
            if not any(cell.strip() for cell in values):
                continue
            parsed = _parse(number, dict(zip(header, values, strict=False)), run)
            if isinstance(parsed, str):
                run.error(number, parsed)
                processed += 1
            else:
                chunk.append(parsed)
            if len(chunk) >= chunk_rows:
                _save_chunk(run, chunk)
                processed += len(chunk)
                chunk = []
                _progress(job, run, processed)
        if chunk:
            _save_chunk(run, chunk)
            processed += len(chunk)
    except Exception:
        logger.exception("import %s failed", job.pk)
        run.error(0, ABORTED)
        _finish(job, run, processed, ImportJob.Status.FAILED)
    else:
        _finish(job, run, processed, ImportJob.Status.SUCCEEDED)
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, run: _Run, processed: int, status: str) -> None:
    """The final status and the uploader's email, in one transaction."""
    with transaction.atomic():
        _progress(job, run, processed, status=status, finished_at=timezone.now())
        import_finished(job=ImportJob.objects.select_related("vendor", "created_by").get(pk=job.pk))


def catalog_jobs_redrive(*, now: datetime | None = None) -> dict[str, int]:
    """Re-queues catalog jobs whose task never ran (broker down at the moment of commit) or whose
    worker died: imports still queued, or running without a heartbeat, after
    CATALOG_JOB_REDRIVE_AFTER_SECONDS, and images without a thumbnail (each at most
    CATALOG_THUMBNAIL_MAX_REQUEUES times). The tasks are idempotent, so a re-queue of a job
    that is merely slow does nothing twice. Beat runs it; returns what it re-queued."""
    from agora.catalog.tasks import image_thumbnails
    from agora.catalog.tasks import import_run as import_task

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CATALOG_JOB_REDRIVE_AFTER_SECONDS)
    stale = now - timedelta(seconds=settings.CATALOG_IMPORT_STALE_SECONDS)
    imports = list(
        ImportJob.objects.filter(
            models.Q(status=ImportJob.Status.QUEUED, created_at__lt=cutoff)
            | models.Q(status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale)
        ).values_list("pk", flat=True)[:100]
    )
    for pk in imports:
        enqueue_on_commit(import_task, pk)  # outside a transaction: sent at once, never raises
    images = list(
        ProductImage.objects.filter(
            thumbnail="", created_at__lt=cutoff, thumbnail_requeues__lt=settings.CATALOG_THUMBNAIL_MAX_REQUEUES
        ).values_list("pk", flat=True)[:500]
    )
    if images:
        ProductImage.objects.filter(pk__in=images).update(thumbnail_requeues=models.F("thumbnail_requeues") + 1)
        for pk in images:
            enqueue_on_commit(image_thumbnails, pk)
    return {"imports": len(imports), "thumbnails": len(images)}
