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

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
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
    """A phrase learnt for a code: how many notes support it and the share of its sentences that do.

    ``sentences`` counts the corpus's sentences holding the phrase (0 when not recorded).
    """

    phrase: str
    code: str
    support: int
    precision: float
    sentences: int = 0


def phrases(sentence: str, *, soft_edges: bool = False) -> set[tuple[str, ...]]:
    """The phrases of a sentence: runs of one to four matching words, none starting or ending on a stopword."""
    words = [part for token in tokenize(sentence) for part in split_words(token.lower)]
    return {tuple(words[start:end]) for start, end in phrase_runs(words, soft_edges=soft_edges)}


def phrase_runs(words: Sequence[str], *, soft_edges: bool = False) -> Iterator[tuple[int, int]]:
    """Where the phrases of a run of matching words are, as (start, end) indexes.

    A phrase is one to four words, none starting or ending on a stopword or short word, no number in it. With
    ``soft_edges`` a soft stopword may start or end it: a coder may code a bare "disease" (R69) or "disorder".
    """
    for start in range(len(words)):
        for size in range(1, MAX_WORDS + 1):
            run = words[start : start + size]
            if len(run) < size:
                break
            if _edge(run[0], soft_edges) or _edge(run[-1], soft_edges) or any(word.isdigit() for word in run):
                continue
            yield start, start + size


def _edge(word: str, soft_edges: bool = False) -> bool:
    return word in STOPWORDS or (word in SOFT_STOPWORDS and not soft_edges) or len(word) < 3


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


def learn_phrase_codes(
    notes: Iterable[CodedNote], *, min_support: int = 2, min_precision: float = 0.1, per_phrase: int = 3
) -> list[LearntSynonym]:
    """Every code a phrase is evidence for (up to ``per_phrase`` of them), not only its best one.

    Counted per note, so a phrase repeated in one note's evidence counts once: ``support`` is the number of notes
    in whose evidence for the code the phrase stands, ``precision`` the share of the corpus's sentences holding
    the phrase that are evidence for the code. Weak evidence is kept on purpose (a low ``min_precision``): it is
    meant for a reranker (`revcycle.coding.learnt_model`) that weighs it against everything else known of the
    candidate, not for a synonym table that is trusted as it is.
    """
    everywhere: Counter[tuple[str, ...]] = Counter()
    in_evidence: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    notes_with: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for note in notes:
        by_sentence = [phrases(sentence, soft_edges=True) for sentence in note.sentences]
        for found in by_sentence:
            everywhere.update(found)
        known = dict(zip(note.sentences, by_sentence, strict=True))
        sentences_of: defaultdict[str, set[str]] = defaultdict(set)
        for region in note.regions:
            sentences_of[region.code].update(region.sentences)
        for code, sentences in sentences_of.items():
            seen: set[tuple[str, ...]] = set()
            for sentence in sentences:
                found = known.get(sentence) or phrases(sentence, soft_edges=True)
                for phrase in found:
                    in_evidence[phrase][code] += 1
                seen |= found
            for phrase in seen:
                notes_with[phrase][code] += 1
    learnt = []
    for phrase, codes in notes_with.items():
        for code, support in codes.most_common(per_phrase):
            precision = min(in_evidence[phrase][code] / max(everywhere[phrase], 1), 1.0)
            if support >= min_support and precision >= min_precision:
                learnt.append(LearntSynonym(" ".join(phrase), code, support, round(precision, 3), everywhere[phrase]))
    learnt.sort(key=lambda item: (-item.support, -item.precision, item.phrase, item.code))
    return learnt


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_a-z]|[¿¡\d])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """A plain split of a text into sentences, as (start, end) offsets.

    A sentence ends at a full stop, ? or ! before a capital or a number, or at a line break: good enough to align
    an original with its sentence-split translation (`align_sentences`).
    """
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


_BEADS = ((1, 1, 0.0), (1, 2, 0.4), (2, 1, 0.4), (1, 3, 1.0), (3, 1, 1.0), (2, 2, 1.0), (1, 0, 2.5), (0, 1, 2.5))
"""How sentences of an original may map to sentences of its translation, and what a mapping other than one to one
costs: translation mostly keeps sentences, sometimes splits or joins them, rarely drops or adds one."""


def align_sentences(source: Sequence[int], target: Sequence[int]) -> list[tuple[range, range]]:
    """Align an original's sentences with its translation's by their lengths, keeping their order (Gale-Church).

    ``source`` and ``target`` are the sentences' lengths in characters. The result pairs runs of source sentences
    with the runs of target sentences that translate them, in order, covering both. A pair's cost is how far its
    length ratio is from the texts' overall ratio, plus the cost of its shape (`_BEADS`).
    """
    ratio = (sum(target) or 1) / (sum(source) or 1)
    rows, columns = len(source), len(target)
    infinity = float("inf")
    cost = [[infinity] * (columns + 1) for _ in range(rows + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (columns + 1) for _ in range(rows + 1)]
    cost[0][0] = 0.0
    for row in range(rows + 1):
        for column in range(columns + 1):
            if cost[row][column] == infinity:
                continue
            for taken, given, shape in _BEADS:
                end_row, end_column = row + taken, column + given
                if end_row > rows or end_column > columns:
                    continue
                length_in = sum(source[row:end_row]) * ratio
                length_out = sum(target[column:end_column])
                step = shape + abs(math.log((length_out + 20) / (length_in + 20)))
                if cost[row][column] + step < cost[end_row][end_column]:
                    cost[end_row][end_column] = cost[row][column] + step
                    back[end_row][end_column] = (taken, given)
    pairs = []
    row, column = rows, columns
    while row or column:
        move = back[row][column]
        assert move is not None, "every cell is reachable through the one-sentence beads"
        pairs.append((range(row - move[0], row), range(column - move[1], column)))
        row, column = row - move[0], column - move[1]
    return pairs[::-1]


def translated_regions(original: str, translation: Sequence[str], offsets: Sequence[int]) -> list[tuple[str, ...]]:
    """Per offset into the original, the translation's sentences that render the original's sentence holding it.

    For evidence given as offsets into the original of a note coded in translation: the sentences are aligned
    once by length (`align_sentences`); an original sentence with no counterpart falls back on the sentence at the
    same relative position.
    """
    spans = sentence_spans(original)
    rendered: dict[int, tuple[str, ...]] = {}
    if spans and translation:
        for taken, given in align_sentences([end - start for start, end in spans], [len(line) for line in translation]):
            for number in taken:
                if len(given):
                    rendered[number] = tuple(translation[given.start : given.stop])
    found = []
    for offset in offsets:
        holding = next((number for number, (_, end) in enumerate(spans) if offset < end), len(spans) - 1)
        fallback = region_of(translation, offset / max(len(original), 1), reach=0) if translation else ()
        found.append(rendered.get(holding, fallback))
    return found
