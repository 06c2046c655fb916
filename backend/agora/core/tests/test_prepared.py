"""PreparedValues: a values() queryset compiled once, run again with other values."""

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.core.prepared import PreparedPage, PreparedValues
from testing.compiled import held_prepared

pytestmark = pytest.mark.django_db


def test_the_same_rows_as_the_queryset_for_each_value_and_the_queryset_built_once():
    built = []

    def build(slug):
        built.append(slug)
        return Product.objects.filter(slug=slug).values("id", "slug", "attributes", "vendor__slug")

    prepared = PreparedValues(build, "slug")
    first, second = ProductFactory.create(attributes={"colour": "red"}), ProductFactory.create()
    for product in (first, second, first):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.rows(slug=product.slug)
        assert rows == list(
            Product.objects.filter(slug=product.slug).values("id", "slug", "attributes", "vendor__slug")
        )
        assert len(queries) == 1
    assert rows[0]["attributes"] == {"colour": "red"}  # Django's converters ran (JSON decoded)
    assert len(built) == 1  # compiled once (this thread)
    assert prepared.first(slug="no-such-product") is None


def test_a_value_that_is_not_one_bound_parameter_is_refused_at_first_use():
    prepared = PreparedValues(lambda word: Product.objects.filter(name__icontains=word).values("id"), "word")
    with pytest.raises(ValueError, match="word"):
        prepared.rows(word="mug")


def test_a_typed_value_used_several_times_is_bound_at_each_place():
    first, second = (Product.objects.get(slug=ProductFactory.create().slug) for _ in range(2))

    def build(pk):
        return Product.objects.filter(pk=pk, vendor__products__pk=pk).values("slug")

    prepared = PreparedValues(build, pk=int)
    assert prepared.rows(pk=second.pk) == [{"slug": second.slug}]
    assert prepared.rows(pk=first.pk) == [{"slug": first.slug}]


def test_a_prepared_page_reads_each_window_of_the_ordered_rows_with_one_statement():
    for _ in range(5):
        ProductFactory.create()
    ordered = list(Product.objects.order_by("name", "id").values("id", "name"))
    prepared = PreparedPage(lambda: Product.objects.order_by("name", "id").values("id", "name"))

    for offset, limit in ((0, 2), (2, 2), (4, 2), (5, 3), (0, 10)):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.page(offset, limit)
        assert rows == ordered[offset : offset + limit], (offset, limit)
        assert len(queries) == 1


def test_the_first_pages_of_the_usual_size_are_statements_the_server_plans_once():
    for _ in range(7):
        ProductFactory.create()
    ordered = list(Product.objects.order_by("name", "id").values("id", "name"))

    def names_in_order():
        return Product.objects.order_by("name", "id").values("id", "name")

    prepared = PreparedPage(names_in_order, fixed_size=2, fixed_pages=3)

    for offset, limit in ((0, 2), (2, 2), (4, 2), (6, 2), (1, 2), (0, 3), (0, 2), (4, 2)):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.page(offset, limit)
        assert rows == ordered[offset : offset + limit], (offset, limit)
        assert len(queries) == 1

    # the first three pages of two rows are statements of their own with every value written in
    # (planned once, a generic plan), each run as often as it was read; every other page is the
    # one statement with its size and offset bound
    held = dict(_held_prepared("names_in_order"))
    fixed = {text: runs for text, runs in held.items() if "$" not in text}
    assert sorted((text.rpartition("LIMIT ")[2], runs) for text, runs in fixed.items()) == [
        ("2 OFFSET 0", 2),
        ("2 OFFSET 2", 1),
        ("2 OFFSET 4", 2),
    ]
    (bound,) = [text for text in held if "$" in text]
    assert bound.endswith("LIMIT $1 OFFSET $2") and held[bound] == 3


# --- loaded(): instances from rows, as .only() loads them ------------------------------------


