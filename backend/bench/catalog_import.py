"""CSV import of 10k rows (target: <= 30 s), then the same file again (10k updates).

Runs the import service in this process — the same code the ``imports`` worker runs for
``agora.catalog.tasks.import_run`` — so the figure is the import itself, not queue latency.

    ../scripts/with-test-services.sh ../.venv/bin/python bench/catalog_import.py [--rows 10000]
"""

import argparse
import io
import random
import time

from catalog_common import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=10_000)
args = parser.parse_args()

setup()
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from agora.accounts.models import User  # noqa: E402
from agora.catalog import services  # noqa: E402
from agora.vendors.models import Vendor  # noqa: E402

call_command("seed_demo", products=0, vendors=1, stdout=io.StringIO())
vendor, _ = Vendor.objects.get_or_create(
    slug="bench-import", defaults={"name": "Bench Import", "contact_email": "b@example.com", "status": "approved"}
)
user = User.objects.get(email="vendor@example.com")
leaves = ["lighting", "kitchen", "audio", "backpacks", "notebooks", "pens", "totes", "decor"]


def csv_bytes(seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["sku,product_name,variant_name,price,stock,category,description,attributes"]
    for i in range(args.rows):
        product = i // 2  # two variants per product
        lines.append(
            f"BI-{i:06d},Bench Product {product},{'Blue' if i % 2 else 'Red'},{rng.randint(100, 9999) / 100:.2f},"
            f"{rng.randint(0, 50)},{leaves[product % len(leaves)]},Imported product {product},"
            f'"{{""batch"": ""{product % 7}""}}"'
        )
    return ("\n".join(lines) + "\n").encode()


data = csv_bytes(11)
print(f"machine: {machine()}; file: {args.rows} rows, {len(data) / 1024:.0f} KiB")

for label, payload in (("first run (creates)", data), ("second run, new prices and stock (updates)", csv_bytes(12))):
    started = time.perf_counter()
    job = services.import_create(vendor=vendor, user=user, upload=SimpleUploadedFile("p.csv", payload))
    queued = time.perf_counter() - started
    job = services.import_run(import_id=job.pk)
    elapsed = time.perf_counter() - started
    print(
        f"{label}: {elapsed:.1f} s (checking and storing the file {queued:.2f} s) — status {job.status}, "
        f"processed {job.processed_rows}/{job.total_rows}, created {job.created}, updated {job.updated}, "
        f"errors {job.error_count}"
    )
