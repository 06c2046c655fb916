from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agora.accounts import urls as accounts_urls
from agora.carts import urls as carts_urls
from agora.catalog import urls as catalog_urls
from agora.core import apis as core_apis
from agora.core.routing import IndexedResolver
from agora.ledger import urls as ledger_urls
from agora.orders import urls as orders_urls
from agora.payments import urls as payments_urls
from agora.payouts import urls as payouts_urls
from agora.returns import urls as returns_urls
from agora.reviews import urls as reviews_urls
from agora.search import urls as search_urls
from agora.seo import views as seo
from agora.shipping import urls as shipping_urls
from agora.vendors import urls as vendors_urls
from agora.wishlists import urls as wishlists_urls

# One flat list, in the order the apps' URLconfs are read: each `include()` with an empty prefix
# made every API request descend into the apps listed before its own, and a sub-list that does
# not match raises (and records what it tried) — a search request went through eleven before its
# own, ~50 µs of URL resolution (bench/README.md, issue #18). The apps' lists have no namespaces.
# IndexedResolver then tries only the routes whose first word is the path's (agora/core/routing.py).
api_v1 = [
    *accounts_urls.urlpatterns,
    *vendors_urls.urlpatterns,
    *catalog_urls.urlpatterns,
    *carts_urls.urlpatterns,
    *shipping_urls.urlpatterns,
    *orders_urls.urlpatterns,
    *payments_urls.urlpatterns,
    *returns_urls.urlpatterns,
    *reviews_urls.urlpatterns,
    *wishlists_urls.urlpatterns,
    *search_urls.urlpatterns,
    *ledger_urls.urlpatterns,
    *payouts_urls.urlpatterns,
]

urlpatterns = [
    path("health/", core_apis.health, name="health"),
    path("health/ready/", core_apis.health_ready, name="health-ready"),
    path("load-test/ceiling/", core_apis.load_test_ceiling, name="load-test-ceiling"),
    # Before the admin: an API path would otherwise fail the admin's list first (a raised 404).
    IndexedResolver("api/v1/", api_v1),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the docs page runs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Local-disk media (no bucket configured): served by the app. With S3, URLs point at the bucket/CDN.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", core_apis.local_media, name="media"))

urlpatterns += [
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path("sitemap.xml", seo.sitemap_index, name="sitemap-index"),
    path("sitemaps/<slug:name>.xml", seo.sitemap, name="sitemap"),
]

# Everything else is a storefront route: the SPA's index.html with the page's head (title,
# description, canonical, Open Graph, JSON-LD; 404 for unknown slugs). Not for API, admin, static,
# media, health, and not for built assets: an asset whitenoise does not have (a stale hash after a
# deploy) must be a 404, never index.html with a 200, which a browser refuses as a script.
urlpatterns.append(re_path(r"^(?!api/|admin/|static/|media/|health/|assets/)(?P<path>.*)$", seo.storefront, name="spa"))

handler400 = "agora.core.exceptions.handler400"
handler403 = "agora.core.exceptions.handler403"
handler404 = "agora.core.exceptions.handler404"
handler500 = "agora.core.exceptions.handler500"
