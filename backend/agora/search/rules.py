"""What staff configure for search, read by every query: synonyms, stop words and the filterable
attributes (the catalog's attribute definitions).

Loaded in one statement and kept in each process, keyed by a version counter in the cache
(``RULES_KEY``) that every change bumps after commit; a change also moves the index generation,
so no cached answer outlives it. While the cache is unreachable the kept rules are re-read at
most every ``MAX_AGE`` seconds.
"""

import threading
import time
from dataclasses import dataclass, field

from django.db import connection

from agora.catalog.models import AttributeDefinition
from agora.core.cache_versions import bump, current
from agora.search.models import StopWord, Synonym
from agora.search.types import words

RULES_KEY = "search:rules"
MAX_AGE = 60.0

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class FacetAttribute:
    key: str
    name: str


@dataclass(frozen=True)
class Rules:
    stop_words: frozenset[str] = frozenset()
    # A phrase shoppers may type → every phrase it also finds (itself excluded). One-word
    # phrases are 1-tuples; "t-shirt" is ("t", "shirt").
    synonyms: dict[Phrase, tuple[Phrase, ...]] = field(default_factory=dict)
    # The synonym rules in Solr format, as the Elasticsearch synonyms set holds them.
    synonym_rules: tuple[str, ...] = ()
    attributes: tuple[FacetAttribute, ...] = ()

    @property
    def longest_synonym(self) -> int:
        return max((len(p) for p in self.synonyms), default=1)

    @property
    def attribute_names(self) -> dict[str, str]:
        return {a.key: a.name for a in self.attributes}


def phrases(text: str) -> list[Phrase]:
    """Comma-separated words or phrases, split as queries are ("T-Shirt" → ("t", "shirt"))."""
    found = []
    for part in text.split(","):
        phrase = tuple(words(part))
        if phrase and phrase not in found:
            found.append(phrase)
    return found


def build(rows: list[tuple[str, str, str, str]]) -> Rules:
    """Rules from the loader's rows: ("stop", word, "", ""), ("syn", kind, term, synonyms),
    ("attr", key, name, "")."""
    stop: set[str] = set()
    synonyms: dict[Phrase, list[Phrase]] = {}
    rules: list[str] = []
    attributes: list[FacetAttribute] = []

    def also(source: Phrase, targets: list[Phrase]) -> None:
        found = synonyms.setdefault(source, [])
        found += [t for t in targets if t != source and t not in found]

    for kind, a, b, c in rows:
        if kind == "stop":
            stop.update(words(a))
        elif kind == "attr":
            attributes.append(FacetAttribute(key=a, name=b or a))
        elif a == Synonym.Kind.ONE_WAY:
            sources, targets = phrases(b), phrases(c)
            if sources and targets:
                for source in sources:
                    also(source, targets)
                joined = ", ".join(" ".join(p) for p in sources)
                # The typed term keeps finding itself: "tee => tee, t shirt".
                rules.append(f"{joined} => {', '.join(' '.join(p) for p in [*sources, *targets])}")
        else:
            group = phrases(c)
            if len(group) > 1:
                for source in group:
                    also(source, group)
                rules.append(", ".join(" ".join(p) for p in group))
    return Rules(
        stop_words=frozenset(stop),
        synonyms={k: tuple(v) for k, v in synonyms.items() if v},
        synonym_rules=tuple(rules),
        attributes=tuple(attributes),
    )


def load() -> Rules:
    """The rules as stored now (one statement)."""
    stop, synonym, attribute = StopWord._meta.db_table, Synonym._meta.db_table, AttributeDefinition._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT 'stop', word, '', '', 0, 0, '' FROM {stop}
            UNION ALL
            SELECT 'syn', kind, term, synonyms, 0, id, '' FROM {synonym}
            UNION ALL
            SELECT 'attr', key, name, '', position, 0, name FROM {attribute} WHERE filterable
            ORDER BY 1, 5, 7, 2, 6
            """  # noqa: S608  # nosec B608  # only our table names are interpolated
        )
        return build([(kind, a, b, c) for kind, a, b, c, *_ in cursor.fetchall()])


_kept: dict[str, tuple[int, float, Rules]] = {}
_lock = threading.Lock()


def current_rules() -> Rules:
    """The rules of the current version: from this process's copy, else loaded."""
    version = current(RULES_KEY)
    kept = _kept.get("rules")
    if kept is not None and kept[0] == version and time.monotonic() - kept[1] < MAX_AGE:
        return kept[2]
    rules = load()
    with _lock:
        _kept["rules"] = (version, time.monotonic(), rules)
    return rules


def rules_changed() -> None:
    """After a committed change to synonyms, stop words or attribute definitions: every process
    reloads the rules, and cached answers (made under the old rules) are no longer read."""
    from agora.search.cache import index_changed

    bump(RULES_KEY)
    index_changed()
