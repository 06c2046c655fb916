"""Category tree writes (adjacency list + materialised slug path, kept in step here)."""

from django.db import transaction
from django.db.models import ProtectedError, Value
from django.db.models.functions import Concat, Substr

from agora.catalog.changes import products_changed
from agora.catalog.models import Category, Product
from agora.core.errors import ValidationFailed

CYCLE = "A category cannot be moved under itself or one of its descendants."
IN_USE = "A category that holds products or subcategories cannot be deleted; move them first."


def moves_under_itself(*, category_pk: int, category_path: str, parent_pk: int, parent_path: str) -> bool:
    """Whether this parent is the category itself or one of its descendants (by their paths)."""
    return parent_pk == category_pk or parent_path.startswith(category_path + "/")


def category_save(*, category: Category) -> Category:
    """Creates or updates a category (rename, new slug, move under another parent).

    Recomputes the materialised path of the category and of its whole subtree, re-indexes
    every product in the subtree (the category name and path are searchable) and invalidates
    the public catalog cache.
    """
    with transaction.atomic():
        old_path = None
        if category.pk:
            old_path = Category.objects.select_for_update().values_list("path", flat=True).get(pk=category.pk)
        parent = category.parent
        if parent is not None and old_path is not None:
            parent_path = Category.objects.values_list("path", flat=True).get(pk=parent.pk)
            if moves_under_itself(
                category_pk=category.pk, category_path=old_path, parent_pk=parent.pk, parent_path=parent_path
            ):
                raise ValidationFailed(CYCLE, details={"parent": [CYCLE]})
        category.path = f"{parent.path}/{category.slug}" if parent else category.slug
        category.save()
        if old_path is not None and old_path != category.path:
            # Descendants: swap the old prefix for the new one in one statement.
            Category.objects.filter(path__startswith=old_path + "/").update(
                path=Concat(Value(category.path), Substr("path", len(old_path) + 1))
            )
        changed: list[int] = []
        if old_path is not None:
            subtree = Category.objects.filter(path__startswith=category.path + "/") | Category.objects.filter(
                pk=category.pk
            )
            changed = list(Product.objects.filter(category__in=subtree).values_list("pk", flat=True))
        products_changed(changed)  # the category tree itself is shown too
    return category


def category_delete(*, category: Category) -> None:
    """Deletes a category that holds no products and no subcategories (they protect it) and
    renews the cached public catalog, which shows the tree."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        try:
            with transaction.atomic():
                category.delete()
        except ProtectedError:
            raise ValidationFailed(IN_USE) from None
        products_changed([])  # no product moved: only the tree shown is stale
