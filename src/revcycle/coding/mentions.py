"""Finding the conditions a note mentions: the lexicon's terms matched sentence by sentence.

A term matches a sentence when all its content words are there, close together (a window that grows with the
term's length), in any order: "kidney disease, chronic, stage 3b" and "CKD 3b" both say N18.32. Where one match's
words include another's at the same place, the longer one is what the clinician said ("acute exacerbation of
COPD" is J44.1, not also J44.9), except that a combination title ("X with Y") keeps the separate condition Y, which
the guidelines may need coded beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from revcycle.coding.document import Note, Section, Sentence, Token
from revcycle.coding.lexicon import SOURCE_RANK, Lexicon, Term
from revcycle.coding.result import Evidence
from revcycle.coding.words import SOFT_STOPWORDS, STOPWORDS, content_words, split_words

_OTHER_PENALTY = ("other", "specified")


@dataclass(frozen=True, slots=True)
class Mention:
    """A condition the note mentions.

    Attributes:
        key: the code its best term leads to (without dot; maybe a category, made specific later).
        term: the term that matched.
        alternatives: other codes terms with the same words lead to.
        words: the content words matched.
        tokens: the note words that matched, in order.
        sentence: the sentence it is in.
        evidence: the matched words as spans of the note (adjacent words joined).
    """

    key: str
    term: Term
    alternatives: tuple[str, ...]
    words: frozenset[str]
    tokens: tuple[Token, ...]
    sentence: Sentence
    evidence: tuple[Evidence, ...]

    @property
    def start(self) -> int:
        """Where the mention starts in the note."""
        return self.tokens[0].start

    @property
    def end(self) -> int:
        """Where it ends."""
        return self.tokens[-1].end

    @property
    def section(self) -> Section:
        """The section it is in."""
        return self.sentence.section


@dataclass(slots=True)
class SentenceWords:
    """A sentence's words as the matcher sees them.

    Attributes:
        words: (token index, word) pairs, abbreviations expanded in place.
        bound: per abbreviation with a number in it, the words it expanded to: a term may use them only all
            together, so that the "2" of "DM2" says type 2 diabetes and nothing else ("CKD stage 2", "MI type 2").
        fillers: tokens made only of stopwords ("of", "disease", "stage"), skipped when judging adjacency.
        denied: tokens of a "without ..." phrase, which cannot make a term true ("laceration without foreign
            body" says no foreign body).
    """

    words: list[tuple[int, str]]
    bound: dict[int, frozenset[str]]
    fillers: set[int]
    denied: set[int]

    def positions(self) -> dict[str, list[int]]:
        """Where each word stands, denied tokens left out."""
        found: dict[str, list[int]] = {}
        for index, word in self.words:
            if index not in self.denied:
                found.setdefault(word, []).append(index)
        return found

    def gap(self, first: int, last: int) -> int:
        """How many words that are not fillers stand between two tokens."""
        low, high = min(first, last), max(first, last)
        return sum(1 for index in range(low + 1, high) if index not in self.fillers)


_WITHOUT_WORDS = frozenset({"without", "w/o", "wo"})
_WITHOUT_REACH = 3
_CLAUSE_BREAK = frozenset({"with", "and", "but", "or", "right", "left", "r", "l", "bilateral", "initial"})
_NON_WORDS = frozenset({"nonunion", "none", "non", "nonspecific", "nontoxic", "nonalcoholic", "noninfective"})
_LIST_NUMBER = re.compile(r"\d{1,2}|#\d{1,2}|[a-h]")


def sentence_words(lexicon: Lexicon, tokens: list[Token]) -> SentenceWords:
    """The matching words of a sentence (see `SentenceWords`)."""
    found: list[tuple[int, str]] = []
    bound: dict[int, frozenset[str]] = {}
    fillers: set[int] = set()
    denied: set[int] = set()
    reach = 0
    for index, token in enumerate(tokens):
        if index == 0 and len(tokens) > 1 and _LIST_NUMBER.fullmatch(token.lower):
            # The number of a list item ("2. Chronic kidney disease") is not part of what the item says.
            denied.add(index)
            continue
        if reach and token.lower not in _CLAUSE_BREAK:
            denied.add(index)
            reach -= 1
        else:
            reach = 0
        if token.lower in _WITHOUT_WORDS:
            reach = _WITHOUT_REACH
        expanded = lexicon.case_sensitive.get(token.text) or lexicon.abbreviations.get(token.lower)
        if expanded is None and token.lower == "w" and index + 1 < len(tokens) and tokens[index + 1].text == "/":
            expanded = ("with",)
        if expanded is not None:
            found += [(index, word) for word in expanded]
            if any(word[0].isdigit() for word in expanded):
                bound[index] = frozenset(
                    word for word in expanded if word not in STOPWORDS and word not in SOFT_STOPWORDS
                )
            continue
        if (token.lower.startswith(("non-", "non")) and token.lower not in _NON_WORDS) or token.lower.endswith("-free"):
            # "non-smoker", "pain-free": the word denies what it contains.
            denied.add(index)
        parts = split_words(token.lower)
        found += [(index, part) for part in parts]
        if all(part in STOPWORDS or part in SOFT_STOPWORDS for part in parts):
            fillers.add(index)
    return SentenceWords(found, bound, fillers, denied)


def words_of(lexicon: Lexicon, note: Note, sentence: Sentence) -> SentenceWords:
    """A sentence's matching words, worked out once per note (the matcher and the walk down the tabular read them)."""
    return note.memo(
        ("sentence-words", id(lexicon), sentence.start), lambda: sentence_words(lexicon, note.words(sentence))
    )


def _window(size: int) -> int:
    return 2 * size + 3


def _placement(term: Term, sentence: SentenceWords, positions: dict[str, list[int]], anchor: int) -> list[int] | None:
    """The token indexes nearest ``anchor`` holding each of the term's words, if they fit together.

    In the term's order, the words may spread over a window that grows with the term; in another order they
    must stand together, fillers aside ("kidney disease, chronic" says chronic kidney disease, "fibrillation
    with rapid ventricular response" does not say ventricular fibrillation). A number ("2", "3b") must stand
    next to another of the term's words: the "2" of "type 2" is not CKD's stage.
    """
    chosen = [min(positions[word], key=lambda position: abs(position - anchor)) for word in term.words]
    low, high = min(chosen), max(chosen)
    if high - low > _window(len(term.words)):
        return None
    in_order = all(first <= second for first, second in pairwise(chosen))
    spread = sentence.gap(low, high) + 1 if high > low else 0
    if not in_order and spread > len(set(chosen)) - 1:
        return None
    words = set(term.words)
    for index in set(chosen):
        if index in sentence.bound and not sentence.bound[index] <= words:
            return None
    placed = list(zip(term.words, chosen, strict=True))
    for word, index in placed:
        if (
            word[0].isdigit()
            and len(placed) > 1
            and not any(other != word and (at == index or sentence.gap(at, index) == 0) for other, at in placed)
        ):
            return None
    return chosen


@dataclass(slots=True)
class _Match:
    term_ids: list[int]
    words: frozenset[str]
    tokens: tuple[int, ...]


def _rank(lexicon: Lexicon, term: Term) -> tuple[int, int, int, int, str]:
    info = lexicon.code_of(term.key)
    description = info.description.lower() if info else ""
    return (
        0 if info is not None and (info.billable or info.requires_seventh) else 1,
        SOURCE_RANK[term.source],
        1 if any(word in description.split() for word in _OTHER_PENALTY) else 0,
        len(term.key),
        term.key,
    )


def _main_words(term: Term) -> frozenset[str]:
    """The words of a combination title before its "with": the condition it is about."""
    head = term.text.lower().split(" with ", 1)[0]
    return frozenset(content_words(head))


def _core(words: frozenset[str]) -> frozenset[str]:
    return words - SOFT_STOPWORDS


def _subsumed(small: _Match, large: _Match, terms: list[Term]) -> bool:
    # Compared without the soft stopwords a short term keeps: "chronic kidney disease" is inside "chronic kidney
    # disease stage 3b" although the longer term does not require "disease".
    inside = _core(small.words) < _core(large.words) or (
        _core(small.words) == _core(large.words) and small.words < large.words
    )
    if not inside or not set(small.tokens) & set(large.tokens):
        return False
    large_term = terms[large.term_ids[0]]
    small_term = terms[small.term_ids[0]]
    # A combination title keeps the separate condition it names after "with" (E11.22 keeps N18.32), not a
    # sibling of its own category (E11.22 does not keep E11.21).
    return not (
        " with " in large_term.text.lower()
        and small_term.key[:3] != large_term.key[:3]
        and not _core(small.words) <= _main_words(large_term)
    )


def _evidence(note: Note, tokens: list[Token], matched: list[int], term: Term) -> tuple[Evidence, ...]:
    """The matched words as spans, joined across short gaps and widened to neighbouring words of the term's text.

    "Type 2 diabetes with diabetic chronic kidney disease stage 3b" is one span, although "type", "with" and
    "stage" are not content words; "DM2, CKD" stays two, since a comma parts two conditions.
    """
    own_words = set(term.text.lower().replace(",", " ").split())
    chosen = set(matched)
    for step in (-1, 1):
        edge = min(chosen) if step < 0 else max(chosen)
        while 0 <= edge + step < len(tokens) and tokens[edge + step].lower in own_words:
            edge += step
            chosen.add(edge)
    spans: list[list[int]] = []
    for token in sorted((tokens[index] for index in chosen), key=lambda token: token.start):
        gap = note.text[spans[-1][1] : token.start] if spans else None
        if spans and gap is not None and len(gap) <= 30 and not any(mark in gap for mark in ",.;:\n"):
            spans[-1][1] = token.end
        else:
            spans.append([token.start, token.end])
    return tuple(Evidence(start, end, note.text[start:end]) for start, end in spans)


def find_mentions(lexicon: Lexicon, note: Note) -> list[Mention]:
    """Every condition the note's sentences mention, in note order."""
    mentions: list[Mention] = []
    terms = lexicon.terms
    for sentence in note.sentences:
        tokens = note.words(sentence)
        words = words_of(lexicon, note, sentence)
        positions = words.positions()
        matches: dict[tuple[frozenset[str], tuple[int, ...]], _Match] = {}
        for word, anchors in positions.items():
            for term_id in lexicon.anchored.get(word, ()):
                term = terms[term_id]
                if not all(other in positions for other in term.words):
                    continue
                for anchor in anchors:
                    placed = _placement(term, words, positions, anchor)
                    if placed is None:
                        continue
                    identity = (frozenset(term.words), tuple(sorted(set(placed))))
                    if identity in matches:
                        matches[identity].term_ids.append(term_id)
                    else:
                        matches[identity] = _Match([term_id], identity[0], identity[1])
                    break
        found = list(matches.values())
        kept = [match for match in found if not any(_subsumed(match, other, terms) for other in found)]
        for match in kept:
            ranked = sorted(match.term_ids, key=lambda term_id: _rank(lexicon, terms[term_id]))
            best = terms[ranked[0]]
            alternatives = tuple(
                dict.fromkeys(terms[term_id].key for term_id in ranked[1:] if terms[term_id].key != best.key)
            )
            matched = [tokens[index] for index in match.tokens]
            evidence = _evidence(note, tokens, list(match.tokens), best)
            mentions.append(Mention(best.key, best, alternatives, match.words, tuple(matched), sentence, evidence))
    mentions.sort(key=lambda mention: (mention.start, mention.end))
    return mentions
