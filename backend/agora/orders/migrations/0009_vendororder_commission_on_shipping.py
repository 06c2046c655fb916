from django.db import migrations, models

# Sub-orders placed before the flag was recorded: their commission was charged on the shipping too
# when it is what goods + shipping give and not what the goods alone give (the setting's only two
# outcomes, agora.orders.pricing, rounded half-up to cents as PostgreSQL's round() does).
BACKFILL = """
UPDATE orders_vendororder SET commission_on_shipping = true
 WHERE shipping_total > 0
   AND commission = round((subtotal + shipping_total) * commission_rate / 100, 2)
   AND commission <> round(subtotal * commission_rate / 100, 2)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_order_line_variant_protect"),
    ]

    operations = [
        migrations.AddField(
            model_name="vendororder",
            name="commission_on_shipping",
            field=models.BooleanField(default=False),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
