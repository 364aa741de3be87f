"""What a note says about its encounter: the date of service, and the patient's age and sex.

The encounter date decides which code set applies, so only a date the note states as the visit's counts: a
labelled one ("DOS: 03/12/2026", "Date of service: March 12, 2026") first, a plain "Date:" next, and an unlabelled
date only at the start of a line of the note's header. A date of birth, of injury or of a dictation is never taken
for it.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Month names are tried only where a word is followed by a number: the lookahead keeps the scan fast.
_DATE = re.compile(
    rf"(?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))(?!\d)"
    rf"|(?<!\d)(?P<us>(?P<um>\d{{1,2}})[/.-](?P<ud>\d{{1,2}})[/.-](?P<uy>\d{{4}}|\d{{2}}))(?![\d/])"
    rf"|\b(?=[A-Za-z]{{3,9}}\.?\s+\d)(?P<named>(?P<nm>{_MONTH})\.?\s+(?P<nd>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ny>\d{{4}}))\b"
    rf"|\b(?P<dmy>(?P<dd>\d{{1,2}})\s+(?P<dm>{_MONTH})\.?,?\s+(?P<dy>\d{{4}}))\b",
    re.IGNORECASE,
)

# Labels of the encounter's date, most specific first; the rank decides between two labelled dates.
_LABELS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(rf"\b(?:{label})\s*(?:[:#-]|is|was|of)?\s*,?\s*$", re.IGNORECASE)
    for label in (
        r"dos|d\.o\.s\.|date of service|service date|date\(s\) of service|dates? of (?:visit|encounter)|"
        r"(?:visit|encounter|clinic|office visit|appointment) date|date seen",
        r"date of (?:procedure|operation|surgery|exam(?:ination)?|consultation|consult|evaluation|admission)|"
        r"(?:procedure|operation|surgery|exam|consultation|admission) date",
        r"date",
    )
)
# Dates that are never the encounter's.
_NOT_THE_VISIT = re.compile(
    r"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born|birthday|date of injury|doi|injury date|lmp|"
    r"last menstrual period|dictated|transcribed|signed|edc|edd|due date|discharge date|"
    r"date of discharge)\b[^\n]{0,12}$",
    re.IGNORECASE,
)
_HEADER = 400


def _to_date(match: re.Match[str]) -> date | None:
    """The date a match names, or None for one that is no date (13/45/2026)."""
    try:
        if match.group("iso"):
            return date(int(match.group("iy")), int(match.group("im")), int(match.group("id")))
        if match.group("us"):
            year = int(match.group("uy"))
            # A two-digit year is this century's below 70: notes dated 1969 and earlier are not coded.
            year += (2000 if year < 70 else 1900) if year < 100 else 0
            return date(year, int(match.group("um")), int(match.group("ud")))
        if match.group("named"):
            return date(int(match.group("ny")), _MONTHS[match.group("nm").lower()], int(match.group("nd")))
        return date(int(match.group("dy")), _MONTHS[match.group("dm").lower()], int(match.group("dd")))
    except ValueError:
        return None


def stated_date(text: str) -> date | None:
    """The encounter date the note states, or None when it states none.

    A date labelled as the visit's ("DOS", "Date of service", "Visit date", "Encounter date") wins over one
    labelled as a procedure's or an admission's, which wins over a plain "Date:", which wins over an unlabelled
    date opening a line of the note's first few hundred characters. Dates of birth, of injury, of a last period,
    of dictation are never taken.
    """
    best: tuple[int, int, date] | None = None
    for match in _DATE.finditer(text):
        day = _to_date(match)
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 40) : match.start()]
        if day is None or _NOT_THE_VISIT.search(before):
            continue
        rank = next((index for index, label in enumerate(_LABELS) if label.search(before)), None)
        if rank is None:
            if match.start() >= _HEADER or text[line_start : match.start()].strip():
                continue
            rank = len(_LABELS)
        candidate = (rank, match.start(), day)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return best[2] if best else None


_AGE = re.compile(
    r"\b(?P<years>\d{1,3})(?:\s*|-)(?:years?|yrs?|y)(?:\s*|-)old\b"
    r"|\b(?P<short>\d{1,3})\s*(?:y/o|y\.o\.?|yo|yof|yom|y)(?=[\s,.;:]|$)(?!\s*(?:ago|of\b))"
    r"|\bage(?:d|:)?\s*(?:of\s*)?(?P<labelled>\d{1,3})\b"
    r"|\b(?P<young>\d{1,2})(?:\s*|-)(?P<unit>months?|mos?|weeks?|wks?|days?)(?:\s*|-)old\b",
    re.IGNORECASE,
)


def patient_age(text: str) -> int | None:
    """The patient's age in whole years as the note first states it ("58 y/o", "a 7-year-old", "age 67").

    An infant's age in months, weeks or days is its whole years: a 6-month-old is 0, an 18-month-old 1.
    """
    for match in _AGE.finditer(text):
        if match.group("young"):
            count = int(match.group("young"))
            unit = match.group("unit").lower()
            return count // 12 if unit.startswith("mo") else 0
        years = int(match.group("years") or match.group("short") or match.group("labelled"))
        if years <= 120:
            return years
    return None


_SEX_LABEL = re.compile(r"\b(?:sex|gender)\s*[:=]?\s*(?P<sex>female|male|f|m)\b", re.IGNORECASE)
_SEX_AFTER_AGE = re.compile(
    r"\b\d{1,3}\s*(?:y/o|y\.o\.?|yo|y|-?years?[- ]old|-?yr[- ]old)\s*,?\s*(?P<sex>[MF])\b"
    r"|\b\d{1,3}\s*yo(?P<glued>[mf])\b",
    re.IGNORECASE,
)
_SEX_WORD = re.compile(
    r"(?P<f>\b(?i:female|woman|girl|lady)\b|\b(?:Mrs|Ms|Miss)\b\.?(?= [A-Z]))"
    r"|(?P<m>\b(?i:male|man|boy|gentleman)\b|\bMr\b\.?(?= [A-Z]))"
)
_PRONOUN = re.compile(r"\b(?:(?P<f>she|her|hers|herself)|(?P<m>he|him|his|himself))\b", re.IGNORECASE)


def patient_sex(text: str) -> str | None:
    """The patient's sex as ``"F"`` or ``"M"``, or None when the note does not say.

    A label ("Sex: F") comes first, then a letter after the age ("58 y/o F"), then the first word that says it
    ("female", "boy", "Mrs."), and the pronouns only as a last resort (more "she" than "he" says female).
    """
    for pattern in (_SEX_LABEL, _SEX_AFTER_AGE):
        match = pattern.search(text)
        if match:
            found = match.groupdict()
            return (found.get("sex") or found.get("glued") or "?")[0].upper()
    match = _SEX_WORD.search(text)
    if match:
        return "F" if match.group("f") else "M"
    female = male = 0
    for pronoun in _PRONOUN.finditer(text):
        if pronoun.group("f"):
            female += 1
        else:
            male += 1
    if female == male:
        return None
    return "F" if female > male else "M"
