from django.db import migrations, models

# Sub-orders placed before the window was recorded: the vendor's window now is the best record
# of the one they were placed under. The database default lets the release before this one still
# place orders while a deploy or a rollback runs (infra/README.md).
BACKFILL = """
UPDATE orders_vendororder AS vo SET return_window_days = v.return_window_days
  FROM vendors_vendor AS v
 WHERE v.id = vo.vendor_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_added_columns_db_default"),
        ("vendors", "0002_vendor_policies"),
    ]

    operations = [
        migrations.AddField(
            model_name="vendororder",
            name="return_window_days",
            field=models.PositiveSmallIntegerField(
                default=14,
                db_default=14,
                help_text="Days after shipment the shopper may ask to return, as offered when the order was placed.",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
