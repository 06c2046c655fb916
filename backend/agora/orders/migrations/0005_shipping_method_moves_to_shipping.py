import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """ShippingMethod now belongs to the shipping app (its table and rows stay where they are)."""

    dependencies = [
        ("orders", "0004_vendororder_shipping_total"),
        ("shipping", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="shipping_method",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="shipping.shippingmethod"
                    ),
                ),
                migrations.DeleteModel(name="ShippingMethod"),
            ],
            database_operations=[],
        ),
    ]
