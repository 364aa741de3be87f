"""The ICD-10-CM Official Guidelines a coder applies to what the note mentions (outpatient, Section IV).

Each rule takes the candidates and decides what is reported, in what order, and what is set aside with the
reason, citing the guideline:

- IV.H / IV.I: uncertain diagnoses are not coded (their symptoms are); negated, hypothetical and conditional
  conditions are not coded; a past condition is reported only as its personal history code; a relative's, only
  as a family history code when the visit addresses it.
- IV.J: conditions that coexist and affect care are coded: with an assessment in the note, what is listed only
  in the history, medication or review-of-systems sections was not addressed and is set aside.
- IV.D / I.B.5: symptoms routinely part of a confirmed diagnosis are not coded.
- I.A.15 ("with") and I.C.4.a, I.C.9.a: combination codes for diabetes and hypertension with their complications.
- I.A.12.a: Excludes1 pairs are never reported together.
- IV.G and I.A.13: the first-listed diagnosis is the main reason for the visit; a manifestation never leads.
"""

from __future__ import annotations

import re

from revcycle.coding.assertion import Assertion
from revcycle.coding.candidates import Candidate, Found
from revcycle.coding.combinations import combine_diabetes, combine_hypertension, harmonise_diabetes_type
from revcycle.coding.document import Note, SectionKind
from revcycle.coding.precedence import drop_less_specific, order_claim, resolve_excludes1
from revcycle.coding.reporting import (
    CONCLUDING,
    ENCOUNTER_PREFIXES,
    Coding,
    Reported,
    evidence_text,
    first_match,
    is_status_code,
)
from revcycle.coding.result import ExcludedCode
from revcycle.coding.symptoms import drop_integral_symptoms

ADDRESSED = frozenset(
    {
        SectionKind.CHIEF_COMPLAINT,
        SectionKind.HPI,
        SectionKind.ASSESSMENT,
        SectionKind.PLAN,
        SectionKind.PROCEDURE,
        SectionKind.OTHER,
    }
)
"""Sections where a condition is addressed at this visit (OTHER: text before any heading, e.g. a narrative)."""


NOT_REPORTED = {
    Assertion.NEGATED: "negated",
    Assertion.UNCERTAIN: "uncertain: not coded in the outpatient setting, its symptoms are (IV.H)",
    Assertion.HYPOTHETICAL: "hypothetical",
    Assertion.CONDITIONAL: "conditional",
}

PERSONAL_HISTORY: tuple[tuple[str, str], ...] = (
    ("C50", "Z85.3"),
    ("C61", "Z85.46"),
    ("C18", "Z85.038"),
    ("C20", "Z85.048"),
    ("C34", "Z85.118"),
    ("C43", "Z85.820"),
    ("C44", "Z85.828"),
    ("C67", "Z85.51"),
    ("C64", "Z85.528"),
    ("C73", "Z85.850"),
    ("C53", "Z85.41"),
    ("C54", "Z85.42"),
    ("C56", "Z85.43"),
    ("C62", "Z85.47"),
    ("C9", "Z85.6"),
    ("C8", "Z85.72"),
    ("C", "Z85.9"),
    ("I21", "I25.2"),
    ("I22", "I25.2"),
    ("I63", "Z86.73"),
    ("G45", "Z86.73"),
    ("I82.4", "Z86.718"),
    ("I26", "Z86.711"),
    ("F17", "Z87.891"),
    ("Z72.0", "Z87.891"),
    ("N20", "Z87.442"),
    ("J18", "Z87.01"),
    ("N39.0", "Z87.440"),
    ("D12", "Z86.0101"),
    ("K63.5", "Z86.0100"),
    ("K35", "Z87.19"),
    ("O24.4", "Z86.32"),
    ("O14", "Z87.59"),
    ("S", "Z87.828"),
)
"""A past condition (by code prefix, first match wins) to the code that reports its history (I.C.21.c.4)."""

