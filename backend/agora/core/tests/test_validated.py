"""``validated()`` reuses one bound input serializer per thread (issue #18): each call must still
answer as if the serializer were new — no error, value or partial mode carried over."""

import threading

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from agora.core.serializers import StrictInputSerializer, validated


class _Quantity(StrictInputSerializer):
    variant_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, default=1)
    note = serializers.CharField(required=False)

    def validate(self, attrs):
        if attrs.get("note") == "refuse":
            raise serializers.ValidationError("Refused.")
        return attrs


def test_an_error_is_not_carried_into_the_next_call():
    with pytest.raises(ValidationError) as refused:
        validated(_Quantity, {"variant_id": "x", "colour": "red"})
    assert set(refused.value.detail) == {"colour"}  # unknown fields are refused first
    assert validated(_Quantity, {"variant_id": 3}) == {"variant_id": 3, "quantity": 1}
    with pytest.raises(ValidationError) as again:
        validated(_Quantity, {"variant_id": 0})
    assert set(again.value.detail) == {"variant_id"}
    with pytest.raises(ValidationError) as whole:
        validated(_Quantity, {"variant_id": 2, "note": "refuse"})
    assert whole.value.detail == {"non_field_errors": ["Refused."]}
    with pytest.raises(ValidationError) as empty:
        validated(_Quantity, None)
    assert "non_field_errors" in empty.value.detail


def test_each_answer_is_its_own_and_partial_is_not_shared():
    first = validated(_Quantity, {"variant_id": 1, "quantity": 2})
    second = validated(_Quantity, {"variant_id": 9})
    assert first == {"variant_id": 1, "quantity": 2} and second == {"variant_id": 9, "quantity": 1}
    assert validated(_Quantity, {"quantity": 4}, partial=True) == {"quantity": 4}
    with pytest.raises(ValidationError) as full:
        validated(_Quantity, {"quantity": 4})  # the same body without partial: variant_id is required
    assert set(full.value.detail) == {"variant_id"}


def test_threads_validate_at_the_same_time_without_mixing_answers():
    seen: dict[int, object] = {}
    start = threading.Barrier(8)

    def run(n: int) -> None:
        start.wait()
        for _ in range(200):
            got = validated(_Quantity, {"variant_id": n, "quantity": n})
            if got != {"variant_id": n, "quantity": n}:
                seen[n] = got
                return
        seen[n] = "ok"

    threads = [threading.Thread(target=run, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == dict.fromkeys(range(1, 9), "ok")
