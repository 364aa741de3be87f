"""From mentions to candidate codes: each mention made specific, checked billable, its assertion judged.

A candidate is one code with every mention that supports it; the guidelines then decide which candidates are
reported, in what order, and which are set aside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from revcycle.coding.assertion import Assertion, assertion_of
from revcycle.coding.document import Note, SectionKind, Sentence, tokenize
from revcycle.coding.lexicon import Lexicon, Term
from revcycle.coding.mentions import Mention, find_mentions, words_of
from revcycle.coding.note_date import patient_sex
from revcycle.coding.result import Evidence
from revcycle.coding.specificity import make_specific, seventh_character, with_seventh
from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.store import ReferenceStore

if TYPE_CHECKING:
    # Only its type: the embedding stage (numpy, the model) is imported when it is switched on.
    from revcycle.coding.paraphrase import ParaphraseStage

SOURCE_CONFIDENCE = {
    "organisation": 0.93,
    "synonym": 0.92,
    "tabular": 0.88,
    "inclusion": 0.85,
    "index": 0.85,
    "embedding": 0.6,
    "learnt": 0.6,
}
SECTION_WEIGHT = {
    SectionKind.ASSESSMENT: 1.0,
    SectionKind.PLAN: 0.97,
    SectionKind.CHIEF_COMPLAINT: 0.95,
    SectionKind.PROCEDURE: 0.95,
    SectionKind.HPI: 0.9,
    SectionKind.OTHER: 0.85,
    SectionKind.EXAM: 0.75,
    SectionKind.RESULTS: 0.75,
    SectionKind.PAST_HISTORY: 0.65,
    SectionKind.REVIEW_OF_SYSTEMS: 0.6,
    SectionKind.MEDICATIONS: 0.6,
    SectionKind.SOCIAL_HISTORY: 0.65,
    SectionKind.FAMILY_HISTORY: 0.6,
    SectionKind.ALLERGIES: 0.5,
}
"""How much a section's word counts: the assessment is the clinician's conclusion, a history list the least."""

STATUS_ORDER = [
    Assertion.PRESENT,
    Assertion.HISTORICAL,
    Assertion.UNCERTAIN,
    Assertion.NEGATED,
    Assertion.HYPOTHETICAL,
    Assertion.CONDITIONAL,
    Assertion.FAMILY,
]


@dataclass(frozen=True, slots=True)
class Found:
    """One mention resolved to a code.

    Attributes:
        code: the code with its dot, billable on the day.
        description: its title.
        mention: the mention it came from.
        status: the mention's assertion.
        confidence: from the term's source and the section's weight, less when the code took a default.
        path: how it was reached.
        defaulted: the defaults taken (documentation that stopped short).
    """

    code: str
    description: str
    mention: Mention
    status: Assertion
    confidence: float
    path: tuple[str, ...]
    defaulted: tuple[str, ...]
    reason: str | None = None
    denied: bool = False


VACCINE_CUE = re.compile(
    r"\b(vaccin\w*|immuniz\w*|immunis\w*|shots?|booster|tdap|dtap|td|vis|toxoid|mmr|hpv|prevnar|pcv\d*|"
    r"ppsv\d*|shingrix|gardasil|fluzone|flublok|afluria|flucelvax|boostrix|adacel|pentacel|pediarix|varivax|"
    r"proquad|rotateq|rotarix|havrix|engerix|heplisav)\b",
    re.IGNORECASE,
)
VACCINE_PREVENTABLE = (
    "J09", "J10", "J11", "B02", "B01", "A33", "A34", "A35", "A36", "A37", "B05", "B06", "B26", "B15", "B16", "B17",
    "B18", "B19", "A80", "A08.0", "U07.1", "J13", "G00.0", "A39", "B97.7", "A08.1",
)  # fmt: skip
"""Conditions a vaccine is named after: in a sentence about a vaccine, the name is the vaccine's."""

TEST_CUE = re.compile(
    r"\b(screen(?:ed|ing|s)?\s+for|test(?:ed|ing|s)?\s+for|check(?:ed)?\s+for|evaluat(?:e|ed|ion)\s+for|"
    r"titers?|serolog\w*|panel|swab|pcr|culture\s+for|sent\s+for|rule\s+out|r/o)\b",
    re.IGNORECASE,
)
"""Words that make what follows them a test being done, not a condition the patient has."""

TEST_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(test(?:s|ed|ing)?|screen(?:s|ed|ing)?|serolog\w*|titers?|panel|pcr|swab|score)\b",
    re.I,
)
"""A test named right after the condition: "HIV and syphilis testing offered", "urine pregnancy test"."""

