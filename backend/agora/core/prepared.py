"""Querysets compiled to SQL once and run again with other values, for the hottest read paths.

Building a queryset with subqueries and compiling it to SQL costs Django a few milliseconds of
CPU on every request — for the cold product page that was most of its time, several times what
PostgreSQL took to run the statement (bench/README.md, issue #18). The SQL of such a query never
changes, only the values it looks up, so ``PreparedValues`` builds and compiles it once per thread
with a marker in place of each value, and afterwards binds the values, runs the same SQL and turns
the rows into the same dicts ``.values()`` gives (Django's own converters: JSON, arrays, …).

Why and where: docs/adr/0011-hot-statements-compiled-once.md. Only for ``.values()`` querysets
whose changing values appear as plain bound parameters (an exact filter, a ``RawSQL`` parameter;
a value may appear several times): a marker that does not reach the parameters unchanged is an
error at first use. Values are text unless named with their type
(``PreparedValues(build, cart_id=int)``); a ``list`` value is one array parameter, for a
``RawSQL("… = ANY(%s)", [marker])`` (an ``__in`` lookup makes a parameter per item instead).

Each statement's SQL starts with a mark naming it (``/* prepared:<label> */``), by which the
database backend (agora.core.postgres) has the server prepare it at its first run in a session,
values bound on the server (docs/adr/0013).
"""

import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Model, QuerySet, signals
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


def any_of(condition: str, values: Any) -> RawSQL:
    """A filter ``condition`` with one array parameter, e.g. ``'"app_table"."id" = ANY(%s::bigint[])'``:
    the statement is the same however many values, as a ``PreparedValues`` needs (an ``__in``
    lookup makes a parameter per item). Callers pass a literal condition; the values are bound."""
    return RawSQL(condition, [values], output_field=BooleanField())  # noqa: S611  # nosec B611  # a literal condition from the caller; values are bound


def loaded(model: type[M], data: dict[str, Any], **related: Model) -> M:
    """An instance built from a row the way the ORM loads one with ``.only()``: the columns given,
    the others deferred (read on access, never silently empty); ``related`` are its foreign keys'
    objects, cached as ``select_related`` caches them.

    ``Model.from_db`` runs ``__init__`` and sends ``pre_init``/``post_init`` for every instance:
    for the ten lines of a cart (forty instances) that was a tenth of an add to cart's CPU. Where
    nothing listens to those signals for the model (an ImageField with dimension fields does),
    the instance's state is set as ``from_db`` would leave it, without them.
    """
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
        instance = model.from_db(DEFAULT_DB_ALIAS, names, [data[name] for name in names])
    else:
        instance = model.__new__(model)
        state = instance._state = ModelState()
        state.adding, state.db = False, DEFAULT_DB_ALIAS
        values = instance.__dict__
        for name in _attnames(model):
            if name in data:
                values[name] = data[name]
    for name, obj in related.items():
        field = model._meta.get_field(name)
        own = instance.__dict__.get(field.attname)  # type: ignore[union-attr]
        if own != obj.pk:
            raise ValueError(f"{model.__name__}.{name}: the object given is #{obj.pk}, its row says #{own}")
        field.set_cached_value(instance, obj)  # type: ignore[union-attr]
    return instance


_ATTNAMES: dict[type[Model], tuple[str, ...]] = {}


def _attnames(model: type[Model]) -> tuple[str, ...]:
    names = _ATTNAMES.get(model)
    if names is None:
        names = _ATTNAMES[model] = tuple(f.attname for f in model._meta.concrete_fields)
    return names


# What starts the SQL of every statement run here: the database backend (agora.core.postgres)
# has the server prepare such a statement on its first run in a session.
PREPARED_MARK = "/* prepared:"


def _marked(sql: str, label: str) -> str:
    """``sql`` behind a comment naming it (``/* prepared:<label> */``): the backend prepares it at
    once, and the query log, pg_stat_activity and pg_stat_statements say which statement ran. The
    label keeps lower case letters, digits and underscores, at most 40."""
    label = re.sub(r"[^a-z0-9_]", "", label.lower()).strip("_")[:40] or "statement"
    return f"{PREPARED_MARK}{label} */ {sql}"


class _Compiled:
    __slots__ = ("alias", "columns", "compiler", "converters", "params", "slots", "sql")

    def __init__(
        self, compiler: SQLCompiler, sql: str, params: list[Any], slots: dict[int, str], columns: list[str], alias: str
    ) -> None:
        self.compiler, self.sql, self.params, self.slots, self.columns, self.alias = (
            compiler,
            sql,
            params,
            slots,
            columns,
            alias,
        )
        # The columns' converters (JSON, arrays, …), found once: ``results_iter`` looks them up
        # for every statement it reads, a third of a one-row read's own CPU.
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("prepared values read no composite (multi-column) fields")
        self.converters = compiler.get_converters(fields)

    def dicts(self, fetched: list[Any]) -> list[dict[str, Any]]:
        """The fetched rows with the columns' converters applied, each as a dict by column."""
        rows = self.compiler.apply_converters(fetched, self.converters) if self.converters else fetched
        return [dict(zip(self.columns, row, strict=True)) for row in rows]