FAMILY_HISTORY: tuple[tuple[str, str], ...] = (
    ("C50", "Z80.3"),
    ("C18", "Z80.0"),
    ("C19", "Z80.0"),
    ("C20", "Z80.0"),
    ("C61", "Z80.42"),
    ("C56", "Z80.41"),
    ("C34", "Z80.1"),
    ("C9", "Z80.6"),
    ("C80", "Z80.9"),
    ("C", "Z80.8"),
    ("E10", "Z83.3"),
    ("E11", "Z83.3"),
    ("I21", "Z82.49"),
    ("I25", "Z82.49"),
    ("I10", "Z82.49"),
    ("I63", "Z82.3"),
    ("J45", "Z82.5"),
    ("M81", "Z82.62"),
    ("F10", "Z81.1"),
    ("F3", "Z81.8"),
    ("N18", "Z84.1"),
    ("H40", "Z83.511"),
    ("D12", "Z83.71"),
    ("G40", "Z82.0"),
)
"""A relative's condition (by code prefix) to the family history code (I.C.21.c.4)."""


def _position(note: Note, candidate: Candidate) -> int:
    """Where a code ranks: its first mention in the assessment, else in the chief complaint, else anywhere."""
    for rank, kinds in enumerate(
        (CONCLUDING, {SectionKind.CHIEF_COMPLAINT}, {SectionKind.HPI, SectionKind.OTHER, SectionKind.PROCEDURE})
    ):
        starts = [item.mention.start for item in candidate.found if item.mention.section.kind in kinds]
        if starts:
            return rank * len(note.text) + min(starts)
    return 3 * len(note.text) + candidate.start


def apply_assertions(coding: Coding, candidates: list[Candidate]) -> None:
    """Report what the note asserts as present; set aside the rest (IV.H, IV.I).

    Past and family conditions become their history codes (I.C.21.c.4).
    """
    has_assessment = any(section.kind in CONCLUDING for section in coding.note.sections)
    for candidate in candidates:
        status = candidate.status
        if _stands(candidate):
            status = Assertion.PRESENT
        present = [item for item in candidate.found if item.status is Assertion.PRESENT] or candidate.found
        relatives = [item for item in candidate.found if item.status is Assertion.FAMILY and not item.denied]
        if relatives and status is not Assertion.FAMILY:
            _history_code(coding, candidate, FAMILY_HISTORY, "family history")
        if status is Assertion.PRESENT and not candidate.billable:
            coding.excluded.append(
                ExcludedCode(
                    candidate.code,
                    "the documentation stops short of a billable code (a category or subcategory)",
                    candidate.evidence(),
                )
            )
            continue
        if status is Assertion.PRESENT:
            if has_assessment and not candidate.sections & ADDRESSED and not is_status_code(candidate.code):
                where = ", ".join(sorted(kind.value.replace("_", " ") for kind in candidate.sections))
                coding.excluded.append(
                    ExcludedCode(
                        candidate.code, f"not addressed at this visit: only in {where} (IV.J)", candidate.evidence()
                    )
                )
                continue
            if candidate.code not in coding.codes():
                coding.reported.append(_reported(coding.note, candidate, present))
            continue
        reason = NOT_REPORTED.get(status, candidate.reason)
        coding.excluded.append(ExcludedCode(candidate.code, reason, candidate.evidence()))
        if status is Assertion.HISTORICAL:
            _history_code(coding, candidate, PERSONAL_HISTORY, "personal history")
        elif status is Assertion.FAMILY and relatives:
            _history_code(coding, candidate, FAMILY_HISTORY, "family history")


STARTED = re.compile(
    r"\b(start(?:ed|ing)?|begin|began|initiat\w*|prescrib\w*|given|administered|chewed|trial of|switch\w* to|"
    r"completed|no longer|stopped|discontinu\w*|off|held|finished|treated with|course of)\b",
    re.I,
)
"""Words that make a drug one started or given today, or one no longer taken: not long-term use."""


def drop_new_drugs(coding: Coding) -> None:
    """A long-term drug code needs a drug the patient already takes, not one started or given today (I.C.21.c.3)."""
    for item in coding.starting("Z79"):
        ongoing = [
            found
            for found in item.candidate.found
            if found.status is Assertion.PRESENT
            and not STARTED.search(coding.note.text[found.mention.sentence.start : found.mention.sentence.end])
        ]
        if not ongoing:
            coding.drop(item, "a drug started or given at this visit, not long-term use yet (I.C.21.c.3)")


