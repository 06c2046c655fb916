"""What a paid order's units-sold recount costs PostgreSQL (issue #18), against a database that
has orders (the one `make bench` fills, or any copy of a shop): the statement of
agora.orders.services, prepared on the server as it runs there, against the statement it replaced
(one join of the order's products' variants to every order line), for the same orders,
interleaved, best of the rounds. Prints the median time per recount and the order lines each
read (EXPLAIN ANALYZE).

    cd backend && DATABASE_URL=postgres://… ../.venv/bin/python bench/recount_cost.py [--orders 200]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The statement before this change (bench/README.md, "A paid order's recount read every order line").
JOINED = """
SELECT v.product_id, COALESCE(SUM(l.quantity - l.quantity_cancelled)
       FILTER (WHERE o.created_at >= %s AND o.paid_at >= %s AND o.status = ANY(%s::text[])), 0)
  FROM catalog_variant v
  JOIN orders_orderline l ON l.variant_id = v.id
  JOIN orders_order o ON o.id = l.order_id
 WHERE v.product_id = ANY(ARRAY(
         SELECT v2.product_id FROM catalog_variant v2
          WHERE v2.id = ANY(ARRAY(SELECT l2.variant_id FROM orders_orderline l2 WHERE l2.order_id = %s))))
   AND (o.created_at >= %s OR l.order_id = %s)
 GROUP BY v.product_id
"""


def lines_read(cursor, sql: str, params: list) -> int:
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
    (plan,) = cursor.fetchone()[0]

    def walk(node: dict) -> int:
        here = 0
        if node.get("Relation Name") == "orders_orderline":
            here = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        return here + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan["Plan"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from agora.orders.models import Order, OrderLine
    from agora.orders.services import _UNITS_SOLD_OF_ORDER, SOLD

    orders = list(Order.objects.order_by("-id").values_list("id", flat=True)[: args.orders])
    since = timezone.now() - timedelta(days=30)
    recent = since - timedelta(days=1)
    sold = [str(s) for s in SOLD]
    best = {"joined": float("inf"), "stepwise": float("inf")}
    with connection.cursor() as cursor:
        for _ in range(args.rounds):
            for name in best:
                times = []
                for pk in orders:
                    started = time.perf_counter()
                    if name == "joined":
                        cursor.execute(JOINED, [recent, since, sold, pk, recent, pk])
                        cursor.fetchall()
                    else:
                        _UNITS_SOLD_OF_ORDER.rows(pk, recent, since, sold, recent, pk)
                    times.append(time.perf_counter() - started)
                best[name] = min(best[name], statistics.median(times))
        sample = orders[len(orders) // 2]
        joined_read = lines_read(cursor, JOINED, [recent, since, sold, sample, recent, sample])
        stepwise_read = lines_read(cursor, _UNITS_SOLD_OF_ORDER.sql, [sample, recent, since, sold, recent, sample])
    print(f"\n{len(orders)} orders, {OrderLine.objects.count()} order lines, best of {args.rounds} rounds\n")
    print("| statement | median per recount, ms | order lines read (one order) |")
    print("|---|---|---|")
    print(f"| one join (before) | {best['joined'] * 1000:.2f} | {joined_read} |")
    print(f"| step by step, prepared (now) | {best['stepwise'] * 1000:.2f} | {stepwise_read} |")


if __name__ == "__main__":
    main()
