"""PostgreSQL full-text search backend (the default: needs nothing beyond the database).

Documents live in ``search_searchdocument`` (one row per public product, a weighted
``tsvector`` with a GIN index, the summary the API returns, filter, facet and ranking columns),
so a search is one statement over one table: the matched set is materialised once and the page,
the total and the facets are computed from it in the same round trip.

The query is understood first (``agora.search.query``: stop words, synonym expansion, typo
corrections from the lexicon) in the same transaction; each term becomes a ``tsquery`` group of
its alternatives (``'lamp':*`` for the last word's prefix, ``('t' <-> 'shirt')`` for a phrase).
Ranking uses weight-restricted copies of each group (``'lamp':A`` — in the name or a SKU) rather
than ``ts_rank``: the same tiers the Elasticsearch backend scores, then stock and popularity.
Suggestions are trigram (``LIKE '%…%'``) or prefix (``text_pattern_ops``) index scans on
``lower(name)``.
"""

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from agora.catalog.attributes import SEPARATOR
from agora.search import lexicon
from agora.search.documents import build_documents, public_products
from agora.search.query import Alternative, Term, run, understand
from agora.search.rules import Rules, current_rules
from agora.search.types import (
    FACET_SIZE,
    PRICE_BAND_EDGES,
    SUGGEST_SIZE,
    PageRequest,
    SearchFilters,
    SearchResult,
    Suggestion,
    empty_facets,
    price_bands,
    words,
)

# English stemming that keeps every word (migration 0005): staff's stop words decide what a
# query leaves out, so "over" of "Over-Ear" is searchable.
TS_CONFIG = "agora_english"

# Only constants are interpolated; every value is a bound parameter.
_UPSERT = f"""
INSERT INTO search_searchdocument AS d (
    product_id, slug, name, vendor_id, vendor_slug, vendor_name, category_slug, category_name,
    category_slugs, price_min, currency, in_stock, popularity, attribute_values, rating_average,
    rating_count, thumbnail, created_at, search_vector, indexed_at)
SELECT r.id, r.slug, r.name, r.vendor_id, r.vendor_slug, r.vendor_name, r.category_slug, r.category_name,
    r.category_slugs, r.price_min, r.currency, r.in_stock, r.popularity, r.attribute_values,
    r.rating_average, r.rating_count, r.thumbnail,
    r.created_at,
    setweight(to_tsvector('{TS_CONFIG}', r.text_a), 'A')
      || setweight(to_tsvector('{TS_CONFIG}', r.text_b), 'B')
      || setweight(to_tsvector('{TS_CONFIG}', r.text_c), 'C'),
    %s
FROM jsonb_to_recordset(%s::jsonb) AS r(
    id bigint, slug text, name text, vendor_id bigint, vendor_slug text, vendor_name text,
    category_slug text, category_name text, category_slugs varchar(140)[], price_min numeric,
    currency text, in_stock boolean, popularity integer, attribute_values text[],
    rating_average numeric, rating_count integer, thumbnail text,
    created_at timestamptz, text_a text, text_b text, text_c text)
ON CONFLICT (product_id) DO UPDATE SET
    slug = EXCLUDED.slug, name = EXCLUDED.name, vendor_id = EXCLUDED.vendor_id,
    vendor_slug = EXCLUDED.vendor_slug, vendor_name = EXCLUDED.vendor_name,
    category_slug = EXCLUDED.category_slug, category_name = EXCLUDED.category_name,
    category_slugs = EXCLUDED.category_slugs, price_min = EXCLUDED.price_min,
    currency = EXCLUDED.currency, in_stock = EXCLUDED.in_stock, popularity = EXCLUDED.popularity,
    attribute_values = EXCLUDED.attribute_values, rating_average = EXCLUDED.rating_average,
    rating_count = EXCLUDED.rating_count, thumbnail = EXCLUDED.thumbnail,
    created_at = EXCLUDED.created_at, search_vector = EXCLUDED.search_vector,
    indexed_at = EXCLUDED.indexed_at
"""  # noqa: S608  # nosec B608  # only module constants are interpolated; values are bound

