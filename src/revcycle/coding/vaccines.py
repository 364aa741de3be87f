"""Vaccines given at the visit: each product code, then the administration codes.

Under 19 with counselling by the physician documented, administration is 90460 per vaccine and 90461 per
additional antigen component; otherwise 90471 (first injection), 90472 (each further injection), 90473/90474 for
oral or intranasal vaccines (90474 when an injection already took the first code).
"""

from __future__ import annotations

import re
from datetime import date

from revcycle.coding.document import Note
from revcycle.coding.performed import Service, done, list_header, term_pattern, working_sentences
from revcycle.coding.procedure_catalog import Vaccine, catalog
from revcycle.coding.result import Evidence, ProcedureSuggestion
from revcycle.coding.visit import patient_age, span

_VACCINE_CUE = re.compile(r"vaccin|immuni[sz]|\bshot\b|booster|\bdose\b|#\s?\d|given|administered", re.IGNORECASE)
_GIVEN = re.compile(
    r"\bgiven\b|administered|\breceived\b|injected|\btoday\b|\bim\b|deltoid|thigh|vastus|\blot\b|tolerated|"
    r"\bpo\b|intranasal",
    re.IGNORECASE,
)
_COUNSELLING = re.compile(
    r"counsel(?:l?ed|l?ing)|discussed (?:the )?(?:risks?|benefits?|side effects)|risks and benefits (?:were )?"
    r"(?:discussed|reviewed|explained)|questions (?:were )?answered",
    re.IGNORECASE,
)
_PEDIATRIC = {"90746": ("90744", 20), "90632": ("90633", 19)}
"""Adult hepatitis B and A products, their pediatric doses and the age from which the adult dose applies."""


def _performed_here(note: Note, start: int, end: int) -> bool:
    if not done(note, start, end).performed:
        return False
    sentence = note.sentence_at(start)
    if _GIVEN.search(note.text, sentence.start, sentence.end):
        return True
    return _GIVEN.search(list_header(note, start)) is not None


def find_vaccines(note: Note, day: date | None) -> list[Service]:
    """Vaccine product lines and their administration lines, for the vaccines given at this visit."""
    vaccines = catalog().vaccines
    by_brand = {word.lower(): vaccine for vaccine in vaccines for word in vaccine.brands}
    by_word = {word.lower(): vaccine for vaccine in vaccines for word in vaccine.words}
    pattern = term_pattern([*by_brand, *by_word])
    given: dict[str, tuple[Vaccine, Evidence]] = {}
    for sentence in working_sentences(note):
        text = note.text[sentence.start : sentence.end]
        cue = _VACCINE_CUE.search(f"{list_header(note, sentence.start)} {text}")
        matches = list(pattern.finditer(text))
        # A brand named in the sentence is the product; generic words beside it ("Hib (PedvaxHIB)") describe it.
        branded = any(match.group().lower() in by_brand for match in matches)
        for match in matches:
            term = match.group().lower()
            vaccine = by_brand.get(term) or (by_word[term] if cue and not branded else None)
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if vaccine is None or vaccine.code in given or not _performed_here(note, start, end):
                continue
            given[vaccine.code] = (vaccine, span(note, start, end))
    if not given:
        return []
    age = patient_age(note, day)
    products: list[Service] = []
    for vaccine, evidence in given.values():
        code = vaccine.code
        why = f"{vaccine.kind} vaccine given"
        if age is not None and code in _PEDIATRIC and age.years < _PEDIATRIC[code][1]:
            code = _PEDIATRIC[code][0]
            why += f", pediatric dose for age {age.years}"
        if vaccine.assumed:
            why += " (product not named: the common preservative-free 0.5 mL dose assumed; confirm)"
        confidence = 0.6 if vaccine.assumed else 0.9
        products.append(Service(ProcedureSuggestion(code, (), 1, (evidence,), why, confidence), "vaccine"))
    named = tuple(item[1] for item in given.values())
    return products + _administration(note, [item[0] for item in given.values()], age.years if age else None, named)


def _start(evidence: Evidence) -> int:
    return evidence.start


def _administration(
    note: Note, vaccines: list[Vaccine], years: int | None, named: tuple[Evidence, ...]
) -> list[Service]:
    # Counselling is read in this visit's sections only; its words ("risks", "side effects") are not negations.
    counselling = next(
        (
            match
            for sentence in working_sentences(note)
            if (match := _COUNSELLING.search(note.text, sentence.start, sentence.end))
        ),
        None,
    )
    evidence = tuple(sorted((*named, *((span(note, *counselling.span()),) if counselling else ())), key=_start))
    if years is not None and years < 19 and counselling is not None:
        extra = sum(vaccine.components - 1 for vaccine in vaccines)
        lines = [("90460", len(vaccines), f"{len(vaccines)} vaccine(s) with counselling, patient {years}")]
        if extra:
            lines.append(("90461", extra, f"{extra} additional component(s) beyond the first of each vaccine"))
        return [Service(ProcedureSuggestion(code, (), units, evidence, why), "vaccine admin", needs_25=True)
                for code, units, why in lines]  # fmt: skip
    if years is None:
        reason = "age not stated"
    elif years >= 19:
        reason = f"patient {years}"
    else:
        reason = f"patient {years} but no counselling documented"
    injections = sum(1 for vaccine in vaccines if vaccine.route == "injection")
    others = len(vaccines) - injections
    lines = []
    if injections:
        lines.append(("90471", 1, f"first vaccine injection ({reason})"))
        if injections > 1:
            lines.append(("90472", injections - 1, "each additional vaccine injection"))
        if others:
            lines.append(("90474", others, "oral or intranasal vaccine after an injection"))
    else:
        lines.append(("90473", 1, f"first oral or intranasal vaccine ({reason})"))
        if others > 1:
            lines.append(("90474", others - 1, "each additional oral or intranasal vaccine"))
    return [Service(ProcedureSuggestion(code, (), units, evidence, why), "vaccine admin", needs_25=True)
            for code, units, why in lines]  # fmt: skip
