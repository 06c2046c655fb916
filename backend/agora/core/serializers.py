from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not know.

    A misspelt or read-only field (``is_staff``, ``status``, ``vendor``…) is an error the
    caller hears about, not something silently ignored.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown or read-only field."] for name in unknown})
        return super().to_internal_value(data)


def datetime_text(value: datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it (current time zone, "Z" for UTC), for answers
    built without a serializer (the lean paths)."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class MoneyField(serializers.DecimalField):
    """Money as a decimal string with two places ("19.99")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


class VendorRefSerializer(serializers.Serializer):
    """A vendor named in another resource (an order's sub-order, a cart's shipping group)."""

    slug = serializers.CharField()
    name = serializers.CharField()


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """What ``serializer_class`` makes of ``data`` (a request body or its query parameters), or a
    ValidationError, which the exception handler answers as a 400 in the API's error shape."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
