"""The client's address behind trusted proxies, for throttles, lockouts, allow-lists and logs.

Each trusted proxy (the ALB; CloudFront in front of it would be a second) appends the address it
saw to X-Forwarded-For, so with NUM_PROXIES trusted hops the client is the NUM_PROXIES-th entry
from the right. Anything to the left of it was written by the client and is ignored; a value
that is not an IP address falls back to the peer address. Importable without Django settings
(gunicorn's access log uses ``client_ip_from``).
"""

import ipaddress


def _valid(candidate: str) -> str | None:
    candidate = candidate.strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip_from(forwarded_for: str | None, remote_addr: str, num_proxies: int) -> str:
    if num_proxies <= 0 or not forwarded_for:
        return remote_addr
    hops = forwarded_for.split(",")
    chosen = hops[-min(num_proxies, len(hops))]
    return _valid(chosen) or remote_addr


def client_ip(request) -> str:
    """The client address of a Django or DRF request (NUM_PROXIES trusted hops)."""
    from django.conf import settings

    meta = request.META
    return client_ip_from(meta.get("HTTP_X_FORWARDED_FOR"), meta.get("REMOTE_ADDR", ""), settings.NUM_PROXIES)
