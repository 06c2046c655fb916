"""gunicorn configuration of the bare-view server (bare_wsgi.py): config/gunicorn.conf.py as it
is (worker class, counts, timeouts), minus the access log, serving the middleware-less handler."""

import os
import runpy

_here = os.path.dirname(os.path.abspath(__file__))
globals().update(
    {
        name: value
        for name, value in runpy.run_path(os.path.join(_here, "..", "..", "config", "gunicorn.conf.py")).items()
        if not name.startswith("__")
    }
)
accesslog = None
pythonpath = _here
wsgi_app = "bare_wsgi:application"
