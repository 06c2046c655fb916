from django.db import migrations

# PostgreSQL's "english" configuration drops English stop words from documents and queries, so
# "over" (of "Over-Ear Headphones") or "top" could never be found, and a query made of them
# alone matched nothing. agora_english stems as "english" does and keeps every word; which words
# a query leaves out is staff's stop-word list (agora.search.query).
FORWARD = """
CREATE TEXT SEARCH DICTIONARY agora_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION agora_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION agora_english
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH agora_english_stem;
UPDATE search_searchword
    SET stem = coalesce((tsvector_to_array(to_tsvector('agora_english', word)))[1], word);
-- Documents were written with the old configuration: the worker re-indexes them all.
INSERT INTO search_pendingindex (product_id, queued_at)
    SELECT product_id, now() FROM search_searchdocument
    ON CONFLICT (product_id) DO UPDATE SET queued_at = EXCLUDED.queued_at;
"""
BACKWARD = """
UPDATE search_searchword SET stem = coalesce((tsvector_to_array(to_tsvector('english', word)))[1], word);
DROP TEXT SEARCH CONFIGURATION agora_english;
DROP TEXT SEARCH DICTIONARY agora_english_stem;
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0004_understanding_facets_popularity")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
