"""Drugs injected in the office: the HCPCS J-code with units from the documented dose, and the administration code.

Units are the dose over the amount one unit of the code stands for, rounded up. That amount is read from the HCPCS
descriptor in the reference store when HCPCS is loaded ("Injection, ketorolac tromethamine, per 15 mg"), else taken
from the catalogue (checked against the same file); the rationale says which. A drug injected into a joint is the
joint procedure's: it gets its J-code but no injection code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from revcycle.coding.document import Note, SectionKind, Sentence
from revcycle.coding.performed import Service, done, list_header, term_pattern, working_sentences
from revcycle.coding.procedure_catalog import Drug, DrugCode, catalog
from revcycle.coding.result import Evidence, ProcedureSuggestion
from revcycle.coding.visit import span
from revcycle.refdata.procedures import lookup_procedure
from revcycle.refdata.reference import NoRelease
from revcycle.refdata.store import ReferenceStore

_DOSE = re.compile(
    r"(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<million>million\s+)?(?P<unit>mcg|µg|mg|gm|grams?|g|units?|iu|ml|cc)\b",
    re.IGNORECASE,
)
_IM_SC = re.compile(
    r"\b(?:im|i\.m\.|intramuscular(?:ly)?|sc|s\.c\.|sq|subq|sub-q|subcutaneous(?:ly)?|deltoid|glute(?:al|us)|"
    r"ventrogluteal|vastus lateralis)\b",
    re.IGNORECASE,
)
_IV_PUSH = re.compile(r"\b(?:iv push|ivp|slow iv|intravenous(?:ly)? push|iv)\b", re.IGNORECASE)
_INFUSION = re.compile(r"\binfus\w*|\bdrip\b|over \d+ ?min", re.IGNORECASE)
_INJECTED = re.compile(r"inject\w*|\bgiven\b|administered|\bshot\b", re.IGNORECASE)
_JOINT_ACT = re.compile(r"inject\w*|intra-?articular|arthrocentesis|aspirat\w*", re.IGNORECASE)

_OTHER_PROCEDURE = re.compile(
    r"epidural|intralaminar|transforaminal|facet|nerve block|trigger point|fluoroscop|intra-?lesional|intradermal|"
    r"tendon sheath|carpal tunnel|intravitreal|sacroiliac|epicondyl|tendon origin|plantar fascia|trigger finger|"
    r"de quervain|immunotherapy",
    re.IGNORECASE,
)
"""Drugs given in a procedure this coder does not code: the drug line is reported, its administration is not."""
_TAKE_HOME = re.compile(r"prescri\w*|tablets?|capsules?|\bpo\b|by mouth|orally|\brx\b|at home", re.IGNORECASE)
"""A drug prescribed or taken by mouth is not one injected here."""
_LOCAL_ANESTHETIC = re.compile(r"lidocaine|xylocaine|bupivacaine|marcaine|sensorcaine|ropivacaine|carbocaine", re.I)
"""Epinephrine mixed into a local anesthetic ("1% lidocaine with epinephrine") is part of the procedure."""

_MASS = {"mcg": Decimal("0.001"), "µg": Decimal("0.001"), "mg": Decimal(1), "g": Decimal(1000), "gm": Decimal(1000)}
_VOLUME = {"ml": Decimal(1), "cc": Decimal(1)}
_COUNT = {"units": Decimal(1), "unit": Decimal(1), "iu": Decimal(1)}


def _normal_unit(unit: str) -> str:
    lower = unit.lower()
    return "g" if lower in {"gram", "grams"} else lower


def _convert(value: Decimal, unit: str, wanted: str) -> Decimal | None:
    """``value`` in ``unit`` expressed in ``wanted``, None across kinds (mg to mL)."""
    unit, wanted = _normal_unit(unit), _normal_unit(wanted)
    for table in (_MASS, _VOLUME, _COUNT):
        if unit in table and wanted in table:
            return value * table[unit] / table[wanted]
    return None


_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(mcg|mg|gm|g|units?|iu|ml|cc)\b", re.IGNORECASE)


@cache
def _joint_words() -> re.Pattern[str]:
    """The joint and bursa words of the catalogue: a drug injected where one is named went into the joint."""
    words = [word for _plain, _guided, names in catalog().joints.values() for word in names]
    return term_pattern([*words, "joint", "bursa"])


def descriptor_amount(description: str) -> tuple[Decimal, str] | None:
    """The amount one unit of a HCPCS drug code stands for, read from its descriptor.

    ``per 15 mg`` and ``up to 1000 mcg`` give the number; two amounts of one unit joined by ``and`` (a mixture,
    "betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg") are added; anything else is ambiguous.
    """
    found = [(Decimal(number.replace(",", "")), unit.lower()) for number, unit in _AMOUNT.findall(description)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1 and len({unit for _number, unit in found}) == 1 and " and " in description.lower():
        return sum((number for number, _unit in found), Decimal(0)), found[0][1]
    return None


@dataclass(frozen=True, slots=True)
class _Amount:
    amount: Decimal
    unit: str
    source: str
    valid: bool = True


def _amount(store: ReferenceStore | None, code: DrugCode, day: date) -> _Amount:
    if store is None:
        return _Amount(code.amount, code.unit, "catalogue (no reference store)")
    try:
        entry = lookup_procedure(store, code.code, day)
    except NoRelease:
        return _Amount(code.amount, code.unit, "catalogue (no HCPCS release loaded)")
    if entry is None or not entry.description:
        return _Amount(code.amount, code.unit, f"catalogue ({code.code} not in HCPCS {day})")
    if not entry.valid:
        return _Amount(code.amount, code.unit, f"{code.code} is not valid on {day}", valid=False)
    parsed = descriptor_amount(entry.description)
    if parsed is None:
        return _Amount(code.amount, code.unit, f"catalogue (descriptor '{entry.description}' is ambiguous)")
    return _Amount(parsed[0], parsed[1], f"HCPCS {entry.release_version} descriptor '{entry.description}'")


def _dose(sentence_text: str, start: int, end: int) -> re.Match[str] | None:
    """The dose nearest the drug's name ("ketorolac 30 mg", "40 mg of Kenalog"), the one after it on a tie."""

    def distance(match: re.Match[str]) -> int:
        return match.start() - end if match.start() >= end else start - match.end() + 1

    return min(_DOSE.finditer(sentence_text), key=distance, default=None)


