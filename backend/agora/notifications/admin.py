"""Back office for the outbox: every notification with its status, and a preview of any
registered template (with its sample context) or stored notification, as HTML and as text."""

import json

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin

from agora.core.admin import ReadOnlyAdmin
from agora.notifications import registry
from agora.notifications.models import Notification
from agora.notifications.rendering import RenderedEmail, render
from agora.notifications.services import notification_retry

# The preview frame shows an email's HTML as a mail client would: no scripts, no forms, no
# requests of its own; only inline styles and images.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; sandbox"


def _shown(notification: Notification) -> dict:
    """What staff see of a stored email's context: its template's secret values hidden."""
    try:
        return registry.get(notification.template).shown_to_staff(notification.context)
    except registry.UnknownTemplate:  # a template since removed: nothing declares its secrets
        return dict.fromkeys(notification.context, registry.HIDDEN)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["template", "to", "status", "attempts", "created_at", "sent_at", "preview_link"]
    list_filter = ["status", "template", "created_at"]
    search_fields = ["to", "key", "template"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "template",
        "to",
        "key",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "context_shown",
        "preview_link",
    ]
    exclude = ["context"]  # shown as context_shown: secret values hidden
    actions = ["retry_failed"]
    change_list_template = "admin/notifications/notification/change_list.html"

    @admin.display(description="context")
    def context_shown(self, obj: Notification) -> str:
        return json.dumps(_shown(obj), ensure_ascii=False, sort_keys=True, default=str)

    @admin.display(description="preview")
    def preview_link(self, obj: Notification) -> str:
        return format_html(
            '<a href="{}">preview</a>', reverse("admin:notifications_notification_preview", args=[obj.pk])
        )

    @admin.action(description="Send the selected failed notifications again", permissions=["act"])
    def retry_failed(self, request, queryset):
        count = sum(notification_retry(notification=n) for n in queryset)
        self.message_user(request, f"{count} notification(s) queued again.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("templates/", view(self.templates_view), name="notifications_templates"),
            path("templates/<str:name>/", view(self.template_preview_view), name="notifications_template_preview"),
            path(
                "templates/<str:name>/html/",
                view(self.template_html_view),
                name="notifications_template_preview_html",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="notifications_notification_preview"),
            path(
                "<int:pk>/preview/html/", view(self.preview_html_view), name="notifications_notification_preview_html"
            ),
            *super().get_urls(),
        ]

    # --- views ---------------------------------------------------------------------------

    def _check(self, request) -> None:
        if not self.has_view_permission(request):
            raise Http404

    def templates_view(self, request):
        self._check(request)
        context = {
            **self.admin_site.each_context(request),
            "title": "Notification templates",
            "opts": self.model._meta,
            "templates": registry.all_templates(),
        }
        return TemplateResponse(request, "admin/notifications/templates.html", context)

    def _template(self, name: str) -> registry.NotificationTemplate:
        try:
            return registry.get(name)
        except registry.UnknownTemplate:
            raise Http404 from None

    @staticmethod
    def _render(name: str, context: dict) -> tuple[RenderedEmail | None, str]:
        try:
            return render(name, context), ""
        except Exception as exc:  # noqa: BLE001 - the preview shows why a template does not render
            return None, f"{type(exc).__name__}: {exc}"

    def _preview(self, request, name: str, context: dict, *, title: str, html_url: str, **extra):
        """The preview page of template ``name`` rendered with ``context``, its HTML framed from ``html_url``."""
        rendered, error = self._render(name, context)
        page = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "rendered": rendered,
            "error": error,
            "html_url": html_url,
            "context_json": context,
            **extra,
        }
        return TemplateResponse(request, "admin/notifications/preview.html", page)

    def template_preview_view(self, request, name: str):
        self._check(request)
        template = self._template(name)
        html_url = reverse("admin:notifications_template_preview_html", args=[name])
        title = f"Template “{name}” with its sample"
        return self._preview(request, name, template.sample, title=title, html_url=html_url, template=template)

    def preview_view(self, request, pk: int):
        self._check(request)
        notification = get_object_or_404(Notification, pk=pk)
        html_url = reverse("admin:notifications_notification_preview_html", args=[pk])
        title = f"Notification #{notification.pk}: {notification.template} to {notification.to}"
        return self._preview(
            request,
            notification.template,
            _shown(notification),
            title=title,
            html_url=html_url,
            notification=notification,
        )

    @staticmethod
    def _html_response(rendered: RenderedEmail | None) -> HttpResponse:
        if rendered is None:
            raise Http404
        response = HttpResponse(rendered.html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = PREVIEW_CSP
        return response

    @xframe_options_sameorigin
    def template_html_view(self, request, name: str):
        self._check(request)
        return self._html_response(self._render(name, self._template(name).sample)[0])

    @xframe_options_sameorigin
    def preview_html_view(self, request, pk: int):
        self._check(request)
        notification = get_object_or_404(Notification, pk=pk)
        return self._html_response(self._render(notification.template, _shown(notification))[0])
