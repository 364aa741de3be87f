"""Tests done in the office: the ECG, waived and point-of-care labs, venipuncture, radiographs read here.

A test is coded only when the note shows it was done at this visit (a result, "performed", "obtained
today"); one ordered, sent out or read elsewhere is data for the E/M, not a line of the claim.
"""

from __future__ import annotations

import re
from functools import cache

from revcycle.coding.document import Note
from revcycle.coding.performed import Service, done, laterality, term_pattern, working_sentences
from revcycle.coding.procedure_catalog import InOfficeTest, catalog
from revcycle.coding.result import ProcedureSuggestion
from revcycle.coding.visit import span

_ECG = re.compile(r"\b(?:ecg|ekg|electrocardiogram)\b", re.IGNORECASE)
_ECG_DONE = re.compile(
    r"performed|obtained|\bdone\b|in (?:the )?office|in-office|in (?:the )?clinic|\btoday\b|\bhere\b|"
    r"my (?:own )?(?:read|interpretation)|interpreted by me|i interpreted",
    re.IGNORECASE,
)
_NOT_RESTING_ECG = re.compile(r"stress|treadmill|exercis|holter|telemetry|monitor", re.IGNORECASE)
_TRACING_ONLY = re.compile(r"tracing only|sent (?:out )?for (?:over-?read|interpretation)", re.IGNORECASE)
_READ_ONLY = re.compile(r"interpretation only|over-?read", re.IGNORECASE)
_ELSEWHERE = re.compile(r"\b(?:from|at) (?:the )?(?:ed|er|hospital|urgent care|cardiology)\b|outside", re.IGNORECASE)


def find_ecg(note: Note) -> list[Service]:
    """An ECG done at the visit: 93000 (tracing and interpretation), 93005 (tracing only), 93010 (reading only)."""
    for sentence in working_sentences(note):
        text = note.text[sentence.start : sentence.end]
        match = _ECG.search(text)
        if match is None:
            continue
        # Words about this ECG sit near it: a long dictated sentence also tells of other things.
        near = text[max(match.start() - 80, 0) : match.end() + 80]
        if not _ECG_DONE.search(near) or _ELSEWHERE.search(near) or _NOT_RESTING_ECG.search(near):
            continue
        start, end = sentence.start + match.start(), sentence.start + match.end()
        if not done(note, start, end, result_counts=True).performed:
            continue
        if _TRACING_ONLY.search(text):
            code, why = "93005", "ECG recorded here, read elsewhere"
        elif _READ_ONLY.search(text):
            code, why = "93010", "ECG read here, recorded elsewhere"
        else:
            code, why = "93000", "ECG recorded and read in the office"
        evidence = (span(note, start, end), span(note, sentence.start, sentence.end))
        return [Service(ProcedureSuggestion(code, (), 1, evidence, why, 0.85), "test")]
    return []


_LAB_DONE = re.compile(
    r"\b(?:positive|negative|neg|pos|normal|trace|performed|done|obtained|collected|drawn|\d+(?:\.\d+)?)\b",
    re.IGNORECASE,
)


def find_lab_tests(note: Note) -> list[Service]:
    """Waived and point-of-care tests done here (dipstick, rapid strep, glucometer, ...), and venipuncture."""
    found: dict[str, Service] = {}
    for test in catalog().tests:
        for service in _test_lines(note, test):
            found.setdefault(test.code, service)
    if "81003" in found:
        # An automated urinalysis is the one reported when both words appear.
        found.pop("81002", None)
    return list(found.values())


@cache
def _every_test_word() -> re.Pattern[str]:
    """Every test's words at once, longest first: "hemoglobin" inside "hemoglobin A1c" names the A1c test."""
    return term_pattern(word for other in catalog().tests for word in other.words)


