"""Units sold in the last 30 days: computed from paid orders, handed to the catalog, re-indexed
for search (which ranks by it after text relevance and stock)."""

import copy
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agora.accounts.tests.factories import UserFactory
from agora.carts.models import Cart
from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.catalog.models import Product, Variant
from agora.orders import tasks
from agora.orders.models import Order, OrderLine
from agora.orders.services import order_cancel, order_popularity_update, products_popularity_refresh
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.search.models import PendingIndex
from testing.clients import client_for

pytestmark = pytest.mark.django_db


def place(user, *lines) -> Order:
    fill_cart(Cart.objects.filter(user=user).first() or CartFactory.create(user=user), *lines)
    response = post_checkout(client_for(user), email=None)
    assert response.status_code == 201, response.json()
    return Order.objects.get(number=response.json()["number"])


def units(variant) -> int:
    return Product.objects.get(pk=variant.product_id).units_sold_30d


def test_units_sold_in_the_last_30_days_reach_the_catalog_and_search(user):
    shipping_methods()
    lamp, mug, vase = (sellable_variant(stock=50) for _ in range(3))
    # Given: a paid order (3 lamps, 1 mug), a cancelled one (2 lamps), one paid 31 days ago (4 vases)
    place(user, (lamp, 3), (mug, 1))
    order_cancel(order=place(user, (lamp, 2)))
    old = place(user, (vase, 4))
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=31))
    PendingIndex.objects.all().delete()
    # When the hourly refresh runs
    changed = products_popularity_refresh()
    # Then each product's figure counts paid, not cancelled, recent units only
    assert (units(lamp), units(mug), units(vase)) == (3, 1, 0)
    assert changed == 2
    # and the changed products are queued for re-indexing (search ranks by the figure)
    assert set(PendingIndex.objects.values_list("product_id", flat=True)) == {lamp.product_id, mug.product_id}
    # A second run changes nothing and queues nothing
    PendingIndex.objects.all().delete()
    assert products_popularity_refresh() == 0
    assert not PendingIndex.objects.exists()


def test_cancelled_units_and_the_end_of_the_window_bring_the_figure_down(user):
    shipping_methods()
    lamp = sellable_variant(stock=50)
    order = place(user, (lamp, 3))
    products_popularity_refresh()
    assert units(lamp) == 3
    # a vendor cancels one unit of the line
    OrderLine.objects.filter(order=order).update(quantity_cancelled=1)
    products_popularity_refresh()
    assert units(lamp) == 2
    # 30 days later the sale has left the window
    products_popularity_refresh(now=timezone.now() + timedelta(days=31))
    assert units(lamp) == 0


def test_a_sale_and_its_cancellation_reach_the_figure_through_the_worker_without_waiting_for_the_hour(
    user, sent_tasks, django_capture_on_commit_callbacks
):
    shipping_methods()
    lamp, mug, other = (sellable_variant(stock=50) for _ in range(3))
    products_popularity_refresh()
    # When a shopper pays for 2 lamps and a mug
    with django_capture_on_commit_callbacks(execute=True):
        order = place(user, (lamp, 2), (mug, 1))
    # Then, after commit, the worker's processing of the paid order recounts its products
    assert ("agora.orders.tasks.order_process", (order.pk,)) in sent_tasks
    assert (units(lamp), units(mug), units(other)) == (0, 0, 0)
    assert tasks.order_process(order.pk) == "processed"  # what the worker runs
    assert (units(lamp), units(mug), units(other)) == (2, 1, 0)
    # And cancelling the order brings them back down the same way
    sent_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order)
    assert ("agora.orders.tasks.order_popularity_update", (order.pk,)) in sent_tasks
    tasks.order_popularity_update(order.pk)
    assert (units(lamp), units(mug)) == (0, 0)


def test_an_orders_recount_counts_every_recent_sale_of_its_products_and_only_those(user):
    shipping_methods()
    lamp, mug, vase = (sellable_variant(stock=50) for _ in range(3))
    # Given: 2 lamps sold earlier, 4 mugs sold 31 days ago, and a vase sold but not yet recounted
    place(user, (lamp, 2))
    old = place(user, (mug, 4))
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=31))
    place(user, (vase, 1))
    # When an order of 1 lamp and 1 mug is paid and processed
    order = place(user, (lamp, 1), (mug, 1))
    assert tasks.order_process(order.pk) == "processed"
    # Then its products count every paid unit of the last 30 days, other orders' too
    assert (units(lamp), units(mug)) == (3, 1)
    # and no other product was recounted
    assert units(vase) == 0


