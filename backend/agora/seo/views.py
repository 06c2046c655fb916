"""The storefront's URLs as the backend serves them: the SPA shell with the page's head filled
in (404 for unknown products, categories, vendors and routes), the sitemaps and robots.txt."""

from django.http import Http404, HttpResponse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from agora.core.spa import index_html, shell_response
from agora.seo import head, selectors


@require_safe  # GET and HEAD (link checkers, uptime probes)
@gzip_page  # the shell carries the inlined stylesheet: ~17 kB, ~4.5 kB compressed
def storefront(request, path: str = ""):
    shell = index_html()  # 404 (not a crash) while the SPA is not built
    try:
        page = selectors.storefront_page(path=path, query=request.GET)
        status = 200
    except Http404:
        page, status = selectors.not_found_page(), 404
    return shell_response(request, head.render(shell, page), status=status, built=shell)


def _text(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
@gzip_page
def sitemap_index(request):
    return _text(selectors.sitemap_index(), "application/xml; charset=utf-8")


@require_safe
@gzip_page
def sitemap(request, name: str):
    return _text(selectors.sitemap(name), "application/xml; charset=utf-8")


@require_safe
def robots_txt(request):
    return _text(selectors.robots_txt(), "text/plain; charset=utf-8")
