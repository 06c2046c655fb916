"""One shape for a status machine: the table of allowed moves, consulted by every move.

Orders, sub-orders, vendors and products each declare a ``StateMachine`` with their table; a
move is a compare-and-set ``UPDATE … WHERE status = <what we read>``, so of two concurrent
writers only one moves the row and the other gets the machine's error (as it does for a move
the table does not list). A move may narrow the table for one action (``only_from``: a product
is *submitted* only from draft or rejected, though an edit also sends an approved one back to
review), and may stamp the time of reaching some statuses (``timestamps``).
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from agora.core.errors import DomainError

ErrorFactory = Callable[[str, str], DomainError]


class StateMachine:
    def __init__(
        self,
        model: type[models.Model],
        transitions: Mapping[str, Iterable[str]],
        *,
        error: ErrorFactory,
        field: str = "status",
        timestamps: Mapping[str, str] | None = None,
    ):
        self.model = model
        self.transitions: dict[str, frozenset[str]] = {
            str(state): frozenset(str(t) for t in targets) for state, targets in transitions.items()
        }
        self.error = error
        self.field = field
        self.timestamps = dict(timestamps or {})
        self._stamps_updated_at = any(f.name == "updated_at" for f in model._meta.get_fields())

    def can(self, current: str, to: str) -> bool:
        return to in self.transitions.get(current, frozenset())

    def sources(self, to: str, *, only_from: Iterable[str] | None = None) -> set[str]:
        """The statuses that may move to ``to`` (narrowed to ``only_from`` when given)."""
        allowed = {state for state, targets in self.transitions.items() if to in targets}
        return allowed & {str(s) for s in only_from} if only_from is not None else allowed

    def _changes(self, to: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        now = timezone.now()
        changes: dict[str, Any] = {self.field: to, **fields}
        if self._stamps_updated_at:
            changes.setdefault("updated_at", now)
        if to in self.timestamps:
            changes.setdefault(self.timestamps[to], now)
        return changes

    def move(self, obj: models.Model, to: str, *, only_from: Iterable[str] | None = None, **fields: Any) -> None:
        """Moves ``obj`` to ``to`` (and writes ``fields`` with it) if the table allows it from
        its current status; raises the machine's error otherwise, or if another writer moved
        the row first. ``obj`` is updated in memory."""
        current = str(getattr(obj, self.field))
        if current not in self.sources(to, only_from=only_from):
            raise self.error(current, to)
        changes = self._changes(to, fields)
        if self.model._default_manager.filter(pk=obj.pk, **{self.field: current}).update(**changes) != 1:
            raise self.error(current, to)
        for name, value in changes.items():
            setattr(obj, name, value)

    def move_all(self, queryset: models.QuerySet[Any], to: str, *, only_from: Iterable[str] | None = None) -> int:
        """Moves every row of ``queryset`` that may go to ``to``; returns how many moved."""
        allowed = self.sources(to, only_from=only_from)
        return queryset.filter(**{f"{self.field}__in": allowed}).update(**self._changes(to, {}))
