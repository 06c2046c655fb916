"""PostgreSQL full-text search backend (the default: needs nothing beyond the database).

Documents live in ``search_searchdocument`` (one row per public product, a weighted
``tsvector`` with a GIN index, the summary the API returns, filter and facet columns), so a
search is one statement over one table: the matched set is materialised once and the page,
the total and the three facets are computed from it in the same round trip.

Typo tolerance: query words of 4+ letters that are not in the lexicon (``search_searchword``)
are replaced by the lexicon words one edit away (``pg_trgm`` GIN for candidates,
``levenshtein`` to keep exactly one edit). Suggestions are trigram (``LIKE '%…%'``) or
prefix (``text_pattern_ops``) index scans on ``lower(name)``.
"""

import json
from collections.abc import Callable
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from agora.search.documents import build_documents, document_words, public_products
from agora.search.types import (
    FACET_SIZE,
    FUZZY_MIN_LENGTH,
    PRICE_BAND_EDGES,
    SUGGEST_SIZE,
    PageRequest,
    SearchFilters,
    SearchResult,
    Suggestion,
    price_bands,
    tokenize,
    words,
)

TS_CONFIG = "english"
# Trigram similarity between a 4-letter word and itself with one letter substituted is 2/8;
# anything one edit away scores at least 0.25, so 0.24 keeps every candidate the
# levenshtein test then confirms.
TRIGRAM_THRESHOLD = 0.24
CORRECTIONS_PER_WORD = 5

# Only constants are interpolated; every value is a bound parameter.
_UPSERT = f"""
INSERT INTO search_searchdocument AS d (
    product_id, slug, name, vendor_id, vendor_slug, vendor_name, category_slug, category_name,
    category_slugs, price_min, currency, in_stock, rating_average, rating_count, thumbnail, created_at,
    search_vector, indexed_at)
SELECT r.id, r.slug, r.name, r.vendor_id, r.vendor_slug, r.vendor_name, r.category_slug, r.category_name,
    r.category_slugs, r.price_min, r.currency, r.in_stock, r.rating_average, r.rating_count, r.thumbnail,
    r.created_at,
    setweight(to_tsvector('{TS_CONFIG}', r.text_a), 'A')
      || setweight(to_tsvector('{TS_CONFIG}', r.text_b), 'B')
      || setweight(to_tsvector('{TS_CONFIG}', r.text_c), 'C'),
    %s
FROM jsonb_to_recordset(%s::jsonb) AS r(
    id bigint, slug text, name text, vendor_id bigint, vendor_slug text, vendor_name text,
    category_slug text, category_name text, category_slugs varchar(140)[], price_min numeric,
    currency text, in_stock boolean, rating_average numeric, rating_count integer, thumbnail text,
    created_at timestamptz,
    text_a text, text_b text, text_c text)
ON CONFLICT (product_id) DO UPDATE SET
    slug = EXCLUDED.slug, name = EXCLUDED.name, vendor_id = EXCLUDED.vendor_id,
    vendor_slug = EXCLUDED.vendor_slug, vendor_name = EXCLUDED.vendor_name,
    category_slug = EXCLUDED.category_slug, category_name = EXCLUDED.category_name,
    category_slugs = EXCLUDED.category_slugs, price_min = EXCLUDED.price_min,
    currency = EXCLUDED.currency, in_stock = EXCLUDED.in_stock, rating_average = EXCLUDED.rating_average,
    rating_count = EXCLUDED.rating_count, thumbnail = EXCLUDED.thumbnail,
    created_at = EXCLUDED.created_at, search_vector = EXCLUDED.search_vector,
    indexed_at = EXCLUDED.indexed_at
"""  # noqa: S608  # nosec B608  # only module constants are interpolated; values are bound

# Per query word: itself if the lexicon knows it (a primary-key probe; the trigram scan is then
# skipped by a one-time filter), else the lexicon words one edit away.
_CORRECTIONS = """
SELECT q.w, c.word, c.distance
FROM unnest(%s::text[]) AS q(w)
CROSS JOIN LATERAL (
    SELECT q.w AS word, 0 AS distance
    WHERE EXISTS (SELECT 1 FROM search_searchword e WHERE e.word = q.w)
    UNION ALL
    (SELECT s.word, levenshtein_less_equal(s.word, q.w, 1) AS distance
     FROM search_searchword s
     WHERE NOT EXISTS (SELECT 1 FROM search_searchword e WHERE e.word = q.w)
       AND s.word %% q.w AND levenshtein_less_equal(s.word, q.w, 1) <= 1
     ORDER BY distance, similarity(s.word, q.w) DESC, s.word
     LIMIT %s)
) c
"""