def _test_lines(note: Note, test: InOfficeTest) -> list[Service]:
    pattern = term_pattern(test.words)
    longest = _every_test_word()
    near = term_pattern(test.near) if test.near else None
    for sentence in working_sentences(note):
        text = note.text[sentence.start : sentence.end]
        for match in pattern.finditer(text):
            widest = longest.match(text, match.start())
            if widest is not None and widest.end() > match.end():
                continue
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if not _LAB_DONE.search(text) or (near is not None and near.search(text) is None):
                continue
            if not done(note, start, end, result_counts=True).performed:
                continue
            why = f"{test.kind} done in the office"
            suggestion = ProcedureSuggestion(test.code, (), 1, (span(note, start, end),), why, 0.85)
            return [Service(suggestion, "test")]
    return []


_XRAY = re.compile(r"x-?rays?|\bxr\b|radiographs?|\bfilms?\b|\bviews?\b|\bcxr\b", re.IGNORECASE)
_XRAY_HERE = re.compile(
    r"in (?:the )?office|in-office|in (?:the )?clinic|\btoday\b|done here|taken here|obtained here|\bhere\b",
    re.IGNORECASE,
)
_NOT_HERE = re.compile(r"radiology report|read by radiology|\bfrom (?:the )?(?:ed|er|hospital)\b", re.IGNORECASE)
_VIEWS = re.compile(r"\b(?P<n>\d|one|two|three|four|five)[- ]views?\b", re.IGNORECASE)
_VIEW_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_VIEW_NAMES = re.compile(r"\b(?:pa|ap|lateral|oblique|sunrise|merchant|axillary|y-view|mortise|frog[- ]leg)\b", re.I)
_SITE_ALIASES = {"cxr": "chest", "l-spine": "lumbar spine", "c-spine": "cervical spine", "fingers": "finger",
                 "toes": "toe", "knees": "knee", "shoulders": "shoulder", "ankles": "ankle", "wrists": "wrist",
                 "hands": "hand", "feet": "foot", "elbows": "elbow", "hips": "hip"}  # fmt: skip
_UNSIDED = {"chest", "lumbar spine", "cervical spine"}


def find_xrays(note: Note) -> list[Service]:
    """Radiographs taken and read in the office, by site and number of views, with the side for a limb."""
    xrays = catalog().xrays
    words = [*xrays, *_SITE_ALIASES]
    pattern = term_pattern(words)
    found: dict[tuple[str, str], Service] = {}
    for sentence in working_sentences(note):
        text = note.text[sentence.start : sentence.end]
        kind = _XRAY.search(text)
        site_match = pattern.search(text)
        if kind is None or site_match is None or not _XRAY_HERE.search(text) or _NOT_HERE.search(text):
            continue
        start, end = sentence.start + kind.start(), sentence.start + kind.end()
        if not done(note, start, end, result_counts=False).performed:
            continue
        site = _SITE_ALIASES.get(site_match.group().lower(), site_match.group().lower())
        views, stated = _views(text, site)
        code = max((item for item in xrays[site] if item[0] <= views), key=lambda item: item[0])[1]
        sides = [""] if site in _UNSIDED else sorted(laterality(text)) or [""]
        evidence = (span(note, start, end), span(note, sentence.start + site_match.start(),
                                                 sentence.start + site_match.end()))  # fmt: skip
        for side in sides:
            why = f"{site} radiograph, {views} view(s) ({stated}), taken and read in the office"
            suggestion = ProcedureSuggestion(code, (side,) if side else (), 1, evidence, why, 0.8)
            found.setdefault((code, side), Service(suggestion, "imaging", site=f"{site}:{side}"))
    return list(found.values())


def _views(text: str, site: str) -> tuple[int, str]:
    match = _VIEWS.search(text)
    if match:
        raw = match.group("n").lower()
        return _VIEW_WORDS.get(raw) or int(raw), "as documented"
    named = {item.group().lower() for item in _VIEW_NAMES.finditer(text)}
    if len(named) >= 2:
        return len(named), "views named"
    return catalog().xray_default_views[site], "number of views not stated: the usual series assumed"
