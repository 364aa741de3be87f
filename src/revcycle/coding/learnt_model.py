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
from collections.abc import Collection, Iterable, Sequence
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
from revcycle.errors import InputFileError

MODEL_FORMAT = 1
LEARNT = "learnt"
"""The source of a mention a learnt phrase found."""


FEATURES = (
    "lexicon",
    "lexicon_present",
    "lexicon_confidence",
    "lexicon_mentions",
    "lexicon_by_index",
    "lexicon_by_synonym",
    "accepted_rate",
    "accepted_evidence",
    "learnt",
    "learnt_precision",
    "learnt_noisy_or",
    "learnt_smoothed",
    "learnt_both",
    "learnt_support",
    "learnt_sentences",
    "learnt_mentions",
    "learnt_words",
    "learnt_top",
    "present",
    "negated",
    "other_status",
    "prior",
    "prior_of_ancestor",
    "unseen",
    "lexicon_x_prior",
    "learnt_x_prior",
    "precision_x_prior",
    "category_by_lexicon",
    "category_rivals",
    "symptom",
    "status_code",
    "injury",
    "neoplasm",
    "defaulted",
    "depth",
    "position",
)
"""What the model knows of a candidate, in the order of its weights (see `candidate_features`)."""


@dataclass(frozen=True, slots=True)
class PhraseEvidence:
    """What the corpus says of one phrase as evidence for one code.

    Attributes:
        key: the code, without its dot.
        support: in how many notes' evidence for the code the phrase stands.
        precision: the share of the corpus's sentences holding the phrase that are evidence for the code.
        sentences: how many of the corpus's sentences hold the phrase.
        rank: 0 when the code is the one the phrase is most often evidence for, 1 for the next, ...
    """

    key: str
    support: int
    precision: float
    sentences: int = 0
    rank: int = 0


