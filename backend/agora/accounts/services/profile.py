"""Registration, profile and addresses."""

from typing import Any, TypedDict

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from agora.accounts.models import Address, User
from agora.core.errors import ValidationFailed
from agora.core.updates import apply_changes

PROFILE_FIELDS = ("first_name", "last_name")
ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone", "is_default")


class ProfileChanges(TypedDict, total=False):
    """A /me PATCH (MeUpdateInputSerializer): only the fields it names change."""

    first_name: str
    last_name: str


class AddressFields(TypedDict, total=False):
    """An address (AddressInputSerializer): all but line2, phone and is_default on create, any
    of them on a PATCH."""

    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str
    phone: str
    is_default: bool


def _after_register(*, user: User) -> None:
    from agora.accounts.services.recovery import email_verification_enqueue

    email_verification_enqueue(user=user)


def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Creates the account and, in the same transaction, queues the email that verifies its address."""
    email = User.objects.normalize_email(email).strip().lower()
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)}) from None
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationFailed(details={"email": ["A user with this email already exists."]})
        user = User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
        _after_register(user=user)
    return user


def user_update(*, user: User, data: ProfileChanges) -> User:
    changed = apply_changes(user, data, PROFILE_FIELDS)
    if changed:
        user.save(update_fields=changed)
    return user


@transaction.atomic
def address_create(*, user: User, data: AddressFields) -> Address:
    fields: dict[str, Any] = {k: v for k, v in data.items() if k in ADDRESS_FIELDS}
    fields["country"] = fields["country"].upper()
    if fields.get("is_default") or not user.addresses.exists():
        user.addresses.filter(is_default=True).update(is_default=False)
        fields["is_default"] = True
    return Address.objects.create(user=user, **fields)


@transaction.atomic
def address_update(*, address: Address, data: AddressFields) -> Address:
    apply_changes(address, data, ADDRESS_FIELDS)
    address.country = address.country.upper()
    if data.get("is_default"):
        Address.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(is_default=False)
    address.save()
    return address


def address_delete(*, address: Address) -> None:
    address.delete()