# For this transaction only. The documents table and its indexes are small and hot, so random
# reads cost about what sequential ones do: without this the planner seq-scans all 100k rows
# for a word in 10 % of them instead of a GIN bitmap scan (about 3x slower, measured).
# JIT off: broad words (thousands of matches) cross jit_above_cost, and compiling the plan
# costs more than the query itself saves. work_mem: the facet aggregation and the page sort
# of a broad word stay in memory. The trigram threshold is the lexicon's (typo candidates).
_SETTINGS = f"""
SELECT set_config('random_page_cost', '1.1', true),
       set_config('jit', 'off', true),
       set_config('work_mem', '16MB', true),
       set_config('pg_trgm.similarity_threshold', '{lexicon.TRIGRAM_THRESHOLD}', true)
"""

# Ordering of the matched set; every one ends with the primary key, so pages are stable.
_ORDER_BY = {
    "relevance": "named DESC, whole DESC, listed DESC, in_stock DESC, popularity DESC, product_id",
    "price": "price_min ASC NULLS LAST, product_id",
    "-price": "price_min DESC NULLS LAST, product_id",
    "name": "lower(name), product_id",
    "-created_at": "created_at DESC, product_id DESC",
    "-rating": "rating_average DESC NULLS LAST, rating_count DESC, product_id",
}
# Columns the ordering needs besides those ``m`` always carries.
_ORDER_COLUMNS = {
    "name": "d.name, ",
    "-created_at": "d.created_at, ",
    "-rating": "d.rating_average, d.rating_count, ",
}

_SEARCH = """
WITH m AS MATERIALIZED (
    SELECT d.product_id, d.category_slug, d.vendor_slug, d.price_min, d.in_stock, d.popularity, {extra}
           {named} AS named, {whole} AS whole, {listed} AS listed{attribute_columns}
    FROM search_searchdocument d
    WHERE {where}
){filtered}, page AS (
    -- a bounded (top-N) sort; the ids keep their order through the array
    SELECT array_agg(product_id) AS ids
    FROM (SELECT product_id FROM {matched} ORDER BY {order} LIMIT {limit} OFFSET {offset}) s
), facets AS (
    -- the three facets in one pass over the matched set
    SELECT GROUPING(category_slug, vendor_slug, band) AS kind, category_slug, vendor_slug, band, count(*) AS n
    FROM (SELECT category_slug, vendor_slug, width_bucket(price_min, {edges}::numeric[]) AS band FROM {matched}) x
    GROUP BY GROUPING SETS ((category_slug), (vendor_slug), (band))
){attribute_facets}
SELECT
    (SELECT count(*) FROM {matched}),
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
     FROM facets WHERE kind = 6 AND band IS NOT NULL),
    {attribute_answer},
    {term_counts}
"""

# Attribute facets: each filterable key's values with counts, the most common first, then in
# byte order (as Elasticsearch orders terms). A key's own selection is left out of its counts
# (ticking "oak" keeps "steel" countable: values of one key are alternatives).
_ATTRIBUTE_FACETS = """, attrs AS (
    SELECT key, value, n, row_number() OVER (PARTITION BY key ORDER BY n DESC, value COLLATE "C") AS r
    FROM (
        SELECT split_part(a, chr(31), 1) AS key, substr(a, strpos(a, chr(31)) + 1) AS value, count(*) AS n
        FROM m, unnest(m.attribute_values) AS a
        WHERE split_part(a, chr(31), 1) = ANY({keys}::text[]){others}
        GROUP BY 1, 2
    ) x
)"""
_ATTRIBUTE_ANSWER = (
    "(SELECT coalesce(json_agg(json_build_array(key, value, n) ORDER BY key, n DESC, value COLLATE \"C\"), '[]'::json) "
    "FROM attrs WHERE r <= {facet_size})"
)

_SUGGEST = """
SELECT name, slug FROM search_searchdocument
WHERE lower(name) LIKE %s{exclude}
ORDER BY lower(name) LIKE %s DESC, position(%s in ' ' || lower(name)) > 0 DESC, lower(name), product_id
LIMIT %s
"""


