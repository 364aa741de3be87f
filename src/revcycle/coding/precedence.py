"""Which code gives way and which goes first: specificity (I.B.18), Excludes1 (I.A.12.a) and claim order (IV.G)."""

from __future__ import annotations

import re

from revcycle.coding.reporting import ENCOUNTER_PREFIXES, Coding, Reported, is_status_code
from revcycle.coding.words import SOFT_STOPWORDS, content_words

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
    "mild persistent asthma with exacerbation"), and a code to a sibling whose title says all it says and more;
    a catch-all code gives way to any code of what it catches.
    """
    for item in list(coding.reported):
        if item not in coding.reported:
            continue
        better = [
            other
            for other in coding.reported
            if other is not item
            and other.code[:3] == item.code[:3]
            and (
                _vagueness(other.description) < _vagueness(item.description)
                or _words(other.description) > _words(item.description)
            )
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


def _words(description: str) -> frozenset[str]:
    """A title's telling words, to see whether a sibling's title says all it says and more.

    "Unilateral primary osteoarthritis, unspecified knee" says more than "Osteoarthritis of knee, unspecified".
    """
    return frozenset(content_words(description)) - SOFT_STOPWORDS


def _vagueness(description: str) -> int:
    lower = description.lower()
    return lower.count("unspecified") + lower.count("uncomplicated") + lower.count("without complication")


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
        if is_status_code(item.code):
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
