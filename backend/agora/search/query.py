"""Query understanding and the partial-match fallback, shared by both backends.

``understand`` turns what the shopper typed into terms, each with the alternatives a product may
match it by:

1. Words are split as documents are (``types.words``), repeated words once, at most ``MAX_TERMS``.
2. Stop words (staff's list) are left out, unless the query has nothing else.
3. Words forming a synonym phrase are one term ("t shirt"); a term also finds its synonyms (the
   PostgreSQL backend expands them here; Elasticsearch's search analyzers do it themselves).
4. The last word also matches as the start of a longer word ("desk la" finds desk lamps); for
   a backend matching stems (PostgreSQL), the lexicon's words it starts whose stem its own stem
   does not start ("dotte" → "dotted", stem "dot") are added as alternatives.
5. A word the lexicon does not know (not the word, not its stem, not — for the last word — the
   start of a word) is corrected to the closest lexicon word within its typo budget (none below
   4 letters, one edit from 4, two from 8; a transposition is one edit; never words with
   digits). The correction is reported, and ``exact`` turns corrections off.
6. A word the lexicon does not know and cannot correct matches nothing: it is left out up
   front and reported (unless every word is such a word: then nothing matches).

``run`` asks the backend for the answer and, when all the terms together match nothing, falls
back to the best partial match: terms no product matches under the filters are left out first,
then, while there is still nothing, the term most products match (the least informative); each
left-out word is reported. ``exact`` turns that off too.

Corrections only ever replace words that match nothing as typed, so products matching the
words as typed are never mixed with (let alone outranked by) products found through a
correction: a known word is searched as it is.

Relevance ordering, on both backends: more terms found in the name or a SKU first, then more
of the last word's terms found there as a whole word rather than as the start of a longer one
("pen" puts Fountain Pen before Pendant Lamp), then more found outside the description
(vendor, category, attributes), then in stock before out of stock, then popularity (units sold
in the last 30 days), then the product id.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from agora.search import lexicon
from agora.search.rules import Phrase, Rules
from agora.search.types import Correction, SearchResult, tokenize


@dataclass(frozen=True)
class Alternative:
    """One way a product may match a term: a word (or a phrase), the last word also as a prefix."""

    words: Phrase
    prefix: bool = False
    # A word the last word completes to, from the lexicon (not a whole-word match of it)
    completion: bool = False


@dataclass(frozen=True)
class Term:
    typed: Phrase  # the words as typed (several for a synonym phrase)
    alternatives: tuple[Alternative, ...]
    correction: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.typed)


@dataclass
class Understood:
    tokens: list[str]  # every word typed, in order
    terms: list[Term]
    dropped: list[str] = field(default_factory=list)  # left out up front: unknown and uncorrectable
    hopeless: bool = False  # every word is unknown and uncorrectable: nothing can match


# The backend's part: the answer for these terms (all must match) and, when asked and the
# answer is empty, how many products each term matches on its own under the filters.
Execute = Callable[[list[Term], bool], tuple[SearchResult, list[int] | None]]
Lookup = Callable[[list[str], str | None], dict[str, lexicon.WordInfo] | None]


def _group(words: list[str], rules: Rules) -> list[Phrase]:
    """Words grouped into terms: the longest synonym phrase starting at each word, else the word."""
    groups: list[Phrase] = []
    i = 0
    longest = rules.longest_synonym
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            phrase = tuple(words[i : i + size])
            if phrase in rules.synonyms:
                groups.append(phrase)
                i += size
                break
        else:
            groups.append((words[i],))
            i += 1
    return groups


def understand(
    text: str, rules: Rules, lookup: Lookup, *, exact: bool, expand_synonyms: bool, complete_prefix: bool = False
) -> Understood:
    tokens = list(dict.fromkeys(tokenize(text)))
    if not tokens:
        return Understood(tokens=[], terms=[])
    words = [w for w in tokens if w not in rules.stop_words] or tokens
    last = tokens[-1] if tokens[-1] in words else None  # a trailing stop word: the word before it is complete
    groups = _group(words, rules)
    singles = [g[0] for g in groups if len(g) == 1 and g not in rules.synonyms]
    info = lookup(singles, last) if singles else {}
    terms: list[Term] = []
    dropped: list[str] = []
    for group in groups:
        prefix = len(group) == 1 and group[0] == last
        alternatives = [Alternative(words=group, prefix=prefix)]
        if expand_synonyms:
            alternatives += [Alternative(words=p) for p in rules.synonyms.get(group, ())]
        correction = None
        word = info.get(group[0]) if info is not None and len(group) == 1 and group not in rules.synonyms else None
        if prefix and complete_prefix and word is not None:
            # A stemmed prefix misses some words it starts ("dotte" and "dotted"): name them.
            alternatives += [Alternative(words=(w,), completion=True) for w in word.completions]
        if word is not None and not word.known and not (prefix and word.prefix):
            if word.correction is not None and not exact:
                # The word as typed matches nothing (not even as a prefix): the correction replaces it.
                correction = word.correction
                alternatives = [Alternative(words=(correction,))]
                if expand_synonyms:
                    alternatives += [Alternative(words=p) for p in rules.synonyms.get((correction,), ())]
            elif len(alternatives) == 1 and not exact:
                dropped.append(group[0])
                continue
        terms.append(Term(typed=group, alternatives=tuple(alternatives), correction=correction))
    if not terms:
        return Understood(tokens=tokens, terms=[], hopeless=True)
    return Understood(tokens=tokens, terms=terms, dropped=dropped)


def run(understood: Understood, execute: Execute, *, exact: bool) -> SearchResult:
    """The answer, falling back to the best partial match when all the terms match nothing."""
    terms = list(understood.terms)
    dropped = list(understood.dropped)
    if understood.hopeless:
        return SearchResult(total=0, results=[])
    result, counts = execute(terms, not exact and len(terms) > 1)
    while result.total == 0 and counts is not None and len(terms) > 1:
        if not any(counts):
            break  # no term matches anything on its own: leaving words out cannot help
        if 0 in counts:
            leave = {i for i, n in enumerate(counts) if n == 0}
        else:
            # The term most products match tells the least about what was wanted; on a tie, the later one.
            most = max(counts)
            leave = {max(i for i, n in enumerate(counts) if n == most)}
        dropped += [t.text for i, t in enumerate(terms) if i in leave]
        terms = [t for i, t in enumerate(terms) if i not in leave]
        counts = [n for i, n in enumerate(counts) if i not in leave]
        result, _ = execute(terms, False)
    return explain(result, understood, terms, dropped)


def explain(result: SearchResult, understood: Understood, terms: list[Term], dropped: list[str]) -> SearchResult:
    """Fills in how the query was understood: corrections, the corrected query, left-out words."""
    corrections: dict[str, str] = {t.text: t.correction for t in terms if t.correction is not None}
    left_out = {w for phrase in dropped for w in phrase.split()}
    result.corrections = [Correction(word=w, correction=corrections[w]) for w in understood.tokens if w in corrections]
    result.corrected_query = (
        " ".join(corrections.get(w, w) for w in understood.tokens if w not in left_out) if corrections else None
    )
    result.dropped_words = [w for w in understood.tokens if w in left_out]
    return result
