"""The one slug generator: a URL-safe slug from a name, unique where it must be."""

import itertools
import secrets
from collections.abc import Callable, Iterator
from typing import Literal

from django.utils.text import slugify


def _base(text: str, fallback: str, max_length: int) -> str:
    room = max_length - 9  # keeps "-" and a suffix of up to 8 characters within max_length
    return slugify(text)[:room].strip("-") or fallback


def counter_slugs(text: str, *, fallback: str, max_length: int) -> Iterator[str]:
    """The candidates ``unique_slug(suffix="counter")`` tries, in order: the bare slug, then
    ``-2``, ``-3``… (for a caller whose insert found the one it chose taken meanwhile)."""
    base = _base(text, fallback, max_length)
    yield base
    for n in itertools.count(2):
        yield f"{base}-{n}"


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
    if suffix == "counter":
        return next(
            c for c in counter_slugs(text, fallback=fallback, max_length=max_length) if not (taken and taken(c))
        )
    base = _base(text, fallback, max_length)
    while True:
        candidate = f"{base}-{secrets.token_hex(4 if taken is None else 3)}"
        if taken is None or not taken(candidate):
            return candidate