RISK_CUE = re.compile(
    r"\b(risks?|complications? (?:include|such as|of)|call (?:for|if|with)|return (?:for|if)|watch for|"
    r"signs of|warning signs|precautions|to prevent|prophylaxis (?:for|against)|go to the (?:ed|er|emergency)|"
    r"seek (?:care|attention)|come back (?:for|if))\b",
    re.IGNORECASE,
)
"""Words that make what follows a risk explained or a sign to watch for, not a condition the patient has."""


def _leading(note: Note, sentence: Sentence, reach: int = 4) -> str:
    """The sentences just before one in the same section (a list's heading line and earlier items)."""
    found: list[str] = []
    current = sentence
    for _ in range(reach):
        previous = note.sentence_at(current.start - 1)
        if previous == current or previous.section != sentence.section:
            break
        found.append(note.text[previous.start : previous.end])
        current = previous
    return " ".join(reversed(found))


def _named_not_had(note: Note, mention: Mention, code: str) -> str | None:
    """Why a mention names a condition the patient is not said to have (a vaccine, a test), or None."""
    before = note.text[mention.sentence.start : mention.start]
    if code.startswith(VACCINE_PREVENTABLE):
        # A vaccine list names its vaccines on their own lines, under a heading or a sentence that says what they are.
        sentence = note.text[mention.sentence.start : mention.sentence.end]
        if VACCINE_CUE.search(f"{mention.section.title} {_leading(note, mention.sentence)} {sentence}"):
            return "names a vaccine, not a condition"
    if TEST_CUE.search(before) or TEST_AFTER.match(note.text[mention.end : mention.sentence.end]):
        return "names a test or screening, not a condition"
    if RISK_CUE.search(before):
        return "names a risk or a warning sign, not a condition"
    return None


@dataclass
class Candidate:
    """A code with everything the note says for it."""

    code: str
    description: str
    found: list[Found] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    billable: bool = True

    @property
    def statuses(self) -> set[Assertion]:
        """Every assertion its mentions carry."""
        return {item.status for item in self.found}

    @property
    def status(self) -> Assertion:
        """The decisive assertion: present when any mention asserts it, else the strongest other."""
        return min(self.statuses, key=STATUS_ORDER.index)

    @property
    def reason(self) -> str:
        """Why the code is not reported when its status is not present: the assertion, or what it names."""
        named = [item.reason for item in self.found if item.reason]
        return named[0] if named and self.status is Assertion.HYPOTHETICAL else self.status.value

    @property
    def sections(self) -> set[SectionKind]:
        """The kinds of section it is mentioned in."""
        return {item.mention.section.kind for item in self.found}

    @property
    def start(self) -> int:
        """Where it is first mentioned."""
        return min(item.mention.start for item in self.found)

    @property
    def confidence(self) -> float:
        """The best of its mentions' confidences."""
        return max(item.confidence for item in self.found)

    @property
    def defaulted(self) -> tuple[str, ...]:
        """Defaults taken by every mention (one mention that said more is enough to drop a default)."""
        common = set(self.found[0].defaulted)
        for item in self.found[1:]:
            common &= set(item.defaulted)
        return tuple(sorted(common))

    def evidence(self, statuses: set[Assertion] | None = None) -> tuple[Evidence, ...]:
        """The evidence of its mentions (those with one of ``statuses``, when given), in note order."""
        spans = {
            span for item in self.found if statuses is None or item.status in statuses for span in item.mention.evidence
        }
        return tuple(sorted(spans, key=lambda span: (span.start, span.end)))


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where a mention's code ended: billable, or as far as the note allows (then only its history can be coded)."""

    code: str
    description: str
    steps: tuple[str, ...]
    defaulted: tuple[str, ...]
    billable: bool


def _resolve(
    store: ReferenceStore, lexicon: Lexicon, note: Note, mention: Mention, day: date, sex: set[str]
) -> Resolved | None:
    """The code a mention leads to, made as specific as its sentence (and the patient's sex) allow."""
    words = words_of(lexicon, note, mention.sentence)
    context = {word for index, word in words.words if index not in words.denied} | sex
    specific = make_specific(lexicon, mention.key, context)
    info = lexicon.code_of(specific.key)
    if info is None:
        return None
    steps = [f"{mention.term.source}: {mention.term.text!r} -> {lexicon.codes[mention.key].code}", *specific.steps]
    found = lookup_icd10cm(store, info.code, day)
    if found is None:
        return None
    if not found.billable and found.seventh_character_options:
        sentence = note.text[mention.sentence.start : mention.sentence.end]
        character = seventh_character(found.seventh_character_options, sentence, note.text)
        completed = (
            None if character is None else lookup_icd10cm(store, with_seventh(info.code, character.character), day)
        )
        if character is not None and completed is not None:
            steps.append(f"7th character {character.character}: {character.meaning}")
            found = completed
    return Resolved(found.code, found.description, tuple(steps), specific.defaulted, found.billable)


