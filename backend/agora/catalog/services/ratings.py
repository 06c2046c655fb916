"""The product's denormalised rating, written by whoever owns the reviews (a higher app).

Callers compute the exact figures from the published reviews under the product's row lock
(``product_lock_for_rating``) and hand them here; the public catalog cache is renewed and the
product re-indexed (search sorts and filters by rating) through ``products_changed``.
"""

from decimal import Decimal

from agora.catalog.changes import products_changed
from agora.catalog.models import Product


def product_lock_for_rating(*, product_id: int) -> Product | None:
    """Locks the product row (the catalog's lock order: products first) so that two review
    changes of one product recompute its rating one after the other. Call inside a transaction."""
    return Product.objects.select_for_update().filter(pk=product_id).first()


def product_rating_set(*, product_id: int, average: Decimal | None, count: int) -> bool:
    """Stores the product's rating (average of 1 to 5 stars rounded to cents, or None without
    reviews; count of published reviews). Returns whether it changed; a change renews the public
    catalog and re-indexes the product after commit."""
    current = Product.objects.filter(pk=product_id).values_list("rating_average", "rating_count").first()
    if current is None or current == (average, count):
        return False
    Product.objects.filter(pk=product_id).update(rating_average=average, rating_count=count)
    products_changed([product_id])
    return True