class _Params:
    """Named query parameters: ``params(value)`` binds a value and returns its placeholder."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text(*parts: str) -> str:
    return " ".join(words(" ".join(parts)))


def _price(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _lexeme(word: str, *, prefix: bool = False, weights: str = "") -> str:
    # Query words are \\w+ runs (``types.words``): quoting them as lexemes is safe.
    label = ("*" if prefix else "") + weights
    return f"'{word}'" + (f":{label}" if label else "")


def _alternative(alt: Alternative, weights: str = "") -> str:
    if len(alt.words) == 1:
        return _lexeme(alt.words[0], prefix=alt.prefix, weights=weights)
    return "(" + " <-> ".join(_lexeme(w, weights=weights) for w in alt.words) + ")"


def _group(alternatives: tuple[Alternative, ...], weights: str = "") -> str:
    return "(" + " | ".join(_alternative(a, weights) for a in alternatives) + ")"


def _tsquery(params: _Params, text: str) -> str:
    return f"to_tsquery('{TS_CONFIG}', {params(text)})"


def _matches(params: _Params, text: str) -> str:
    return f"(d.search_vector @@ {_tsquery(params, text)})"


def _has_prefix(term: Term) -> bool:
    return any(a.prefix for a in term.alternatives)


def _whole(term: Term) -> tuple[Alternative, ...]:
    """The term's alternatives as whole words: a name with "pen" itself outranks "Pendant"."""
    return tuple(replace(a, prefix=False) for a in term.alternatives if not a.completion)


def _tier(params: _Params, groups: list[str]) -> str:
    """How many of these ``tsquery`` groups the document matches."""
    return " + ".join(f"{_matches(params, g)}::int" for g in groups) if groups else "0"


