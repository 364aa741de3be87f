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
from collections.abc import Callable
from dataclasses import dataclass, field

from revcycle.coding.assertion import Assertion
from revcycle.coding.candidates import Candidate, Found
from revcycle.coding.document import Note, SectionKind
from revcycle.coding.result import ExcludedCode
from revcycle.refdata.icd10cm import Icd10cmCode

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

CONCLUDING = frozenset({SectionKind.ASSESSMENT, SectionKind.PLAN})

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


def _first_match(code: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((target for prefix, target in table if code.startswith(prefix)), None)


def _evidence_text(candidate: Candidate, statuses: set[Assertion] | None = None) -> str:
    spans = candidate.evidence(statuses)
    return "; ".join(f'"{span.text}"' for span in spans[:3])


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
            if has_assessment and not candidate.sections & ADDRESSED and not _is_status_code(candidate.code):
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
        target = _first_match(item.code, PERSONAL_HISTORY) if item.code.startswith("C") else None
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
        ("Z95", "Z96", "Z90", "Z98", "Z79", "Z87", "Z85", "Z86")
    )


def _is_status_code(code: str) -> bool:
    return code.startswith(STATUS_PREFIXES)


def _reported(note: Note, candidate: Candidate, present: list[Found]) -> Reported:
    sections = sorted({item.mention.section.kind.value.replace("_", " ") for item in present})
    rationale = f"{_evidence_text(candidate, {Assertion.PRESENT})} ({', '.join(sections)}) -> {candidate.code}"
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
    target = _first_match(candidate.code, table)
    if target is None or target in coding.codes():
        return
    found = coding.describe(target)
    if found is None or not found.billable:
        return
    rationale = f"{_evidence_text(candidate)}: {kind} of {candidate.code} -> {target} (I.C.21.c.4)"
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


SYMPTOM_SYSTEMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("R00", "R03", ("I",)),
    ("R04", "R09", ("J", "I")),
    ("R10", "R19", ("K", "A0")),
    ("R20", "R23", ("L", "B0")),
    ("R25", "R29", ("G", "M", "I6")),
    ("R30", "R39", ("N", "C6")),
    ("R40", "R46", ("F", "G")),
    ("R47", "R49", ("F", "G", "I6", "J3")),
    ("R50", "R69", ("A", "B", "J", "N", "K", "L0", "U07", "C")),
    ("R70", "R94", ("E", "D", "N", "K7")),
)
"""Symptom blocks of Chapter 18 and the chapters of the diagnoses they are routinely part of (by code prefix):
a cough is part of a respiratory diagnosis, not of a knee sprain."""


PAIN_CODES = ("M25.5", "M54.5", "M54.2", "M54.6", "M54.9", "M79.6", "M79.1", "M79.7", "G89", "L29", "H57.1", "H92.0")
"""Pain codes outside Chapter 18 that still only name a symptom: part of an injury or joint diagnosis."""


def _is_symptom(code: str) -> bool:
    return code.startswith("R") or code.startswith(PAIN_CODES)


GENERAL_SYMPTOMS = ("R50", "R52", "R53", "R58", "R63", "R68", "R69")
"""Fever, pain, fatigue, bleeding: part of almost any diagnosis that comes with them."""


def _system_of(symptom: str) -> tuple[str, ...]:
    if symptom.startswith(GENERAL_SYMPTOMS):
        return ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "S", "T", "U")
    if symptom.startswith(("L29",)):
        return ("L", "B3", "B8")
    if symptom.startswith(("H57.1", "H92.0")):
        return ("H", "S0")
    if symptom.startswith(PAIN_CODES):
        return ("S", "M", "T", "G5")
    block = symptom[:3]
    return next((chapters for first, last, chapters in SYMPTOM_SYSTEMS if first <= block <= last), ())


def drop_integral_symptoms(coding: Coding) -> None:
    """Symptoms are not coded beside a confirmed diagnosis they are part of (IV.D, I.B.5).

    A symptom is integral when the assessment confirms a diagnosis of the body system the symptom belongs to,
    and the symptom is not itself an item of the assessment; a symptom the assessment lists on its own line is
    coded, unless that line also holds the diagnosis ("cough due to acute bronchitis").
    """
    # Without an assessment (a dictated paragraph), the whole note is the clinician's conclusion.
    concluding = CONCLUDING if any(section.kind in CONCLUDING for section in coding.note.sections) else None
    definitive = [
        item
        for item in coding.reported
        if _is_definitive(item.code) and (concluding is None or item.candidate.sections & concluding)
    ]
    for item in list(coding.reported):
        if not _is_symptom(item.code):
            continue
        related = [other for other in definitive if other.code.startswith(_system_of(item.code))]
        if not related:
            continue
        own_lines = {
            found.mention.sentence.start
            for found in item.candidate.found
            if found.mention.section.kind is SectionKind.ASSESSMENT
        }
        shared = [
            other for other in related if own_lines & {found.mention.sentence.start for found in other.candidate.found}
        ]
        if own_lines and not shared and concluding is not None:
            continue
        cause = shared[0] if shared else related[0]
        coding.drop(item, f"integral symptom of {cause.code} (IV.D)")


