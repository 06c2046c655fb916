"""The browser policy: Content-Security-Policy per kind of page, Permissions-Policy everywhere.

- The storefront shell (the built SPA's index.html): scripts from our origin only, no inline
  script; the shell's inline stylesheet is allowed by its SHA-256 hash (and any inline script a
  build might add, by its hash too). Stripe's origins are allowed only on /checkout, the one page
  where Stripe.js runs, and only when Stripe is a payment method; the SPA reaches /checkout with a
  full page load then (frontend: CartDrawer).
- The admin and the API docs: scripts from our origin only; inline styles are allowed (Django's
  admin and Swagger UI use style attributes).
- Everything else (JSON, the API): nothing may load, nothing may frame it.

Referrer-Policy comes from Django's SecurityMiddleware (SECURE_REFERRER_POLICY).
"""

import base64
import hashlib
import re

from django.conf import settings

STRIPE = {
    "script-src": ["https://js.stripe.com", "https://*.js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
    "img-src": ["https://*.stripe.com"],
}
# What a browser page needs none of (Stripe's payment sheet asks for `payment` inside its frame).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    'magnetometer=(), microphone=(), midi=(), payment=(self "https://js.stripe.com"), usb=(), '
    "xr-spatial-tracking=()"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
BACKOFFICE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)

_INLINE = re.compile(rb"<(style|script)(\s[^>]*)?>(.*?)</\1>", re.S | re.I)


def inline_hashes(html: bytes) -> dict[str, list[str]]:
    """CSP hash sources of the inline <style> and <script> elements of a page."""
    found: dict[str, list[str]] = {"style": [], "script": []}
    for tag, attrs, body in _INLINE.findall(html):
        if tag.lower() == b"script" and attrs and b"src=" in attrs.lower():
            continue  # an external script: 'self' covers it
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        found[tag.lower().decode()].append(f"'sha256-{digest}'")
    return found


def _media_origins() -> list[str]:
    if not settings.AWS_STORAGE_BUCKET_NAME:
        return []
    if settings.AWS_S3_CUSTOM_DOMAIN:
        return [f"https://{settings.AWS_S3_CUSTOM_DOMAIN}"]
    if settings.AWS_S3_ENDPOINT_URL:
        return [settings.AWS_S3_ENDPOINT_URL.rstrip("/")]
    return ["https://*.amazonaws.com"]


def stripe_runs_on(path: str) -> bool:
    return path.rstrip("/") == "/checkout" and "stripe" in settings.PAYMENT_METHODS


def spa_policy(path: str, html: bytes) -> str:
    hashes = inline_hashes(html)
    policy: dict[str, list[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *hashes["script"]],
        "style-src": ["'self'", *hashes["style"]],
        # blob: previews of images a vendor is about to upload
        "img-src": ["'self'", "data:", "blob:", *_media_origins()],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    if stripe_runs_on(path):
        policy["frame-src"] = []
        for directive, origins in STRIPE.items():
            policy[directive] = [*policy[directive], *origins]
    text = "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())
    if not settings.DEBUG and settings.SECURE_SSL_REDIRECT:
        text += "; upgrade-insecure-requests"
    return text


BACKOFFICE_PREFIXES = ("/admin/", "/api/docs/")

# What a shared cache (a CDN or proxy in front of /api/) may keep. An API answer to a caller who
# showed a credential — a JWT, a guest's X-Cart-Token or X-Order-Token — is theirs alone (a cart
# answer holds its token, a guest order its address), and a write's answer (a token pair, a new
# cart's token) is never stored; both say so unless the view set its own policy. Every API answer
# names the credential headers in Vary, so a public answer kept by a cache is never served to a
# caller who sent one.
PRIVATE_ANSWER = "private, no-store"
CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_CART_TOKEN", "HTTP_X_ORDER_TOKEN")
API_VARY = "Authorization, X-Cart-Token, X-Order-Token"
_READS = ("GET", "HEAD", "OPTIONS")


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy to every answer, a Content-Security-Policy to those whose view did
    not set one (the SPA shell sets its own, per path), and to the API's answers what a shared cache
    may keep of them (above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Content-Security-Policy" not in response:
            backoffice = request.path.startswith(BACKOFFICE_PREFIXES)
            response["Content-Security-Policy"] = BACKOFFICE_POLICY if backoffice else API_POLICY
        if request.path.startswith("/api/v"):
            meta = request.META
            if "Cache-Control" not in response and (
                request.method not in _READS or any(name in meta for name in CREDENTIAL_HEADERS)
            ):
                response["Cache-Control"] = PRIVATE_ANSWER
            vary = response.get("Vary")
            response["Vary"] = f"{vary}, {API_VARY}" if vary else API_VARY
        return response
