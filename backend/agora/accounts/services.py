"""Account writes: registration, profile, sign-out and addresses."""

from typing import Any, TypedDict

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from agora.accounts.errors import InvalidCredentials
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


def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)}) from None
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationFailed(details={"email": ["A user with this email already exists."]})
        return User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)


def user_login(*, request: HttpRequest | None, email: str, password: str) -> dict[str, str]:
    user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_logout(*, refresh: str) -> None:
    try:
        # simplejwt annotates the token argument as a Token, but it is the encoded string it decodes
        RefreshToken(refresh).blacklist()  # type: ignore[arg-type]
    except TokenError:
        raise ValidationFailed(details={"refresh": ["Token is invalid or expired."]}) from None


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
