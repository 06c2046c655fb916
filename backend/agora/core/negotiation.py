"""Content negotiation with a fast path for what clients send almost always.

DRF parses the Accept header of every request into media types and matches each against each
renderer; the API renders JSON only, so for a request that accepts JSON plainly (no Accept, or
exactly ``*/*`` or ``application/json``) the answer is known without parsing: JSON. That parse
was about a tenth of a cached catalog page's CPU (bench/README.md, issue #18). Anything else
(``text/html``, a list with q-values, ``?format=``) goes through DRF's own negotiation, so a
request that accepts no JSON still gets its 406.
"""

from rest_framework.negotiation import DefaultContentNegotiation

_PLAIN = frozenset({"", "*/*", "application/json"})


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0] if renderers else None
        if (
            first is not None
            and first.media_type == "application/json"
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT", "").strip() in _PLAIN
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
