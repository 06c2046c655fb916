"""URL resolution that goes straight to the routes a path can match (issue #18).

Django resolves a path by trying every route of a list in order. The v1 API has ~90 routes, so a
search request tried ~80 of them before its own (13 to 29 µs a request, bench/url_resolve.py). Their
routes start with a fixed word (``products/``, ``cart/``, ``vendor/`` …), and a path can only
match the routes whose first word is its own. ``IndexedResolver`` sorts the list by that word once
and tries only the path's group.

What a request resolves to does not change: within a group the routes keep their order, so the
first match is the one the whole list would give. Routes that do not start with a fixed word (a
converter, a regex) are tried with every group, in their place. A path whose first word has no
group is resolved as Django would, over the whole list. Reversing, the schema and the admin still
read the whole list (``url_patterns``). Only ``ResolverMatch.tried``, the routes tried before the
match (shown on DEBUG 404 pages), names fewer routes.
"""

from collections.abc import Sequence

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import ResolverMatch, RoutePattern


def first_word(route_pattern: URLPattern | URLResolver) -> str | None:
    """The fixed first segment of a route (``"products"`` for ``products/<slug:slug>/``), or None
    where it does not start with one (a converter, a regex, an empty route)."""
    pattern = route_pattern.pattern
    if not isinstance(pattern, RoutePattern):
        return None
    route = str(pattern)
    word, slash, _ = route.partition("/")
    if not word or "<" in word or (not slash and isinstance(route_pattern, URLResolver)):
        # "" or "<slug:x>/…": no fixed word; "cart" as a prefix of an include could match "carts/".
        return None
    return word


class IndexedResolver(URLResolver):
    """A URLResolver over ``patterns`` under ``route`` that tries only the routes whose first
    word is the path's (see the module docstring)."""

    def __init__(self, route: str, patterns: Sequence[URLPattern | URLResolver]):
        super().__init__(RoutePattern(route), list(patterns))
        words = [first_word(p) for p in patterns]
        groups: dict[str, list[URLPattern | URLResolver]] = {word: [] for word in words if word}
        for pattern, word in zip(patterns, words, strict=True):
            for name, members in groups.items():
                if word is None or word == name:
                    members.append(pattern)
        # Each group resolves under the same prefix, app and namespace as the whole list, so its
        # ResolverMatch is the one the whole list would build.
        self._groups = {name: URLResolver(self.pattern, members) for name, members in groups.items()}

    def resolve(self, path: str) -> ResolverMatch:
        path = str(path)
        match = self.pattern.match(path)
        if match:
            group = self._groups.get(match[0].partition("/")[0])
            if group is not None:
                return group.resolve(path)
        return super().resolve(path)