def _dose_value(match: re.Match[str]) -> Decimal | None:
    try:
        value = Decimal(match.group("n").replace(",", ""))
    except InvalidOperation:
        return None
    return value * 1_000_000 if match.group("million") else value


def _units(
    drug: Drug, dose: Decimal, unit: str, store: ReferenceStore | None, day: date
) -> tuple[DrugCode, int, str] | None:
    options = [(code, _amount(store, code, day)) for code in drug.codes]
    converted = [(code, amount, _convert(dose, unit, amount.unit)) for code, amount in options]
    usable = [(code, amount, value) for code, amount, value in converted if value is not None]
    # A code terminated on the day is used only when the drug has no other.
    usable = [item for item in usable if item[1].valid] or usable
    if not usable:
        return None
    exact = [item for item in usable if item[2] == item[1].amount]
    code, amount, value = exact[0] if exact else min(usable, key=lambda item: item[1].amount)
    units = math.ceil(value / amount.amount)
    why = f"{dose.normalize():f} {unit} / {amount.amount.normalize():f} {amount.unit} = {units} unit(s), rounded up"
    return code, units, f"{why}; amount from the {amount.source}"


@dataclass(frozen=True, slots=True)
class _Given:
    """One performed mention of a drug: where its name is, the route read for it and the dose beside it."""

    drug: Drug
    sentence: Sentence
    name: Evidence
    route: str
    dose: Evidence | None
    amount: Decimal | None
    unit: str
    total: bool


def find_drugs(note: Note, store: ReferenceStore | None, day: date) -> list[Service]:
    """Drug lines (J-codes with units) and their injection codes (96372, 96374/96375) for drugs given today.

    A drug given in several mentions of one section ("R knee: triamcinolone 40 mg", "L knee: triamcinolone 40 mg")
    is one line with the summed dose, unless a mention states the total ("total triamcinolone 80 mg").
    """
    drugs = catalog().drugs
    by_word = {word.lower(): drug for drug in drugs for word in drug.words}
    pattern = term_pattern(by_word)
    mentions: dict[str, list[_Given]] = {}
    for sentence in working_sentences(note):
        text = note.text[sentence.start : sentence.end]
        for match in pattern.finditer(text):
            drug = by_word[match.group().lower()]
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if _LOCAL_ANESTHETIC.search(text[max(match.start() - 30, 0) : match.start()]):
                continue
            if not done(note, start, end).performed:
                continue
            given = _given(note, sentence, match, drug)
            if given is not None:
                mentions.setdefault(drug.name, []).append(given)
    services: list[Service] = []
    pushes = 0
    for items in mentions.values():
        first = items[0]
        if first.route == "push":
            pushes += 1
        drug_line = _drug_line(_dosed(items) or [first], store, day)
        services += [service for service in (_administration(note, first.sentence, first.route, pushes), drug_line)
                     if service]  # fmt: skip
    return services


