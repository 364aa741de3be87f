"""Symptoms integral to a confirmed diagnosis are not coded (IV.D, I.B.5).

A symptom belongs to a body system (a cough to the respiratory system, a knee pain to the musculoskeletal one); it
gives way to a confirmed diagnosis of that system, unless the assessment lists it on its own line.
"""

from __future__ import annotations

from revcycle.coding.document import SectionKind
from revcycle.coding.reporting import CONCLUDING, Coding

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
