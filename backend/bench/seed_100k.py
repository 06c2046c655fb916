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


def seed(**kwargs) -> float:
    """Runs seed_demo once; answers how long it took, in seconds."""
    started = time.perf_counter()
    command = [sys.executable, "manage.py", "seed_demo", "--products", str(args.products), "--vendors", "8"]
    subprocess.run(command, cwd=BACKEND, env=os.environ, check=True, **kwargs)
    return time.perf_counter() - started


print(f"machine: {machine()}")
before = Product.objects.count()
elapsed = seed()
print(
    f"seed_demo --products {args.products}: {elapsed:.1f} s "
    f"({Product.objects.count() - before} products, {Variant.objects.count()} variants, "
    f"{ProductImage.objects.count()} images in the database)"
)
print(f"second run (idempotent, nothing to add): {seed(capture_output=True):.1f} s")
