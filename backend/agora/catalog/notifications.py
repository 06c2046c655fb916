"""The catalog's emails to vendors: a product was approved or rejected (with the reason), and a
CSV import finished (with its error count). Recorded in the transaction of the change, sent
once by the worker through the notification outbox."""

from agora.catalog.models import ImportJob, Product
from agora.core.site import site_url
from agora.notifications.registry import register
from agora.notifications.services import notification_enqueue
from agora.vendors.models import VendorMembership

register(
    "product_approved",
    sample={
        "vendor_name": "Lumen Works",
        "product_name": "Aurora Desk Lamp",
        "product_url": "https://agora.example/products/aurora-desk-lamp",
        "listed": True,
    },
    description="To the vendor: staff approved a product; it is listed and searchable.",
)
register(
    "product_rejected",
    sample={
        "vendor_name": "Lumen Works",
        "product_name": "Aurora Desk Lamp",
        "reason": "The photos are blurry; please upload sharper ones.",
        "edit_url": "https://agora.example/vendor/products/42",
    },
    description="To the vendor: staff rejected a product, with the reason; it can be fixed and submitted again.",
)
register(
    "import_finished",
    sample={
        "vendor_name": "Lumen Works",
        "import_id": 17,
        "succeeded": True,
        "total_rows": 1200,
        "created": 1180,
        "updated": 12,
        "error_count": 8,
        "errors": [{"row": 14, "message": "price: Enter a number."}],
        "more_errors": 7,
        "import_url": "https://agora.example/vendor/imports?job=17",
    },
    description="To the vendor (who uploaded it): a CSV import finished, with what it wrote and its error count.",
)

# The first errors are in the email; the portal shows the rest.
ERRORS_IN_EMAIL = 5


def product_moderated(*, product: Product) -> None:
    """The vendor's email for an approval or a rejection, once per decision (keyed by the moment
    of the decision, so a product rejected, fixed and approved gets both)."""
    vendor = product.vendor
    stamp = f"{product.pk}:{product.updated_at.isoformat()}"
    if product.status == Product.Status.APPROVED:
        notification_enqueue(
            template="product_approved",
            to=vendor.contact_email,
            context={
                "vendor_name": vendor.name,
                "product_name": product.name,
                "product_url": site_url(f"/products/{product.slug}"),
                "listed": vendor.is_approved(),
            },
            key=f"product_approved:{stamp}",
        )
    elif product.status == Product.Status.REJECTED:
        notification_enqueue(
            template="product_rejected",
            to=vendor.contact_email,
            context={
                "vendor_name": vendor.name,
                "product_name": product.name,
                "reason": product.rejection_reason,
                "edit_url": site_url(f"/vendor/products/{product.pk}"),
            },
            key=f"product_rejected:{stamp}",
        )


def _uploader_address(job: ImportJob) -> str | None:
    """The address of whoever uploaded the file, while they still act for the import's vendor:
    None once their account was deleted or deactivated, or they left the vendor."""
    user = job.created_by
    if user is None or not user.is_active or not user.email:
        return None
    if not VendorMembership.objects.filter(user_id=user.pk, vendor_id=job.vendor_id).exists():
        return None
    return user.email


def import_finished(*, job: ImportJob) -> None:
    """To whoever uploaded the file (the vendor's contact address if they are gone), once per import."""
    vendor = job.vendor
    to = _uploader_address(job) or vendor.contact_email
    errors = list(job.errors or [])[:ERRORS_IN_EMAIL]
    notification_enqueue(
        template="import_finished",
        to=to,
        context={
            "vendor_name": vendor.name,
            "import_id": job.pk,
            "succeeded": job.status == ImportJob.Status.SUCCEEDED,
            "total_rows": job.processed_rows,
            "created": job.created,
            "updated": job.updated,
            "error_count": job.error_count,
            "errors": errors,
            "more_errors": max(job.error_count - len(errors), 0),
            "import_url": site_url(f"/vendor/imports?job={job.pk}"),
        },
        key=f"import_finished:{job.pk}",
    )
