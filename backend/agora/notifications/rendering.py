"""Rendering a notification: subject, plain text and HTML from the template's three files."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context
from django.template.loader import get_template

from agora.core.site import site_url


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _context(context: dict[str, Any]) -> dict[str, Any]:
    return {"site_name": settings.SITE_NAME, "site_url": site_url(), **context}


def _render_plain(path: str, context: dict[str, Any]) -> str:
    # Text parts are not HTML: no escaping of "&" or quotes in names and links.
    template = get_template(path).template
    return template.render(Context(context, autoescape=False))


def render(name: str, context: dict[str, Any]) -> RenderedEmail:
    """Renders ``templates/notifications/<name>/{subject.txt,body.txt,body.html}``.

    Raises TemplateDoesNotExist / TemplateSyntaxError for a broken template: a permanent
    failure the sender records without retrying.
    """
    ctx = _context(context)
    subject = " ".join(_render_plain(f"notifications/{name}/subject.txt", ctx).split())
    text = _render_plain(f"notifications/{name}/body.txt", ctx).strip() + "\n"
    html = get_template(f"notifications/{name}/body.html").render(ctx)
    return RenderedEmail(subject=subject, text=text, html=html)
