import os

from django.core.wsgi import get_wsgi_application

from agora.core.observability import init_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Each gunicorn worker imports this after the fork: its own exporter thread, and the Django
# middleware inserted before the handler is built (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
init_tracing("agora-web", django=True)

application = get_wsgi_application()
