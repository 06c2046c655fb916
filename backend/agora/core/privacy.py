"""Personal data held outside the accounts app, for data exports and account deletion.

The accounts app sits low in the layering and cannot import the apps that keep a user's data
(orders, carts, vendors…). Each of those declares, in its own ``privacy.py`` (discovered at
start-up), what it holds about a user and how it erases it::

    from agora.core.privacy import register

    register("orders", export=orders_personal_data, erase=orders_anonymise_customer)

``export(user)`` returns JSON-serialisable data for the archive; ``erase(user, replacement_email)``
runs inside the deletion's transaction and removes or anonymises the personal fields, keeping
the records the business must keep (orders, payments). ``erase`` may raise a DomainError to
refuse the deletion (a vendor's owner, say).

``unfinished(user)``, optional, names the person's orders this app still has work on (a parcel
to ship, a return to settle): the deletion is refused (409 ``orders_in_progress``) while any app
names one, before anything is erased, since an erased address can no longer be delivered to.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataProvider:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any, str], None]
    unfinished: Callable[[Any], list[str]] | None = None


_providers: dict[str, PersonalDataProvider] = {}


def register(
    name: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[[Any, str], None],
    unfinished: Callable[[Any], list[str]] | None = None,
) -> None:
    _providers[name] = PersonalDataProvider(name=name, export=export, erase=erase, unfinished=unfinished)


def providers() -> list[PersonalDataProvider]:
    return sorted(_providers.values(), key=lambda p: p.name)
