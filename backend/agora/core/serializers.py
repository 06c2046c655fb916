import threading
from collections.abc import Callable
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
    return None if value is None else datetime_texts()(value)


def datetime_texts() -> Callable[[datetime | None], str | None]:
    """``datetime_text`` for the many datetimes of one answer: the current time zone is looked up
    once. Looking it up when none is active goes through an exception inside asgiref's ``Local``,
    most of a call's cost: 8 % of an order-history page's CPU for its 20 orders (issue #18)."""
    zone = timezone.get_current_timezone()

    def text(value: datetime | None) -> str | None:
        if value is None:
            return None
        if timezone.is_naive(value):  # as timezone.localtime refuses one
            raise ValueError("a naive datetime has no time zone to write")
        written = value.astimezone(zone).isoformat()
        return written[:-6] + "Z" if written.endswith("+00:00") else written

    return text


class MoneyField(serializers.DecimalField):
    """Money as a decimal string with two places ("19.99")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # "-0" is zero: PostgreSQL stores 0.00, and an answer built from the input says so too.
        return value.copy_abs() if value is not None and value.is_zero() else value


def rating_fields(of: str) -> tuple[serializers.DecimalField, serializers.IntegerField]:
    """``rating_average, rating_count = rating_fields(of)`` in a serializer of something rated (a
    product, a vendor): the average stars (1 to 5, two places) of the published reviews ``of``
    names, null without reviews, and how many reviews it is over."""
    return (
        serializers.DecimalField(
            max_digits=3,
            decimal_places=2,
            allow_null=True,
            help_text=f"Average stars (1 to 5) of {of}; null without reviews.",
        ),
        serializers.IntegerField(help_text="How many published reviews the average is over."),
    )


class VendorRefSerializer(serializers.Serializer):
    """A vendor named in another resource (an order's sub-order, a cart's shipping group)."""

    slug = serializers.CharField()
    name = serializers.CharField()


# One bound instance per (thread, serializer class, partial): DRF deep-copies every declared
# field each time a serializer is made, which cost a search hit more CPU than its cache read
# (bench/README.md, issue #18). An input serializer keeps no state between validations but
# the three attributes ``is_valid`` sets, which ``validated`` resets; one with a ``context``
# (or any other argument) is made afresh each time.
_bound = threading.local()
_RESET = ("_validated_data", "_errors", "_data")


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """What ``serializer_class`` makes of ``data`` (a request body or its query parameters), or a
    ValidationError, which the exception handler answers as a 400 in the API's error shape."""
    if kwargs.keys() - {"partial"}:
        serializer = serializer_class(data=data, **kwargs)
    else:
        serializer = _reused(serializer_class, bool(kwargs.get("partial")))
        for name in _RESET:
            serializer.__dict__.pop(name, None)
        serializer.initial_data = data
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _reused(serializer_class: type[serializers.Serializer], partial: bool) -> serializers.Serializer:
    made: dict[tuple[type, bool], serializers.Serializer] | None = getattr(_bound, "made", None)
    if made is None:
        made = _bound.made = {}
    serializer = made.get((serializer_class, partial))
    if serializer is None:
        serializer = made[(serializer_class, partial)] = serializer_class(partial=partial)
    return serializer
