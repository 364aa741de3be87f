"""Assertion status of a mention, as ConText judges it: is the condition present, negated, uncertain, past, ...

A mention's status comes from trigger phrases around it in its sentence ("denies", "possible", "history of",
"mother has", "if ... return") whose scope reaches it, and from the section it is in (a family history section
makes every condition in it the family's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from revcycle.coding.document import Note, SectionKind


class Assertion(StrEnum):
    """What the note asserts about a mentioned condition."""

    PRESENT = "present"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"
    HISTORICAL = "historical"
    FAMILY = "family"
    HYPOTHETICAL = "hypothetical"
    CONDITIONAL = "conditional"


@dataclass(frozen=True, slots=True)
class AssertionResult:
    """A mention's status and the trigger that decided it (None when nothing did: present)."""

    status: Assertion
    trigger: tuple[int, int] | None = None


_NEGATION = re.compile(r"\b(no|denies|denied|without|negative for|not)\b", re.IGNORECASE)


def assertion_of(note: Note, start: int, end: int) -> AssertionResult:
    """The assertion status of the mention at ``note.text[start:end]``."""
    sentence = note.sentence_at(start)
    if sentence.section.kind is SectionKind.FAMILY_HISTORY:
        return AssertionResult(Assertion.FAMILY)
    before = note.text[sentence.start : start]
    matches = list(_NEGATION.finditer(before))
    if matches:
        match = matches[-1]
        return AssertionResult(Assertion.NEGATED, (sentence.start + match.start(), sentence.start + match.end()))
    return AssertionResult(Assertion.PRESENT)
