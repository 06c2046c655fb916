"""What Django compiles to SQL, and what the server keeps prepared: for tests of the hot paths
that run statements compiled once (agora.core.prepared, docs/adr/0011 and 0013)."""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler


@contextmanager
def querysets_compiled() -> Iterator[list[type[Model]]]:
    """The models of the querysets compiled to SQL inside the block, in order."""
    compiled: list[type[Model]] = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        yield compiled


def held_prepared(using=None, prefix: str = "") -> list[tuple[str, int]]:
    """The statements a database session holds prepared on the server (docs/adr/0013), those
    starting with ``prefix``, each with how many times it ran from there (its plans, custom and
    generic), in the order of their text. ``using``: a connection (the default one if None)."""
    from django.db import connection

    with (using or connection).cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE starts_with(statement, %s) ORDER BY statement",
            [prefix],
        )
        return cursor.fetchall()
