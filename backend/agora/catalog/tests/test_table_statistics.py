"""The public list joins two small tables (vendors, categories) to every product row. PostgreSQL
plans those joins from the tables' statistics, and autovacuum only analyzes a table after 50
changed rows plus 10 %: a shop with six vendors and thirteen categories never got there, so the
planner guessed one approved vendor and read a whole category (2,222 rows) to sort it for a
20-product page — 4 to 10 ms of database time per category list instead of ~1 ms (bench/README.md)."""

import pytest
from django.core.management import call_command
from django.db import connection

from agora.catalog.models import Category
from agora.vendors.models import Vendor

pytestmark = pytest.mark.django_db

SMALL_TABLES = (Vendor._meta.db_table, Category._meta.db_table)


def _storage_options() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [list(SMALL_TABLES)])
        return {name: options or [] for name, options in cursor.fetchall()}


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_autovacuum_analyzes_the_small_joined_tables_after_any_change():
    options = _storage_options()

    for table in SMALL_TABLES:
        assert "autovacuum_analyze_threshold=0" in options[table], (table, options[table])


def test_seed_demo_leaves_statistics_that_count_the_demo_rows():
    call_command("seed_demo", "--products", "30", "--vendors", "4")

    # reltuples is what the planner believes a table holds (-1: never analyzed)
    assert _estimated_rows(Vendor._meta.db_table) == Vendor.objects.count() == 4
    assert _estimated_rows(Category._meta.db_table) == Category.objects.count()
