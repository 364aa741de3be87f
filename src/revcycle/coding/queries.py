"""Clinician queries: when the documentation stops short of a specific or payable code, ask, never lead.

A query cites what the note says, asks an open or multiple-choice question whose options are all clinically
reasonable, and always offers "Other (please specify)" and "Clinically undetermined", as the AHIMA/ACDIS
Guidelines for Achieving a Compliant Query Practice describe. It never names a diagnosis the note does not
support as the expected answer, nor mentions payment.
"""

from __future__ import annotations

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
        lateral = [text for text in item.candidate.defaulted if "unspecified side" in text.lower() or _laterality(text)]
        if lateral:
            question = (
                "The note documents {evidence} without stating the side. Based on your clinical judgment, which "
                "side is affected?"
            )
            queries.append(_query(f"laterality of {item.code}", question, LATERALITY_OPTIONS, item))
    queries += _conflicts(coding)
    return queries


def _laterality(title: str) -> bool:
    lower = title.lower()
    return "unspecified" in lower and any(
        word in lower
        for word in (
            "side",
            " ear",
            " eye",
            " knee",
            " hip",
            " shoulder",
            "limb",
            " hand",
            " foot",
            " arm",
            " leg",
            "radius",
            "ulna",
            "femur",
            "tibia",
            "humerus",
            "ankle",
            "wrist",
            "elbow",
        )
    )


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
