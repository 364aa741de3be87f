"""Clinician queries: when the documentation stops short of a specific or payable code, ask, never lead.

A query cites what the note says, asks an open or multiple-choice question whose options are all clinically
reasonable, and always offers "Other (please specify)" and "Clinically undetermined", as the AHIMA/ACDIS
Guidelines for Achieving a Compliant Query Practice describe. It never names a diagnosis the note does not
support as the expected answer, nor mentions payment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from revcycle.coding.assertion import Assertion
from revcycle.coding.reporting import Coding, Reported
from revcycle.coding.result import ClinicianQuery

CLOSING_OPTIONS = ("Other (please specify)", "Clinically undetermined")


@dataclass(frozen=True, slots=True)
class QueryRule:
    """A gap to ask about: reported codes it applies to (prefixes), what is missing, the question and options."""

    about: str
    applies_to: tuple[str, ...]
    unless: tuple[str, ...]
    question: str
    options: tuple[str, ...]


RULES: tuple[QueryRule, ...] = (
    QueryRule(
        "CKD stage",
        ("N18.9", "E11.22", "E10.22", "E13.22", "I12.9", "I13.0"),
        ("N18.1", "N18.2", "N18.3", "N18.4", "N18.5", "N18.6"),
        "The note documents chronic kidney disease ({evidence}). Based on your clinical judgment, can the stage "
        "be further specified?",
        ("Stage 1", "Stage 2", "Stage 3a", "Stage 3b", "Stage 4", "Stage 5", "End-stage renal disease"),
    ),
    QueryRule(
        "heart failure type and acuity",
        ("I50.9",),
        (),
        "The note documents heart failure ({evidence}). Based on your clinical judgment, can the type and acuity "
        "be further specified?",
        (
            "Acute systolic (HFrEF)",
            "Chronic systolic (HFrEF)",
            "Acute on chronic systolic",
            "Acute diastolic (HFpEF)",
            "Chronic diastolic (HFpEF)",
            "Acute on chronic diastolic",
            "Combined systolic and diastolic (specify acuity)",
        ),
    ),
    QueryRule(
        "pneumonia organism",
        ("J18.",),
        (),
        "The note documents pneumonia ({evidence}). Based on your clinical judgment and the results available, "
        "can the causative organism or type be further specified?",
        ("Bacterial (please specify organism)", "Viral (please specify virus)", "Aspiration pneumonia"),
    ),
)
"""The documentation gaps the issue names, by the codes that show them."""

LATERALITY_OPTIONS = ("Right", "Left", "Bilateral")


def _quote(item: Reported) -> str:
    spans = item.candidate.evidence({Assertion.PRESENT}) or item.candidate.evidence()
    return "; ".join(f'"{span.text}"' for span in spans[:2])


def draft_queries(coding: Coding) -> list[ClinicianQuery]:
    """The queries the reported codes call for, one per gap."""
    queries: list[ClinicianQuery] = []
    codes = coding.codes()
    for rule in RULES:
        hits = [item for item in coding.reported if item.code.startswith(rule.applies_to)]
        if not hits or any(code.startswith(rule.unless) for code in codes):
            continue
        queries.append(_query(rule.about, rule.question, rule.options, hits[0]))
    for item in coding.reported:
        part = _unsided_part(item.description)
        if part is not None:
            queries.append(_laterality_query(coding, item, part))
    queries += _conflicts(coding)
    return queries


_UNSIDED = re.compile(
    r"unspecified (?:side|ear|eye|knee|hip|shoulder|upper limb|lower limb|limb|hand|foot|arm|leg|radius|ulna|femur|"
    r"tibia|fibula|humerus|ankle|wrist|elbow|finger|toe|thigh|lower leg|forearm|breast|kidney|lung|ovary)s?\b",
    re.IGNORECASE,
)
_NOT_KIND = frozenset({"unspecified", "other", "unilateral", "primary", "secondary", "acute", "chronic"})


def _unsided_part(description: str) -> str | None:
    """The body part a code leaves unsided ("unspecified knee" -> "knee"), or None when it states a side."""
    found = _UNSIDED.search(description)
    return found.group(0).split()[-1].lower().rstrip("s") if found else None


def _laterality_query(coding: Coding, item: Reported, part: str) -> ClinicianQuery:
    """Ask which side; when the note names both sides for the same part, say that it conflicts."""
    kind = next(
        (word for word in re.findall(r"[a-z]+", item.description.lower()) if word not in _NOT_KIND), "condition"
    )
    text = coding.note.text
    sides = {side for side in ("right", "left") if re.search(rf"\b{side}\b\W+(?:\w+\W+){{0,2}}?{part}", text, re.I)}
    if sides == {"right", "left"}:
        question = (
            "The note documents {evidence}, and places findings in both the right and the left "
            + part
            + ". Based on your clinical judgment, which side does the diagnosis concern?"
        )
        return _query(f"conflicting laterality: {kind} ({item.code})", question, LATERALITY_OPTIONS, item)
    question = (
        "The note documents {evidence} without stating the side. Based on your clinical judgment, which side is "
        "affected?"
    )
    return _query(f"{kind} laterality ({item.code})", question, LATERALITY_OPTIONS, item)


def _query(about: str, question: str, options: tuple[str, ...], item: Reported) -> ClinicianQuery:
    return ClinicianQuery(
        about=about,
        text=question.format(evidence=_quote(item)),
        options=(*options, *CLOSING_OPTIONS) if options else (),
        evidence=item.candidate.evidence(),
    )


def _conflicts(coding: Coding) -> list[ClinicianQuery]:
    """A condition the note both affirms and denies: ask which is right (an open query)."""
    queries = []
    for item in coding.reported:
        statuses = item.candidate.statuses
        if Assertion.PRESENT in statuses and Assertion.NEGATED in statuses:
            affirmed = item.candidate.evidence({Assertion.PRESENT})
            denied = item.candidate.evidence({Assertion.NEGATED})
            text = (
                f'The note documents "{affirmed[0].text}" and also "{denied[0].text}". Please clarify whether '
                f"the condition is present at this encounter."
            )
            queries.append(
                ClinicianQuery(
                    f"conflicting documentation: {item.description}",
                    text,
                    ("Present", "Not present", *CLOSING_OPTIONS),
                    (*affirmed[:1], *denied[:1]),
                )
            )
    return queries
