"""Catalog writes, one module per concern; import from here."""

from agora.catalog.services.attributes import (
    attribute_definition_delete,
    attribute_definition_save,
    attribute_definitions_discover,
)
from agora.catalog.services.categories import category_delete, category_save
from agora.catalog.services.images import image_add, image_delete, image_make_thumbnail
from agora.catalog.services.imports import import_create, import_run
from agora.catalog.services.popularity import products_set_units_sold
from agora.catalog.services.products import (
    product_approve,
    product_archive,
    product_create,
    product_delete,
    product_reject,
    product_submit,
    product_update,
    variants_staff_save,
)
from agora.catalog.services.ratings import product_lock_for_rating, product_rating_set
from agora.catalog.services.stock import variants_add_stock, variants_give_back
from agora.catalog.services.summary import products_refresh_summary

__all__ = [
    "attribute_definition_delete",
    "attribute_definition_save",
    "attribute_definitions_discover",
    "category_delete",
    "category_save",
    "image_add",
    "image_delete",
    "image_make_thumbnail",
    "import_create",
    "import_run",
    "product_approve",
    "product_archive",
    "product_create",
    "product_delete",
    "product_lock_for_rating",
    "product_rating_set",
    "product_reject",
    "product_submit",
    "product_update",
    "products_refresh_summary",
    "products_set_units_sold",
    "variants_add_stock",
    "variants_give_back",
    "variants_staff_save",
]
