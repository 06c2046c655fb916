"""What the catalog announces (agora.core.events): search subscribes to re-index."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductsChanged:
    """Something the public catalog or search shows of these products changed (their content,
    status, price or stock availability, images, category, or their vendor's status). Published
    inside the transaction that changed them."""

    product_ids: tuple[int, ...]
    # Only how search ranks them moved (units sold): nothing a shopper reads in an answer changed,
    # so search may keep answers it already cached (for up to SEARCH_CACHE_TIMEOUT).
    ranking_only: bool = False


@dataclass(frozen=True)
class AttributeDefinitionsChanged:
    """Staff added, renamed, re-ordered, deleted or (un)marked as filterable an attribute
    definition: search facets change. Published inside the transaction that changed it."""
