from decimal import Decimal

import pytest

from agora.catalog import attributes, errors, locks, skus
from agora.catalog.models import ImportJob, Product, Variant
from agora.catalog.services import imports as import_services
from agora.catalog.services import product_archive, product_update
from agora.catalog.tests.conftest import upload
from agora.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from testing.worker import wait_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/vendor/imports/"
HEADER = "sku,product_name,variant_name,price,stock,category,description,attributes"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def post(client, data: bytes, name: str = "products.csv"):
    return client.post(URL, {"file": upload(data, name, "text/csv")}, format="multipart")


def run(job_id: int, **kw) -> ImportJob:
    job = import_services.import_run(import_id=job_id, **kw)
    assert job is not None, "the job exists"
    return job


@pytest.fixture
def kitchen(category):
    return CategoryFactory.create(name="Kitchen", slug="kitchen", parent=category)


# --- refused before queueing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", errors.CSV_NOT_CSV),
        ("sku;name\n".encode("utf-16"), errors.CSV_NOT_CSV),
        (b"sku,name,price\nA,B,1\n", errors.CSV_BAD_HEADER.format(columns=", ".join(import_services.COLUMNS))),
        (b"", "The submitted file is empty."),
        (b"\n\n", errors.CSV_BAD_HEADER.format(columns=", ".join(import_services.COLUMNS))),
        (csv_file(), errors.CSV_NO_ROWS),
        (csv_file('A,"unterminated,x,1,1,home,,'), errors.CSV_NOT_CSV),
    ],
    ids=["png", "utf16", "wrong-header", "empty", "blank-lines", "header-only", "malformed-quotes"],
)
def test_bad_files_are_400_and_nothing_is_queued(vendor_client, data, message):
    response = post(vendor_client, data)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"] == {"file": [message]}
    assert not ImportJob.objects.exists()


