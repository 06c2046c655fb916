"""Reading the credentials clients send in custom headers (cart and order tokens)."""

import re

# Tokens this API hands out are URL-safe base64 (secrets.token_urlsafe) or hex: printable ASCII.
_TOKEN = re.compile(r"^[\x21-\x7e]{1,128}$")


def token_header(request, name: str) -> str | None:
    """The header's value if it can be a token this API issued, else None: a missing, empty,
    oversized, non-ASCII or control-character value is the same as no token (the object is then
    not found, a 404), never an exception further down (compare_digest refuses non-ASCII text,
    PostgreSQL refuses NUL)."""
    value = request.headers.get(name)
    if value is None or not _TOKEN.match(value):
        return None
    return value