def drop_treated_history(coding: Coding) -> None:
    """A cancer reported as a personal history (Z85) is not also reported as current (I.C.2.d)."""
    for item in list(coding.reported):
        target = first_match(item.code, PERSONAL_HISTORY) if item.code.startswith("C") else None
        if target is not None and target in coding.codes():
            coding.drop(item, f"the note reports it as history: {target} (I.C.2.d)")


def _stands(candidate: Candidate) -> bool:
    """Whether a code is reported whatever its mentions' assertions, short of a denial.

    An encounter reason is the visit's, whoever else the sentence names or whatever risks it explains
    ("counseled mother on the risks of each vaccine"); a status ("s/p coronary stent", "history of left
    mastectomy") is past by its nature and still true.
    """
    statuses = candidate.statuses
    if candidate.code.startswith(ENCOUNTER_PREFIXES):
        return statuses != {Assertion.NEGATED}
    return statuses == {Assertion.HISTORICAL} and candidate.code.startswith(
        ("Z95", "Z96", "Z97", "Z89", "Z90", "Z93", "Z94", "Z98", "Z99", "Z79", "Z87", "Z85", "Z86")
    )


def _reported(note: Note, candidate: Candidate, present: list[Found]) -> Reported:
    sections = sorted({item.mention.section.kind.value.replace("_", " ") for item in present})
    rationale = f"{evidence_text(candidate, {Assertion.PRESENT})} ({', '.join(sections)}) -> {candidate.code}"
    if candidate.defaulted:
        rationale += f"; the note does not say more than: {candidate.defaulted[0]}"
    return Reported(
        candidate.code,
        candidate.description,
        candidate,
        rationale,
        tuple(candidate.path),
        candidate.confidence,
        _position(note, candidate),
    )


def _history_code(coding: Coding, candidate: Candidate, table: tuple[tuple[str, str], ...], kind: str) -> None:
    target = first_match(candidate.code, table)
    if target is None or target in coding.codes():
        return
    found = coding.describe(target)
    if found is None or not found.billable:
        return
    rationale = f"{evidence_text(candidate)}: {kind} of {candidate.code} -> {target} (I.C.21.c.4)"
    coding.reported.append(
        Reported(
            target,
            found.description,
            candidate,
            rationale,
            (*candidate.path, f"guideline: {kind} -> {target}"),
            candidate.confidence - 0.05,
            3 * len(coding.note.text) + candidate.start,
        )
    )


SUBSTANCE_USE = re.compile(r"^F1[0-9]\.9")


def drop_substance_use(coding: Coding) -> None:
    """Substance "use" codes need a related disorder the clinician links to it (I.C.5.b.3): mere use is not coded."""
    for item in list(coding.reported):
        if SUBSTANCE_USE.match(item.code):
            coding.drop(item, "substance use without a documented related disorder (I.C.5.b.3)")


def with_abnormal_findings(coding: Coding) -> None:
    """A general or well-child examination that finds something is the "with abnormal findings" code (I.C.21.c.13)."""
    found_conditions = [item for item in coding.reported if not item.code.startswith("Z")]
    for normal, abnormal in (("Z00.00", "Z00.01"), ("Z00.129", "Z00.121")):
        for item in coding.starting(normal):
            if found_conditions:
                coding.drop(item, f"the examination found {found_conditions[0].code}: {abnormal} (I.C.21.c.13)")
                coding.add(abnormal, item, f"{item.rationale}, with abnormal findings", "guideline: abnormal findings")


def apply_guidelines(coding: Coding, candidates: list[Candidate]) -> None:
    """Every rule, in the order a coder applies them."""
    apply_assertions(coding, candidates)
    drop_substance_use(coding)
    drop_new_drugs(coding)
    drop_treated_history(coding)
    harmonise_diabetes_type(coding)
    combine_diabetes(coding)
    combine_hypertension(coding)
    drop_less_specific(coding)
    drop_integral_symptoms(coding)
    resolve_excludes1(coding)
    with_abnormal_findings(coding)
    order_claim(coding)
