"""The lean answers write datetimes exactly as DRF's DateTimeField does."""

from datetime import UTC, datetime, timedelta
from datetime import timezone as fixed

import pytest
from django.utils import timezone
from rest_framework import serializers

from agora.core.serializers import datetime_text, datetime_texts

MOMENTS = [
    datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    datetime(2026, 12, 1, 9, 30, 5, 120000, tzinfo=UTC),
    datetime(2026, 7, 1, 23, 59, 59, 1, tzinfo=fixed(timedelta(hours=-7))),
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"])
def test_a_datetime_reads_as_the_serializer_writes_it_in_the_current_time_zone(zone):
    with timezone.override(zone):
        text = datetime_texts()
        for moment in MOMENTS:
            expected = serializers.DateTimeField().to_representation(moment)
            assert datetime_text(moment) == text(moment) == expected
    assert datetime_text(None) is None and datetime_texts()(None) is None


def test_a_zone_activated_later_is_the_one_written():
    moment = MOMENTS[0]
    with timezone.override("Asia/Kolkata"):
        assert datetime_texts()(moment) == "2026-12-01T15:00:00+05:30"
    assert datetime_texts()(moment) == "2026-12-01T09:30:00Z"


def test_a_naive_datetime_is_refused_not_written_in_some_zone():
    with pytest.raises(ValueError, match="naive"):
        datetime_text(datetime(2026, 12, 1, 9, 30))  # noqa: DTZ001
