"""The registry of notification templates: every email the project sends is declared once, with
a sample context the staff preview renders it with.

An app declares its emails in its own ``notifications.py`` (discovered at start-up)::

    from agora.notifications.registry import register

    register("password_reset", sample={"first_name": "Ada", "reset_url": "https://…"},
             description="A link to choose a new password.")

and keeps the files in ``templates/notifications/password_reset/``: ``subject.txt``,
``body.txt`` and ``body.html``.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NotificationTemplate:
    name: str
    sample: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    # Context keys whose values work as the recipient's credential (a password reset link): staff
    # pages show the email with them hidden.
    secret: tuple[str, ...] = ()

    def shown_to_staff(self, context: dict[str, Any]) -> dict[str, Any]:
        """``context`` with its secret values replaced by a placeholder."""
        return {key: HIDDEN if key in self.secret else value for key, value in context.items()}


HIDDEN = "(hidden: this link works as the recipient's credential)"


class UnknownTemplate(LookupError):
    pass


_templates: dict[str, NotificationTemplate] = {}


def register(
    name: str, *, sample: dict[str, Any], description: str = "", secret: tuple[str, ...] = ()
) -> NotificationTemplate:
    if not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"notification template names are lower_snake_case: {name!r}")
    template = NotificationTemplate(name=name, sample=sample, description=description, secret=secret)
    _templates[name] = template
    return template


def get(name: str) -> NotificationTemplate:
    try:
        return _templates[name]
    except KeyError:
        raise UnknownTemplate(f"no notification template named {name!r} is registered") from None


def all_templates() -> list[NotificationTemplate]:
    return sorted(_templates.values(), key=lambda t: t.name)
