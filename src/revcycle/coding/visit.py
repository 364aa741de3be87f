"""What a coder reads about the visit itself before levelling it: the patient's age, new or established, preventive.

Each answer keeps the span it was read from, so the E/M reasoning can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from revcycle.coding.document import Note, SectionKind
from revcycle.coding.result import Evidence


@dataclass(frozen=True, slots=True)
class Age:
    """The patient's age as the note states it.

    Attributes:
        years: whole years (0 for an infant stated in days, weeks or months).
        evidence: the words it was read from.
    """

    years: int
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class PatientStatus:
    """New or established for E/M purposes, and why.

    Attributes:
        new: True for a new patient (no professional service from the practice in three years).
        stated: whether the note says so (False when assumed).
        reason: the words that decided it, or why it was assumed.
        evidence: the span it was read from, when there is one.
    """

    new: bool
    stated: bool
    reason: str
    evidence: Evidence | None


def span(note: Note, start: int, end: int) -> Evidence:
    """The evidence for ``note.text[start:end]``."""
    return Evidence(start, end, note.text[start:end])


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_AGE = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")[\s-]*"
    r"(?P<unit>years?|yrs?|y|months?|mos?|weeks?|wks?|days?)[\s-]*(?:/\s*o\b|old\b|o\b)",
    re.IGNORECASE,
)
_AGE_SHORT = re.compile(r"\b(?P<n>\d{1,3})\s*(?P<unit>yo|y\.o\.|y/o)(?=[\s,.]|$)", re.IGNORECASE)
_DOB = re.compile(r"\b(?:DOB|date of birth)\s*:?\s*(?P<d>\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_VISIT_DATE = re.compile(
    r"\b(?:date of service|DOS|visit date|date of visit|encounter date|date)\s*:?\s*"
    r"(?P<d>\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


def _parse_date(text: str) -> date | None:
    try:
        if "-" in text:
            return date.fromisoformat(text)
        month, day, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def visit_date(note: Note) -> date | None:
    """The date of service the note states (``DOS: 03/02/2026``, ``Date of visit: 2026-03-02``), if any."""
    match = _VISIT_DATE.search(note.text)
    return _parse_date(match.group("d")) if match else None


def patient_age(note: Note, day: date | None = None) -> Age | None:
    """The patient's age: ``58 y/o F``, ``a 7-year-old boy``, ``45 yo M``, ``6-month-old``, or a DOB and the visit date.

    Args:
        note: the note.
        day: the encounter date, for a date of birth; default the date the note states.
    """
    for pattern in (_AGE, _AGE_SHORT):
        match = pattern.search(note.text)
        if match:
            raw = match.group("n").lower()
            number = _NUMBER_WORDS.get(raw) or int(raw)
            years = number if match.group("unit").lower().startswith("y") else 0
            return Age(years, span(note, match.start(), match.end()))
    birth = _DOB.search(note.text)
    when = day or visit_date(note)
    born = _parse_date(birth.group("d")) if birth else None
    if birth is None or born is None or when is None or born > when:
        return None
    years = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
    return Age(years, span(note, birth.start(), birth.end()))


_NEW = re.compile(
    r"\bnew patient\b|\bnew pt\b|\bfirst visit\b|\bestablish(?:ing)? care\b|\binitial visit\b|\bnew to (?:the )?"
    r"(?:clinic|practice)\b|\bnever been seen\b",
    re.IGNORECASE,
)
_ESTABLISHED = re.compile(
    r"\bestablished (?:patient|pt)\b|\best\.? (?:pt|patient)\b|\bestablished with\b|"
    r"\bfollow[- ]?up (?:visit|appointment)\b|\b(?:here|presents|returns|seen) "
    r"(?:today )?for (?:a )?follow[- ]?up\b|\breturns\b|\breturning\b|\blast (?:visit|seen|appointment)\b|"
    r"\b(?:previous|prior) (?:visit|appointment)\b|\bsince (?:her|his|their|the) last\b|"
    r"\bwas seen (?:here|in clinic)\b|\bpreviously seen\b|\bf/u\b|\brecheck\b",
    re.IGNORECASE,
)
# "follow up in 2 weeks" in the plan is the next visit, not a sign that this one is a follow-up.
_NOT_STATUS_SECTIONS = {SectionKind.PLAN, SectionKind.FAMILY_HISTORY}


def patient_status(note: Note) -> PatientStatus:
    """New or established: stated (``new patient``), implied (``follow-up``, ``returns``) or assumed."""
    for pattern, new in ((_NEW, True), (_ESTABLISHED, False)):
        for match in pattern.finditer(note.text):
            if note.section_at(match.start()).kind in _NOT_STATUS_SECTIONS:
                continue
            kind = "new" if new else "established"
            return PatientStatus(new, True, f"{kind} patient: '{match.group()}'", span(note, *match.span()))
    return PatientStatus(False, False, "new or established is not stated and no prior visit is mentioned: "
                         "established assumed (the lower-paying choice; confirm)", None)  # fmt: skip


_PREVENTIVE = re.compile(
    r"\b(?:annual (?:physical|exam|wellness|visit|check[- ]?up)|well[- ](?:child|woman|man|baby|adult|visit|check)"
    r"|wellness (?:visit|exam)|preventive (?:visit|exam|medicine)|routine (?:physical|check[- ]?up)|"
    r"complete physical|yearly physical|WCC|sports physical)\b",
    re.IGNORECASE,
)


def preventive_cue(note: Note) -> Evidence | None:
    """The words that make the visit a preventive one (annual physical, well-child check, ...), if any."""
    for match in _PREVENTIVE.finditer(note.text):
        if note.section_at(match.start()).kind not in _NOT_STATUS_SECTIONS | {SectionKind.PAST_HISTORY}:
            return span(note, *match.span())
    return None


PREVENTIVE_BANDS = ((1, "1"), (5, "2"), (12, "3"), (18, "4"), (40, "5"), (65, "6"))
"""Upper age bounds (exclusive) of the preventive age bands and the last digit of their codes; 65+ is 7."""


def preventive_code(new: bool, years: int) -> str:
    """The preventive medicine code for a new (9938x) or established (9939x) patient of ``years``."""
    digit = next((last for bound, last in PREVENTIVE_BANDS if years < bound), "7")
    return ("9938" if new else "9939") + digit


_OPERATING_ROOM = re.compile(
    r"general (?:endotracheal )?anesthesia|anesthesia:[\s,]*(?:general|mac|monitored|spinal|epidural)|"
    r"operating (?:room|table)|operative suite|recovery room|\bpacu\b|endotracheal|"
    r"intubat|laryngeal mask|post-?anesthesia care",
    re.IGNORECASE,
)


_OR_ABBREVIATION = re.compile(r"\b(?:the|to|in) OR\b")
_HOSPITAL = re.compile(r"discharge summary|hospital course|\bed course\b|admission (?:h&p|history and physical)", re.I)
_EMERGENCY_TITLE = re.compile(r"emergency (?:department|room)|\b(?:ED|ER) (?:visit|note|report)", re.IGNORECASE)


def outside_office(note: Note) -> bool:
    """Whether the note is an operating room, emergency department or hospital case, which an office coder leaves.

    Closures, excisions and drugs of a surgery belong to its global package and the facility's claim; emergency
    and hospital services have their own E/M families and facility claims.
    """
    return bool(
        _OPERATING_ROOM.search(note.text)
        or _OR_ABBREVIATION.search(note.text)
        or _HOSPITAL.search(note.text)
        or _EMERGENCY_TITLE.search(note.text[:300])
    )