def test_an_instance_loaded_from_a_row_behaves_as_one_the_orm_loaded_with_only(django_assert_num_queries):
    from agora.catalog.models import Variant
    from agora.catalog.tests.factories import VariantFactory
    from agora.core.prepared import loaded
    from agora.vendors.models import Vendor

    made = VariantFactory.create(price="12.50", stock=7)
    row = dict(Variant.objects.filter(pk=made.pk).values("id", "price", "stock", "product_id", "vendor_id")[0])
    product = loaded(Product, {"id": made.product_id, "slug": made.product.slug})
    vendor = loaded(Vendor, {"id": made.vendor_id, "status": made.vendor.status})
    ours = loaded(Variant, row, product=product, vendor=vendor)
    orm = Variant.objects.only("id", "price", "stock", "product_id", "vendor_id").get(pk=made.pk)
    assert ours == orm and not ours._state.adding and ours._state.db == orm._state.db
    assert ours.get_deferred_fields() == orm.get_deferred_fields() and "sku" in ours.get_deferred_fields()
    with django_assert_num_queries(0):  # the related objects are cached, as select_related caches them
        assert ours.product is product and ours.vendor.status == made.vendor.status
        assert ours.product.slug == made.product.slug
    sku = made.sku
    with django_assert_num_queries(1):  # a deferred column is read on access, never silently empty
        assert ours.sku == sku
    ours.stock = 5
    ours.save(update_fields=["stock"])
    assert Variant.objects.get(pk=made.pk).stock == 5
    with pytest.raises(ValueError, match="product"):
        loaded(Variant, row, product=loaded(Product, {"id": made.product_id + 1}))


def test_a_model_with_init_signal_listeners_is_loaded_through_from_db():
    from agora.catalog.models import ProductImage
    from agora.core.prepared import loaded

    image = loaded(ProductImage, {"id": 1, "image": "products/a.jpg", "width": 640, "height": 480})
    assert image.image.name == "products/a.jpg" and (image.width, image.height) == (640, 480)
    assert not image._state.adding and "product_id" in image.get_deferred_fields()


def test_a_list_value_is_one_array_parameter_whatever_its_length(django_assert_num_queries):
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    products = [ProductFactory.create() for _ in range(3)]
    prepared = PreparedValues(
        lambda ids: (
            Product.objects.filter(
                RawSQL('"catalog_product"."id" = ANY(%s::bigint[])', [ids], output_field=BooleanField())
            )
            .order_by("id")
            .values("id", "slug")
        ),
        ids=list,
    )
    for ids in ([products[0].pk], [p.pk for p in products], [], [products[2].pk, 10**12]):
        with django_assert_num_queries(1):
            rows = prepared.rows(ids=ids)
        assert rows == list(Product.objects.filter(pk__in=ids).order_by("id").values("id", "slug"))
    with pytest.raises(ValueError, match="ids"):  # an __in list is a parameter per item, not one array
        PreparedValues(lambda ids: Product.objects.filter(pk__in=ids).values("id"), ids=list).rows(ids=[1])


# --- prepared on the server at the first run of a session -----------------------------------


def _slug_query(slug):
    from django.db.models import CharField
    from django.db.models.expressions import RawSQL

    # a literal "%" in the SQL (written "%%" for the driver) and one in a bound value
    discount = RawSQL("'100%%'", [], output_field=CharField())  # nosec B611  # a literal
    return (
        Product.objects.filter(slug=slug, name__contains="%")
        .annotate(discount=discount)
        .values("slug", "name", "discount")
    )


def _held_prepared(label: str) -> list[tuple[str, int]]:
    """The statements this session holds prepared under ``label``'s mark, with their runs."""
    return held_prepared(prefix=f"/* prepared:{label} */")


def test_the_statement_is_prepared_on_the_server_at_its_first_run_then_run_from_there():
    first, second = (ProductFactory.create(name=f"{n} % off") for n in (10, 20))
    prepared = PreparedValues(_slug_query, "slug")
    with CaptureQueriesContext(connection) as queries:
        rows = [prepared.rows(slug=p.slug) for p in (first, second, first)]
    assert rows == [[{"slug": p.slug, "name": p.name, "discount": "100%"}] for p in (first, second, first)]
    assert len(queries) == 3  # one round trip each
    assert queries[0]["sql"].startswith("/* prepared:slug_query */ SELECT")  # says which statement it is
    # the server holds it, values as parameters, and ran it three times from there
    ((statement, runs),) = _held_prepared("slug_query")
    assert '"catalog_product"."slug" = $2' in statement  # $1: the name's LIKE "%" pattern
    assert runs == 3


def test_a_value_the_server_refuses_fails_that_call_only():
    product = ProductFactory.create()
    prepared = PreparedValues(lambda pk: Product.objects.filter(pk=pk).values("slug"), pk=int)
    for attempt in range(2):  # when preparing (the first call), and when run by name
        with pytest.raises(DataError), transaction.atomic():
            prepared.rows(pk="not a number")
        assert prepared.rows(pk=product.pk) == [{"slug": product.slug}], attempt