def _is_definitive(code: str) -> bool:
    return not code.startswith(("R", "Z")) and not code.startswith(PAIN_CODES)


DIABETES = ("E08", "E09", "E10", "E11", "E13")
DIABETES_WITH: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("N18", "I12", "I13"), ".22", True),
    (("G62.9", "G60.9", "G63"), ".42", False),
    (("H35.0",), ".319", False),
    (("K31.84",), ".43", True),
    (("R73.9", "R73.01", "R73.09"), ".65", False),
    (("E16.2", "E16.1"), ".649", False),
    (("L97",), ".621", True),
    (("I73.9",), ".51", False),
)
"""Conditions the tabular links to diabetes by "with" (I.A.15, I.C.4.a): the complication's code prefixes, the
diabetes subcategory it makes, and whether the complication keeps its own code beside it."""


def combine_diabetes(coding: Coding) -> None:
    """Diabetes with a complication the tabular links to it is one combination code (I.A.15, I.C.4.a)."""
    for family in DIABETES:
        diabetic = coding.starting(family)
        if not diabetic:
            continue
        base = diabetic[0]
        for prefixes, suffix, keep in DIABETES_WITH:
            complications = [item for item in coding.reported if item.code.startswith(prefixes)]
            target = f"{family}{suffix}"
            if not complications:
                continue
            coding.add(
                target,
                base,
                f'{base.code} with {complications[0].code}: the tabular\'s "with" links them (I.A.15) -> {target}',
                f"guideline: diabetes with {complications[0].code} -> {target}",
            )
            if target in coding.codes() and not keep:
                for item in complications:
                    coding.drop(item, f"combined into {target} (I.A.15)")
        unspecified = f"{family}.9"
        if any(item.code == unspecified for item in coding.reported) and len(coding.starting(family)) > 1:
            coding.drop(
                next(item for item in coding.reported if item.code == unspecified),
                "combined: diabetes with a complication (I.A.15)",
            )


def combine_hypertension(coding: Coding) -> None:
    """Hypertension with heart failure or chronic kidney disease is I11, I12 or I13 (I.C.9.a)."""
    hypertension = [item for item in coding.reported if item.code.startswith(("I10", "I11", "I12", "I13"))]
    if not hypertension:
        return
    failure = coding.starting("I50")
    kidney = coding.starting("N18")
    late = any(item.code in {"N18.5", "N18.6"} for item in kidney)
    if failure and kidney:
        target = "I13.2" if late else "I13.0"
    elif failure:
        target = "I11.0"
    elif kidney:
        target = "I12.0" if late else "I12.9"
    else:
        return
    base = hypertension[0]
    coding.add(
        target,
        base,
        f"hypertension with {'heart failure' if failure else ''}{' and ' if failure and kidney else ''}"
        f"{'chronic kidney disease' if kidney else ''}: presumed linked (I.C.9.a) -> {target}",
        f"guideline: hypertension combination -> {target}",
    )
    if target in coding.codes():
        for item in [other for other in coding.reported if other.code.startswith(("I10", "I11", "I12", "I13"))]:
            if item.code != target:
                coding.drop(item, f"combined into {target} (I.C.9.a)")


_RANGE = re.compile(
    r"\b([A-Z][0-9][0-9A-Z])(?:\.([0-9A-Z]{1,4}))?(-)?(?:\s*-\s*([A-Z][0-9][0-9A-Z])(?:\.([0-9A-Z]{1,4}))?)?"
)


def _code_refs(text: str) -> list[tuple[str, str]]:
    """The code ranges a note's text cites, as (first, last) prefixes without dots."""
    refs = []
    for match in _RANGE.finditer(text):
        first = match.group(1) + (match.group(2) or "")
        last = (match.group(4) + (match.group(5) or "")) if match.group(4) else first
        refs.append((first, last))
    return refs


def _cites(text: str, code: str) -> bool:
    key = code.replace(".", "")
    return any(first <= key[: len(first)] <= last or key.startswith(first) for first, last in _code_refs(text))


def resolve_excludes1(coding: Coding) -> None:
    """Two codes an Excludes1 note parts are never reported together (I.A.12.a): the better-supported stays."""
    for item in sorted(coding.reported, key=lambda item: item.confidence):
        if item not in coding.reported:
            continue
        found = coding.describe(item.code)
        if found is None:
            continue
        notes = [note.text for note in found.notes if note.kind == "excludes1"]
        for other in list(coding.reported):
            if other is not item and any(_cites(text, other.code) for text in notes):
                loser = item if item.confidence <= other.confidence else other
                winner = other if loser is item else item
                coding.drop(loser, f"excluded by {winner.code} (Excludes1, I.A.12.a)")
                break


