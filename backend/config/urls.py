from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agora.core import apis as core_apis
from agora.seo import views as seo

api_v1 = [
    path("", include("agora.accounts.urls")),
    path("", include("agora.vendors.urls")),
    path("", include("agora.catalog.urls")),
    path("", include("agora.carts.urls")),
    path("", include("agora.shipping.urls")),
    path("", include("agora.orders.urls")),
    path("", include("agora.payments.urls")),
    path("", include("agora.returns.urls")),
    path("", include("agora.reviews.urls")),
    path("", include("agora.wishlists.urls")),
    path("", include("agora.search.urls")),
    path("", include("agora.ledger.urls")),
    path("", include("agora.payouts.urls")),
]

urlpatterns = [
    path("health/", core_apis.health, name="health"),
    path("health/ready/", core_apis.health_ready, name="health-ready"),
    path("load-test/ceiling/", core_apis.load_test_ceiling, name="load-test-ceiling"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the docs page runs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include(api_v1)),
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
