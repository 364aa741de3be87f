"""An organisation's learnt model: phrases its coders coded, and which of a note's candidate codes to keep.

Learnt from a coded corpus (`revcycle.coding.learning`, fitted by `revcycle.coding.reranking`), it does two things
in mentions mode:

- **proposes** codes the lexicon does not reach: a phrase of the note that came with a code in the corpus's
  evidence ("sweating" for R61, "bloody stools" for K92.1) is a mention of that code, with the phrase's words as
  its evidence, judged (assertion, specificity, billable on the day) like any other mention;
- **keeps** the candidates a logistic model scores above its threshold, from what is known of each: how the
  lexicon and the learnt phrases found it, its assertion, how often the organisation codes it, its chapter.

Scoring is plain Python (a few dozen multiplications per candidate): only fitting needs numpy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revcycle.coding.assertion import Assertion
from revcycle.coding.candidates import Candidate
from revcycle.coding.document import Note, Token
from revcycle.coding.learning import LearntSynonym, phrase_runs
from revcycle.coding.lexicon import Lexicon, Term
from revcycle.coding.mentions import Mention
from revcycle.coding.result import Evidence
from revcycle.coding.words import split_words

MODEL_FORMAT = 1
LEARNT = "learnt"
"""The source of a mention a learnt phrase found."""

FEATURES = (
    "lexicon",
    "lexicon_present",
    "lexicon_confidence",
    "learnt",
    "learnt_precision",
    "learnt_support",
    "learnt_phrases",
    "mentions",
    "present",
    "negated",
    "prior",
    "unseen",
    "lexicon_x_prior",
    "learnt_x_prior",
    "symptom",
    "status_code",
    "injury",
    "defaulted",
    "depth",
)
"""What the model knows of a candidate, in the order of its weights (see `candidate_features`)."""


@dataclass(frozen=True, slots=True)
class PhraseEvidence:
    """What the corpus says of one phrase as evidence for one code."""

    key: str
    support: int
    precision: float


@dataclass
class LearntModel:
    """Learnt phrases, code frequencies and the weights that decide which candidates are kept.

    Attributes:
        phrases: per phrase (its matching words), the codes it is evidence for (keys without the dot).
        priors: per code key (as the corpus writes it), the number of corpus notes coded with it.
        notes: the number of notes in the corpus.
        weights, mean, scale: the logistic model over standardised `FEATURES` (bias last in ``weights``).
        threshold: the probability from which a candidate is kept, chosen by cross-validation on the corpus.
    """

    phrases: dict[tuple[str, ...], tuple[PhraseEvidence, ...]]
    priors: dict[str, int]
    notes: int
    weights: tuple[float, ...] = ()
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    threshold: float = 0.5
    _longest: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._longest = max((len(phrase) for phrase in self.phrases), default=0)

    @classmethod
    def from_corpus(cls, learnt: Sequence[LearntSynonym], coded: Sequence[Sequence[str]]) -> LearntModel:
        """A model (not yet fitted) from phrases learnt from a corpus and the codes of each of its notes."""
        phrases: dict[tuple[str, ...], list[PhraseEvidence]] = {}
        for item in learnt:
            words = tuple(item.phrase.split())
            phrases.setdefault(words, []).append(PhraseEvidence(code_key(item.code), item.support, item.precision))
        priors: dict[str, int] = {}
        for codes in coded:
            for key in {code_key(code) for code in codes}:
                priors[key] = priors.get(key, 0) + 1
        return cls({words: tuple(found) for words, found in phrases.items()}, priors, len(coded))

    # Proposing -----------------------------------------------------------------------------------------------

    def mentions(self, lexicon: Lexicon, note: Note) -> list[Mention]:
        """The mentions the learnt phrases find in a note: per sentence and code, the phrase with the best precision.

        Codes the lexicon's release does not hold (deleted since the corpus was coded) are skipped.
        """
        found: list[Mention] = []
        for sentence in note.sentences:
            tokens = note.words(sentence)
            words: list[str] = []
            owner: list[int] = []
            for index, token in enumerate(tokens):
                parts = split_words(token.lower)
                words += parts
                owner += [index] * len(parts)
            best: dict[str, tuple[float, tuple[str, ...], int, int]] = {}
            for start, end in phrase_runs(words):
                phrase = tuple(words[start:end])
                for item in self.phrases.get(phrase, ()):
                    if item.key in lexicon.codes and item.precision > best.get(item.key, (-1.0,))[0]:
                        best[item.key] = (item.precision, phrase, owner[start], owner[end - 1])
            for key, (_, phrase, first, last) in best.items():
                matched = tuple(tokens[first : last + 1])
                term = Term(phrase, key, LEARNT, " ".join(phrase))
                found.append(Mention(key, term, (), frozenset(phrase), matched, sentence, (_span(note, matched),)))
        return found

    def evidence_of(self, words: tuple[str, ...], key: str) -> PhraseEvidence | None:
        """What the corpus says of a phrase as evidence for a code."""
        return next((item for item in self.phrases.get(words, ()) if item.key == key), None)

    # Keeping -------------------------------------------------------------------------------------------------

    def prior(self, code: str) -> int | None:
        """How many corpus notes were coded with ``code``, or with its nearest ancestor the corpus knows.

        The corpus may write codes less completely than the engine (no 7th character, an older release's
        category that has since been split), so a code the corpus never used is looked up by its prefixes.
        """
        key = code_key(code)
        for size in range(len(key), 2, -1):
            if key[:size] in self.priors:
                return self.priors[key[:size]]
        return None

    def score(self, candidate: Candidate) -> float:
        """The probability that the organisation's coders would code the candidate."""
        features = candidate_features(self, candidate)
        total = self.weights[-1] + sum(
            weight * (value - mean) / scale
            for weight, value, mean, scale in zip(self.weights, features, self.mean, self.scale, strict=False)
        )
        return 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))

    def keeps(self, candidate: Candidate) -> bool:
        """Whether the candidate scores at or above the threshold."""
        return self.score(candidate) >= self.threshold

    # Storing -------------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The model as JSON (phrases as rows: phrase, code key, support, precision)."""
        return {
            "format": MODEL_FORMAT,
            "features": list(FEATURES),
            "weights": list(self.weights),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "notes": self.notes,
            "priors": self.priors,
            "phrases": [
                [" ".join(words), item.key, item.support, item.precision]
                for words, items in self.phrases.items()
                for item in items
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearntModel:
        """A model read back from `to_json`.

        Raises:
            ValueError: another format, or weights for other features than this revcycle computes.
        """
        if data.get("format") != MODEL_FORMAT or data.get("features") != list(FEATURES):
            raise ValueError("a learnt model made by another revcycle version: learn it again")
        phrases: dict[tuple[str, ...], list[PhraseEvidence]] = {}
        for phrase, key, support, precision in data["phrases"]:
            phrases.setdefault(tuple(phrase.split()), []).append(PhraseEvidence(key, int(support), float(precision)))
        return cls(
            {words: tuple(items) for words, items in phrases.items()},
            {str(key): int(count) for key, count in data["priors"].items()},
            int(data["notes"]),
            tuple(data["weights"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            float(data["threshold"]),
        )

    def save(self, path: Path) -> None:
        """Write the model as JSON."""
        path.write_text(json.dumps(self.to_json()), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> LearntModel:
        """Read a model written by `save`."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def code_key(code: str) -> str:
    """A code as the model keys it: upper case, no dot."""
    return code.replace(".", "").strip().upper()


def _span(note: Note, tokens: Sequence[Token]) -> Evidence:
    start, end = tokens[0].start, tokens[-1].end
    return Evidence(start, end, note.text[start:end])


def candidate_features(model: LearntModel, candidate: Candidate) -> list[float]:
    """The candidate as the model sees it, in the order of `FEATURES`."""
    lexicon = [item for item in candidate.found if item.mention.term.source != LEARNT]
    learnt = [
        evidence
        for item in candidate.found
        if item.mention.term.source == LEARNT
        for evidence in [model.evidence_of(item.mention.term.words, item.mention.key)]
        if evidence is not None
    ]
    prior = model.prior(candidate.code)
    # Add-one smoothing: a code the corpus never used is rare, not impossible.
    log_prior = math.log(((prior or 0) + 1) / (model.notes + 2))
    status = candidate.status
    key = code_key(candidate.code)
    return [
        float(bool(lexicon)),
        float(any(item.status is Assertion.PRESENT for item in lexicon)),
        max((item.confidence for item in lexicon), default=0.0),
        float(bool(learnt)),
        max((item.precision for item in learnt), default=0.0),
        math.log1p(max((item.support for item in learnt), default=0)),
        math.log1p(len(learnt)),
        math.log1p(len(candidate.found)),
        float(status is Assertion.PRESENT),
        float(status is Assertion.NEGATED),
        log_prior,
        float(prior is None),
        log_prior * bool(lexicon),
        log_prior * bool(learnt),
        float(key.startswith("R")),
        float(key.startswith("Z")),
        float(key.startswith(("S", "T"))),
        float(bool(candidate.defaulted)),
        float(len(key) - 3),
    ]
