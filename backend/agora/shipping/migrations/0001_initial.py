import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orders", "0004_vendororder_shipping_total"),
        ("vendors", "0001_initial"),
    ]

    operations = [
        # The platform methods move here from the orders app: same table, same rows, same ids.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ShippingMethod",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=32, unique=True)),
                        ("name", models.CharField(max_length=100)),
                        ("price", models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(0)])),
                        ("currency", models.CharField(default="EUR", max_length=3)),
                        ("is_active", models.BooleanField(default=True)),
                        ("position", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "orders_shippingmethod",
                        "ordering": ["position", "id"],
                        "constraints": [models.CheckConstraint(condition=models.Q(("price__gte", 0)), name="shipping_price_not_negative")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
