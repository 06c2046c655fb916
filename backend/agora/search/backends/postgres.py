"""PostgreSQL full-text search backend (the default: needs nothing beyond the database)."""

from django.db import connection


class PostgresBackend:
    name = "postgres"

    def health(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
