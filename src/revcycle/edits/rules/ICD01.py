"""ICD01: two diagnoses on the claim where one's Excludes1 note names the other."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, cast

from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference, over_answers
from revcycle.edits.review import Review
from revcycle.refdata.icd10cm import Icd10cmNote

_CODE = r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4}){0,2}"
_ITEM = re.compile(rf"({_CODE})(?:\.?-)?(?:\s*-\s*({_CODE})(?:\.?-)?)?")
_GROUP = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True, slots=True)
class CodeSpan:
    """Codes a note names: one code and everything below it (``E10.-``, ``P70.2``) or a range (``N18.1-N18.6``).

    Attributes:
        low: the first code of the span, without its dot.
        high: the last, without its dot (the same as ``low`` for one code).
        text: the span as the note writes it.
    """

    low: str
    high: str
    text: str

    def covers(self, code: str) -> bool:
        """Whether ``code`` (without its dot) is in the span: compared at the length of each end."""
        return code[: len(self.low)] >= self.low and code[: len(self.high)] <= self.high


@cache
def note_spans(text: str) -> tuple[CodeSpan, ...]:
    """The code spans a note names in parentheses, e.g. ``(E08.-, E10.-)`` or ``(N18.1-N18.6)``.

    Only a parenthesised list whose every item is a code, a ``code.-`` or a range is read: "(vitamin B12)" or
    "(T36-T50 with fifth or sixth character 5)" name no span that can be matched exactly, and are skipped. Notes
    repeat across thousands of codes, so each text is read once.
    """
    spans = []
    for group in _GROUP.finditer(text):
        items = [item.strip() for item in group.group(1).split(",")]
        matches = [_ITEM.fullmatch(item) for item in items]
        if not items or not all(matches):
            continue
        for item, match in zip(items, matches, strict=True):
            assert match is not None
            low = match.group(1).replace(".", "")
            high = (match.group(2) or match.group(1)).replace(".", "")
            spans.append(CodeSpan(low, high, item))
    return tuple(spans)


Instruction = tuple[str, tuple[CodeSpan, ...], str]
"""An instruction of the tabular: its header text, the code spans it names, and where it is written."""


_HELD: dict[tuple[int, Hashable], tuple[object, Any]] = {}
"""What was worked out from a code's notes, by the identity of the notes tuple: the reference hands out one tuple
per code, so a warm question is a dictionary hit rather than a hash of every note (the tuple is held with the
answer, so its id cannot be reused while the answer stands)."""


def by_notes[T](notes: tuple[Icd10cmNote, ...], key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, worked out once per notes tuple and key."""
    held = _HELD.get((id(notes), key))
    if held is not None and held[0] is notes:
        return cast(T, held[1])
    value = make()
    _HELD[(id(notes), key)] = (notes, value)
    return value


@dataclass(frozen=True, slots=True)
class SpanSet:
    """The spans an instruction names, with the first letters they reach so most codes are ruled out at once.

    Attributes:
        spans: the spans.
        letters: every first letter from a span's low end to its high end.
    """

    spans: tuple[CodeSpan, ...]
    letters: frozenset[str]

    @classmethod
    def of(cls, spans: Iterable[CodeSpan]) -> SpanSet:
        """The set of ``spans``."""
        spans = tuple(spans)
        letters = frozenset(chr(c) for span in spans for c in range(ord(span.low[0]), ord(span.high[0]) + 1))
        return cls(spans, letters)

    def covers(self, code: str) -> bool:
        """Whether any span takes in ``code``."""
        if code[0] not in self.letters:
            return False
        # `CodeSpan.covers` written out in a loop (no call, no generator): asked for every other diagnosis of a claim.
        for span in self.spans:  # noqa: SIM110
            if code[: len(span.low)] >= span.low and code[: len(span.high)] <= span.high:
                return True
        return False

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __str__(self) -> str:
        shown = ", ".join(span.text for span in self.spans[:6])
        return shown + (", ..." if len(self.spans) > 6 else "")


def instructions(notes: tuple[Icd10cmNote, ...], kind: str) -> tuple[Instruction, ...]:
    """The notes of one kind grouped into instructions: (header text, spans named, where written).

    The tabular writes a list as a header ending in ``:`` followed by its items, each a note of its own ("code to
    identify:", "insulin (Z79.4)", ...); the items belong to the header's instruction until the source changes or a
    note starts a new instruction ("code ..."). A note that is not part of a list is an instruction of its own.
    """
    return by_notes(notes, ("instructions", kind), lambda: _grouped(notes, kind))


