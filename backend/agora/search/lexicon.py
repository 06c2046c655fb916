"""The lexicon (``SearchWord``): every word of the indexed text, with its English stem and the
most prominent field it appears in. Both backends write it when they index and read it to
understand a query (``agora.search.query``), so typo corrections are the same on both.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from agora.search.models import SearchWord
from agora.search.types import typo_budget, words

WORD_MIN, WORD_MAX = 3, 40
# Candidates per query word the database proposes; the Damerau check then keeps the close ones.
CANDIDATES = 20
# Words the last word may complete to that a stemmed prefix would miss, at most (per query).
COMPLETIONS = 10
# Trigram similarity of a word and itself with two letters substituted, for 8-letter words (the
# shortest allowed two edits): 3 trigrams of 9 left, 3 / (9 + 9 - 3) = 0.2. One substitution in
# a 4-letter word leaves 2 of 5: 2 / 8 = 0.25. Transpositions break short words' trigrams, so
# each query word's transposed spellings are also looked up directly.
TRIGRAM_THRESHOLD = 0.2
SETTINGS = f"SELECT set_config('pg_trgm.similarity_threshold', '{TRIGRAM_THRESHOLD}', true)"

_LOOKUP = """
SELECT q.w, k.known, k.prefix, c.word, c.field, c.sim, (SELECT EXISTS (SELECT 1 FROM search_searchword)),
       CASE WHEN q.is_last AND k.prefix THEN ARRAY(
           -- words starting with the last word whose stem does not start with its stem: a
           -- stemmed prefix misses them ("dotte" stems to "dott", "dotted" to "dot")
           SELECT e.word FROM search_searchword e
           WHERE e.word LIKE q.w || '%%' AND e.word <> q.w
             AND e.stem NOT LIKE coalesce((tsvector_to_array(to_tsvector('agora_english', q.w)))[1], q.w) || '%%'
           ORDER BY e.field DESC, length(e.word), e.word LIMIT %s) END
