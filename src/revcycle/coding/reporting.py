"""What the guidelines work on: the codes reported so far, the codes set aside, and a lookup of any code.

The rules of `revcycle.coding.guidelines` and its sibling modules take a `Coding` and report, drop or add codes
on it, each with the reason a coder would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from revcycle.coding.assertion import Assertion
from revcycle.coding.candidates import Candidate
from revcycle.coding.document import Note, SectionKind
from revcycle.coding.result import ExcludedCode
from revcycle.refdata.icd10cm import Icd10cmCode

CONCLUDING = frozenset({SectionKind.ASSESSMENT, SectionKind.PLAN})
"""The sections where the clinician concludes: what they hold was addressed at this visit."""

STATUS_PREFIXES = ("Z79", "Z87", "Z85", "Z86", "Z80", "Z81", "Z82", "Z83", "Z84", "Z68", "Z92", "Z95", "Z96", "Z98")
"""Status and history codes: reported after the conditions they accompany."""

ENCOUNTER_PREFIXES = ("Z00", "Z01", "Z02", "Z23", "Z11", "Z12", "Z13", "Z30", "Z34", "Z39", "Z09")
"""Encounter reasons: first-listed when present (a preventive visit, a screening, a vaccination)."""


@dataclass(frozen=True, slots=True)
class Reported:
    """A code reported on the claim, with what supports it."""

    code: str
    description: str
    candidate: Candidate
    rationale: str
    path: tuple[str, ...]
    confidence: float
    position: int


@dataclass
class Coding:
    """The state the rules work on: reported codes, codes set aside, and the lookup of any code on the day."""

    note: Note
    describe: Callable[[str], Icd10cmCode | None]
    reported: list[Reported] = field(default_factory=list)
    excluded: list[ExcludedCode] = field(default_factory=list)

    def codes(self) -> set[str]:
        """The codes reported so far."""
        return {item.code for item in self.reported}

    def starting(self, prefix: str) -> list[Reported]:
        """Reported codes that start with ``prefix`` (with dot, e.g. ``E11.`` or ``N18``)."""
        return [item for item in self.reported if item.code.startswith(prefix)]

    def drop(self, item: Reported, reason: str) -> None:
        """Set a reported code aside with the reason."""
        self.reported.remove(item)
        self.excluded.append(ExcludedCode(item.code, reason, item.candidate.evidence()))

    def add(self, code: str, like: Reported, rationale: str, step: str) -> Reported | None:
        """Report ``code`` on the evidence of ``like`` (a combination or history code it leads to)."""
        if code in self.codes():
            return None
        found = self.describe(code)
        if found is None or not found.billable:
            return None
        item = Reported(
            code, found.description, like.candidate, rationale, (*like.path, step), like.confidence, like.position
        )
        self.reported.append(item)
        return item


def first_match(code: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The target of the first (prefix, target) pair whose prefix starts ``code``."""
    return next((target for prefix, target in table if code.startswith(prefix)), None)


def evidence_text(candidate: Candidate, statuses: set[Assertion] | None = None) -> str:
    """Up to three of a candidate's evidence spans, quoted, for a rationale."""
    spans = candidate.evidence(statuses)
    return "; ".join(f'"{span.text}"' for span in spans[:3])


def is_status_code(code: str) -> bool:
    """Whether a code reports a status or history (Z79, Z87, ...), which follows the conditions."""
    return code.startswith(STATUS_PREFIXES)
