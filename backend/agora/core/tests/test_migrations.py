"""Rolling deploys: CD runs ``migrate`` before it updates the services, so the previous release's
tasks keep writing to the new schema for minutes, and a rollback runs the previous release on it
for as long as it takes (infra/README.md, "Migrations must stay backward compatible"). Django
creates a column added by ``AddField`` without a database default (a Python ``default=`` only
fills the existing rows), so the previous release, which does not know the column, fails every
INSERT with a NOT NULL violation unless the field also has ``db_default``."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField, CreateModel
from django.utils import timezone

from agora.ledger.tests.helpers import one_vendor_order
from agora.vendors.tests.factories import VendorFactory


def _added_not_null_columns() -> list[tuple[str, str, str, str]]:
    """(app, migration, model, field) of every NOT NULL column an ``AddField`` of an Agora app adds
    to a table an earlier release already had (not in an app's initial migrations, not to a model
    the same migration creates), and which the models still have."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    added = []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if not apps.get_app_config(app_label).name.startswith("agora.") or migration.initial:
            continue
        created = {op.name_lower for op in migration.operations if isinstance(op, CreateModel)}
        for op in migration.operations:
            if not isinstance(op, AddField) or op.model_name_lower in created:
                continue
            if op.field.null or op.field.many_to_many:
                continue
            added.append((app_label, name, op.model_name_lower, op.name))
    return added


def _column_default(table: str, column: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_default FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s",
            [table, column],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def test_the_guard_sees_the_columns_recent_releases_added():
    added = {(app, model, field) for app, _, model, field in _added_not_null_columns()}
    assert {
        ("orders", "vendororder", "commission_on_shipping"),
        ("search", "pendingindex", "ranking_only"),
        ("accounts", "user", "session_version"),
        ("shipping", "shippingmethod", "delivery_days_min"),
    } <= added


@pytest.mark.django_db
def test_every_not_null_column_added_to_an_existing_table_has_a_database_default():
    """A new migration adding a NOT NULL column must give it ``db_default`` (or add it nullable, or
    fill it in a later release): the database then fills it for the previous release's INSERTs."""
    missing = []
    for app_label, migration, model_name, field_name in _added_not_null_columns():
        model = apps.get_model(app_label, model_name)
        field = next((f for f in model._meta.concrete_fields if f.name == field_name), None)
        if field is None or field.null:  # removed or made nullable since: nothing old code must fill
            continue
        if _column_default(model._meta.db_table, field.column) is None:
            missing.append(f"{app_label}/{migration}: {model.__name__}.{field_name}")
    assert missing == [], "NOT NULL columns without a database default (give the field db_default=)"


def _historical(app_label: str, migration: str, model_name: str):
    state = MigrationLoader(connection).project_state((app_label, migration))
    return state.apps.get_model(app_label, model_name)


@pytest.mark.django_db
def test_the_release_before_orders_0009_can_still_place_sub_orders():
    """The previous release creates a VendorOrder at every checkout, without commission_on_shipping."""
    order, _ = one_vendor_order()
    other_vendor = VendorFactory.create()
    old_vendor_order = _historical("orders", "0008_order_line_variant_protect", "VendorOrder")
    with transaction.atomic():
        old = old_vendor_order.objects.create(
            order_id=order.pk,
            vendor_id=other_vendor.pk,
            currency="EUR",
            subtotal=Decimal("10.00"),
            commission_rate=Decimal("10.00"),
            commission=Decimal("1.00"),
        )
    sub_order = apps.get_model("orders", "VendorOrder").objects.get(pk=old.pk)
    assert sub_order.commission_on_shipping is False


@pytest.mark.django_db
def test_the_release_before_search_0007_can_still_queue_products_for_indexing():
    """The previous release queues every catalog write in PendingIndex, without ranking_only."""
    old_pending_index = _historical("search", "0006_ratings", "PendingIndex")
    with transaction.atomic():
        old_pending_index.objects.bulk_create(
            [old_pending_index(product_id=987654321, queued_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["product_id"],
            update_fields=["queued_at"],
        )
    queued = apps.get_model("search", "PendingIndex").objects.get(product_id=987654321)
    assert queued.ranking_only is False
