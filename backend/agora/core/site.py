"""Links into the site that emails and pages hand out."""

from django.conf import settings


def site_url(path: str = "") -> str:
    """The absolute URL of ``path`` (which starts with "/") on the site: SITE_URL, however it is
    written, never doubles the slash."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
