"""Partial updates: a PATCH names some fields; those, and only those, change."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models


def apply_changes(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Sets on ``instance`` each of ``fields`` that ``data`` carries and whose value differs;
    returns the names that changed (for ``save(update_fields=…)`` and for rules such as
    "content changes send a product back to review"). A foreign key is compared by its id."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            current = getattr(instance, field.attname)
            new = value.pk if isinstance(value, models.Model) else value
        else:
            current, new = getattr(instance, name), value
        if current != new:
            setattr(instance, name, value)
            changed.append(name)
    return changed
