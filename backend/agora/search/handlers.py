"""Search's answers to what the catalog announces (registered in SearchConfig.ready())."""

from agora.catalog.events import AttributeDefinitionsChanged, ProductsChanged
from agora.core.events import subscribe
from agora.search import indexing
from agora.search.rules import rules_changed


@subscribe(ProductsChanged)
def on_products_changed(event: ProductsChanged) -> None:
    """In the catalog's transaction: the outbox row commits (or rolls back) with the change."""
    indexing.products_changed(event.product_ids, ranking_only=event.ranking_only)


@subscribe(AttributeDefinitionsChanged, on_commit=True)
def on_attribute_definitions_changed(event: AttributeDefinitionsChanged) -> None:
    """Facets change: every process reloads the rules, and cached answers are not read again."""
    rules_changed()