def _grouped(notes: tuple[Icd10cmNote, ...], kind: str) -> tuple[Instruction, ...]:
    grouped: list[tuple[str, list[CodeSpan], str]] = []
    listing = False
    for note in notes:
        if note.kind != kind:
            continue
        text = note.text.strip()
        if listing and grouped[-1][2] == note.source and not text.lower().startswith("code"):
            grouped[-1][1].extend(note_spans(text))
            continue
        grouped.append((text, list(note_spans(text)), note.source))
        listing = text.endswith(":")
    return tuple((header, tuple(spans), source) for header, spans, source in grouped)


def excluded(code: str, notes: tuple[Icd10cmNote, ...]) -> tuple[tuple[Icd10cmNote, SpanSet], ...]:
    """The Excludes1 notes of a code with the spans each names, less any span that takes in the code itself."""
    return by_notes(notes, ("excludes1", code), lambda: _excluded(code, notes))


def _excluded(code: str, notes: tuple[Icd10cmNote, ...]) -> tuple[tuple[Icd10cmNote, SpanSet], ...]:
    found = []
    for note in notes:
        if note.kind != "excludes1":
            continue
        # A span that takes in the code itself cannot exclude it: it describes the code's neighbours.
        spans = SpanSet.of(span for span in note_spans(note.text) if not span.covers(code))
        if spans:
            found.append((note, spans))
    return tuple(found)


Exclusions = tuple[str, tuple[tuple[Icd10cmNote, SpanSet], ...], frozenset[str]]
"""A diagnosis's Excludes1 rule, worked out once per code and span of days (`over_answers`): the code as the
tabular lists it, its Excludes1 notes with their spans, and every first letter those spans reach."""


class Excludes1Pair(Edit):
    """Two diagnoses on the claim are an Excludes1 pair: the conditions are never coded together.

    An Excludes1 note (on the code or any level above it) means the excluded condition cannot occur with the one
    the note is written at: the two codes are never reported together. The guidelines' one exception is two
    conditions that are unrelated to each other (§I.A.12.a), which the documentation must support.

    Failing: diagnoses ``E11.9`` and ``E10.9`` (type 2 diabetes excludes type 1). Passing: ``E11.9`` and ``I10``.
    """

    code = "ICD01"
    name = "excludes1-pair"
    category = Category.ICD_CONVENTION
    severity = Severity.ERROR
    source = "ICD-10-CM Official Guidelines for Coding and Reporting FY2026 §I.A.12.a (Excludes1)"
    looks_at = ("diagnoses", "lines.service_date")

    def check(self, review: Review) -> Iterator[Problem]:
        """Compare each diagnosis's Excludes1 spans with every other diagnosis, reporting each pair once."""
        day = review.first_service_date
        codes = review.icd10cm_codes
        reported: set[frozenset[str]] = set()
        # Most codes exclude nothing the others start with: one look at the first letters rules them out (an empty
        # code is left to the spans, which fail on it as they always have).
        firsts = {other[0] for other in codes} if all(codes) else None
        rules = review.reference.derivations(_exclusions)
        for index, code in enumerate(codes):
            rule = rules.on(code, day)
            if rule is None:
                continue
            listed, notes, letters = rule
            named = None
            if firsts is not None:
                if letters.isdisjoint(firsts):
                    continue
                # Notes often name only codes of their own letter: that letter counts only when another code of
                # the claim starts with it too.
                named = {other[0] for other in codes if other != code}
                if letters.isdisjoint(named):
                    continue
            for note, spans in notes:
                letters = spans.letters
                # A note whose spans start with none of the other codes' letters is passed over whole.
                if named is not None and letters.isdisjoint(named):
                    continue
                for other_index, other in enumerate(codes):
                    # The first letter looked at here first: most notes name nothing near most other codes.
                    if other == code or (other and other[0] not in letters) or not spans.covers(other):
                        continue
                    pair = frozenset((code, other))
                    if pair in reported:
                        continue
                    reported.add(pair)
                    later = max(index, other_index)
                    yield Problem(
                        f"{listed} and {icd10cm_display(other)} are an Excludes1 pair: {note.source} excludes "
                        f"{note.text}; they are coded together only when the conditions are unrelated "
                        "(guideline I.A.12.a)",
                        field=f"diagnoses[{later}]",
                        fix="keep the one code that describes the condition; if the conditions are unrelated, "
                        "document that and report both",
                    )


@over_answers("icd10cm")
def _exclusions(reference: EditReference, code: str, day: date) -> Exclusions | None:
    """A diagnosis's Excludes1 notes on ``day`` (see `Exclusions`), None when the release has no such code."""
    found = reference.icd10cm(code, day)
    if found is None:
        return None
    notes = excluded(code, found.notes)
    return found.code, notes, frozenset(letter for _, spans in notes for letter in spans.letters)
