"""Attribute definitions (staff): what products' attribute keys are called, and which are facets."""

from django.db import connection, transaction

from agora.catalog.attributes import KEY_MAX_LENGTH, SEPARATOR, attribute_key
from agora.catalog.events import AttributeDefinitionsChanged
from agora.catalog.models import AttributeDefinition, Product
from agora.core.errors import ValidationFailed
from agora.core.events import publish

KEY_REQUIRED = 'Type the attribute key as products carry it ("material").'
KEY_HAS_COLON = "An attribute key cannot contain a colon: search filters are written key:value."
KEY_TAKEN = "Another attribute definition has this key already."


def _valid_key(raw: str) -> str:
    key = attribute_key(raw)
    if not key:
        raise ValidationFailed(KEY_REQUIRED, details={"key": [KEY_REQUIRED]})
    if ":" in key or SEPARATOR in key:
        raise ValidationFailed(KEY_HAS_COLON, details={"key": [KEY_HAS_COLON]})
    return key


def attribute_definition_save(*, definition: AttributeDefinition) -> AttributeDefinition:
    """Creates or updates a definition (its key normalised) and tells search its facets changed."""
    definition.key = _valid_key(definition.key)
    definition.name = " ".join(definition.name.split()) or definition.key.capitalize()
    with transaction.atomic():
        if AttributeDefinition.objects.filter(key=definition.key).exclude(pk=definition.pk).exists():
            raise ValidationFailed(KEY_TAKEN, details={"key": [KEY_TAKEN]})
        definition.save()
        publish(AttributeDefinitionsChanged())
    return definition


def attribute_definition_delete(*, definition: AttributeDefinition) -> None:
    with transaction.atomic():
        definition.delete()
        publish(AttributeDefinitionsChanged())


def attribute_definitions_discover(*, limit: int = 200) -> list[AttributeDefinition]:
    """Creates a (not filterable) definition for every attribute key public-facing products use
    that has none yet, most used first; returns the new ones. Staff then name them and tick the
    ones shoppers should filter by."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k, count(*) FROM {Product._meta.db_table} p, jsonb_object_keys(p.attributes) AS k "  # noqa: S608  # nosec B608  # only our table name is interpolated; values are bound
            "WHERE p.status = %s AND jsonb_typeof(p.attributes) = 'object' GROUP BY k ORDER BY count(*) DESC, k",
            [Product.Status.APPROVED],
        )
        used = [key for key, _ in cursor.fetchall()]
    known = set(AttributeDefinition.objects.values_list("key", flat=True))
    created: list[AttributeDefinition] = []
    with transaction.atomic():
        for raw in used:
            key = attribute_key(raw)
            if not key or key in known or ":" in key or len(created) >= limit:
                continue
            known.add(key)
            created.append(
                AttributeDefinition.objects.create(
                    key=key[:KEY_MAX_LENGTH], name=" ".join(raw.split())[:80] or key, position=len(known)
                )
            )
        if created:
            publish(AttributeDefinitionsChanged())
    return created
