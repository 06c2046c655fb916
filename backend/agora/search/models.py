from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower


class PendingIndex(models.Model):
    """A product whose search document must be (re)built or removed: the indexing outbox.

    Rows are written in the same transaction as the change that caused them, so nothing is
    lost if the broker is down or a task dies; the indexing task deletes the rows it handled
    and a beat reconciler handles any left behind.
    """

    product_id = models.BigIntegerField(primary_key=True)
    queued_at = models.DateTimeField(auto_now=True, db_index=True)
    # Only the product's rank moved (units sold): indexing it leaves cached answers alone. Any
    # other change queued for the same product clears it (agora.search.indexing).
    ranking_only = models.BooleanField(default=False, db_default=False)

    def __str__(self) -> str:
        return f"product {self.product_id}"


class IndexedProduct(models.Model):
    """The ledger of what the configured backend holds: one row per indexed product, whatever the backend.

    Written by the indexing pipeline in the transaction that drains the outbox. The reconciler
    compares it with the catalog (visibility, ``updated_at``) to catch documents that drifted
    without anyone calling ``products_changed``.
    """

    product_id = models.BigIntegerField(primary_key=True)
    indexed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"product {self.product_id} indexed at {self.indexed_at:%Y-%m-%d %H:%M:%S}"


class SearchDocument(models.Model):
    """The PostgreSQL backend's search document: self-contained, so a search needs no joins.

    Holds the public summary (what the API returns), the filter and facet columns, and a
    weighted ``tsvector`` (name and SKUs A, vendor/category/attributes B, description C) built
    by the indexing pipeline, never per query. Only public products have a document.
    """

    product_id = models.BigIntegerField(primary_key=True)
    slug = models.CharField(max_length=240)
    name = models.CharField(max_length=200)
    vendor_id = models.BigIntegerField()
    vendor_slug = models.CharField(max_length=140)
    vendor_name = models.CharField(max_length=120)
    category_slug = models.CharField(max_length=140)
    category_name = models.CharField(max_length=120)
    # The product's category and every ancestor: "category X including descendants" is one
    # GIN containment test, identical to the Elasticsearch backend's terms filter.
    category_slugs = ArrayField(models.CharField(max_length=140), default=list)
    price_min = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = models.CharField(max_length=3)
    in_stock = models.BooleanField()
    # Units sold in the last 30 days (the catalog's ``units_sold_30d``): ranks after text and stock.
    popularity = models.IntegerField(default=0, db_default=0)
    # Every attribute of the product as "key\x1fvalue" (``agora.catalog.attributes``): the
    # attribute filters are array overlaps (GIN), the facets count them.
    attribute_values = ArrayField(models.TextField(), default=list, db_default=[])
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    rating_count = models.PositiveIntegerField(default=0, db_default=0)
    thumbnail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    search_vector = SearchVectorField()
    indexed_at = models.DateTimeField()

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="search_doc_vector"),
            GinIndex(fields=["category_slugs"], name="search_doc_categories"),
            GinIndex(fields=["attribute_values"], name="search_doc_attributes"),
            GinIndex(OpClass(Lower("name"), name="gin_trgm_ops"), name="search_doc_name_trgm"),
            models.Index(OpClass(Lower("name"), name="text_pattern_ops"), name="search_doc_name_prefix"),
            models.Index(fields=["vendor_slug"], name="search_doc_vendor"),
            models.Index(fields=["category_slug"], name="search_doc_category"),
            models.Index(fields=["price_min", "product_id"], name="search_doc_price"),
            models.Index(fields=["-created_at", "-product_id"], name="search_doc_new"),
            models.Index(
                F("rating_average").desc(nulls_last=True),
                F("rating_count").desc(),
                F("product_id"),
                name="search_doc_rating",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SearchWord(models.Model):
    """Every distinct word of the indexed text: the lexicon that query understanding reads,
    whatever the backend (``agora.search.query``).

    A query word it does not know (neither the word nor its English stem, nor, for the last
    word, as the start of a word) is corrected to the closest word within the typo budget of
    its length (trigram GIN and ``levenshtein`` find candidates, the Damerau distance is then
    checked). A word it does not know and cannot correct matches nothing, so it is left out
    of the query. Small next to the documents (tens of thousands of rows for 100k products).
    Words are only added; ``search_rebuild`` prunes the ones no document uses any more.
    """

    class Field(models.IntegerChoices):
        DESCRIPTION = 1
        DETAILS = 2  # vendor, category or attribute
        NAME = 3  # product name or SKU

    word = models.CharField(max_length=40, primary_key=True)
    # Its English stem (``to_tsvector('agora_english', word)``): "lamps" is known when "lamp" is.
    stem = models.CharField(max_length=40, blank=True, default="", db_default="")
    # The most prominent field the word appears in: between two equally close corrections, a
    # word of product names wins over one of descriptions.
    field = models.PositiveSmallIntegerField(
        choices=Field.choices, default=Field.DESCRIPTION, db_default=Field.DESCRIPTION
    )

    class Meta:
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trgm"),
            models.Index(OpClass("word", name="varchar_pattern_ops"), name="search_word_prefix"),
            models.Index(fields=["stem"], name="search_word_stem"),
        ]

    def __str__(self) -> str:
        return self.word


class Synonym(models.Model):
    """Words shoppers use for the same thing, managed by staff in the admin.

    *Equivalent*: every term finds the others ("sofa, couch, settee"). *One way*: typing the
    ``term`` also finds the ``synonyms`` ("tee" also finds "t-shirt"), not the other way round.
    A term may be several words ("t-shirt" is the phrase "t shirt"). Applied at query time by
    the PostgreSQL backend; synced to an Elasticsearch synonyms set its search analyzers use.
    """

    class Kind(models.TextChoices):
        EQUIVALENT = "equivalent", "equivalent (every term finds the others)"
        ONE_WAY = "one_way", "one way (the term also finds the synonyms)"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.EQUIVALENT)
    term = models.CharField(max_length=100, blank=True, help_text='One way only: what shoppers type ("tee").')
    synonyms = models.CharField(
        max_length=500,
        help_text='Comma-separated words or phrases ("sofa, couch"; one way: "t-shirt").',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term", "synonyms"]

    def __str__(self) -> str:
        return f"{self.term} → {self.synonyms}" if self.kind == self.Kind.ONE_WAY else self.synonyms


class StopWord(models.Model):
    """A word left out of every query ("the", "for", "with"), managed by staff in the admin.

    A query made only of stop words is searched as typed.
    """

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class SearchQueryStat(models.Model):
    """How often shoppers searched for words that found nothing or little, per day: a sample,
    with no personal data (no user, address, session or time of day; queries that look like an
    email address or a long number are not recorded). Staff read it to add synonyms.

    Recorded by the search API (``SEARCH_QUERY_LOG_SAMPLE_RATE`` of those searches) into a Redis
    buffer that a beat task flushes here; rows older than ``SEARCH_QUERY_LOG_DAYS`` are deleted.
    """

    class Kind(models.TextChoices):
        ZERO = "zero", "no results"
        PARTIAL = "partial", "some words left out"
        LOW = "low", "few results"

    day = models.DateField()
    query = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Sampled searches (multiply by 1 / SEARCH_QUERY_LOG_SAMPLE_RATE for an estimate of all).
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-count", "query"]
        constraints = [models.UniqueConstraint(fields=["day", "query", "kind"], name="search_query_stat_unique")]
        indexes = [models.Index(fields=["kind", "day"], name="search_query_stat_kind_day")]

    def __str__(self) -> str:
        return f"{self.query} ({self.kind}, {self.day})"
