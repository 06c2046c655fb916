"""Writes a page's head into the built shell (index.html): title, description, canonical link,
robots, Open Graph and Twitter tags, and JSON-LD data blocks, so crawlers and link previews read
them before any script runs."""

import json
import re
from html import escape

from django.conf import settings

from agora.seo.selectors import Page

_TITLE = re.compile(rb"<title>.*?</title>", re.DOTALL | re.IGNORECASE)
_DESCRIPTION = re.compile(rb"<meta\s+name=\"description\"[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(rb"</head>", re.IGNORECASE)


def _json(data) -> str:
    """JSON for a <script> data block: nothing in it can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def tags(page: Page) -> tuple[str, str]:
    """(the <title> element, every other tag of the head) for ``page``."""
    a = lambda value: escape(value, quote=True)  # noqa: E731 - attribute values
    meta = [
        f'<meta name="description" content="{a(page.description)}">',
        f'<meta name="robots" content="{a(page.robots)}">',
        f'<link rel="canonical" href="{a(page.canonical)}">',
        f'<meta property="og:site_name" content="{a(settings.SITE_NAME)}">',
        f'<meta property="og:type" content="{a(page.og_type)}">',
        f'<meta property="og:title" content="{a(page.title)}">',
        f'<meta property="og:description" content="{a(page.description)}">',
        f'<meta property="og:url" content="{a(page.canonical)}">',
        f'<meta name="twitter:card" content="{"summary_large_image" if page.image else "summary"}">',
        f'<meta name="twitter:title" content="{a(page.title)}">',
        f'<meta name="twitter:description" content="{a(page.description)}">',
    ]
    if page.image:
        meta += [
            f'<meta property="og:image" content="{a(page.image)}">',
            f'<meta name="twitter:image" content="{a(page.image)}">',
        ]
    meta += [f'<meta property="{a(name)}" content="{a(value)}">' for name, value in page.extra_meta]
    meta += [f'<script type="application/ld+json">{_json(data)}</script>' for data in page.json_ld]
    return f"<title>{escape(page.title, quote=False)}</title>", "".join(meta)


def render(shell: bytes, page: Page) -> bytes:
    """The shell with ``page``'s head: its own title and description replace the shell's."""
    title, rest = tags(page)
    html = _DESCRIPTION.sub(b"", shell, count=1)
    if _TITLE.search(html):
        html = _TITLE.sub(lambda _: title.encode(), html, count=1)
    else:
        rest = title + rest
    if _HEAD_END.search(html):
        return _HEAD_END.sub(lambda _: rest.encode() + b"</head>", html, count=1)
    # A shell without a head (never built by Vite): the tags lead the document.
    return rest.encode() + html
