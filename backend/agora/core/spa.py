"""Serving the built storefront (frontend/dist): whitenoise serves its files; every other
non-API path answers index.html so client-side routes survive a reload."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from agora.core.security import spa_policy

_cache: dict[str, tuple[float, bytes]] = {}


def index_html() -> bytes:
    index = Path(settings.FRONTEND_DIST) / "index.html"
    try:
        mtime = index.stat().st_mtime
    except FileNotFoundError:
        raise Http404("The storefront has not been built (npm run build in frontend/).") from None
    cached = _cache.get("index")
    if cached is None or cached[0] != mtime:
        cached = (mtime, index.read_bytes())
        _cache["index"] = cached
    return cached[1]


def shell_response(request, html: bytes, *, status: int = 200, built: bytes | None = None) -> HttpResponse:
    """The shell (``html``, possibly with a page's head filled in) with its headers. The policy
    hashes the inline elements of the ``built`` shell (default: ``html``): data blocks added to the head (JSON-LD) are
    never executed, so they need no script source."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8", status=status)
    # The shell must be revalidated so a deploy's new asset hashes are picked up at once.
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = spa_policy(request.path, built if built is not None else html)
    return response


@require_safe  # GET and HEAD (link checkers, uptime probes)
@gzip_page  # the shell carries the inlined stylesheet: ~17 kB, ~4.5 kB compressed
def spa_index(request, path: str = ""):
    return shell_response(request, index_html())
