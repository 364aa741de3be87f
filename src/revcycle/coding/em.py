"""The office or outpatient E/M level of a visit (2021 AMA rules, 2024 time thresholds), with its reasoning.

A problem-oriented visit is levelled both ways the rules allow: by medical decision making (two of its three
elements, see `revcycle.coding.mdm`) and by the total time documented on the date of the encounter; the higher
supported level is reported and the reasoning says which and why. An annual or well visit gets the preventive
medicine code of the patient's age band instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from revcycle.coding.document import Note, SectionKind
from revcycle.coding.listed_procedures import find_listed_procedures
from revcycle.coding.mdm import HISTORY_SECTIONS, data_element, mdm_level, problems_element, rank, risk_element
from revcycle.coding.office_tests import find_ecg, find_lab_tests, find_xrays
from revcycle.coding.result import EmLevel, Evidence
from revcycle.coding.visit import outside_office, patient_age, patient_status, preventive_code, preventive_cue, span

TIME_NEW = ((60, "99205"), (45, "99204"), (30, "99203"), (15, "99202"))
"""Minimum total minutes on the date of the encounter for each new-patient level, highest first."""
TIME_ESTABLISHED = ((40, "99215"), (30, "99214"), (20, "99213"), (10, "99212"))
"""Minimum total minutes for each established-patient level, highest first (99211 has no time)."""
MDM_NEW = {"minimal": "99202", "low": "99203", "moderate": "99204", "high": "99205"}
MDM_ESTABLISHED = {"minimal": "99212", "low": "99213", "moderate": "99214", "high": "99215"}

_TIME = re.compile(
    r"(?:total (?:time|of)|\bspent\b|face[- ]to[- ]face|time (?:spent|on the date|today)|\bmy time\b|\btime\s*:)"
    r"[^.\n]{0,150}?"
    r"\b(?P<a>\d{1,3})\s*(?:minutes|mins?)\b"
    r"|\b(?P<b>\d{1,3})\s*(?:minutes|mins?)\b[^.\n]{0,40}?(?:were spent|was spent|spent|total time|in total|"
    r"face[- ]to[- ]face|on the date of)",
    re.IGNORECASE,
)
_NOT_OFFICE_ANYWHERE = re.compile(
    r"pre-?operative diagnos[ie]s|post-?operative diagnos[ie]s|operative report|estimated blood loss|"
    r"discharge summary|hospital course|\bed course\b",
    re.IGNORECASE,
)
_NOT_OFFICE_TITLE = re.compile(
    r"^\s*(?:procedure|operative note|emergency department|ed note|admission|inpatient|history and physical|"
    r"consultation|progress note - hospital)|^[^\n]{0,60}\b(?:procedure|operative) note\b",
    re.IGNORECASE,
)
_VISIT_WORDS = re.compile(
    r"\b(?:assessment|impression|office visit|clinic|established|new patient|follow[- ]?up|exam(?:ination)?)\b",
    re.IGNORECASE,
)
_NURSE_VISIT = re.compile(r"\b(?:nurse|rn|ma) (?:\w+ ){0,2}?visit\b", re.IGNORECASE)
_INJECTION_ONLY = re.compile(r"inject|vaccin|immuniz|\bshot\b|\bim\b|subcutaneous|\bsc\b|\bsubq\b", re.IGNORECASE)
_VISIT_SECTIONS = {
    SectionKind.ASSESSMENT,
    SectionKind.PLAN,
    SectionKind.HPI,
    SectionKind.CHIEF_COMPLAINT,
    SectionKind.EXAM,
}


def is_office_visit(note: Note) -> bool:
    """Whether the note documents an office visit.

    It does when it has an assessment, plan, history or exam, no operative, hospital or emergency department
    markers, and no title saying it is a procedure note.
    """
    if _NOT_OFFICE_ANYWHERE.search(note.text) or _NOT_OFFICE_TITLE.match(note.text) or outside_office(note):
        return False
    # A dictation without headings is a visit when it speaks like one.
    return any(section.kind in _VISIT_SECTIONS for section in note.sections) or bool(_VISIT_WORDS.search(note.text))


def documented_minutes(note: Note) -> tuple[int, Evidence] | None:
    """The total time on the date of the encounter the note states (``Total time 35 minutes``), if any."""
    for match in _TIME.finditer(note.text):
        if note.section_at(match.start()).kind in HISTORY_SECTIONS | {SectionKind.HPI}:
            continue
        minutes = int(match.group("a") or match.group("b"))
        return minutes, span(note, match.start(), match.end())
    return None


def billed_tests(note: Note) -> list[tuple[int, int]]:
    """Spans of the tests done and reported in the office, which the data element must not count again."""
    tests = [service for service in find_listed_procedures(note) if service.family == "test"]
    found = [*find_ecg(note), *find_lab_tests(note), *find_xrays(note), *tests]
    return [(item.start, item.end) for service in found for item in service.suggestion.evidence]


def _code_by_time(new: bool, minutes: int) -> str | None:
    table = TIME_NEW if new else TIME_ESTABLISHED
    return next((code for least, code in table if minutes >= least), None)


def level_em(note: Note, *, diagnoses: Sequence[str] = (), day: date | None = None) -> EmLevel | None:
    """The E/M level the note supports, or None when the note is not an office visit or addresses no problem.

    Args:
        note: the note.
        diagnoses: ICD-10-CM codes already found; they stand in for the problems when no assessment is written.
        day: the encounter date, for an age computed from a date of birth.
    """
    if not is_office_visit(note):
        return None
    status = patient_status(note)
    status_evidence = (status.evidence,) if status.evidence else ()
    nurse = _NURSE_VISIT.search(note.text)
    if nurse:
        # A nurse visit that is only an injection is coded by the injection; otherwise 99211 if established.
        if status.new or _INJECTION_ONLY.search(note.text):
            return None
        why = f"nurse visit: '{nurse.group()}' (no MDM or time required)"
        return EmLevel("99211", "mdm", None, None, None, None, (status.reason, why), (span(note, *nurse.span()),))
    preventive = preventive_cue(note)
    age = patient_age(note, day)
    if preventive is not None and age is not None:
        code = preventive_code(status.new, age.years)
        steps = (
            f"preventive visit: '{preventive.text}'",
            f"age {age.years}: '{age.evidence.text}'",
            status.reason,
            f"{code}: preventive medicine, {'new' if status.new else 'established'} patient, age band of {age.years}",
        )
        read = _ordered((preventive, age.evidence, *status_evidence))
        return EmLevel(code, "preventive", None, None, None, None, steps, read)
    elements = (problems_element(note, diagnoses), data_element(note, billed_tests(note)), risk_element(note))
    timed = documented_minutes(note)
    if elements[0].count == 0 and timed is None:
        # Nothing addressed and no time: there is no visit to level and nothing to show for one.
        return None
    mdm = mdm_level(elements)
    by_mdm = (MDM_NEW if status.new else MDM_ESTABLISHED)[mdm]
    reasoning = [status.reason]
    if preventive is not None:
        reasoning.append(f"preventive visit ('{preventive.text}') but no age is stated: levelled as a problem visit")
    reasoning += [f"{element.name}: {element.level}: {element.reason}" for element in elements]
    levels = ", ".join(f"{element.name} {element.level}" for element in elements)
    reasoning.append(f"MDM {mdm} (two of three elements: {levels}) supports {by_mdm}")
    evidence = [*status_evidence, *(item for element in elements for item in element.evidence)]
    by_time = _code_by_time(status.new, timed[0]) if timed else None
    basis = "mdm"
    code = by_mdm
    minutes = timed[0] if timed else None
    if timed is not None:
        evidence.append(timed[1])
        if by_time is None:
            reasoning.append(f"time: {timed[0]} minutes ('{timed[1].text}') is below the lowest time threshold")
        else:
            reasoning.append(f"time: {timed[0]} minutes total on the date of the encounter supports {by_time}")
            if by_time > by_mdm:
                basis, code = "time", by_time
                reasoning.append(f"reported {code} by time: higher than {by_mdm} by MDM")
            elif by_time < by_mdm:
                reasoning.append(f"reported {code} by MDM: higher than {by_time} by time")
            else:
                reasoning.append(f"time and MDM both support {code}")
    if basis == "time":
        return EmLevel(code, "time", None, None, None, minutes, tuple(reasoning), _ordered(evidence))
    problems, data, risk = elements
    return EmLevel(code, "mdm", problems.level, data.level, risk.level, minutes, tuple(reasoning), _ordered(evidence))


def _ordered(evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    unique = {(item.start, item.end): item for item in evidence}
    return tuple(unique[key] for key in sorted(unique))


_PROCEDURE_ONLY = re.compile(
    r"procedure visit only|no change in (?:his|her|their|the) (?:medical )?management|(?:injection|procedure) visit\b|"
    r"here (?:only )?for (?:a |her |his )?(?:scheduled )?(?:injection|procedure|shot)",
    re.IGNORECASE,
)
_SEPARATE = re.compile(
    r"separate(?:ly)? (?:and distinct|identifiable)|(?:not counting|excluding|exclusive of|separate from|apart from) "
    r"(?:the )?(?:injection|procedure|splint\w*|repair)",
    re.IGNORECASE,
)


def mdm_is_significant(note: Note, diagnoses: Sequence[str] = ()) -> tuple[bool, str]:
    """Whether the visit holds decision making beyond a minor procedure done at it (for modifier 25), and why.

    It does not when the note says the visit was for the procedure only. It does when the note says the visit was
    separate (or times it apart from the procedure), when two or more problems were addressed, or when data of at
    least a limited level was reviewed.
    """
    only = _PROCEDURE_ONLY.search(note.text)
    if only:
        return False, f"the note says the visit was for the procedure: '{only.group()}'"
    separate = _SEPARATE.search(note.text)
    if separate:
        return True, f"the note says so: '{separate.group()}'"
    problems = problems_element(note, diagnoses)
    if problems.count >= 2:
        return True, f"{problems.count} problems addressed"
    data = data_element(note, billed_tests(note))
    if rank(data.level) >= rank("low"):
        return True, f"data reviewed beyond the procedure ({data.reason})"
    return False, f"only {problems.count} problem addressed and no other decision making"
