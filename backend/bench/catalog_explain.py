"""EXPLAIN of the public product list for every filter and ordering, at 100k products.

../scripts/with-test-services.sh ../.venv/bin/python bench/catalog_explain.py
"""

import re

from catalog_common import ensure_products, setup

setup()
ensure_products(100_000)

from django.db import connection  # noqa: E402

from agora.catalog.models import Product  # noqa: E402
from agora.catalog.selectors import public_product_rows  # noqa: E402

vendor = Product.objects.values_list("vendor__slug", flat=True).first()
CASES = {
    "default (-created_at)": {},
    "ordering=price": {"ordering": "price"},
    "ordering=-price": {"ordering": "-price"},
    "ordering=name": {"ordering": "name"},
    "category=home (subtree)": {"category": "home"},
    "category=lighting (leaf)": {"category": "lighting"},
    f"vendor={vendor}": {"vendor": vendor},
    "min_price=50&max_price=60": {"min_price": 50, "max_price": 60},
    "in_stock=false": {"in_stock": False},
    "category=audio&ordering=price&in_stock=true": {"category": "audio", "ordering": "price", "in_stock": True},
}


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


for label, filters in CASES.items():
    qs = public_product_rows(filters=filters)[:20]
    sql, params = qs.query.sql_with_params()
    plan = explain(sql, params)
    indexes = sorted(set(re.findall(r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)", plan)))
    print(f"\n=== {label}: indexes {', '.join(indexes) or 'NONE'}")
    print(plan)
    count_sql, count_params = public_product_rows(filters=filters).order_by().query.sql_with_params()
    count_plan = explain(f"SELECT COUNT(*) FROM ({count_sql}) s", count_params)  # noqa: S608 - ORM-built SQL
    print("--- count: " + count_plan.splitlines()[-1].strip())

ids = list(public_product_rows(filters={}).values_list("id", flat=True)[:100])

from agora.catalog.models import ProductImage  # noqa: E402

images = (
    ProductImage.objects.filter(product_id__in=ids)
    .order_by("product_id", "position", "id")
    .distinct("product_id")
    .values_list("product_id", "image", "thumbnail")
)
sql, params = images.query.sql_with_params()
print("\n=== first image of each product on a page (thumbnails)")
print(explain(sql, params))
