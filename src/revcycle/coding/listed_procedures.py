"""Office procedures the catalogue lists by their words, and the devices placed with them.

Cerumen removal, IUD and implant insertion, splints, spirometry, OCT.

A procedure is reported when a sentence names it, is not planned or declined, and shows it was done: one of the
entry's ``done`` words is in the sentence, or in its procedure section.
"""

from __future__ import annotations

import re
from functools import cache

from revcycle.coding.document import Note, SectionKind, Sentence
from revcycle.coding.performed import Service, done, laterality, term_pattern, working_sentences
from revcycle.coding.procedure_catalog import ListedProcedure, catalog
from revcycle.coding.result import ProcedureSuggestion
from revcycle.coding.visit import span

INSERTIONS = frozenset({"58300", "11981"})
"""Insertions whose device is reported beside them."""


@cache
def _patterns(entry: ListedProcedure) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return term_pattern(entry.words), term_pattern(entry.done)


def _shown_done(note: Note, sentence: Sentence, cue: re.Pattern[str]) -> re.Match[str] | None:
    found = cue.search(note.text, sentence.start, sentence.end)
    if found is None and sentence.section.kind is SectionKind.PROCEDURE:
        found = cue.search(note.text, sentence.section.start, sentence.section.end)
    return found


def find_listed_procedures(note: Note) -> list[Service]:
    """The listed procedures performed, the first of each group, with their devices."""
    found: dict[str, Service] = {}
    for entry in catalog().listed:
        if entry.group in found:
            continue
        words, cue = _patterns(entry)
        for sentence in working_sentences(note):
            match = words.search(note.text, sentence.start, sentence.end)
            if match is None or not done(note, match.start(), match.end()).performed:
                continue
            shown = _shown_done(note, sentence, cue)
            if shown is None:
                continue
            sides = laterality(note.text[sentence.start : sentence.end]) if entry.sided else set()
            modifiers = ("50",) if sides == {"RT", "LT"} else ()
            evidence = tuple(sorted({span(note, *match.span()), span(note, *shown.span())}, key=lambda e: e.start))
            why = f"{entry.kind}: done ('{shown.group()}')" + (", both sides" if modifiers else "")
            suggestion = ProcedureSuggestion(entry.code, modifiers, 1, evidence, why, 0.8)
            found[entry.group] = Service(suggestion, entry.family, site=entry.group,
                                         needs_25=entry.family == "minor surgery")  # fmt: skip
            break
    services = list(found.values())
    if any(service.suggestion.code in INSERTIONS for service in services):
        services += _devices(note)
    return services


def _devices(note: Note) -> list[Service]:
    found: dict[str, Service] = {}
    for device in catalog().devices:
        pattern = term_pattern(device.words)
        for sentence in working_sentences(note):
            match = pattern.search(note.text, sentence.start, sentence.end)
            if match is None or device.code in found or not done(note, match.start(), match.end()).performed:
                continue
            why = f"device placed: '{match.group()}'"
            suggestion = ProcedureSuggestion(device.code, (), 1, (span(note, *match.span()),), why, 0.85)
            found[device.code] = Service(suggestion, "device")
    return list(found.values())
