"""Times `manage.py seed_demo --products 100000` on an empty, migrated database (target: <= 2 min).

../scripts/with-test-services.sh ../.venv/bin/python bench/seed_100k.py [--products N]
"""

import argparse
import os
import subprocess
import sys
import time

from catalog_common import BACKEND, machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--products", type=int, default=100_000)
args = parser.parse_args()

setup()
from agora.catalog.models import Product, ProductImage, Variant  # noqa: E402

print(f"machine: {machine()}")
before = Product.objects.count()
started = time.perf_counter()
subprocess.run(
    [sys.executable, "manage.py", "seed_demo", "--products", str(args.products), "--vendors", "8"],
    cwd=BACKEND,
    env=os.environ,
    check=True,
)
elapsed = time.perf_counter() - started
print(
    f"seed_demo --products {args.products}: {elapsed:.1f} s "
    f"({Product.objects.count() - before} products, {Variant.objects.count()} variants, "
    f"{ProductImage.objects.count()} images in the database)"
)
started = time.perf_counter()
subprocess.run(
    [sys.executable, "manage.py", "seed_demo", "--products", str(args.products), "--vendors", "8"],
    cwd=BACKEND,
    env=os.environ,
    check=True,
    capture_output=True,
)
print(f"second run (idempotent, nothing to add): {time.perf_counter() - started:.1f} s")