def test_too_many_rows_is_400(vendor_client, settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 2
    response = post(vendor_client, csv_file(*[f"S-{i},P,V,1.00,1,home,," for i in range(3)]))
    assert response.status_code == 400
    assert response.json()["error"]["details"]["file"] == [errors.CSV_TOO_MANY_ROWS.format(limit=2)]


def test_file_too_large_is_413(vendor_client, settings):
    settings.CATALOG_IMPORT_MAX_BYTES = 10
    response = post(vendor_client, csv_file("A-1,Mug,Blue,9.50,3,home,,"))
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_accepted_file_is_queued_with_its_row_count(vendor_client, category):
    response = post(vendor_client, csv_file("A-1,Mug,Blue,9.50,3,home,,", "", "A-2,Mug,Red,9.50,0,home,,"))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["total_rows"] == 2 and body["processed_rows"] == 0
    detail = vendor_client.get(f"{URL}{body['id']}/").json()
    assert detail == body
    assert {"status", "total_rows", "processed_rows", "created", "updated", "errors"} <= set(detail)


def test_pending_vendor_and_non_vendor_cannot_import(pending_vendor_client, auth_client):
    assert post(pending_vendor_client, csv_file("A,B,C,1,1,home,,")).json()["error"]["code"] == "vendor_not_approved"
    assert post(auth_client, csv_file("A,B,C,1,1,home,,")).json()["error"]["code"] == "not_a_vendor"
    assert not ImportJob.objects.exists()


def test_another_vendors_import_is_404(vendor_client, other_vendor):
    job = ImportJob.objects.create(vendor=other_vendor, file="imports/x.csv")
    response = vendor_client.get(f"{URL}{job.pk}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- the run (in-process) ----------------------------------------------------------------


def test_rows_create_and_upsert_by_sku_while_bad_rows_are_reported(vendor_client, vendor, category, kitchen):
    # given an existing approved product with one variant of this vendor
    mug = ProductFactory.create(vendor=vendor, category=kitchen, name="Stoneware Coffee Mug", variants=0)
    VariantFactory.create(product=mug, sku="MUG-BLUE", price=Decimal("12.00"), stock=1)
    from agora.catalog.services import products_refresh_summary

    products_refresh_summary(product_ids=[mug.pk])
    data = csv_file(
        "MUG-BLUE,Stoneware Coffee Mug,Blue,11.00,40,kitchen,,",  # 2: update price and stock
        "MUG-RED,Stoneware Coffee Mug,Red,13.00,5,kitchen,,",  # 3: new variant of the same product
        'LAMP-1,Aurora Desk Lamp,Brass,49.90,3,home,Warm light,"{""colour"": ""brass""}"',  # 4: new product
        "LAMP-2,Aurora Desk Lamp,Black,44.90,0,home/kitchen,,",  # 5: joins it (category by path)
        "BAD-1,Broken,X,-2.00,1,home,,",  # 6: negative price
        "BAD-2,Broken,X,abc,1,home,,",  # 7: not a number
        "BAD-3,Broken,X,1.00,1,nowhere,,",  # 8: unknown category
        "BAD-4,Broken,X,1.00,-1,home,,",  # 9: negative stock
        "LAMP-1,Aurora Desk Lamp,Again,1.00,1,home,,",  # 10: SKU repeated in the file
        ",Nameless,X,1.00,1,home,,",  # 11: no SKU
        'BAD-5,Broken,X,1.00,1,home,,"[1, 2]"',  # 12: attributes not an object
        "BAD-6,Broken,X,1.005,1,home,,",  # 13: three decimals
    )
    job_id = post(vendor_client, data).json()["id"]

    job = run(job_id)

    assert job.status == "succeeded" and job.total_rows == 12 and job.processed_rows == 12
    assert (job.created, job.updated, job.error_count) == (3, 1, 8)
    assert [e["row"] for e in job.errors] == [6, 7, 8, 9, 10, 11, 12, 13]
    assert job.errors[2]["message"] == "category: unknown category 'nowhere'."
    assert job.errors[4]["message"] == "sku: LAMP-1 already appears in row 4."
    mug.refresh_from_db()
    assert mug.status == "approved"  # price/stock edits do not send it back to review
    assert sorted(mug.variants.values_list("sku", "price", "stock")) == [
        ("MUG-BLUE", Decimal("11.00"), 40),
        ("MUG-RED", Decimal("13.00"), 5),
    ]
    assert mug.price_min == Decimal("11.00")
    lamp = Product.objects.get(name="Aurora Desk Lamp")
    assert (lamp.status, lamp.vendor, lamp.category, lamp.attributes) == (
        "draft",
        vendor,
        category,
        {"colour": "brass"},
    )
    assert lamp.variants.count() == 2 and lamp.in_stock and lamp.price_min == Decimal("44.90")
    assert not Variant.objects.filter(sku__startswith="BAD").exists()
    # the vendor reads the outcome
    detail = vendor_client.get(f"{URL}{job_id}/").json()
    assert detail["status"] == "succeeded" and detail["errors"][0] == {
        "row": 6,
        "message": "price: must be at least 0.01.",
    }


def test_attributes_the_database_could_not_hold_are_row_errors_not_a_failed_import(vendor_client, vendor, category):
    deep = '"' + '{""a"": ' * 6 + "1" + "}" * 6 + '"'
    very_deep = '"' + "[" * 3000 + "]" * 3000 + '"'
    data = csv_file(
        'NUL-1,Lamp,X,1.00,1,home,,"{""colour"": ""re\\u0000d""}"',  # 2: a NUL, written as JSON writes it
        f"DEEP-1,Lamp,X,1.00,1,home,,{deep}",  # 3: six levels
        f"DEEP-2,Lamp,X,1.00,1,home,,{very_deep}",  # 4: past what a JSON decoder follows
        'OK-1,Lamp,X,1.00,1,home,,"{""size"": {""ml"": 350}}"',  # 5: fine
        'BIG-1,Lamp,X,1.00,1,home,,"{""w"": [1e999]}"',  # 6: past the largest double: Infinity
        'NAN-1,Lamp,X,1.00,1,home,,"{""w"": NaN}"',  # 7: not JSON, though Python's decoder reads it
        'SUR-1,Lamp,X,1.00,1,home,,"{""k"": ""x\\ud800""}"',  # 8: an unpaired surrogate in a value
        'SUR-2,Lamp,X,1.00,1,home,,"{""\\udc00"": 1}"',  # 9: ... and in a key
    )
    job = run(post(vendor_client, data).json()["id"])
    assert job.status == "succeeded" and (job.created, job.error_count) == (1, 7)
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (2, f"attributes: {attributes.NUL}"),
        (3, f"attributes: {attributes.TOO_DEEP}"),
        (4, 'attributes: must be a JSON object, e.g. {"colour": "red"}.'),
        (6, f"attributes: {attributes.NOT_FINITE}"),
        (7, 'attributes: must be a JSON object, e.g. {"colour": "red"}.'),
        (8, f"attributes: {attributes.NOT_UNICODE}"),
        (9, f"attributes: {attributes.NOT_UNICODE}"),
    ]
    assert Variant.objects.get(sku="OK-1").product.attributes == {"size": {"ml": 350}}


def test_a_nul_in_a_cell_past_the_first_64_kb_is_a_row_error(vendor_client, vendor, category):
    # the upload's check for a binary file reads the first 64 KB; a NUL further on is one bad row
    filler = [f"F-{i},Filler {i},X,1.00,1,home,{'d' * 100}," for i in range(700)]  # ~90 KB
    data = csv_file(*filler, "NUL-1,Lamp\x00,X,1.00,1,home,,", "OK-1,Mug,X,1.00,1,home,,")
    assert data.index(b"\x00") > 65536
    job = run(post(vendor_client, data).json()["id"])
    assert job.status == "succeeded" and (job.created, job.processed_rows) == (701, 702)
    assert job.errors == [{"row": 702, "message": "product_name: may not contain the NUL character."}]
    assert Variant.objects.filter(sku__in=["F-0", "F-699", "OK-1"]).count() == 3


@pytest.mark.parametrize("sku", ["LAMP 01", "LAMPE-Ä1", "#1042", "-LAMP"])
def test_a_sku_the_portal_refuses_is_a_row_error_so_imported_products_stay_editable(
    vendor_client, vendor, category, sku
):
    data = csv_file(f"{sku},Desk Lamp,Brass,10.00,3,home,,", "LAMP-02,Desk Lamp,Black,10.00,3,home,,")
    job = run(post(vendor_client, data).json()["id"])
    assert (job.created, job.errors) == (1, [{"row": 2, "message": f"sku: {skus.SKU_INVALID}"}])
    # the portal's form sends every row back as loaded: what the import wrote saves
    product = Product.objects.get(name="Desk Lamp")
    variant = product.variants.get()
    row = {"id": variant.pk, "sku": variant.sku, "name": variant.name, "price": "10.00", "stock": 3}
    response = vendor_client.patch(
        f"/api/v1/vendor/products/{product.pk}/",
        {"name": "Desk Lamp XL", "description": "", "category": "home", "variants": [{**row, "expected_stock": 3}]},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_a_sku_of_an_earlier_import_goes_on_syncing_and_saving_in_the_portal(vendor_client, vendor, category):
    """Imports used to take any SKU: a vendor's daily stock file naming one updates it as before,
    and the portal's form, sending it back unchanged, saves; a new or changed one follows the rule."""
    product = ProductFactory.create(vendor=vendor, category=category, name="Desk Lamp", variants=0)
    legacy = VariantFactory.create(product=product, sku="LAMP 01", stock=3, price=Decimal("10.00"))
    job = run(post(vendor_client, csv_file("lamp 01,Desk Lamp,Brass,10.00,7,home,,")).json()["id"])
    assert (job.updated, job.errors) == (1, [])
    legacy.refresh_from_db()
    assert legacy.stock == 7

    row = {"id": legacy.pk, "sku": legacy.sku, "name": legacy.name, "price": "10.00", "stock": 7, "expected_stock": 7}
    url = f"/api/v1/vendor/products/{product.pk}/"
    assert vendor_client.patch(url, {"name": "Desk Lamp XL", "variants": [row]}, format="json").status_code == 200
    changed = vendor_client.patch(url, {"variants": [{**row, "sku": "LAMP 02"}]}, format="json")
    assert changed.status_code == 400
    assert changed.json()["error"]["details"] == {"variants": [{"sku": [skus.SKU_INVALID]}]}
    added = vendor_client.patch(
        url, {"variants": [row, {"sku": "#2", "name": "Red", "price": "9.00", "stock": 1}]}, format="json"
    )
    assert added.json()["error"]["details"] == {"variants": [{}, {"sku": [skus.SKU_INVALID]}]}


def _meanwhile(monkeypatch, change):
    """Runs ``change`` (committed by another request) while the import waits for the product lock."""
    real = locks.lock_products
    pending = [change]

    def lock(ids):
        if pending:
            pending.pop()()
        return real(ids)

    monkeypatch.setattr(import_services, "lock_products", lock)


@pytest.fixture
def lamp(vendor, category):
    product = ProductFactory.create(vendor=vendor, category=category, name="Lamp", description="old", variants=0)
    VariantFactory.create(product=product, sku="L-1", price=Decimal("10.00"), stock=5)
    return product


def test_an_archive_made_while_the_import_waited_stands(vendor_client, lamp, monkeypatch):

    _meanwhile(monkeypatch, lambda: product_archive(product=lamp))
    job = run(post(vendor_client, csv_file('L-1,Lamp,X,12.00,5,home,,"{""w"": 1}"')).json()["id"])
    assert job.updated == 1
    lamp.refresh_from_db()
    assert (lamp.status, lamp.attributes) == ("archived", {"w": 1})


def test_a_portal_edit_made_while_the_import_waited_is_kept(vendor_client, lamp, monkeypatch):

    _meanwhile(monkeypatch, lambda: product_update(product=lamp, data={"description": "new"}))
    run(post(vendor_client, csv_file('L-1,Lamp,X,12.00,5,home,,"{""w"": 1}"')).json()["id"])
    lamp.refresh_from_db()
    assert (lamp.description, lamp.status, lamp.attributes) == ("new", "pending_review", {"w": 1})
    assert lamp.variants.get().price == Decimal("12.00")


def test_a_sku_moved_to_another_product_while_the_import_waited_updates_that_product(
    vendor_client, vendor, category, lamp, monkeypatch
):
    other = ProductFactory.create(vendor=vendor, category=category, name="Other", variants=0)

    def move_sku():
        lamp.variants.update(sku="L-OLD")
        VariantFactory.create(product=other, sku="L-1", stock=1)

    _meanwhile(monkeypatch, move_sku)
    job = run(post(vendor_client, csv_file("L-1,Other,X,12.00,7,home,,")).json()["id"])
    assert (job.updated, job.errors) == (1, [])
    assert other.variants.values_list("sku", "price", "stock").get() == ("L-1", Decimal("12.00"), 7)
    assert lamp.variants.values_list("sku", "price").get() == ("L-OLD", Decimal("10.00"))


def test_rerunning_an_import_updates_instead_of_duplicating(vendor_client, vendor, category):
    data = csv_file("A-1,Mug,Blue,9.50,3,home,,", "A-2,Mug,Red,9.50,3,home,,")
    first = run(post(vendor_client, data).json()["id"])
    second = run(post(vendor_client, data).json()["id"])
    assert (first.created, first.updated) == (2, 0)
    assert (second.created, second.updated) == (0, 2)
    assert Product.objects.filter(vendor=vendor).count() == 1 and Variant.objects.count() == 2


def test_import_never_touches_another_vendors_skus(vendor_client, vendor, category, other_product):
    foreign = other_product.variants.get()
    job = run(post(vendor_client, csv_file(f"{foreign.sku},Mine,X,1.00,1,home,,")).json()["id"])
    assert (job.created, job.updated) == (1, 0)
    foreign.refresh_from_db()
    assert foreign.price == Decimal("10.00") and foreign.product == other_product


def test_renaming_an_approved_product_through_import_sends_it_to_review(vendor_client, vendor, category):
    product = ProductFactory.create(vendor=vendor, category=category, name="Old", variants=0)
    VariantFactory.create(product=product, sku="R-1")
    run(post(vendor_client, csv_file("R-1,New name,X,10.00,10,home,,")).json()["id"])
    product.refresh_from_db()
    assert (product.name, product.status) == ("New name", "pending_review")


def test_progress_is_saved_after_each_chunk(vendor_client, vendor, category, monkeypatch):
    seen = []
    original = import_services._save_chunk

    def spy(run_state, rows):
        seen.append(ImportJob.objects.values_list("processed_rows", flat=True).get())
        original(run_state, rows)

    monkeypatch.setattr(import_services, "_save_chunk", spy)
    job_id = post(vendor_client, csv_file(*[f"S-{i},P{i},V,1.00,1,home,," for i in range(5)])).json()["id"]

    job = run(job_id, chunk_rows=2)

    assert seen == [0, 2, 4]
    assert job.processed_rows == 5 and job.created == 5


def test_a_finished_import_is_not_run_twice(vendor_client, category):
    job_id = post(vendor_client, csv_file("A-1,Mug,Blue,9.50,3,home,,")).json()["id"]
    run(job_id)
    Variant.objects.all().delete()
    assert run(job_id).status == "succeeded"
    assert not Variant.objects.exists()


def test_import_of_a_vendor_suspended_meanwhile_fails(vendor_client, vendor, category):
    job_id = post(vendor_client, csv_file("A-1,Mug,Blue,9.50,3,home,,")).json()["id"]
    vendor.status = "suspended"
    vendor.save()
    job = run(job_id)
    assert job.status == "failed" and job.errors == [{"row": 0, "message": import_services.VENDOR_GONE}]
    assert not Variant.objects.exists()


# --- on the real worker --------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_import(worker_media, vendor_client, vendor, category):
    rows = [f"W-{i},Trail Backpack 30L,Size {i},{20 + i}.00,{i},home,,\n" for i in range(1, 1201)]
    rows.append("W-BAD,Trail Backpack 30L,X,free,1,home,,\n")
    response = post(vendor_client, (HEADER + "\n" + "".join(rows)).encode())
    assert response.status_code == 202
    job_id = response.json()["id"]

    body = wait_for(
        lambda: (b := vendor_client.get(f"{URL}{job_id}/").json())["status"] in ("succeeded", "failed") and b,
        timeout=60,
        message="the imports worker to finish",
    )

    assert body["status"] == "succeeded", body
    assert (body["total_rows"], body["processed_rows"], body["created"], body["updated"]) == (1201, 1201, 1200, 0)
    assert [e["row"] for e in body["errors"]] == [1202]
    assert "price" in body["errors"][0]["message"]
    assert Variant.objects.filter(vendor=vendor).count() == 1200
    assert Product.objects.filter(vendor=vendor, name="Trail Backpack 30L").count() == 1


def test_out_of_range_numbers_are_reported_as_what_they_are(vendor_client, category):
    data = csv_file(
        "BIG-1,Broken,X,100000000.00,1,home,,",  # 2: price above the largest we store
        "BIG-2,Broken,X,1.00,2147483648,home,,",  # 3: stock above the largest we store
        "OK-1,Fine,X,99999999.99,2147483647,home,,",  # 4: the largest allowed
    )
    job = run(post(vendor_client, data).json()["id"])
    assert [e["message"] for e in job.errors] == [
        "price: must be at most 99999999.99.",
        "stock: must be at most 2147483647.",
    ]
    assert job.created == 1