def _rows_read(node: dict, table: str) -> int:
    """Rows a plan's nodes read from ``table`` (kept or filtered out), over all their loops."""
    here = 0
    if node.get("Relation Name") == table:
        here = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
    return here + sum(_rows_read(child, table) for child in node.get("Plans", []))


def _analyze_orders_and_catalog() -> None:
    with connection.cursor() as cursor:
        for model in (Variant, Product, OrderLine, Order):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _recount_read(order: Order, table: str = "catalog_variant") -> int:
    """Recounts ``order``'s products (two, changed) and returns how many rows of ``table`` the
    recount's statement read, as EXPLAIN ANALYZE counts them."""
    with CaptureQueriesContext(connection) as queries:
        assert order_popularity_update(order_id=order.pk) == 2
    # The statement as it ran, its values written in (the query log's text), named by its mark.
    (recount,) = [q["sql"] for q in queries.captured_queries if "units_sold_of_order" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {recount}")
        (plan,) = cursor.fetchone()[0]
    return _rows_read(plan["Plan"], table)


def test_an_orders_recount_reads_only_its_own_products_however_large_the_catalog(user):
    """It runs after every paid order: reading the whole catalog's variants each time cost
    10 ms of PostgreSQL per order at 20k products, growing with the catalog (issue #18)."""
    shipping_methods()
    call_command("seed_demo", "--products", "600", "--vendors", "2", stdout=io.StringIO())
    lamp, mug = (sellable_variant(stock=50) for _ in range(2))
    order = place(user, (lamp, 1), (mug, 2))
    # The tables' statistics as a live shop has them (autovacuum analyzes them as they grow). In a
    # test, autovacuum never sees the rows, and what earlier tests left behind (pages of rolled-back
    # rows counted as empty) once made PostgreSQL plan for empty tables and read the variants
    # 1.4M times: the plan depended on which tests ran before.
    _analyze_orders_and_catalog()
    read = _recount_read(order)
    assert (units(lamp), units(mug)) == (1, 2)
    # The order's two products have one variant each; the catalog has over a thousand.
    assert read <= 10


def test_an_orders_recount_scans_the_catalog_at_most_twice_before_the_statistics_catch_up(user):
    """Just after a bulk import, before autovacuum analyzes the new rows, PostgreSQL plans with
    the statistics of an empty catalog, and a scan of a table it believes tiny looks cheapest.
    The recount may then scan the catalog's variants once per step (twice), never once per
    variant: planned for empty tables, the earlier statement read 1.4M variant rows at 1,200
    variants (once in CI), and would read 400M at 20k."""
    shipping_methods()
    _analyze_orders_and_catalog()  # the statistics of an empty shop, as after a fresh deploy
    call_command("seed_demo", "--products", "600", "--vendors", "2", stdout=io.StringIO())
    lamp, mug = (sellable_variant(stock=50) for _ in range(2))
    place(user, (lamp, 4))
    order = place(user, (lamp, 1), (mug, 2))
    read = _recount_read(order)
    assert (units(lamp), units(mug)) == (5, 2)
    catalog = Variant.objects.count()
    assert catalog > 1_000
    assert read <= 2 * catalog + 10


def test_an_orders_recount_reads_only_the_lines_of_its_products_however_many_orders_the_shop_has(user):
    """The recount sums the sales of the order's products. Joined to them in one step, PostgreSQL
    read every order line of the shop instead (a hash join over all of them looked cheaper than
    the lines' index): 4 ms per paid order at 16k lines in make bench, growing with every order
    (issue #18)."""
    shipping_methods()
    call_command("seed_demo", "--products", "600", "--vendors", "2", stdout=io.StringIO())
    lamp, mug = (sellable_variant(stock=50) for _ in range(2))
    # The shop's history: ten lines on each variant of the catalog, in another shopper's order.
    sold_before = OrderLine.objects.get(order=place(UserFactory.create(), (lamp, 1)))
    catalog = list(Variant.objects.exclude(pk__in=[lamp.pk, mug.pk]).values_list("pk", flat=True))
    history = []
    for variant_id in catalog * 10:
        line = copy.copy(sold_before)
        line.pk, line.variant_id = None, variant_id
        history.append(line)
    OrderLine.objects.bulk_create(history)
    order = place(user, (lamp, 1), (mug, 2))
    _analyze_orders_and_catalog()
    read = _recount_read(order, "orders_orderline")
    assert (units(lamp), units(mug)) == (2, 2)
    # The two products' lines (three), found again through their variants, and the order's own
    # two; the shop has over ten thousand.
    assert OrderLine.objects.count() > 10_000
    assert read <= 10
