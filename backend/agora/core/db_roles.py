"""The application's least-privilege database role, kept in step by every ``migrate``.

In production the web, worker and beat tasks connect as an application role that may read and
write rows and nothing else: no DDL, no TRUNCATE, no role or database changes. Migrations run in
the one-off management task as the database owner (``DATABASE_URL`` there is the owner's), and
``APP_DATABASE_URL`` (the application's URL, only in that task) names the role and its password.
After every ``migrate`` the role is created if missing, given its password, and granted exactly
what the application needs on every table and sequence, including those the migration just made;
default privileges cover tables the owner creates later. Without ``APP_DATABASE_URL`` (local runs,
tests) nothing happens.
"""

import logging
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connections
from psycopg import sql

logger = logging.getLogger("agora.db_roles")

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT, UPDATE"


def app_role_from_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.username or not parts.password:
        raise ValueError("APP_DATABASE_URL must name the application role and its password")
    return unquote(parts.username), unquote(parts.password)


def sync_app_role(*, using: str = "default", url: str | None = None) -> str:
    """Creates or updates the application role from ``url`` and grants it row access; returns its name."""
    role, password = app_role_from_url(url or settings.APP_DATABASE_URL)
    connection = connections[using]
    ident = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        if role == owner:
            raise ValueError("APP_DATABASE_URL must name a role other than the one that runs migrations")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
        statements = [
            sql.SQL("ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD {}").format(
                ident, sql.Literal(password)
            ),
            sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), ident),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(ident),
            sql.SQL("GRANT " + TABLE_PRIVILEGES + " ON ALL TABLES IN SCHEMA public TO {}").format(ident),
            sql.SQL("GRANT " + SEQUENCE_PRIVILEGES + " ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT " + TABLE_PRIVILEGES + " ON TABLES TO {}").format(
                ident
            ),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT " + SEQUENCE_PRIVILEGES + " ON SEQUENCES TO {}"
            ).format(ident),
        ]
        for statement in statements:
            cursor.execute(statement)
    logger.info("database role %s: row access to every table of %s (owner %s)", role, database, owner)
    return role


def sync_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (agora.core.apps): only where APP_DATABASE_URL is set."""
    if settings.APP_DATABASE_URL:
        sync_app_role(using=using)
