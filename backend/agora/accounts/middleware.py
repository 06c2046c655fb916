"""Keeping the admin off networks that are not allowed to reach it (ADMIN_ALLOWED_NETWORKS)."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import Http404

from agora.core.client_ip import client_ip


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(net, strict=False) for net in spec)


class AdminAllowListMiddleware:
    """The admin (BACKOFFICE_PATH, /admin/) answers 404 (as if it did not exist) to clients outside
    ADMIN_ALLOWED_NETWORKS, judged by the real client address behind the trusted proxies. An empty
    list admits everyone. One of BACKOFFICE_MIDDLEWARE, which runs for that path only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = settings.ADMIN_ALLOWED_NETWORKS
        if allowed and request.path_info.startswith(settings.BACKOFFICE_PATH):
            try:
                address = ipaddress.ip_address(client_ip(request))
            except ValueError:
                address = None
            if address is None or not any(address in net for net in _networks(tuple(allowed))):
                raise Http404("Not found")
        return self.get_response(request)
