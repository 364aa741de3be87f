"""Learning an organisation's synonyms from notes already coded: which of its phrases lead to which codes.

A coded corpus says, for each note, which codes were assigned and roughly where the evidence is (a region of the
note: the sentences around a coder's evidence span). A phrase (one to four content words) is learnt as a synonym
of a code when it stands in that code's regions in at least ``min_support`` notes and, of all the sentences of the
corpus that hold it, at least ``min_precision`` are such regions: a phrase that is everywhere ("patient",
"history") never qualifies, one that comes with the code almost every time does. The result feeds
`Coder.load(synonyms=...)`, as a coder's own decisions do.

This is how a practice can adapt the coder to the way its clinicians write; it is also how revcycle is measured on
CodiEsp, whose labels follow the Spanish coders' conventions (scripts/codiesp_synonyms.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from revcycle.coding.document import tokenize
from revcycle.coding.words import SOFT_STOPWORDS, STOPWORDS, split_words

MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class CodedRegion:
    """Where a note's evidence for a code lies: the code and the sentences (as text) around its evidence."""

    code: str
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CodedNote:
    """A note of the corpus: all its sentences, and the regions of each code assigned to it."""

    sentences: tuple[str, ...]
    regions: tuple[CodedRegion, ...]


@dataclass(frozen=True, slots=True)
class LearntSynonym:
    """A phrase learnt for a code: how many notes support it and the share of its sentences that do."""

    phrase: str
    code: str
    support: int
    precision: float


def phrases(sentence: str) -> set[tuple[str, ...]]:
    """The phrases of a sentence: runs of one to four matching words, none starting or ending on a stopword."""
    words = [part for token in tokenize(sentence) for part in split_words(token.lower)]
    found: set[tuple[str, ...]] = set()
    for start in range(len(words)):
        for size in range(1, MAX_WORDS + 1):
            run = tuple(words[start : start + size])
            if len(run) < size:
                break
            if _edge(run[0]) or _edge(run[-1]) or any(word.isdigit() for word in run):
                continue
            found.add(run)
    return found


def _edge(word: str) -> bool:
    return word in STOPWORDS or word in SOFT_STOPWORDS or len(word) < 3


def learn_synonyms(
    notes: Iterable[CodedNote], *, min_support: int = 2, min_precision: float = 0.4
) -> list[LearntSynonym]:
    """The phrases that lead to codes in a coded corpus, best supported first, one code per phrase."""
    everywhere: Counter[tuple[str, ...]] = Counter()
    with_code: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for note in notes:
        for sentence in note.sentences:
            everywhere.update(phrases(sentence))
        for region in note.regions:
            found: set[tuple[str, ...]] = set()
            for sentence in region.sentences:
                found |= phrases(sentence)
            for phrase in found:
                with_code[phrase][region.code] += 1
    learnt = []
    for phrase, codes in with_code.items():
        code, support = codes.most_common(1)[0]
        precision = support / max(everywhere[phrase], 1)
        if support >= min_support and precision >= min_precision:
            learnt.append(LearntSynonym(" ".join(phrase), code, support, round(precision, 3)))
    learnt.sort(key=lambda item: (-item.support, -item.precision, item.phrase))
    return learnt


def region_of(sentences: Sequence[str], fraction: float, reach: int = 1) -> tuple[str, ...]:
    """The sentences around the one at ``fraction`` (0..1) of a text's length: where aligned evidence falls.

    Used when the evidence offsets are in another version of the text (an original the note was translated
    from), so only the relative position carries over.
    """
    total = sum(len(sentence) + 1 for sentence in sentences) or 1
    position = fraction * total
    seen = 0
    index = len(sentences) - 1
    for number, sentence in enumerate(sentences):
        seen += len(sentence) + 1
        if seen >= position:
            index = number
            break
    return tuple(sentences[max(index - reach, 0) : index + reach + 1])