# For this transaction only. The documents table and its indexes are small and hot, so random
# reads cost about what sequential ones do: without this the planner seq-scans all 100k rows
# for a word in 10 % of them instead of a GIN bitmap scan (about 3x slower, measured).
# JIT off: broad words (thousands of matches) cross jit_above_cost, and compiling the plan
# costs more than the query itself saves. work_mem: the facet aggregation and the page sort
# of a broad word stay in memory.
_SETTINGS = f"""
SELECT set_config('random_page_cost', '1.1', true),
       set_config('jit', 'off', true),
       set_config('work_mem', '16MB', true),
       set_config('pg_trgm.similarity_threshold', '{TRIGRAM_THRESHOLD}', true)
"""

# Ordering of the matched set ``m``; every one ends with the primary key, so pages are stable.
_ORDER_BY = {
    "relevance": "rank DESC, product_id",
    "price": "price_min ASC NULLS LAST, product_id",
    "-price": "price_min DESC NULLS LAST, product_id",
    "name": "lower(name), product_id",
    "-created_at": "created_at DESC, product_id DESC",
    "-rating": "rating_average DESC NULLS LAST, rating_count DESC, product_id",
}

_SEARCH = """
WITH m AS MATERIALIZED (
    SELECT d.product_id, d.category_slug, d.vendor_slug, d.price_min, {extra}{rank} AS rank
    FROM search_searchdocument d{from_query}
    WHERE {where}
), page AS (
    -- a bounded (top-N) sort; the ids keep their order through the array
    SELECT array_agg(product_id) AS ids
    FROM (SELECT product_id FROM m ORDER BY {order} LIMIT %s OFFSET %s) s
), facets AS (
    -- the three facets in one pass over the matched set
    SELECT GROUPING(category_slug, vendor_slug, band) AS kind, category_slug, vendor_slug, band, count(*) AS n
    FROM (SELECT category_slug, vendor_slug, width_bucket(price_min, %s::numeric[]) AS band FROM m) x
    GROUP BY GROUPING SETS ((category_slug), (vendor_slug), (band))
)
SELECT
    (SELECT count(*) FROM m),
    (SELECT coalesce(json_agg(json_build_object(
            'id', d.product_id, 'slug', d.slug, 'name', d.name,
            'vendor', json_build_object('slug', d.vendor_slug, 'name', d.vendor_name),
            'category', json_build_object('slug', d.category_slug, 'name', d.category_name),
            'price_from', d.price_min::text, 'currency', d.currency, 'in_stock', d.in_stock,
            'rating_average', d.rating_average::text, 'rating_count', d.rating_count,
            'thumbnail', d.thumbnail) ORDER BY p.pos), '[]'::json)
     FROM page, unnest(page.ids) WITH ORDINALITY AS p(product_id, pos)
     JOIN search_searchdocument d USING (product_id)),
    -- names of the top buckets only, each one index probe
    (SELECT coalesce(json_agg(json_build_object('slug', slug, 'name', (
                SELECT x.category_name FROM search_searchdocument x WHERE x.category_slug = c.slug LIMIT 1
            ), 'count', n) ORDER BY n DESC, slug), '[]'::json)
     FROM (SELECT category_slug AS slug, n FROM facets
           WHERE kind = 3 ORDER BY n DESC, category_slug LIMIT {facet_size}) c),
    (SELECT coalesce(json_agg(json_build_object('slug', slug, 'name', (
                SELECT x.vendor_name FROM search_searchdocument x WHERE x.vendor_slug = v.slug LIMIT 1
            ), 'count', n) ORDER BY n DESC, slug), '[]'::json)
     FROM (SELECT vendor_slug AS slug, n FROM facets
           WHERE kind = 5 ORDER BY n DESC, vendor_slug LIMIT {facet_size}) v),
    (SELECT coalesce(json_agg(json_build_array(band, n) ORDER BY band), '[]'::json)
     FROM facets WHERE kind = 6 AND band IS NOT NULL)
"""

# Columns the ordering needs besides those ``m`` always carries.
_ORDER_COLUMNS = {
    "name": "d.name, ",
    "-created_at": "d.created_at, ",
    "-rating": "d.rating_average, d.rating_count, ",
}

