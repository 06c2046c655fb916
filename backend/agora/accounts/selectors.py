from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, QuerySet, Window

from agora.accounts.models import Address, User


class VendorSummary(TypedDict):
    """The caller's vendor as /me shows it."""

    slug: str
    name: str
    status: str
    role: str


if TYPE_CHECKING:
    from django.db.models import QuerySet

    from agora.accounts.models import DataExport


def user_vendor_summary(user: User) -> VendorSummary | None:
    """The caller's vendor as /me shows it, or None."""
    membership = getattr(user, "vendor_membership", None)
    if membership is None:
        return None
    vendor = membership.vendor
    return {"slug": vendor.slug, "name": vendor.name, "status": vendor.status, "role": membership.role}


class AddressBook:
    """The caller's saved addresses, the default first, then oldest first, for a
    ``WindowPaginator``: ``window`` reads a page of them with the count of all in one statement;
    ``count`` only counts (``?page=last`` asks it first)."""

    def __init__(self, user: User) -> None:
        self.addresses = Address.objects.filter(user=user)

    def count(self) -> int:
        return self.addresses.count()

    def window(self, offset: int, limit: int) -> tuple[list[Address], int]:
        rows = list(self.addresses.annotate(total=Window(Count("pk")))[offset : offset + limit])
        page: list[Address] = [*rows]
        return page, int(rows[0].total) if rows else 0


def address_list(*, user: User) -> AddressBook:
    return AddressBook(user)


def address_get(*, user: User, pk: int) -> Address:
    """The caller's address; anyone else's is indistinguishable from a missing one (404)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Address, user=user, pk=pk)


def data_export_list(*, user: User) -> "QuerySet[DataExport]":
    from agora.accounts.models import DataExport

    return DataExport.objects.filter(user=user)[:10]


def data_export_ready_get(*, user: User, pk: int) -> "DataExport":
    """The caller's ready export; anyone else's, or one not ready or expired, is a 404."""
    from django.shortcuts import get_object_or_404
    from django.utils import timezone

    from agora.accounts.models import DataExport

    return get_object_or_404(
        DataExport, user=user, pk=pk, status=DataExport.Status.READY, expires_at__gt=timezone.now()
    )
