"""The bare view the stack's ceiling is compared with (issue #18: "the ceiling within 10 % of a
bare view under the same gunicorn"): the same Django project, URLconf and ceiling view
(/load-test/ceiling/), with no middleware. Served by bare_gunicorn.py (the production gunicorn
configuration without the access log); run.sh starts it next to the real stack."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)
settings.MIDDLEWARE = []  # read once, when the handler below is built

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

application = WSGIHandler()
