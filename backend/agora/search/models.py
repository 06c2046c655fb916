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
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    rating_count = models.PositiveIntegerField(default=0)
    thumbnail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    search_vector = SearchVectorField()
    indexed_at = models.DateTimeField()

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="search_doc_vector"),
            GinIndex(fields=["category_slugs"], name="search_doc_categories"),
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
    """Every distinct word of the indexed text: the lexicon that typo correction searches.

    A query word of 4+ letters that is not in it is replaced by the words one edit away
    (trigram GIN to find candidates, ``levenshtein`` to keep one edit). Small next to the
    documents (tens of thousands of rows for 100k products), so candidates are found in
    about a millisecond. Words are only added; ``rebuild()`` starts it afresh.
    """

    word = models.CharField(max_length=40, primary_key=True)

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trgm")]

    def __str__(self) -> str:
        return self.word
