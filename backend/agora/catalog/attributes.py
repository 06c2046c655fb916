"""Products' ``attributes`` as facets see them: normalised keys and the scalar values under each.

A product's ``attributes`` is a JSON object vendors fill freely (``{"material": "oak", "colour":
["blue", "white"], "size": {"ml": 350}}``). For facets and filters each top-level key is
normalised (trimmed, inner spaces collapsed, case-folded) and each scalar value under it (or
each scalar of a list) becomes one value, trimmed with inner spaces collapsed and its case kept.
Nested objects are left out: they have no single value to filter on.
"""

import math
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


# How deep a product's attributes may nest: {"size": {"ml": 350}} is 2, a list of objects under a
# key 3. Deeper has no use in a shop, and past a few hundred levels the JSON renderer and the
# search document's walk give up (a 500 on every read of the product).
MAX_DEPTH = 5
TOO_DEEP = f"Attributes may nest at most {MAX_DEPTH} levels deep."
NUL = "Attributes may not contain the NUL character."
NOT_FINITE = "Attributes may only hold finite numbers (1e999 is too large)."
NOT_UNICODE = "Attributes may not contain unpaired UTF-16 surrogates such as \\ud800."


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON's \\u escapes can spell
        return NOT_UNICODE
    return None


def attributes_problem(attributes: Any) -> str | None:
    """Why a product's ``attributes`` cannot be stored (None when they can): nested deeper than
    MAX_DEPTH, or what PostgreSQL's JSON cannot hold: a NUL character or an unpaired surrogate in
    a key or a text, or a number that is not finite (JSON decoders read 1e999 as Infinity)."""
    stack: list[tuple[Any, int]] = [(attributes, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return TOO_DEEP
            if isinstance(value, dict):
                for key in value:
                    if problem := _text_problem(str(key)):
                        return problem
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if problem := _text_problem(value):
                return problem
        elif isinstance(value, float) and not math.isfinite(value):
            return NOT_FINITE
    return None
