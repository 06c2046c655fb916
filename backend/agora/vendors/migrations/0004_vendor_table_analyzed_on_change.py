from django.db import migrations

# The public catalog joins this small table to every product row, and PostgreSQL plans the join
# from its statistics. Autovacuum analyzes a table only after 50 changed rows plus 10 %, which a
# shop with a few vendors may never reach: the planner then guesses, and guessed one approved
# vendor for six (a category list read and sorted its whole category; issue #18). With a
# threshold of 0 any change gets the table analyzed at autovacuum's next round (10 % still
# applies as the table grows).
SQL = "ALTER TABLE vendors_vendor SET (autovacuum_analyze_threshold = 0); ANALYZE vendors_vendor"
REVERSE = "ALTER TABLE vendors_vendor RESET (autovacuum_analyze_threshold)"


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0003_ratings"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
