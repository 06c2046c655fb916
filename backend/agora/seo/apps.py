from django.apps import AppConfig


class SeoConfig(AppConfig):
    name = "agora.seo"
    label = "seo"
    verbose_name = "Search engines"
