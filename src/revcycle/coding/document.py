"""A clinical note as a coder reads it: sections, sentences and words, each knowing its place in the text.

Offsets are character offsets into the note's text, so every piece of evidence can be shown where it was written.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum


class SectionKind(StrEnum):
    """The kinds of section a coder tells apart; assessment and plan weigh most, history sections least."""

    CHIEF_COMPLAINT = "chief_complaint"
    HPI = "hpi"
    PAST_HISTORY = "past_history"
    FAMILY_HISTORY = "family_history"
    SOCIAL_HISTORY = "social_history"
    MEDICATIONS = "medications"
    ALLERGIES = "allergies"
    REVIEW_OF_SYSTEMS = "review_of_systems"
    EXAM = "exam"
    RESULTS = "results"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    PROCEDURE = "procedure"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the note: its kind, its heading as written, and the span of its body."""

    kind: SectionKind
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or list item) of the note, with the section it sits in."""

    start: int
    end: int
    section: Section


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the note: its span, the text as written and its lower-case form."""

    start: int
    end: int
    text: str
    lower: str


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?(?:[/.-][A-Za-z0-9]+)*|[/+%]")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]`` with offsets into ``text``."""
    stop = len(text) if end is None else end
    return [
        Token(match.start(), match.end(), match.group(), match.group().lower())
        for match in _TOKEN.finditer(text, start, stop)
    ]


@dataclass(frozen=True, slots=True)
class Note:
    """A note split for coding.

    Attributes:
        text: the note as given.
        sections: in note order, covering the whole text (text before any heading is an ``OTHER`` section).
        sentences: in note order.
    """

    text: str
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]

    def section_at(self, offset: int) -> Section:
        """The section holding ``offset``."""
        starts = [section.start for section in self.sections]
        return self.sections[max(bisect_right(starts, offset) - 1, 0)]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding ``offset`` (the nearest one before it when it falls between sentences)."""
        starts = [sentence.start for sentence in self.sentences]
        return self.sentences[max(bisect_right(starts, offset) - 1, 0)]

    def words(self, sentence: Sentence) -> list[Token]:
        """The words of one sentence."""
        return tokenize(self.text, sentence.start, sentence.end)


_HEADING = re.compile(r"^[ \t]*([A-Za-z][A-Za-z /&()-]{0,40}?)[ \t]*:", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n")

HEADINGS: dict[str, SectionKind] = {
    "cc": SectionKind.CHIEF_COMPLAINT,
    "chief complaint": SectionKind.CHIEF_COMPLAINT,
    "reason for visit": SectionKind.CHIEF_COMPLAINT,
    "hpi": SectionKind.HPI,
    "history of present illness": SectionKind.HPI,
    "subjective": SectionKind.HPI,
    "s": SectionKind.HPI,
    "pmh": SectionKind.PAST_HISTORY,
    "past medical history": SectionKind.PAST_HISTORY,
    "past surgical history": SectionKind.PAST_HISTORY,
    "psh": SectionKind.PAST_HISTORY,
    "fh": SectionKind.FAMILY_HISTORY,
    "family history": SectionKind.FAMILY_HISTORY,
    "sh": SectionKind.SOCIAL_HISTORY,
    "social history": SectionKind.SOCIAL_HISTORY,
    "medications": SectionKind.MEDICATIONS,
    "meds": SectionKind.MEDICATIONS,
    "current medications": SectionKind.MEDICATIONS,
    "allergies": SectionKind.ALLERGIES,
    "ros": SectionKind.REVIEW_OF_SYSTEMS,
    "review of systems": SectionKind.REVIEW_OF_SYSTEMS,
    "exam": SectionKind.EXAM,
    "physical exam": SectionKind.EXAM,
    "physical examination": SectionKind.EXAM,
    "objective": SectionKind.EXAM,
    "o": SectionKind.EXAM,
    "vitals": SectionKind.EXAM,
    "labs": SectionKind.RESULTS,
    "results": SectionKind.RESULTS,
    "data": SectionKind.RESULTS,
    "imaging": SectionKind.RESULTS,
    "assessment": SectionKind.ASSESSMENT,
    "impression": SectionKind.ASSESSMENT,
    "diagnosis": SectionKind.ASSESSMENT,
    "diagnoses": SectionKind.ASSESSMENT,
    "a": SectionKind.ASSESSMENT,
    "assessment and plan": SectionKind.ASSESSMENT,
    "assessment/plan": SectionKind.ASSESSMENT,
    "a/p": SectionKind.ASSESSMENT,
    "plan": SectionKind.PLAN,
    "p": SectionKind.PLAN,
    "procedure": SectionKind.PROCEDURE,
    "procedures": SectionKind.PROCEDURE,
    "procedure note": SectionKind.PROCEDURE,
}


def _sections(text: str) -> tuple[Section, ...]:
    found: list[Section] = []
    heads = [
        (match.start(), match.end(), match.group(1).strip(), HEADINGS.get(match.group(1).strip().lower()))
        for match in _HEADING.finditer(text)
    ]
    heads = [head for head in heads if head[3] is not None]
    if not heads or heads[0][0] > 0:
        found.append(Section(SectionKind.OTHER, "", 0, heads[0][0] if heads else len(text)))
    for index, (_start, body, title, kind) in enumerate(heads):
        end = heads[index + 1][0] if index + 1 < len(heads) else len(text)
        assert kind is not None
        found.append(Section(kind, title, body, end))
    return tuple(found)


def read_note(text: str) -> Note:
    """Split a note into sections and sentences."""
    sections = _sections(text)
    sentences: list[Sentence] = []
    for section in sections:
        position = section.start
        for match in [*_SENTENCE_END.finditer(text, section.start, section.end), None]:
            stop = match.start() if match else section.end
            piece = text[position:stop]
            stripped = piece.strip()
            if stripped:
                first = position + len(piece) - len(piece.lstrip())
                sentences.append(Sentence(first, first + len(stripped), section))
            if match:
                position = match.end()
    return Note(text, sections, tuple(sentences))
