"""Products' ``attributes`` as facets see them: normalised keys and the scalar values under each.

A product's ``attributes`` is a JSON object vendors fill freely (``{"material": "oak", "colour":
["blue", "white"], "size": {"ml": 350}}``). For facets and filters each top-level key is
normalised (trimmed, inner spaces collapsed, case-folded) and each scalar value under it (or
each scalar of a list) becomes one value, trimmed with inner spaces collapsed and its case kept.
Nested objects are left out: they have no single value to filter on.
"""

from collections.abc import Iterator
from typing import Any

# Keys and values are joined with this in search documents ("material\\x1foak"): a control
# character no key or value keeps (``attribute_value`` drops them), so the pair splits back exactly.
SEPARATOR = "\x1f"
KEY_MAX_LENGTH = 60
VALUE_MAX_LENGTH = 100


def _clean(text: str) -> str:
    return " ".join("".join(ch for ch in text if ch.isprintable()).split())


def attribute_key(raw: str) -> str:
    """The normalised form of an attribute key: what staff's ``AttributeDefinition.key`` holds."""
    return _clean(raw).casefold()[:KEY_MAX_LENGTH]


def attribute_value(raw: Any) -> str | None:
    """A scalar attribute value as facets show it (None for nested objects, empty text and null)."""
    if raw is None or isinstance(raw, (dict, list, tuple)):
        return None
    text = ("yes" if raw else "no") if isinstance(raw, bool) else _clean(str(raw))
    return text[:VALUE_MAX_LENGTH] or None


def attribute_pairs(attributes: Any) -> Iterator[tuple[str, str]]:
    """Every (normalised key, value) of a product's ``attributes``, each pair once, in key order."""
    if not isinstance(attributes, dict):
        return
    seen: set[tuple[str, str]] = set()
    for raw_key in sorted(attributes, key=str):
        key = attribute_key(str(raw_key))
        if not key:
            continue
        raw = attributes[raw_key]
        for item in raw if isinstance(raw, (list, tuple)) else [raw]:
            value = attribute_value(item)
            if value is not None and (key, value) not in seen:
                seen.add((key, value))
                yield key, value
