"""A vendor's own shipping methods (staff manage the platform's in the admin)."""

from typing import Any

from django.db import IntegrityError, transaction

from agora.core.errors import ValidationFailed
from agora.core.updates import apply_changes
from agora.shipping.models import OFFER_FIELDS, VendorShippingMethod
from agora.vendors.errors import VendorNotApproved
from agora.vendors.models import Vendor

FIELDS = (*OFFER_FIELDS, "is_active", "position")
CODE_TAKEN = "You already have a shipping method with this code."
DAYS_ORDER = "The longest delivery time cannot be shorter than the shortest."


def _check(method: VendorShippingMethod) -> None:
    if method.delivery_days_max < method.delivery_days_min:
        raise ValidationFailed(details={"delivery_days_max": [DAYS_ORDER]})


def _save(method: VendorShippingMethod, **kwargs: Any) -> VendorShippingMethod:
    _check(method)
    try:
        with transaction.atomic():
            method.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed(details={"code": [CODE_TAKEN]}) from None
    return method


def vendor_method_create(*, vendor: Vendor, data: dict[str, Any]) -> VendorShippingMethod:
    if vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()
    method = VendorShippingMethod(vendor=vendor)
    apply_changes(method, {"currency": vendor_currency(), **data}, FIELDS)
    return _save(method)


def vendor_method_update(*, method: VendorShippingMethod, data: dict[str, Any]) -> VendorShippingMethod:
    if method.vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()
    changed = apply_changes(method, data, FIELDS)
    return _save(method, update_fields=changed) if changed else method


def vendor_method_delete(*, method: VendorShippingMethod) -> None:
    """Orders keep their copy of the method (code, name, price), so a method can always go."""
    if method.vendor.status != Vendor.Status.APPROVED:
        raise VendorNotApproved()
    method.delete()


def vendor_currency() -> str:
    from agora.core.money import default_currency

    return default_currency()
