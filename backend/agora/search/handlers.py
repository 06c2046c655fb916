"""Search's answers to what the catalog announces (registered in SearchConfig.ready())."""

from agora.catalog.events import ProductsChanged
from agora.core.events import subscribe
from agora.search import indexing


@subscribe(ProductsChanged)
def on_products_changed(event: ProductsChanged) -> None:
    """In the catalog's transaction: the outbox row commits (or rolls back) with the change."""
    indexing.products_changed(event.product_ids)