SEX_WORDS = {"F": {"female"}, "M": {"male"}}
"""What the patient's sex adds to every sentence's words: the tabular splits some codes by it (C50.91-, C50.92-)."""


def _paraphrased(note: Note, lexicon: Lexicon, stage: ParaphraseStage, mentions: list[Mention]) -> list[Mention]:
    """Mentions the embedding stage finds in the items no term matched."""
    found = []
    for item in stage.match(note, {mention.sentence.start for mention in mentions}):
        tokens = tuple(tokenize(note.text, item.start, item.end))
        if not tokens:
            continue
        title = lexicon.codes[item.key].description
        term = Term((), item.key, "embedding", f"{item.phrase} ~ {title} (cosine {item.cosine})")
        evidence = (Evidence(item.start, item.end, note.text[item.start : item.end]),)
        found.append(Mention(item.key, term, (), frozenset(), tokens, item.sentence, evidence))
    return found


def find_candidates(
    store: ReferenceStore,
    lexicon: Lexicon,
    note: Note,
    day: date,
    stage: ParaphraseStage | None = None,
    extra: Sequence[Mention] = (),
) -> list[Candidate]:
    """Every code the note mentions, each with its mentions, in order of first mention.

    With an embedding ``stage``, the items no term matched are also read by meaning; ``extra`` mentions (found
    by an organisation's learnt phrases) are judged like the lexicon's.
    """
    mentions = find_mentions(lexicon, note)
    if stage is not None:
        mentions += _paraphrased(note, lexicon, stage, mentions)
    return resolve_candidates(store, lexicon, note, day, [*mentions, *extra])


def resolve_candidates(
    store: ReferenceStore, lexicon: Lexicon, note: Note, day: date, mentions: Sequence[Mention]
) -> list[Candidate]:
    """The candidates some mentions lead to: each made specific, checked on ``day``, its assertion judged."""
    candidates: dict[str, Candidate] = {}
    sex = SEX_WORDS.get(patient_sex(note.text) or "", set())
    for mention in mentions:
        resolved = _resolve(store, lexicon, note, mention, day, sex)
        if resolved is None:
            continue
        code, description, steps, defaulted = resolved.code, resolved.description, resolved.steps, resolved.defaulted
        judged = assertion_of(note, mention.start, mention.end)
        status = judged.status
        if status is Assertion.PRESENT and len(mention.tokens) > 1:
            # A mention spread over a trigger ("thyroid nodule, cannot exclude malignancy") is judged by its
            # last word too.
            last = mention.tokens[-1]
            status = assertion_of(note, last.start, last.end).status
        reason = _named_not_had(note, mention, code)
        if reason is not None:
            status = Assertion.HYPOTHETICAL
        confidence = SOURCE_CONFIDENCE[mention.term.source] * SECTION_WEIGHT.get(mention.section.kind, 0.8)
        if defaulted:
            confidence -= 0.08
        denied = Assertion.NEGATED in judged.statuses
        found = Found(code, description, mention, status, confidence, steps, defaulted, reason, denied)
        candidate = candidates.setdefault(code, Candidate(code, description, billable=resolved.billable))
        candidate.found.append(found)
        if not candidate.path:
            candidate.path = list(steps)
    return sorted(candidates.values(), key=lambda candidate: candidate.start)


def merge_candidates(*groups: Sequence[Candidate]) -> list[Candidate]:
    """Candidates found separately (the lexicon's, the learnt phrases') as one list, in order of first mention.

    A code's mentions are put together, the earlier group's first.
    """
    merged: dict[str, Candidate] = {}
    for group in groups:
        for candidate in group:
            found = merged.get(candidate.code)
            if found is None:
                merged[candidate.code] = Candidate(
                    candidate.code,
                    candidate.description,
                    list(candidate.found),
                    list(candidate.path),
                    candidate.billable,
                )
            else:
                found.found.extend(candidate.found)
    return sorted(merged.values(), key=lambda candidate: candidate.start)
