"""Attribute definitions (staff name products' attribute keys and choose the filterable ones) and
the popularity figure the orders app hands over (search ranks by both)."""

import pytest
from django.urls import reverse

from agora.catalog.attributes import attribute_key, attribute_pairs
from agora.catalog.cache import VERSION_KEY
from agora.catalog.models import AttributeDefinition, Product
from agora.catalog.services import (
    attribute_definition_save,
    attribute_definitions_discover,
    products_set_units_sold,
)
from agora.catalog.services.attributes import KEY_HAS_COLON, KEY_TAKEN
from agora.catalog.tests.factories import ProductFactory
from agora.core.cache_versions import current
from agora.core.errors import ValidationFailed
from agora.search.models import PendingIndex

pytestmark = pytest.mark.django_db


def test_attribute_pairs_normalise_keys_and_keep_scalar_values():
    attributes = {" Colour ": ["Blue", "  midnight   blue "], "size": {"ml": 350}, "recycled": True, "w": 1.5, "x": ""}
    assert list(attribute_pairs(attributes)) == [
        ("colour", "Blue"),
        ("colour", "midnight blue"),
        ("recycled", "yes"),
        ("w", "1.5"),
    ]
    assert list(attribute_pairs(["not", "an", "object"])) == []
    assert attribute_key("  Main   Material ") == "main material"


def test_a_definition_is_stored_normalised_and_its_key_is_unique():
    saved = attribute_definition_save(definition=AttributeDefinition(key=" Material ", name="", filterable=True))
    assert (saved.key, saved.name) == ("material", "Material")
    with pytest.raises(ValidationFailed) as taken:
        attribute_definition_save(definition=AttributeDefinition(key="MATERIAL", name="Stuff"))
    assert taken.value.details == {"key": [KEY_TAKEN]}
    with pytest.raises(ValidationFailed) as colon:
        attribute_definition_save(definition=AttributeDefinition(key="size:cm", name="Size"))
    assert colon.value.details == {"key": [KEY_HAS_COLON]}


def test_discovery_adds_the_keys_public_products_use(db):
    ProductFactory.create(attributes={"Material": "oak", "colour": "red"})
    ProductFactory.create(attributes={"material": "steel"})
    ProductFactory.create(attributes={"secret": "x"}, status=Product.Status.DRAFT)
    AttributeDefinition.objects.create(key="colour", name="Colour", filterable=True)
    created = attribute_definitions_discover()
    # the most used first; existing keys and drafts' keys left alone; none filterable until staff say so
    assert [(d.key, d.filterable) for d in created] == [("material", False)]
    assert attribute_definitions_discover() == []


def test_staff_manage_attribute_definitions_in_the_admin(admin_client):
    ProductFactory.create(attributes={"material": "oak"})
    changelist = reverse("admin:catalog_attributedefinition_changelist")
    assert "Find attribute keys in the catalog" in admin_client.get(changelist).content.decode()
    assert admin_client.get(reverse("admin:catalog_attributedefinition_discover")).status_code == 405
    response = admin_client.post(reverse("admin:catalog_attributedefinition_discover"), follow=True)
    assert "1 attribute key(s) found: material" in response.content.decode()
    definition = AttributeDefinition.objects.get(key="material")
    # the form normalises the key and refuses a colon, next to the field
    response = admin_client.post(
        reverse("admin:catalog_attributedefinition_add"), {"key": "size:cm", "name": "Size", "position": 0}
    )
    assert KEY_HAS_COLON in response.content.decode()
    admin_client.post(
        reverse("admin:catalog_attributedefinition_change", args=[definition.pk]),
        {"key": " Material ", "name": "Material", "filterable": "on", "position": 1},
    )
    definition.refresh_from_db()
    assert (definition.key, definition.filterable) == ("material", True)


def test_units_sold_are_written_where_they_changed_and_only_those_products_are_reindexed():
    sold, unsold, dropped = ProductFactory.create_batch(3)
    Product.objects.filter(pk=dropped.pk).update(units_sold_30d=7)
    PendingIndex.objects.all().delete()
    version = current(VERSION_KEY)

    changed = products_set_units_sold(units={sold.pk: 12, unsold.pk: 0})

    assert changed == sorted([sold.pk, dropped.pk])
    assert dict(Product.objects.values_list("pk", "units_sold_30d")) == {sold.pk: 12, unsold.pk: 0, dropped.pk: 0}
    assert set(PendingIndex.objects.values_list("product_id", flat=True)) == {sold.pk, dropped.pk}
    # the cached public catalog does not show popularity: it stays cached
    assert current(VERSION_KEY) == version
    assert products_set_units_sold(units={sold.pk: 12}) == []