def order_claim(coding: Coding) -> None:
    """Put the reason for the visit first and status codes last (IV.G), an etiology before its manifestation.

    The reason is an encounter code when there is one, else the assessment's order (I.A.13 for the pairs).
    """

    def rank(item: Reported) -> tuple[int, int]:
        if item.code.startswith(ENCOUNTER_PREFIXES):
            return (0, item.position)
        if _is_status_code(item.code):
            return (3, item.position)
        if item.code.startswith("R"):
            return (2, item.position)
        return (1, item.position)

    coding.reported.sort(key=rank)
    for item in list(coding.reported):
        found = coding.describe(item.code)
        if found is None:
            continue
        first = [note.text for note in found.notes if note.kind == "code_first"]
        etiology = [
            other for other in coding.reported if other is not item and any(_cites(text, other.code) for text in first)
        ]
        if etiology and coding.reported.index(etiology[0]) > coding.reported.index(item):
            coding.reported.remove(item)
            coding.reported.insert(coding.reported.index(etiology[0]) + 1, item)


CATCH_ALL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("T14.", ("S", "T0", "T1", "T2", "T3", "L0", "L8", "L9")),
    ("R52", ("R07", "R10", "R51", "M25.5", "M54", "M79.6", "G89", "N94", "H92", "R30")),
    ("B99.9", ("A", "B", "J0", "J1", "J2", "N39.0", "N30", "L0", "H66", "H60", "K35", "K57", "K81", "N10", "N70")),
    ("D49.9", ("C", "D0", "D1", "D2", "D3", "D4")),
    ("C80.1", ("C",)),
    ("C79.9", ("C77", "C78", "C79.0", "C79.1", "C79.2", "C79.3", "C79.4", "C79.5", "C79.6", "C79.7", "C79.8")),
    ("Z85.9", ("Z85.0", "Z85.1", "Z85.2", "Z85.3", "Z85.4", "Z85.5", "Z85.6", "Z85.7", "Z85.8")),
    ("Z80.9", ("Z80.0", "Z80.1", "Z80.2", "Z80.3", "Z80.4", "Z80.5", "Z80.6", "Z80.7", "Z80.8")),
    ("R69", ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N")),
    ("L98.9", ("L",)),
    ("I51.9", ("I0", "I1", "I2", "I3", "I4", "I50")),
)
"""Codes that say only that something is there (an injury, a pain, an infection, a neoplasm): a coder reports
them only when nothing more specific is (I.B.18: code to the highest specificity documented)."""


def drop_less_specific(coding: Coding) -> None:
    """A code is not reported beside a more specific code that says the same thing (I.B.18).

    Within one category, an "unspecified" code gives way to a sibling that is not ("asthma, unspecified" beside
    "mild persistent asthma with exacerbation"); a catch-all code gives way to any code of what it catches.
    """
    for item in list(coding.reported):
        if item not in coding.reported:
            continue
        better = [
            other
            for other in coding.reported
            if other is not item
            and other.code[:3] == item.code[:3]
            and _vagueness(other.description) < _vagueness(item.description)
        ]
        if not better:
            for prefix, specific in CATCH_ALL:
                if item.code.startswith(prefix):
                    better = [
                        other
                        for other in coding.reported
                        if other is not item and other.code.startswith(specific) and not other.code.startswith(prefix)
                    ]
                    break
        if better:
            coding.drop(item, f"less specific than {better[0].code} (I.B.18)")


def _vagueness(description: str) -> int:
    lower = description.lower()
    return lower.count("unspecified") + lower.count("uncomplicated") + lower.count("without complication")


SUBSTANCE_USE = re.compile(r"^F1[0-9]\.9")


def drop_substance_use(coding: Coding) -> None:
    """Substance "use" codes need a related disorder the clinician links to it (I.C.5.b.3): mere use is not coded."""
    for item in list(coding.reported):
        if SUBSTANCE_USE.match(item.code):
            coding.drop(item, "substance use without a documented related disorder (I.C.5.b.3)")


def harmonise_diabetes_type(coding: Coding) -> None:
    """Make unqualified diabetic complications type 1 codes when the note states type 1 diabetes.

    Type 2 is only the default when the type is not documented (I.C.4.a.2); and insulin is not a long-term drug
    to report for type 1 diabetes, where it is inherent (I.C.4.a.3).
    """
    if not coding.starting("E10"):
        return
    for item in list(coding.reported):
        if not item.code.startswith("E11") or any("2" in found.mention.words for found in item.candidate.found):
            continue
        coding.drop(item, "type 1 diabetes documented (I.C.4.a.2)")
        coding.add("E10" + item.code[3:], item, f"{item.rationale}; type 1 as the note documents", "guideline: type 1")
    for item in coding.starting("Z79.4"):
        coding.drop(item, "insulin is inherent in type 1 diabetes (I.C.4.a.3)")


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