def _route(note: Note, sentence: Sentence) -> str | None:
    # A dose listed under a procedure header ("PROCEDURE (tendon origin injection):") takes the header's context.
    text = f"{list_header(note, sentence.start)} {note.text[sentence.start : sentence.end]}"
    if _OTHER_PROCEDURE.search(text):
        return "procedure"
    if _TAKE_HOME.search(text):
        return None
    if _JOINT_ACT.search(text) and _joint_words().search(text):
        return "joint"
    for pattern, route in (
        (_IM_SC, "im/sc"),
        (_INFUSION, "infusion"),
        (_IV_PUSH, "push"),
        (_INJECTED, "im/sc assumed"),
    ):
        if pattern.search(text):
            return route
    # A dose listed under a joint procedure ("Procedure: injection, both knees" / "- R knee: triamcinolone 40 mg").
    section = note.text[sentence.section.start : sentence.section.end]
    if sentence.section.kind is SectionKind.PROCEDURE and _JOINT_ACT.search(section) and _joint_words().search(section):
        return "joint"
    return None


def _given(note: Note, sentence: Sentence, match: re.Match[str], drug: Drug) -> _Given | None:
    route = _route(note, sentence)
    if route is None:
        return None
    text = note.text[sentence.start : sentence.end]
    name = span(note, sentence.start + match.start(), sentence.start + match.end())
    dose = _dose(text, match.start(), match.end())
    value = _dose_value(dose) if dose else None
    if dose is None or value is None:
        return _Given(drug, sentence, name, route, None, None, "", False)
    where = span(note, sentence.start + dose.start(), sentence.start + dose.end())
    total = re.search(r"\btotal\b", text, re.IGNORECASE) is not None
    return _Given(drug, sentence, name, route, where, value, dose.group("unit"), total)


def _dosed(items: list[_Given]) -> list[_Given]:
    """The mentions whose doses make up the dose given: a stated total, else every dose of the first section."""
    dosed = [item for item in items if item.amount is not None]
    totals = [item for item in dosed if item.total]
    if totals:
        return totals[-1:]
    section = dosed[0].sentence.section if dosed else None
    return [item for item in dosed if item.sentence.section == section]


def _drug_line(items: list[_Given], store: ReferenceStore | None, day: date) -> Service:
    first = items[0]
    drug = first.drug
    evidence = [first.name, *(item.dose for item in items if item.dose is not None)]
    amounts = [_convert(item.amount, item.unit, first.unit) for item in items if item.amount is not None]
    computed = None
    if first.amount is not None and all(amount is not None for amount in amounts):
        dose = sum((amount for amount in amounts if amount is not None), Decimal(0))
        computed = _units(drug, dose, first.unit, store, day)
    if computed is None:
        missing = "not documented" if first.amount is None else f"in {first.unit} cannot be converted"
        code, units, why, confidence = drug.codes[0], 1, f"dose {missing}: 1 unit (confirm the dose)", 0.5
    else:
        (code, units, why), confidence = computed, 0.9
    route = first.route.replace("im/sc", "IM/SC")
    summed = f", {len(items)} doses summed" if len(items) > 1 else ""
    rationale = f"{drug.name} given ({route}{summed}): {why}"
    return Service(ProcedureSuggestion(code.code, (), units, tuple(evidence), rationale, confidence), "drug")


def _administration(note: Note, sentence: Sentence, route: str, pushes: int) -> Service | None:
    route_match = _IM_SC.search(note.text, sentence.start, sentence.end) or _IV_PUSH.search(
        note.text, sentence.start, sentence.end
    )
    where = route_match or _INJECTED.search(note.text, sentence.start, sentence.end)
    evidence = (span(note, *where.span()),) if where else ()
    if route in {"im/sc", "im/sc assumed"}:
        why = "IM/SC injection" + (" (route not stated: IM/SC assumed)" if route == "im/sc assumed" else "")
        confidence = 0.9 if route == "im/sc" else 0.6
        return Service(ProcedureSuggestion("96372", (), 1, evidence, why, confidence), "injection", needs_25=True)
    if route == "push":
        code = "96374" if pushes == 1 else "96375"
        why = "IV push, first drug" if pushes == 1 else "IV push of an additional drug"
        return Service(ProcedureSuggestion(code, (), 1, evidence, why, 0.8), "injection", needs_25=True)
    # A joint injection's drug is the joint procedure's; an infusion's or another procedure's is not coded here.
    return None


def merge_injections(services: list[Service]) -> list[Service]:
    """One 96372 line (and one 96375 line) with a unit per injection, in place of one line per injection."""
    merged: list[Service] = []
    lines: dict[str, int] = {}
    for service in services:
        code = service.suggestion.code
        if code in {"96372", "96375"} and code in lines:
            index = lines[code]
            previous = merged[index].suggestion
            evidence = previous.evidence + service.suggestion.evidence
            combined = ProcedureSuggestion(
                code, (), previous.units + 1, evidence, f"{previous.units + 1} injections", previous.confidence
            )
            merged[index] = Service(combined, "injection", needs_25=True)
            continue
        lines[code] = len(merged)
        merged.append(service)
    return merged