class PreparedValues:
    """``build(**markers)`` returns a ``.values()`` queryset; ``rows(**values)`` runs it with
    ``values`` in place of the markers (one statement, no queryset built or compiled again)."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *names: str, **typed: type) -> None:
        self._build = build
        self._label = getattr(build, "__name__", "") or "values"
        self._kinds: dict[str, type] = {**dict.fromkeys(names, str), **typed}
        # Per thread: a compiler belongs to the thread's database connection.
        self._local = threading.local()

    def _markers(self) -> dict[str, Any]:
        markers: dict[str, Any] = {}
        for index, (name, kind) in enumerate(self._kinds.items()):
            if kind is int:  # a value no real id takes, still a valid bigint
                markers[name] = -(2**62) - 7919 * index
            elif kind is str:
                markers[name] = f"\x1fprepared-value:{name}\x1f"
            elif kind is list:  # an array parameter (``= ANY(%s)``), found by identity
                markers[name] = [f"\x1fprepared-list:{name}\x1f"]
            else:
                raise TypeError(f"prepared values are int, str or list, not {kind!r}")
        return markers

    def _compiled(self) -> _Compiled:
        compiled: _Compiled | None = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = self._compile()
        return compiled

    def _compile(self) -> _Compiled:
        markers = self._markers()
        queryset = self._build(**markers)
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots = {
            i: name
            for i, value in enumerate(params)
            for name, marker in markers.items()
            if value is marker or (type(value) is type(marker) and not isinstance(value, list) and value == marker)
        }
        missing = set(self._kinds) - set(slots.values())
        if missing:
            raise ValueError(f"each prepared value must reach the SQL as a bound parameter: {sorted(missing)}")
        columns = (
            list(query.selected)
            if query.selected
            else [
                *query.extra_select,
                *query.values_select,
                *query.annotation_select,
            ]
        )
        return _Compiled(compiler, _marked(sql, self._label), list(params), slots, columns, queryset.db)

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        compiled = self._compiled()
        params = list(compiled.params)
        for index, name in compiled.slots.items():
            params[index] = values[name]
        return compiled.dicts(_run(connections[compiled.alias], compiled.sql, params))

    def first(self, **values: Any) -> dict[str, Any] | None:
        rows = self.rows(**values)
        return rows[0] if rows else None


class PreparedPage(PreparedValues):
    """A ``PreparedValues`` read a page at a time: its statement ends in ``LIMIT``/``OFFSET`` whose
    values are bound (a sliced queryset writes them into its SQL, so each page would be another
    statement to compile and plan). ``page(offset, limit, **values)``.

    PostgreSQL still plans such a statement on every run: with the size and offset unknown, its
    generic plan looks costlier than a custom one, so ``plan_cache_mode = auto`` never settles on
    it. For a queryset without values, the first ``fixed_pages`` pages of ``fixed_size`` rows (the
    pages most asked) are each a statement of their own with every value written in, which the
    server plans once per session (docs/adr/0011); at most ``fixed_pages`` such statements per
    session. (A value of the queryset may not be named ``fixed_size`` or ``fixed_pages``.)"""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any, Any]],
        *names: str,
        fixed_size: int = 0,
        fixed_pages: int = 0,
        **typed: type,
    ) -> None:
        super().__init__(build, *names, **typed)
        self._fixed = (fixed_size, fixed_pages) if fixed_size > 0 and fixed_pages > 0 and not self._kinds else None

    def _compile(self) -> _Compiled:
        whole = super()._compile()
        at = len(whole.params)
        return _Compiled(
            whole.compiler,
            f"{whole.sql} LIMIT %s OFFSET %s",
            [*whole.params, 0, 0],
            {**whole.slots, at: "limit", at + 1: "offset"},
            whole.columns,
            whole.alias,
        )

    def page(self, offset: int, limit: int, **values: Any) -> list[dict[str, Any]]:
        if self._fixed is not None and limit == self._fixed[0] and offset % limit == 0:
            number = offset // limit
            if number < self._fixed[1]:
                return self._fixed_page(number, offset, limit)
        return self.rows(limit=limit, offset=offset, **values)

    def _fixed_page(self, number: int, offset: int, limit: int) -> list[dict[str, Any]]:
        compiled = self._compiled()
        texts: dict[int, str] | None = getattr(self._local, "fixed", None)
        if texts is None:
            texts = self._local.fixed = {}
        text = texts.get(number)
        db = connections[compiled.alias]
        if text is None:
            # The compiled SQL with its values written in by the driver (our statement, bound
            # values only); "%" doubled, as the statement is sent with an empty list of values.
            literal = db.ops.compose_sql(compiled.sql, [*compiled.params[:-2], limit, offset])  # type: ignore[attr-defined]  # PostgreSQL's operations have it; the stubs type the base class
            text = texts[number] = literal.replace("%", "%%")
        return compiled.dicts(_run(db, text, []))


class PreparedSQL:
    """A fixed statement written in SQL (``%s`` for each value, bound in order), run like a
    ``PreparedValues``: prepared on the server at its first run in a session. For a read no
    queryset can say, e.g. a page whose size and offset are values (a sliced queryset writes
    them into its SQL). ``rows(*values)`` gives the rows as tuples, in the statement's column
    order; only our table and column names may be interpolated into ``sql``."""

    def __init__(self, sql: str, *, label: str) -> None:
        self.sql = _marked(sql, label)

    def rows(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
        return _run(connections[using], self.sql, list(values))


def _run(db: Any, sql: str, params: list[Any]) -> list[Any]:
    """Run a marked statement on ``db``'s session and fetch its rows. The backend has the server
    prepare it on its first run in the session (values bound on the server, psycopg keeping the
    statement's name), so the server parses and plans it once instead of on every request
    (docs/adr/0011, 0013)."""
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