@dataclass
class LearntModel:
    """Learnt phrases, code frequencies and the weights that decide which candidates are kept.

    Attributes:
        phrases: per phrase (its matching words), the codes it is evidence for (keys without the dot).
        priors: per code key (as the corpus writes it), the number of corpus notes coded with it.
        notes: the number of notes in the corpus.
        reviewed: per code key (as the engine writes it), how many corpus notes the lexicon suggested it for and
            in how many of them the coders kept it: what the organisation makes of the engine's suggestions.
        weights, mean, scale: the logistic model over the standardised `FEATURES` and their pairwise products
            (`with_pairs`), the bias last in ``weights``.
        threshold: the probability from which a candidate is kept, chosen by cross-validation on the corpus.
    """

    phrases: dict[tuple[str, ...], tuple[PhraseEvidence, ...]]
    priors: dict[str, int]
    notes: int
    reviewed: dict[str, tuple[int, int]] = field(default_factory=dict)
    weights: tuple[float, ...] = ()
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    threshold: float = 0.5

    @classmethod
    def from_corpus(
        cls,
        learnt: Sequence[LearntSynonym],
        coded: Sequence[Sequence[str]],
        reviewed: Sequence[tuple[Collection[str], Collection[str]]] = (),
    ) -> LearntModel:
        """A model (not yet fitted) from what a corpus teaches.

        Args:
            learnt: the phrases learnt from it (`revcycle.coding.learning.learn_phrase_codes`).
            coded: the codes of each of its notes.
            reviewed: per note, the codes the lexicon suggested and those of them the coders kept.
        """
        phrases: dict[tuple[str, ...], list[PhraseEvidence]] = {}
        for item in learnt:
            found = phrases.setdefault(tuple(item.phrase.split()), [])
            found.append(PhraseEvidence(code_key(item.code), item.support, item.precision, item.sentences, len(found)))
        priors: dict[str, int] = {}
        for codes in coded:
            for key in {code_key(code) for code in codes}:
                priors[key] = priors.get(key, 0) + 1
        return cls(
            {words: tuple(found) for words, found in phrases.items()}, priors, len(coded), count_reviews(reviewed)
        )

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
            for start, end in phrase_runs(words, soft_edges=True):
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

    def prior(self, code: str) -> tuple[int, bool] | None:
        """How many corpus notes were coded with ``code``, and whether that is the count of an ancestor of it.

        The corpus may write codes less completely than the engine: without the 7th character and its placeholders
        (the code itself, as the corpus writes it), or an older release's category since split (an ancestor), so
        a code the corpus never used is looked up by its prefixes. None when the corpus knows none of them.
        """
        key = code_key(code)
        bare = (key[:6] if len(key) == 7 else key).rstrip("X")
        if key in self.priors or bare in self.priors:
            return self.priors.get(key, self.priors.get(bare, 0)), False
        for size in range(len(bare) - 1, 2, -1):
            if bare[:size] in self.priors:
                return self.priors[bare[:size]], True
        return None

    def scores(self, candidates: Sequence[Candidate]) -> list[float]:
        """The probability that the organisation's coders would code each of a note's candidates."""
        found = []
        for features in map(with_pairs, note_features(self, candidates)):
            total = self.weights[-1] + sum(
                weight * (value - mean) / scale
                for weight, value, mean, scale in zip(self.weights[:-1], features, self.mean, self.scale, strict=True)
            )
            found.append(1 / (1 + math.exp(-max(min(total, 30.0), -30.0))))
        return found

    def choose(self, candidates: Sequence[Candidate]) -> list[Candidate]:
        """The candidates of a note that score at or above the threshold, in their order."""
        return [
            candidate
            for candidate, score in zip(candidates, self.scores(candidates), strict=True)
            if score >= self.threshold
        ]

    # Storing -------------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The model as JSON (phrases as rows: phrase, code key, support, precision, sentences; best code first)."""
        return {
            "format": MODEL_FORMAT,
            "features": list(FEATURES),
            "weights": list(self.weights),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "notes": self.notes,
            "priors": self.priors,
            "reviewed": {key: list(counts) for key, counts in self.reviewed.items()},
            "phrases": [
                [" ".join(words), item.key, item.support, item.precision, item.sentences]
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
        for phrase, key, support, precision, sentences in data["phrases"]:
            found = phrases.setdefault(tuple(phrase.split()), [])
            found.append(PhraseEvidence(key, int(support), float(precision), int(sentences), len(found)))
        return cls(
            {words: tuple(items) for words, items in phrases.items()},
            {str(key): int(count) for key, count in data["priors"].items()},
            int(data["notes"]),
            {str(key): (int(seen), int(kept)) for key, (seen, kept) in data["reviewed"].items()},
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
        """Read a model written by `save`.

        Raises:
            InputFileError: the file cannot be read, is not JSON, or is not a model this revcycle can use.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise InputFileError(str(path), "", f"cannot be read: {error.strerror or error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputFileError(str(path), "", f"is not a learnt model (not JSON: {error})") from None
        if not isinstance(data, dict):
            raise InputFileError(str(path), "", "is not a learnt model (a JSON object was expected)")
        try:
            return cls.from_json(data)
        except ValueError as error:
            raise InputFileError(str(path), "", str(error)) from None
        except (KeyError, TypeError, IndexError) as error:
            reason = f"is not a learnt model (a field is missing or malformed: {error})"
            raise InputFileError(str(path), "", reason) from None


def count_reviews(reviewed: Iterable[tuple[Collection[str], Collection[str]]]) -> dict[str, tuple[int, int]]:
    """Per code key, in how many notes the lexicon suggested it and in how many the coders kept it."""
    counts: dict[str, tuple[int, int]] = {}
    for suggested, kept in reviewed:
        accepted = {code_key(code) for code in kept}
        for code in {code_key(code) for code in suggested}:
            seen, right = counts.get(code, (0, 0))
            counts[code] = (seen + 1, right + (code in accepted))
    return counts


def with_pairs(features: Sequence[float]) -> list[float]:
    """The features followed by the product of every pair of them (each with itself too).

    A linear model over these weighs one feature by another: learnt evidence counts for more when the lexicon
    agrees, a frequent code's prior for less when its mention is negated.
    """
    size = len(features)
    return [
        *features,
        *(features[first] * features[second] for first in range(size) for second in range(first, size)),
    ]


def code_key(code: str) -> str:
    """A code as the model keys it: upper case, no dot."""
    return code.replace(".", "").strip().upper()


def _span(note: Note, tokens: Sequence[Token]) -> Evidence:
    start, end = tokens[0].start, tokens[-1].end
    return Evidence(start, end, note.text[start:end])


def note_features(model: LearntModel, candidates: Sequence[Candidate]) -> list[list[float]]:
    """Each of a note's candidates as the model sees it, in the order of `FEATURES`.

    Some features are about the note: whether the lexicon found another code of the candidate's category (a
    learnt code beside it is likely its rival, not a second condition) and how many candidates share it.
    """
    by_lexicon: dict[str, int] = {}
    in_category: dict[str, int] = {}
    end = max((item.mention.end for candidate in candidates for item in candidate.found), default=1)
    for candidate in candidates:
        category = candidate.code[:3]
        in_category[category] = in_category.get(category, 0) + 1
        if any(item.mention.term.source != LEARNT for item in candidate.found):
            by_lexicon[category] = by_lexicon.get(category, 0) + 1
    found = []
    for candidate in candidates:
        features = candidate_features(model, candidate)
        category = candidate.code[:3]
        own = float(features[FEATURES.index("lexicon")])
        features[FEATURES.index("category_by_lexicon")] = float(by_lexicon.get(category, 0) - own > 0)
        features[FEATURES.index("category_rivals")] = math.log1p(in_category[category] - 1)
        # Case reports end on the diagnosis reached; what comes first is often background.
        features[FEATURES.index("position")] = candidate.start / max(end, 1)
        found.append(features)
    return found


def candidate_features(model: LearntModel, candidate: Candidate) -> list[float]:
    """One candidate as the model sees it, in the order of `FEATURES` (the note's features left at 0)."""
    lexicon = [item for item in candidate.found if item.mention.term.source != LEARNT]
    phrases = [item.mention.term.words for item in candidate.found if item.mention.term.source == LEARNT]
    learnt = [
        evidence
        for item in candidate.found
        if item.mention.term.source == LEARNT
        for evidence in [model.evidence_of(item.mention.term.words, item.mention.key)]
        if evidence is not None
    ]
    known = model.prior(candidate.code)
    count, ancestor = known if known is not None else (0, False)
    # Add-one smoothing: a code the corpus never used is rare, not impossible.
    log_prior = math.log((count + 1) / (model.notes + 2))
    precision = max((item.precision for item in learnt), default=0.0)
    best = max(learnt, key=lambda item: item.precision, default=None)
    status = candidate.status
    key = code_key(candidate.code)
    # Smoothed towards 5%: a phrase seen in two sentences, both evidence, is not yet sure evidence.
    smoothed = max(((item.precision * item.sentences + 0.1) / (item.sentences + 2) for item in learnt), default=0.0)
    seen, kept = model.reviewed.get(key, (0, 0)) if lexicon else (0, 0)
    return [
        float(bool(lexicon)),
        float(any(item.status is Assertion.PRESENT for item in lexicon)),
        max((item.confidence for item in lexicon), default=0.0),
        math.log1p(len(lexicon)),
        float(any(item.mention.term.source == "index" for item in lexicon)),
        float(any(item.mention.term.source in {"synonym", "organisation"} for item in lexicon)),
        (kept + 1) / (seen + 2) if lexicon else 0.0,
        math.log1p(seen),
        float(bool(learnt)),
        precision,
        1 - math.prod(1 - item.precision for item in learnt),
        smoothed,
        float(bool(learnt) and bool(lexicon)),
        math.log1p(best.support if best else 0),
        math.log1p(best.sentences if best else 0),
        math.log1p(len(learnt)),
        float(max((len(words) for words in phrases), default=0)),
        float(any(item.rank == 0 for item in learnt)),
        float(status is Assertion.PRESENT),
        float(status is Assertion.NEGATED),
        float(status not in {Assertion.PRESENT, Assertion.NEGATED}),
        log_prior,
        float(ancestor),
        float(known is None),
        log_prior * bool(lexicon),
        log_prior * bool(learnt),
        precision * log_prior,
        0.0,
        0.0,
        float(key.startswith("R")),
        float(key.startswith("Z")),
        float(key.startswith(("S", "T"))),
        float(key.startswith("C") or key[:2] in {"D0", "D1", "D2", "D3", "D4"}),
        float(bool(candidate.defaulted)),
        float(len(key) - 3),
        0.0,
    ]