_SUGGEST = """
SELECT name, slug FROM search_searchdocument
WHERE lower(name) LIKE %s{exclude}
ORDER BY lower(name) LIKE %s DESC, position(%s in ' ' || lower(name)) > 0 DESC, lower(name), product_id
LIMIT %s
"""


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text(*parts: str) -> str:
    return " ".join(words(" ".join(parts)))


def _price(value) -> Decimal | None:
    return None if value is None else Decimal(value)


class PostgresBackend:
    name = "postgres"
    batch_size = 500

    # --- reads -------------------------------------------------------------------------

    def search(self, query: str, filters: SearchFilters, ordering: str | None, page: PageRequest) -> SearchResult:
        terms = tokenize(query)
        where, params = self._filters(filters)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SETTINGS)
            if terms:
                tsquery = self._tsquery(cursor, terms)
                from_query = f", to_tsquery('{TS_CONFIG}', %s) AS query"
                params = [tsquery, *params]
                where.insert(0, "d.search_vector @@ query")
                rank = "ts_rank(d.search_vector, query)"
            else:
                from_query, rank = "", "0::real"
            ordering_key = ordering or ("relevance" if terms else "-created_at")
            sql = _SEARCH.format(
                extra=_ORDER_COLUMNS.get(ordering_key, ""),
                rank=rank,
                from_query=from_query,
                where=" AND ".join(where) or "true",
                order=_ORDER_BY[ordering_key],
                facet_size=FACET_SIZE,
            )
            cursor.execute(sql, [*params, page.size, page.offset, list(PRICE_BAND_EDGES)])
            total, results, categories, vendors, bands = cursor.fetchone()
        for row in results:
            row["price_from"] = _price(row["price_from"])
            row["rating_average"] = _price(row["rating_average"])
        edges = price_bands()
        price = [
            {"min": edges[b][0], "max": edges[b][1], "count": n} for b, n in (bands if isinstance(bands, list) else [])
        ]
        return SearchResult(
            total=total, results=results, facets={"category": categories, "vendor": vendors, "price": price}
        )

    def _filters(self, filters: SearchFilters) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []
        if filters.category:
            where.append("d.category_slugs @> ARRAY[%s]::varchar(140)[]")
            params.append(filters.category)
        if filters.vendor:
            where.append("d.vendor_slug = %s")
            params.append(filters.vendor)
        if filters.min_price is not None:
            where.append("d.price_min >= %s")
            params.append(filters.min_price)
        if filters.max_price is not None:
            where.append("d.price_min <= %s")
            params.append(filters.max_price)
        if filters.in_stock is not None:
            where.append("d.in_stock = %s")
            params.append(filters.in_stock)
        if filters.min_rating is not None:
            where.append("d.rating_average >= %s")
            params.append(filters.min_rating)
        if filters.exclude_vendor_ids:
            where.append("NOT (d.vendor_id = ANY(%s::bigint[]))")
            params.append(list(filters.exclude_vendor_ids))
        return where, params

    def _tsquery(self, cursor, terms: list[str]) -> str:
        """``to_tsquery`` text: words ANDed, each ORed with its one-edit corrections, the last one a prefix.

        Terms are ``\\w+`` runs (see ``tokenize``), so quoting them as lexemes is safe.
        """
        # Words with digits (SKUs, sizes) are matched exactly: a "typo" there is another product.
        fuzzy = sorted({t for t in terms if len(t) >= FUZZY_MIN_LENGTH and t.isalpha()})
        candidates: dict[str, list[tuple[str, int]]] = {}
        if fuzzy:
            cursor.execute(_CORRECTIONS, [fuzzy, CORRECTIONS_PER_WORD])
            for word, candidate, distance in cursor.fetchall():
                candidates.setdefault(word, []).append((candidate, distance))
        groups = []
        for i, term in enumerate(terms):
            found = candidates.get(term, [])
            known = any(distance == 0 for _, distance in found)
            alternatives = [f"'{term}':*" if i == len(terms) - 1 else f"'{term}'"]
            if not known:
                alternatives += [f"'{word}'" for word, _ in found]
            groups.append("(" + " | ".join(alternatives) + ")")
        return " & ".join(groups)

    def suggest(self, prefix: str, *, exclude_vendor_ids: tuple[int, ...] = ()) -> list[Suggestion]:
        text = " ".join(prefix.lower().split())
        if not text:
            return []
        escaped = _like_escape(text)
        # Under three characters a trigram index cannot help: match at the start of the name
        # (a btree prefix scan); from three on, anywhere (trigram GIN), name starts first.
        pattern = f"%{escaped}%" if len(text) >= 3 else f"{escaped}%"
        params: list = [pattern]
        exclude = ""
        if exclude_vendor_ids:
            exclude = " AND NOT (vendor_id = ANY(%s::bigint[]))"
            params.append(list(exclude_vendor_ids))
        params += [f"{escaped}%", f" {text}", SUGGEST_SIZE]
        with connection.cursor() as cursor:
            cursor.execute(_SUGGEST.format(exclude=exclude), params)
            return [{"text": name, "slug": slug} for name, slug in cursor.fetchall()]

    # --- writes ------------------------------------------------------------------------

    def index(self, product_ids: list[int], *, seen_words: set[str] | None = None) -> int:
        """Upserts the documents of the public products among ``product_ids``; removes the others'."""
        ids = sorted(set(product_ids))
        indexed = 0
        for start in range(0, len(ids), self.batch_size):
            batch = ids[start : start + self.batch_size]
            docs = build_documents(batch)
            with transaction.atomic():
                self._write(docs, seen_words)
                hidden = sorted(set(batch) - {d["id"] for d in docs})
                if hidden:
                    self.remove(hidden)
            indexed += len(docs)
        return indexed

    def _write(self, docs: list[dict], seen_words: set[str] | None = None) -> None:
        if not docs:
            return
        rows = [
            {
                "id": d["id"],
                "slug": d["slug"],
                "name": d["name"],
                "vendor_id": d["vendor_id"],
                "vendor_slug": d["vendor"]["slug"],
                "vendor_name": d["vendor"]["name"],
                "category_slug": d["category"]["slug"],
                "category_name": d["category"]["name"],
                "category_slugs": d["category_slugs"],
                "price_min": d["price_from"],
                "currency": d["currency"],
                "in_stock": d["in_stock"],
                "rating_average": d["rating_average"],
                "rating_count": d["rating_count"],
                "thumbnail": d["thumbnail"],
                "created_at": d["created_at"],
                # Text is split exactly as queries are (``words``), so "SKU-00042" or "X-200" are
                # the same lexemes on both sides (PostgreSQL's parser would read "-00042" as a number).
                "text_a": _text(d["name"], *d["skus"]),
                "text_b": _text(d["vendor"]["name"], *d["category_names"], d["attributes_text"]),
                "text_c": _text(d["description"]),
            }
            for d in docs
        ]
        words = sorted(set().union(*(document_words(d) for d in docs)))
        if seen_words is not None:
            seen_words.update(words)
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [timezone.now(), json.dumps(rows, cls=DjangoJSONEncoder)])
            if words:
                cursor.execute(
                    "INSERT INTO search_searchword (word) SELECT unnest(%s::varchar(40)[]) ON CONFLICT DO NOTHING",
                    [words],
                )

    def remove(self, product_ids: list[int]) -> None:
        if product_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM search_searchdocument WHERE product_id = ANY(%s::bigint[])", [list(product_ids)]
                )

    def rebuild(self, progress: Callable[[int], object] | None = None) -> int:
        """Re-creates every document batch by batch, then drops the ones no longer public.

        Searches keep being answered throughout: each batch replaces its rows in one short
        transaction (readers see the old or the new row, never none), nothing is truncated.
        The lexicon keeps serving too; words no document uses any more are dropped at the end.
        """
        started = timezone.now()
        total = 0
        seen: set[str] = set()
        ids = public_products().order_by("pk").values_list("pk", flat=True)
        batch: list[int] = []
        for pk in ids.iterator(chunk_size=10 * self.batch_size):
            batch.append(pk)
            if len(batch) == self.batch_size:
                total += self.index(batch, seen_words=seen)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            total += self.index(batch, seen_words=seen)
            if progress:
                progress(len(batch))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchdocument WHERE indexed_at < %s", [started])
            cursor.execute("CREATE TEMP TABLE search_seen_words (word varchar(40) PRIMARY KEY) ON COMMIT DROP")
            cursor.execute("INSERT INTO search_seen_words SELECT unnest(%s::varchar(40)[])", [sorted(seen)])
            cursor.execute(
                "DELETE FROM search_searchword w WHERE NOT EXISTS "
                "(SELECT 1 FROM search_seen_words s WHERE s.word = w.word)"
            )
        return total

    def health(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_searchdocument WHERE false")
