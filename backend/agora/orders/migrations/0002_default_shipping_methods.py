from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    {"code": "standard", "name": "Standard delivery (3-5 days)", "price": Decimal("4.90"), "position": 0},
    {"code": "express", "name": "Express delivery (1-2 days)", "price": Decimal("9.90"), "position": 1},
]


def create(apps, schema_editor):
    ShippingMethod = apps.get_model("orders", "ShippingMethod")
    for row in DEFAULTS:
        ShippingMethod.objects.get_or_create(code=row["code"], defaults={**row, "currency": "EUR"})


def remove(apps, schema_editor):
    apps.get_model("orders", "ShippingMethod").objects.filter(code__in=[r["code"] for r in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