def test_after_a_rollback_the_statement_is_prepared_again():
    product = ProductFactory.create()
    prepared = PreparedValues(_slug_query, "slug")
    with pytest.raises(RuntimeError), transaction.atomic():
        prepared.rows(slug=product.slug)
        raise RuntimeError("rolled back")
    # psycopg forgets every prepared statement at a rollback (and has the server drop them: what
    # was rolled back may have changed a table they read); the next run prepares it anew
    assert prepared.rows(slug=product.slug) == []  # the product's name has no "%"
    assert prepared.rows(slug=product.slug) == []
    ((_, runs),) = _held_prepared("slug_query")
    assert runs == 2


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_the_statement_again():
    product = ProductFactory.create(name="50 % off")
    prepared = PreparedValues(_slug_query, "slug")
    assert prepared.rows(slug=product.slug) == [{"slug": product.slug, "name": product.name, "discount": "100%"}]
    connection.close()  # as CONN_MAX_AGE or a failed health check closes it
    assert _held_prepared("slug_query") == []  # the new session holds nothing yet
    assert prepared.rows(slug=product.slug) == [{"slug": product.slug, "name": product.name, "discount": "100%"}]
    ((_, runs),) = _held_prepared("slug_query")
    assert runs == 1


def test_the_orms_writes_are_prepared_once_repeated_and_its_other_reads_never():
    product = ProductFactory.create()
    for n in range(5):
        Product.objects.filter(pk=product.pk).update(name=f"Lamp {n}")
        assert Product.objects.filter(slug=product.slug).values_list("name", flat=True).get() == f"Lamp {n}"
    held = held_prepared()
    # the update, prepared after its third run, then run from there twice; the read (whose best
    # plan may depend on its values, as a filtered list's does) is planned for each run
    assert [(s.split(" ", 1)[0], runs) for s, runs in held if "catalog_product" in s] == [("UPDATE", 2)]


# --- PreparedSQL: a statement written in SQL, prepared the same way --------------------------


def test_a_statement_written_in_sql_is_prepared_at_its_first_run_with_its_values_in_order():
    from agora.core.prepared import PreparedSQL

    products = [ProductFactory.create(name=f"Mug {n}") for n in range(3)]
    table = Product._meta.db_table
    sql = f"SELECT slug FROM {table} WHERE name LIKE %s ORDER BY id LIMIT %s OFFSET %s"  # noqa: S608
    prepared = PreparedSQL(sql, label="Mugs page!")
    with CaptureQueriesContext(connection) as queries:
        pages = [prepared.rows("Mug %", 2, 0), prepared.rows("Mug %", 2, 2), prepared.rows("Cup %", 2, 0)]
    assert pages == [[(products[0].slug,), (products[1].slug,)], [(products[2].slug,)], []]
    assert len(queries) == 3
    # the label, as a comment can hold it, and the values in their order
    assert queries[1]["sql"] == f"/* prepared:mugspage */ {sql}" % ("'Mug %'", 2, 2)
    assert _held_prepared("mugspage") == [(f"/* prepared:mugspage */ {sql}" % ("$1", "$2", "$3"), 3)]


def test_with_preparation_turned_off_the_server_keeps_nothing_prepared():
    """DB_PREPARE_STATEMENTS=false (a pooler in transaction mode): values are still bound on the
    server, and the same statements run as before, but no session holds any of them."""
    from agora.core.postgres.base import DatabaseWrapper
    from agora.core.prepared import PreparedSQL

    statement = PreparedSQL("SELECT %s::int + 1", label="off").sql
    off = DatabaseWrapper(
        {**connection.settings_dict, "OPTIONS": {**connection.settings_dict["OPTIONS"], "prepare_statements": False}},
        alias=connection.alias,  # a second session to the same database
    )
    try:
        for on in (connection, off):
            with on.cursor() as cursor:
                for n in range(5):
                    cursor.execute(statement, [n])
                    assert cursor.fetchone() == (n + 1,)
                for _ in range(4):  # a write, run often enough to be prepared where that is on
                    cursor.execute("UPDATE catalog_product SET name = name WHERE id = %s", [0])
            held = [text for text, _ in held_prepared(on)]
            if on is connection:
                assert statement.replace("%s", "$1") in held and any(s.startswith("UPDATE") for s in held)
            else:
                assert held == []
    finally:
        off.close()
