import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from agora.core.observability import init_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# gunicorn's master imports this once and forks its workers from it (preload_app,
# config/gunicorn.conf.py): tracing's exporter starts its thread again in each worker after the
# fork, and the Django middleware is inserted before the handler is built (off unless
# OTEL_EXPORTER_OTLP_ENDPOINT is set).
init_tracing("agora-web", django=True)

application = get_wsgi_application()

# Every app's URLs and views imported now rather than by each worker's first request: under
# preload the master does it once for all the workers it forks.
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
