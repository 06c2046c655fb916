from django.db import migrations

# As vendors_vendor (vendors 0004): the category tree is a small table every category list
# joins, which autovacuum's default threshold (50 changed rows) may never analyze.
SQL = "ALTER TABLE catalog_category SET (autovacuum_analyze_threshold = 0); ANALYZE catalog_category"
REVERSE = "ALTER TABLE catalog_category RESET (autovacuum_analyze_threshold)"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_ratings"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
