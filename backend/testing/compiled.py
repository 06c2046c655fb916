"""What Django compiles to SQL: for tests of the hot paths that run statements compiled once
(agora.core.prepared, docs/adr/0011)."""

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