class PostgresBackend:
    name = "postgres"
    batch_size = 500

    # --- reads -------------------------------------------------------------------------

    def search(
        self, query: str, filters: SearchFilters, ordering: str | None, page: PageRequest, *, exact: bool = False
    ) -> SearchResult:
        rules = current_rules()
        # No savepoint inside a caller's transaction: a read, and a failure fails the caller anyway.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(_SETTINGS)
            understood = understand(
                query,
                rules,
                lambda asked, last: lexicon.lookup(cursor, asked, last=last),
                exact=exact,
                expand_synonyms=True,
                complete_prefix=True,
            )

            def execute(terms: list[Term], count_terms: bool) -> tuple[SearchResult, list[int] | None]:
                return self._execute(cursor, terms, filters, ordering, page, rules, count_terms=count_terms)

            return run(understood, execute, exact=exact)

    def _execute(
        self,
        cursor,
        terms: list[Term],
        filters: SearchFilters,
        ordering: str | None,
        page: PageRequest,
        rules: Rules,
        *,
        count_terms: bool,
    ) -> tuple[SearchResult, list[int] | None]:
        params = _Params()
        groups = [_group(t.alternatives) for t in terms]
        where = self._filters(params, filters)
        if groups:
            where.insert(0, _matches(params, " & ".join(groups)))
        facet_keys = [a.key for a in rules.attributes]
        selected = [(key, values) for key, values in filters.attributes if values]
        attribute_columns = "".join(
            f", (d.attribute_values && {params([f'{key}{SEPARATOR}{v}' for v in values])}::text[]) AS ok_{i}"
            for i, (key, values) in enumerate(selected)
        )
        if facet_keys:
            attribute_columns += ", d.attribute_values"
        # Only generated column names are interpolated below; every value is a bound parameter.
        filtered = (
            ", f AS (SELECT * FROM m WHERE " + " AND ".join(f"ok_{i}" for i in range(len(selected))) + ")"  # noqa: S608  # nosec B608
            if selected
            else ""
        )
        attribute_facets, attribute_answer = "", "'[]'::json"
        if facet_keys:
            others = "".join(
                f" AND (split_part(a, chr(31), 1) = {params(key)} OR m.ok_{i})" for i, (key, _) in enumerate(selected)
            )
            attribute_facets = _ATTRIBUTE_FACETS.format(keys=params(facet_keys), others=others)
            attribute_answer = _ATTRIBUTE_ANSWER.format(facet_size=FACET_SIZE)
        term_counts = "NULL::json"
        if count_terms and len(groups) > 1:
            # Evaluated only when nothing matched (a CASE runs its sub-select lazily): how many
            # products each term matches on its own, under the same filters (for the fallback).
            any_term = self._filters(params, filters, attributes=True)
            any_term.insert(0, _matches(params, " | ".join(groups)))
            counts = ", ".join(f"count(*) FILTER (WHERE {_matches(params, g)})" for g in groups)
            term_counts = (
                f"CASE WHEN NOT EXISTS (SELECT 1 FROM {'f' if selected else 'm'}) THEN "  # noqa: S608  # nosec B608
                f"(SELECT json_build_array({counts}) FROM search_searchdocument d WHERE {' AND '.join(any_term)}) END"
            )
        ordering_key = ordering or ("relevance" if terms else "-created_at")
        sql = _SEARCH.format(
            extra=_ORDER_COLUMNS.get(ordering_key, ""),
            named=_tier(params, [_group(t.alternatives, "A") for t in terms]) if ordering_key == "relevance" else "0",
            whole=_tier(params, [_group(_whole(t), "A") for t in terms if _has_prefix(t)])
            if ordering_key == "relevance"
            else "0",
            listed=_tier(params, [_group(t.alternatives, "AB") for t in terms]) if ordering_key == "relevance" else "0",
            attribute_columns=attribute_columns,
            where=" AND ".join(where) or "true",
            filtered=filtered,
            matched="f" if selected else "m",
            order=_ORDER_BY[ordering_key],
            limit=params(page.size),
            offset=params(page.offset),
            edges=params(list(PRICE_BAND_EDGES)),
            attribute_facets=attribute_facets,
            attribute_answer=attribute_answer,
            term_counts=term_counts,
            facet_size=FACET_SIZE,
        )
        cursor.execute(sql, params.values)
        total, results, categories, vendors, bands, attributes, counts_found = cursor.fetchone()
        for row in results:
            row["price_from"] = _price(row["price_from"])
            row["rating_average"] = _price(row["rating_average"])
        edges = price_bands()
        facets = empty_facets()
        facets.update(
            category=categories,
            vendor=vendors,
            price=[{"min": edges[b][0], "max": edges[b][1], "count": n} for b, n in bands],
            attributes=_attribute_facets(rules, attributes),
        )
        return SearchResult(total=total, results=results, facets=facets), counts_found

    def _filters(self, params: _Params, filters: SearchFilters, *, attributes: bool = False) -> list[str]:
        where: list[str] = []
        if filters.category:
            where.append(f"d.category_slugs @> ARRAY[{params(filters.category)}]::varchar(140)[]")
        if filters.vendor:
            where.append(f"d.vendor_slug = {params(filters.vendor)}")
        if filters.min_price is not None:
            where.append(f"d.price_min >= {params(filters.min_price)}")
        if filters.max_price is not None:
            where.append(f"d.price_min <= {params(filters.max_price)}")
        if filters.in_stock is not None:
            where.append(f"d.in_stock = {params(filters.in_stock)}")
        if filters.min_rating is not None:
            where.append(f"d.rating_average >= {params(filters.min_rating)}")
        if filters.exclude_vendor_ids:
            where.append(f"NOT (d.vendor_id = ANY({params(list(filters.exclude_vendor_ids))}::bigint[]))")
        if filters.exclude_product_ids:
            where.append(f"NOT (d.product_id = ANY({params(list(filters.exclude_product_ids))}::bigint[]))")
        if attributes:
            for key, values in filters.attributes:
                if values:
                    pairs = [f"{key}{SEPARATOR}{v}" for v in values]
                    where.append(f"d.attribute_values && {params(pairs)}::text[]")
        return where

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

    def index(self, product_ids: list[int], *, seen_words: dict[str, int] | None = None) -> int:
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

    def _write(self, docs: list[dict], seen_words: dict[str, int] | None = None) -> None:
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
                "popularity": d["popularity"],
                "attribute_values": d["attribute_values"],
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
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [timezone.now(), json.dumps(rows, cls=DjangoJSONEncoder)])
            lexicon.add(cursor, docs, seen_words)

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
        seen: dict[str, int] = {}
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
            lexicon.prune(cursor, seen)
        return total

    def sync_rules(self) -> None:
        """Nothing to push: this backend reads the rules at query time."""

    def health(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_searchdocument WHERE false")


def _attribute_facets(rules: Rules, rows: list[list[Any]]) -> list[dict[str, Any]]:
    """The attribute facets in staff's order, each with its values (most products first)."""
    values: dict[str, list[dict[str, Any]]] = {}
    for key, value, count in rows:
        values.setdefault(key, []).append({"value": value, "count": count})
    return [{"key": a.key, "name": a.name, "values": values[a.key]} for a in rules.attributes if a.key in values]