FROM unnest(%s::text[], %s::int[], %s::bool[]) AS q(w, budget, is_last)
CROSS JOIN LATERAL (
    SELECT EXISTS (SELECT 1 FROM search_searchword e WHERE e.word = q.w)
           OR EXISTS (SELECT 1 FROM search_searchword e
                      WHERE e.stem = coalesce((tsvector_to_array(to_tsvector('agora_english', q.w)))[1], q.w)) AS known,
           q.is_last AND EXISTS (SELECT 1 FROM search_searchword e WHERE e.word LIKE q.w || '%%') AS prefix
) k
LEFT JOIN LATERAL (
    (SELECT s.word, s.field, similarity(s.word, q.w) AS sim
     FROM search_searchword s
     WHERE q.budget > 0 AND NOT k.known AND NOT k.prefix
       AND s.word %% q.w AND levenshtein_less_equal(s.word, q.w, 2 * q.budget) <= 2 * q.budget
     ORDER BY levenshtein_less_equal(s.word, q.w, 2 * q.budget), similarity(s.word, q.w) DESC, s.word
     LIMIT %s)
    UNION
    (SELECT s.word, s.field, similarity(s.word, q.w) AS sim
     FROM search_searchword s
     WHERE q.budget > 0 AND NOT k.known AND NOT k.prefix
       AND s.word = ANY (ARRAY(SELECT t.v FROM unnest(%s::text[], %s::text[]) AS t(w, v) WHERE t.w = q.w)))
) c ON true
"""

_ADD = """
INSERT INTO search_searchword (word, stem, field)
SELECT t.w, coalesce((tsvector_to_array(to_tsvector('agora_english', t.w)))[1], t.w), t.f
FROM unnest(%s::varchar(40)[], %s::smallint[]) AS t(w, f)
ON CONFLICT (word) DO UPDATE SET field = EXCLUDED.field WHERE search_searchword.field < EXCLUDED.field
"""


@dataclass(frozen=True)
class WordInfo:
    known: bool  # the word, or its stem, is in the lexicon
    prefix: bool  # (the last word) some word starts with it
    correction: str | None  # the closest word within its typo budget, when it is not known
    # (the last word) words it starts that its stemmed prefix would not find
    completions: tuple[str, ...] = ()


def judged(word: str) -> bool:
    """Words the lexicon can vouch for: it holds every word of letters of 3 to 40 of them."""
    return word.isalpha() and WORD_MIN <= len(word) <= WORD_MAX


def damerau(a: str, b: str) -> int:
    """Edit distance counting a transposition of neighbours as one edit (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[len(b)]


def transpositions(word: str) -> list[str]:
    return sorted({word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} - {word})


def lookup(cursor, query_words: Iterable[str], *, last: str | None) -> dict[str, WordInfo] | None:
    """What the lexicon says of each word (one statement); None when the lexicon is empty (a
    fresh index): then every word counts as known."""
    asked = sorted({w for w in query_words if judged(w)})
    if not asked:
        return {}
    budgets = [typo_budget(w) for w in asked]
    pairs = [(w, t) for w, b in zip(asked, budgets, strict=True) if b for t in transpositions(w)]
    cursor.execute(
        _LOOKUP,
        [
            COMPLETIONS,
            asked,
            budgets,
            [w == last for w in asked],
            CANDIDATES,
            [w for w, _ in pairs],
            [t for _, t in pairs],
        ],
    )
    rows = cursor.fetchall()
    if rows and not rows[0][6]:
        return None
    seen: dict[str, tuple[bool, bool]] = {}
    completions: dict[str, tuple[str, ...]] = {}
    candidates: dict[str, list[tuple[int, bool, int, float, str]]] = {}
    for word, known, prefix, candidate, field, sim, _, completing in rows:
        seen[word] = (known, prefix)
        completions[word] = tuple(completing or ())
        if candidate is not None:
            distance = damerau(word, candidate)
            if distance <= typo_budget(word):
                # Closest first; then one keeping the first letter (slips rarely hit it: "doak"
                # is "dock" rather than "oak"), the word of the most prominent field (names
                # before descriptions), the most similar spelling, alphabetical for a stable pick.
                key = (distance, candidate[:1] != word[:1], -field, -float(sim), candidate)
                candidates.setdefault(word, []).append(key)
    return {
        word: WordInfo(
            known=known,
            prefix=prefix,
            correction=min(candidates[word])[4] if word in candidates else None,
            completions=completions[word],
        )
        for word, (known, prefix) in seen.items()
    }


def _fields(doc: dict) -> list[tuple[int, str]]:
    return [
        (SearchWord.Field.NAME, " ".join([doc["name"], *doc["skus"]])),
        (SearchWord.Field.DETAILS, " ".join([doc["vendor"]["name"], *doc["category_names"], doc["attributes_text"]])),
        (SearchWord.Field.DESCRIPTION, doc["description"]),
    ]


def document_words(docs: Iterable[dict]) -> dict[str, int]:
    """Every lexicon word of these documents with the most prominent field it appears in.

    Only words of letters: typo correction never proposes SKUs or sizes, and leaving them out
    keeps the lexicon the size of the vocabulary, not of the catalog."""
    found: dict[str, int] = {}
    for doc in docs:
        for field, text in _fields(doc):
            for word in words(text):
                if judged(word) and found.get(word, 0) < field:
                    found[word] = int(field)
    return found


def add(cursor, docs: Iterable[dict], seen: dict[str, int] | None = None) -> None:
    """Adds the documents' words (and raises a word's field when it now appears in a more
    prominent one); ``seen`` collects them for ``prune``."""
    found = document_words(docs)
    if seen is not None:
        for word, field in found.items():
            seen[word] = max(seen.get(word, 0), field)
    if found:
        ordered = sorted(found)
        cursor.execute(_ADD, [ordered, [found[w] for w in ordered]])


def prune(cursor, seen: dict[str, int]) -> None:
    """After a full rebuild: drops words no document uses any more and sets each word's field to
    the one the rebuild saw (a word whose product names changed may have moved down)."""
    cursor.execute("CREATE TEMP TABLE search_seen_words (word varchar(40) PRIMARY KEY, field smallint) ON COMMIT DROP")
    ordered = sorted(seen)
    cursor.execute(
        "INSERT INTO search_seen_words SELECT * FROM unnest(%s::varchar(40)[], %s::smallint[])",
        [ordered, [seen[w] for w in ordered]],
    )
    cursor.execute(
        "DELETE FROM search_searchword w WHERE NOT EXISTS (SELECT 1 FROM search_seen_words s WHERE s.word = w.word)"
    )
    cursor.execute(
        "UPDATE search_searchword w SET field = s.field FROM search_seen_words s "
        "WHERE s.word = w.word AND w.field <> s.field"
    )
