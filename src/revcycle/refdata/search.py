"""Text search over a code set: clinicians' words in, codes ranked out.

The query is expanded (abbreviations), reduced to its content words and matched against each entry's search text
(description, inclusion and index terms) through the store's FTS5 index, whose Porter stemming makes plurals and
word order irrelevant. Entries that hold every word are preferred; when none does, entries that hold most of them
are taken. Ties favour billable codes and shorter descriptions, the specific code a coder would pick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from revcycle.refdata.abbreviations import ABBREVIATIONS
from revcycle.refdata.reference import in_force
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.store import ReferenceStore

STOPWORDS = frozenset({"a", "an", "and", "of", "the", "in", "on", "to", "for", "by", "due", "as", "or", "is", "pt"})
_WORD = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*|w/o|w/|s/p|n/v")
CANDIDATES = 60


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One code found by a search.

    Attributes:
        key: the entry's key (the code as stored, without a dot).
        code: the code as shown.
        description: its description.
        billable: whether it is a billable code (ICD-10-CM leaf); None where the set has no such notion.
        score: the ranking score, higher first.
    """

    key: str
    code: str
    description: str
    billable: bool | None
    score: float


def query_words(text: str) -> list[str]:
    """The content words of a query, abbreviations expanded, stopwords dropped, in order, without repeats."""
    tokens = _WORD.findall(text.lower())
    expanded: list[str] = []
    index = 0
    while index < len(tokens):
        pair = " ".join(tokens[index : index + 2])
        if len(tokens) > index + 1 and pair in ABBREVIATIONS:
            expanded += ABBREVIATIONS[pair].split()
            index += 2
            continue
        expanded += ABBREVIATIONS.get(tokens[index], tokens[index]).split()
        index += 1
    words: list[str] = []
    for word in expanded:
        for part in re.split(r"[-/]", word):
            if part and part not in STOPWORDS and part not in words:
                words.append(part)
    return words


# Words that add nothing a clinician would say: the default ("unspecified") and placeholder words of the tabular.
NEUTRAL = frozenset({"unspecified", "other", "nos", "site", "organism", "ear", "part", "type", "specified", "with"})
_PARENTHESES = re.compile(r"\([^)]*\)")


def _stem(word: str) -> str:
    """A light stem: plurals and possessives folded, so "fractures" meets "fracture"."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("es") and not word.endswith("ses"):
        return word[:-2] if word[-3] in "sxz" else word[:-1]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _fit(phrase: str, wanted: set[str]) -> float:
    """The share of a phrase's own words (nonessential modifiers in parentheses aside) that the query asked for."""
    words = {_stem(word) for word in _WORD.findall(_PARENTHESES.sub(" ", phrase.lower()))} - NEUTRAL - STOPWORDS
    if not words:
        return 0.0
    matched = {word for word in words if word in wanted or any(word.startswith(w) for w in wanted if len(w) >= 4)}
    return len(matched) / len(words)


def _match(words: list[str], joiner: str, *, prefixes: bool) -> str:
    # With prefixes, longer words also match as the start of a word, so a clinician's clipped word ("exac",
    # "hyperlipid") still finds it; they cost more, so they are the second attempt.
    return f" {joiner} ".join(
        f'"{word}"*' if prefixes and len(word) >= 4 and word.isalpha() else f'"{word}"' for word in words
    )


def _candidates(store: ReferenceStore, release: ReleaseInfo, words: list[str], limit: int) -> list[tuple[str, float]]:
    """Entries with every word (whole words, then prefixes), else with some of them, ranked below."""
    found = store.search(release, _match(words, "AND", prefixes=False), CANDIDATES)
    if len(found) < limit:
        seen = {key for key, _ in found}
        found += [
            (key, score)
            for key, score in store.search(release, _match(words, "AND", prefixes=True), CANDIDATES)
            if key not in seen
        ]
    if len(found) < limit:
        seen = {key for key, _ in found}
        found += [
            (key, score - 1000)
            for key, score in store.search(release, _match(words, "OR", prefixes=True), CANDIDATES)
            if key not in seen
        ]
    return found


def search(store: ReferenceStore, code_set: str, text: str, day: date, limit: int = 10) -> list[SearchHit]:
    """The entries of ``code_set`` in force on ``day`` that best match ``text``, best first."""
    words = query_words(text)
    if not words:
        return []
    release = in_force(store, code_set, day).release
    # Words that say nothing (with, other, unspecified) still shape the ranking but would only slow the match.
    found = _candidates(store, release, [word for word in words if word not in NEUTRAL] or words, limit)
    wanted = {_stem(word) for word in words}
    hits = []
    for key, score in found:
        data = store.entry(release, key) or {}
        description = str(data.get("description") or "")
        billable = data.get("billable")
        terms = [*(data.get("inclusion_terms") or ()), *(data.get("includes") or ())]
        phrases = [description, *(str(term) for term in terms)]
        fit = max(_fit(phrase, wanted) for phrase in phrases)
        # What the entry says beyond the query counts most: "Headache, unspecified" fits "headache" better than
        # "Headache associated with sexual activity"; then relevance, then a billable code over its category.
        ranked = 10.0 * fit + min(score, 20.0) / 4.0 + (2.0 if billable else 0.0)
        hits.append(SearchHit(key, str(data.get("code") or key), description, billable, ranked))
    hits.sort(key=lambda hit: (-hit.score, hit.key))
    return hits[:limit]
