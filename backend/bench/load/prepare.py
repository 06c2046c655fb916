"""Prepares the seeded database for a load run and writes the locust users file.

Creates shopper accounts with access tokens, picks hot product slugs and purchasable variants
(giving them ample stock so the run measures checkout, not stock-outs), and category slugs.
Run from backend/: python bench/load/prepare.py OUTPUT.json
"""

import json
import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from agora.accounts.models import User  # noqa: E402
from agora.catalog.models import Category, Product, Variant  # noqa: E402

SHOPPERS = 200


def search_queries() -> list[str]:
    """The search benchmark's 280 queries (words, pairs, typos, prefixes, with and without
    filters) as query strings, in the order the load test ranks them by popularity."""
    from urllib.parse import urlencode

    sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
    from search_bench import query_set

    out = []
    for _, q, filters in query_set():
        params = {"q": q, **{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in filters.items()}}
        out.append(urlencode(params))
    return out


def main(out: str) -> None:
    emails = [f"load{i}@example.com" for i in range(SHOPPERS)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    template = User(email="x@example.com")
    template.set_password("load-test-password")
    User.objects.bulk_create([User(email=e, password=template.password) for e in emails if e not in existing])
    tokens = [str(RefreshToken.for_user(u).access_token) for u in User.objects.filter(email__in=emails)]

    public = Product.objects.filter(status="approved", vendor__status="approved", in_stock=True)
    slugs = list(public.order_by("id").values_list("slug", flat=True)[:2000])
    variants = list(
        Variant.objects.filter(product__in=public.order_by("id")[:500], is_active=True).values_list("id", flat=True)
    )
    Variant.objects.filter(id__in=variants).update(stock=1_000_000)
    categories = list(Category.objects.values_list("slug", flat=True))
    with open(out, "w") as fh:
        json.dump(
            {
                "tokens": tokens,
                "slugs": slugs,
                "variants": variants,
                "categories": categories,
                "searches": search_queries(),
            },
            fh,
        )
    print(f"prepared {len(tokens)} shoppers, {len(slugs)} products, {len(variants)} variants -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
