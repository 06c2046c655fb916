"""The application connects as a least-privilege role that every `migrate` keeps in step (issue 19, point 7)."""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from agora.core.db_roles import app_role_from_url


def _url(role: str, password: str) -> str:
    s = connection.settings_dict
    return f"postgres://{role}:{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _connect_as(role: str):
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"], port=s["PORT"], dbname=s["NAME"], user=role, autocommit=True)


@pytest.fixture
def app_role(settings):
    role = f"agora_app_{uuid.uuid4().hex[:8]}"
    settings.APP_DATABASE_URL = _url(role, "first-Passw0rd")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


def _password_hash(role: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_a_role_that_reads_and_writes_rows_and_nothing_more(app_role, settings):
    # given the owner runs migrate with the application's URL at hand
    call_command("migrate", verbosity=0)

    # then the application role can read and write rows, sequences included
    with _connect_as(app_role) as conn:
        conn.execute("INSERT INTO django_celery_beat_intervalschedule (every, period) VALUES (5, 'seconds')")
        assert conn.execute("SELECT count(*) FROM django_celery_beat_intervalschedule").fetchone()[0] >= 1
        conn.execute("UPDATE django_celery_beat_intervalschedule SET every = 6")
        conn.execute("DELETE FROM django_celery_beat_intervalschedule")
        assert conn.execute("SELECT count(*) FROM accounts_user").fetchone()[0] >= 0

        # and nothing else: no DDL, no TRUNCATE, no roles
        for statement in (
            "CREATE TABLE sneaky (id int)",
            "DROP TABLE accounts_user",
            "ALTER TABLE accounts_user ADD COLUMN sneaky int",
            "TRUNCATE accounts_user",
            "CREATE ROLE sneaky",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)

    # when a later migration creates a table, then the role can use it too
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE core_later_table (id bigserial PRIMARY KEY, note text)")
    try:
        with _connect_as(app_role) as conn:
            conn.execute("INSERT INTO core_later_table (note) VALUES ('ok')")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE core_later_table")

    # and a rotated password is applied by the next migrate
    before = _password_hash(app_role)
    settings.APP_DATABASE_URL = _url(app_role, "second-Passw0rd")
    call_command("migrate", verbosity=0)
    assert _password_hash(app_role) != before


@pytest.mark.django_db
def test_without_an_app_url_migrate_touches_no_role(settings):
    settings.APP_DATABASE_URL = ""
    call_command("migrate", verbosity=0)  # nothing to create; must not fail


def test_the_app_url_must_carry_a_role_and_password():
    assert app_role_from_url("postgres://agora_app:p%40ss@db:5432/agora") == ("agora_app", "p@ss")
    with pytest.raises(ValueError, match="password"):
        app_role_from_url("postgres://agora_app@db:5432/agora")
