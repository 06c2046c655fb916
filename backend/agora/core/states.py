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

from django.db import connections, models, router
from django.utils import timezone

from agora.core.errors import DomainError
from agora.core.prepared import PreparedSQL

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
        # The compare-and-set of each set of columns a move writes, per database: written once.
        self._statements: dict[tuple[str, tuple[str, ...]], tuple[PreparedSQL, list[models.Field[Any, Any]]]] = {}

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
        if self._compare_and_set(obj.pk, current, changes) != 1:
            raise self.error(current, to)
        for name, value in changes.items():
            setattr(obj, name, value)

    def _compare_and_set(self, pk: Any, current: str, changes: dict[str, Any]) -> int:
        """``UPDATE … SET <changes> WHERE pk = <pk> AND <field> = <current>``; how many rows it moved.

        The statement is written once per set of columns and prepared on the server
        (agora.core.prepared): as ``filter(…).update(…)`` it cost ~0.7 ms of CPU to build, in every
        order's checkout and processing (bench/README.md, issue #18). Values are converted as the
        ORM's update converts them; an expression (``F()``, …) goes through the ORM."""
        if any(hasattr(value, "resolve_expression") for value in changes.values()):
            return self.model._default_manager.filter(pk=pk, **{self.field: current}).update(**changes)
        alias = router.db_for_write(self.model)
        names = tuple(changes)
        compiled = self._statements.get((alias, names))
        if compiled is None:
            meta = self.model._meta
            quote = connections[alias].ops.quote_name
            columns = [_column(self.model, name) for name in names]
            written = ", ".join(f"{quote(_name(f))} = %s" for f in columns)
            pk_column, status_column = quote(_name(meta.pk)), quote(_name(_column(self.model, self.field)))
            sql = (
                f"UPDATE {quote(meta.db_table)} SET {written} "  # noqa: S608  # nosec B608  # our table and columns; values bound
                f"WHERE {pk_column} = %s AND {status_column} = %s RETURNING {pk_column}"
            )
            compiled = self._statements[(alias, names)] = (PreparedSQL(sql, label=f"move_{meta.db_table}"), columns)
        statement, columns = compiled
        db = connections[alias]
        values = [
            field.get_db_prep_save(
                value.prepare_database_save(field) if hasattr(value, "prepare_database_save") else value, db
            )
            for field, value in zip(columns, changes.values(), strict=True)
        ]
        return len(statement.rows(*values, pk, current, using=alias))

    def move_all(self, queryset: models.QuerySet[Any], to: str, *, only_from: Iterable[str] | None = None) -> int:
        """Moves every row of ``queryset`` that may go to ``to``; returns how many moved."""
        allowed = self.sources(to, only_from=only_from)
        return queryset.filter(**{f"{self.field}__in": allowed}).update(**self._changes(to, {}))


def _column(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a column a move can write")
    return field


def _name(field: "models.Field[Any, Any]") -> str:
    if field.column is None:
        raise TypeError(f"{field} has no column")
    return field.column
