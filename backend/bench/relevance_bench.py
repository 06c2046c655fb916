"""Search relevance over the demo catalog: prints, per backend and per query kind, the zero-result
rate, recall@20 and NDCG@10 of the judged query set in ``bench/relevance/judgments.json``.

Run from backend/, on throwaway servers (it seeds the demo catalog and stores the synonyms of
``bench/relevance/synonyms.json`` through the admin's services):

    ../scripts/with-test-services.sh ../.venv/bin/python bench/relevance_bench.py
    SEARCH_BACKEND=elasticsearch ELASTICSEARCH_URL=http://… ../.venv/bin/python bench/relevance_bench.py

``--write-judgments`` regenerates the judged set from the seeded catalog (see ``judge``): the
judgments come from the products' names, categories, materials and vendors by a fixed rule, never
from what a backend answers, so the figures measure the backends against it.

Metrics (queries with judged products; the ``absent`` kind, words no product has, counts only
towards its own zero-result rate, where 100 % is right):

- zero-result rate: share of queries answering no product;
- recall@20: judged products (grade >= 1) in the first 20 / min(20, judged products);
- NDCG@10: gain 2^grade - 1, log2 discount, against the ideal ordering of every judged product.
"""

import argparse
import json
import math
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SEARCH_BACKEND", "postgres")
os.environ.setdefault("SEARCH_CACHE_TIMEOUT", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from agora.catalog.management.commands.seed_demo import ADJECTIVES, CATALOG  # noqa: E402
from agora.search import get_backend, services  # noqa: E402
from agora.search.documents import public_products  # noqa: E402
from agora.search.models import Synonym  # noqa: E402
from agora.search.selectors import hidden_vendor_ids  # noqa: E402
from agora.search.types import PageRequest, SearchFilters, typo_budget, words  # noqa: E402

HERE = Path(__file__).resolve().parent / "relevance"
JUDGMENTS = HERE / "judgments.json"
SYNONYMS = HERE / "synonyms.json"
DEMO_PRODUCTS = 300
KINDS = [
    "exact",
    "typo: transposition",
    "typo: substitution",
    "typo: deletion",
    "typo: insertion",
    "typo: two edits",
    "prefix",
    "synonym",
    "multi-word",
    "stop words",
    "partial",
    "code",
    "absent",
]


# --- judging ---------------------------------------------------------------------------------


def norm(word: str) -> str:
    """A judge's notion of the same word: singular and plural are one ("lamps" is "lamp")."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _catalog() -> list[dict]:
    """The public demo products as the judge sees them: name words and detail words (category
    and its parent, material, vendor)."""
    rows = []
    for p in public_products().select_related("category__parent", "vendor").prefetch_related("variants"):
        category = [p.category.name] + ([p.category.parent.name] if p.category.parent else [])
        material = str((p.attributes or {}).get("material", ""))
        rows.append(
            {
                "slug": p.slug,
                "name": {norm(w) for w in words(p.name)},
                "details": {norm(w) for w in words(" ".join([*category, material, p.vendor.name]))},
                "skus": [v.sku for v in p.variants.all()],
                "text": set(words(" ".join([p.name, *category, material, p.vendor.name, p.description]))),
            }
        )
    return rows


def grades(catalog: list[dict], intended: list[str]) -> dict[str, int]:
    """2: every word of an intended phrase is in the product's name; 1: in its name and details."""
    found: dict[str, int] = {}
    for product in catalog:
        grade = 0
        for phrase in intended:
            wanted = {norm(w) for w in words(phrase)}
            if wanted <= product["name"]:
                grade = 2
            elif wanted <= product["name"] | product["details"]:
                grade = max(grade, 1)
        if grade:
            found[product["slug"]] = grade
    return found


def _typos(word: str) -> dict[str, str]:
    """One slip of each kind in the middle of ``word`` (and two edits for 8+ letters)."""
    i = len(word) // 2
    swapped = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    replaced = word[:i] + ("a" if word[i] != "a" else "e") + word[i + 1 :]
    found = {
        "typo: transposition": swapped,
        "typo: substitution": replaced,
        "typo: deletion": word[:i] + word[i + 1 :],
        "typo: insertion": word[:i] + word[i] + word[i:],
    }
    if typo_budget(word) >= 2:
        j = 2
        found["typo: two edits"] = swapped[:j] + ("o" if swapped[j] != "o" else "u") + swapped[j + 1 :]
    return found


def judge() -> list[dict]:
    catalog = _catalog()
    vocabulary = set().union(*(p["text"] for p in catalog))
    queries: list[dict] = []

    def add(kind: str, q: str, intended: list[str], relevant: dict[str, int] | None = None) -> None:
        if any(e["q"] == q for e in queries):
            return
        judged = grades(catalog, intended) if relevant is None else relevant
        if kind != "absent" and not judged:
            return
        queries.append({"kind": kind, "q": q, "intended": intended, "relevant": judged})

    vocabulary_names = {w for n in _names(catalog) for w in words(n)}
    nouns = sorted({w for names, _ in CATALOG.values() for n in names for w in words(n) if w.isalpha()})
    adjectives = sorted({words(a)[0] for a in ADJECTIVES})
    categories = ["home", "lighting", "kitchen", "decor", "electronics", "audio", "accessories", "bags"]
    categories += ["backpacks", "totes", "stationery", "notebooks", "pens"]
    materials = ["oak", "steel", "cotton", "ceramic"]
    vendors = ["northwind", "kiln", "lumen"]

    for w in [*nouns, *adjectives, "stoneware", *categories, *materials, *vendors]:
        if len(w) >= 3 and w in vocabulary:
            add("exact", w, [w])
    typo_words = [w for w in [*nouns, "stoneware", *categories] if typo_budget(w) >= 1 and w in vocabulary]
    for n, w in enumerate(typo_words):
        for kind, typo in _typos(w).items():
            # A slip that spells another catalog word is another query, not a typo.
            if typo != w and typo not in vocabulary and typo_budget(typo) >= 1 and (n % 2 == 0 or "two" in kind):
                add(kind, typo, [w])
    for names, _ in CATALOG.values():
        for name in names:
            ws = [w for w in words(name) if w.isalpha()]
            if len(ws) >= 2:
                last = ws[-1]
                add("prefix", " ".join([*ws[:-1], last[: max(2, len(last) - 3)]]), [" ".join(ws)])
            if len(ws) >= 1 and len(ws[-1]) >= 6:
                # A shopper who typed "week" may mean any word it starts: each is intended.
                start = ws[-1][:4]
                add("prefix", start, sorted({w for w in vocabulary_names if w.startswith(start)}))
    data = json.loads(SYNONYMS.read_text())
    for group in data["equivalent"]:
        catalog_side, *others = [p.strip() for p in group.split(",")]
        for other in others:
            add("synonym", other, [catalog_side])
    for term, targets in data["one_way"]:
        add("synonym", term, [t.strip() for t in targets.split(",")])
    # Adjective + synonym: judged as adjective + the catalog word.
    for n, group in enumerate(data["equivalent"]):
        catalog_side, *others = [p.strip() for p in group.split(",")]
        adjective = adjectives[(3 * n) % len(adjectives)]
        for other in others:
            add("synonym", f"{adjective} {other}", [f"{adjective} {catalog_side}"])
    seen_names = sorted({" ".join(words(p_name)) for p_name in _names(catalog)})
    for n, name in enumerate(seen_names):
        if n % 3 == 0:
            add("multi-word", name, [name])
    for noun, material in ((x, m) for x in ("lamp", "mug", "vase", "tote", "pen") for m in materials):
        add("multi-word", f"{material} {noun}", [f"{material} {noun}"])
    for q, intended in [
        ("lamp for the desk", "desk lamp"),
        ("mug for coffee", "coffee mug"),
        ("a bag with a zip", "zip tote"),
        ("stand for a laptop", "laptop stand"),
        ("case for the phone", "phone case"),
        ("pen with a brush", "brush pen"),
        ("the wireless headphones", "wireless headphones"),
        ("backpack for the trail", "trail backpack"),
        ("holder for a candle", "candle holder"),
        ("lamp by the bed", "bedside lamp"),
    ]:
        add("stop words", q, [intended])
    for q, intended in [
        ("wooden desk lamp", "desk lamp"),
        ("cheap wireless headphones", "wireless headphones"),
        ("red commuter backpack", "commuter backpack"),
        ("ergonomic laptop stand", "laptop stand"),
        ("vintage wall clock", "wall clock"),
        ("handmade serving bowl", "serving bowl"),
        ("leather pocket notebook", "pocket notebook"),
        ("waterproof trail backpack", "trail backpack"),
        ("porcelain tea cup", "tea cup"),
        ("retro bluetooth speaker", "bluetooth speaker"),
    ]:
        add("partial", q, [intended])
    add("code", "a5 notebook", ["a5 notebook"])
    add("code", "30l backpack", ["30l backpack"])
    add("code", "usb cable", ["usb cable"])
    for product in catalog[:: max(1, len(catalog) // 8)][:8]:
        sku = product["skus"][0]
        add("code", sku, [sku], {product["slug"]: 2})
        add("code", sku.lower(), [sku], {product["slug"]: 2})
    for q in ["sofa", "bicycle", "guitar", "television", "sneakers", "umbrella", "toaster", "blender"]:
        if q not in vocabulary:
            add("absent", q, [q], {})
    return queries


def _names(catalog: list[dict]) -> list[str]:
    return [p["slug"].rsplit("-d", 1)[0].replace("-", " ") for p in catalog]


# --- measuring -------------------------------------------------------------------------------


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def measure(entry: dict, slugs: list[str]) -> tuple[float, float]:
    relevant = entry["relevant"]
    ideal = dcg(sorted(relevant.values(), reverse=True)[:10])
    ndcg = dcg([relevant.get(s, 0) for s in slugs[:10]]) / ideal
    recall = len([s for s in slugs[:20] if s in relevant]) / min(20, len(relevant))
    return recall, ndcg


def _prepare(backend_name: str) -> bool:
    call_command("migrate", verbosity=0)
    if public_products().count() < DEMO_PRODUCTS:
        call_command("seed_demo", products=DEMO_PRODUCTS, verbosity=0)
    data = json.loads(SYNONYMS.read_text())
    stored = {(s.kind, s.term, s.synonyms) for s in Synonym.objects.all()}
    wanted = [(Synonym.Kind.EQUIVALENT, "", g) for g in data["equivalent"]]
    wanted += [(Synonym.Kind.ONE_WAY, t, g) for t, g in data["one_way"]]
    for kind, term, group in wanted:
        clean_term, clean_group = services.synonym_clean(kind=kind, term=term, synonyms=group)
        if (kind, clean_term, clean_group) not in stored:
            services.synonym_save(synonym=Synonym(kind=kind, term=term, synonyms=group))
    backend = get_backend()
    try:
        backend.health()
    except Exception as exc:  # noqa: BLE001 - any failure means no cluster to measure
        print(f"backend {backend_name}: not reachable ({exc.__class__.__name__}); no figures")
        return False
    backend.sync_rules()
    call_command("search_rebuild", "--no-progress", verbosity=0)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-judgments", action="store_true", help="regenerate judgments.json from the catalog")
    parser.add_argument("--show", type=int, default=15, help="list this many of the worst queries")
    args = parser.parse_args()
    backend = get_backend()
    if not _prepare(backend.name):
        return
    if args.write_judgments:
        entries = judge()
        JUDGMENTS.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {len(entries)} judged queries to {JUDGMENTS}")
    entries = json.loads(JUDGMENTS.read_text())
    excluded = hidden_vendor_ids()
    by_kind: dict[str, list[tuple[bool, float, float]]] = defaultdict(list)
    worst: list[tuple[float, str, str, int, str | None, list[str]]] = []
    absent_zero = absent_total = 0
    absent_found: list[str] = []
    for entry in entries:
        result = backend.search(entry["q"], SearchFilters(exclude_vendor_ids=excluded), None, PageRequest(1, 20))
        slugs = [r["slug"] for r in result.results]
        if entry["kind"] == "absent":
            absent_total += 1
            absent_zero += result.total == 0
            if result.total:
                absent_found.append(f"{entry['q']!r}: {result.total} found, corrected {result.corrected_query!r}")
            continue
        recall, ndcg = measure(entry, slugs)
        by_kind[entry["kind"]].append((result.total == 0, recall, ndcg))
        worst.append((ndcg, entry["kind"], entry["q"], result.total, result.corrected_query, result.dropped_words))

    def line(label: str, rows: list[tuple[bool, float, float]]) -> str:
        n = len(rows)
        zero = sum(r[0] for r in rows) / n
        return (
            f"{label:22s} {n:4d}   {100 * zero:6.1f} %   {sum(r[1] for r in rows) / n:7.3f}   "
            f"{sum(r[2] for r in rows) / n:7.3f}"
        )

    print(f"\nbackend {backend.name}: {len(entries)} judged queries over {public_products().count()} demo products")
    print(f"{'kind':22s} {'n':>4s}   {'zero-res':>8s}   {'recall@20':>7s}   {'NDCG@10':>7s}")
    for kind in KINDS:
        if by_kind.get(kind):
            print(line(kind, by_kind[kind]))
    every = [r for rows in by_kind.values() for r in rows]
    print(line("overall (judged)", every))
    if absent_total:
        print(
            f"{'absent (expect zero)':22s} {absent_total:4d}   {100 * absent_zero / absent_total:6.1f} %   (answered nothing)"
        )
    for found in absent_found:
        print(f"  absent word answered: {found}")
    zero = [w for w in worst if w[3] == 0]
    print(f"\nqueries whose intended words are in the catalog answering nothing: {len(zero)}")
    for _, kind, q, *_rest in zero:
        print(f"  [{kind}] {q!r}")
    print(f"\nlowest NDCG@10 (up to {args.show}):")
    for ndcg, kind, q, total, corrected, dropped in sorted(worst)[: args.show]:
        print(f"  {ndcg:5.3f}  [{kind}] {q!r}: {total} found, corrected {corrected!r}, dropped {dropped}")


if __name__ == "__main__":
    main()
