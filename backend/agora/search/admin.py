"""The search back office: synonyms, stop words, and the searches that found nothing or little."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from agora.core.errors import ValidationFailed
from agora.search import services
from agora.search.models import SearchQueryStat, StopWord, Synonym


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["kind", "term", "synonyms"]

    def clean(self):
        data = super().clean() or self.cleaned_data
        try:
            data["term"], data["synonyms"] = services.synonym_clean(
                kind=data.get("kind") or "", term=data.get("term") or "", synonyms=data.get("synonyms") or ""
            )
        except ValidationFailed as exc:
            for name, messages in (exc.details or {}).items():
                for message in messages:
                    self.add_error(name, message)
        return data


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Applied by the next search (PostgreSQL), pushed to the Elasticsearch synonyms set by a task."""

    form = SynonymForm
    list_display = ["__str__", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["term", "synonyms"]

    def save_model(self, request, obj, form, change):
        services.synonym_save(synonym=obj)

    def delete_model(self, request, obj):
        services.synonym_delete(synonym=obj)

    def delete_queryset(self, request, queryset):
        for synonym in queryset.order_by("pk"):
            services.synonym_delete(synonym=synonym)


class StopWordForm(forms.ModelForm):
    class Meta:
        model = StopWord
        fields = ["word"]

    def clean_word(self) -> str:
        try:
            return services.stop_word_clean(self.cleaned_data.get("word") or "")
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(StopWord)
class StopWordAdmin(admin.ModelAdmin):
    form = StopWordForm
    list_display = ["word"]
    search_fields = ["word"]

    def save_model(self, request, obj, form, change):
        services.stop_word_save(stop_word=obj)

    def delete_model(self, request, obj):
        services.stop_word_delete(stop_word=obj)

    def delete_queryset(self, request, queryset):
        for stop_word in queryset.order_by("pk"):
            services.stop_word_delete(stop_word=stop_word)


@admin.register(SearchQueryStat)
class SearchQueryStatAdmin(admin.ModelAdmin):
    """Read-only: a sample of shoppers' searches that found nothing or little, by day."""

    list_display = ["query", "kind", "count", "day", "add_synonym"]
    list_filter = ["kind", "day"]
    search_fields = ["query"]
    date_hierarchy = "day"
    ordering = ["-day", "-count", "query"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="")
    def add_synonym(self, obj: SearchQueryStat) -> str:
        url = reverse("admin:search_synonym_add") + "?" + urlencode({"kind": Synonym.Kind.ONE_WAY, "term": obj.query})
        return format_html('<a href="{}">Add a synonym…</a>', url)
