"""The one slug generator: a URL-safe slug from a name, unique where it must be."""

import secrets
from collections.abc import Callable
from typing import Literal

from django.utils.text import slugify


def unique_slug(
    text: str,
    *,
    fallback: str,
    max_length: int,
    taken: Callable[[str], bool] | None = None,
    suffix: Literal["counter", "random"] = "random",
) -> str:
    """``slugify(text)`` (or ``fallback`` when nothing is left of it), fitting ``max_length``.

    ``suffix="counter"``: the bare slug if free, else ``-2``, ``-3``… (vendor names: readable).
    ``suffix="random"``: always a short random suffix (product slugs: many products share a name;
    with ``taken=None`` the suffix alone makes a clash so unlikely that bulk writes skip the query,
    and the unique index is the last word).
    """
    room = max_length - 9  # keeps "-" and a suffix of up to 8 characters within max_length
    base = slugify(text)[:room].strip("-") or fallback
    if suffix == "counter":
        candidate, n = base, 1
        while taken is not None and taken(candidate):
            n += 1
            candidate = f"{base}-{n}"
        return candidate
    while True:
        candidate = f"{base}-{secrets.token_hex(4 if taken is None else 3)}"
        if taken is None or not taken(candidate):
            return candidate
