"""Was a service done at this visit? Only performed services are coded.

Planned, recommended, declined, scheduled, historical or negated ones are not.

Also the record each procedure finder returns (`Service`) and the term matching they share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from revcycle.coding.assertion import Assertion, assertion_of
from revcycle.coding.document import Note, SectionKind, Sentence
from revcycle.coding.mdm import HISTORY_SECTIONS
from revcycle.coding.result import ProcedureSuggestion

_DECLINED = re.compile(
    r"\b(?:declin\w*|refus\w*|opted (?:out|against)|(?:does|did) not want|deferr?\w*|postpon\w*|"
    r"not (?:done|performed|given|administered|obtained|required|indicated|needed))\b",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"\b(?:will|would|plan(?:s|ned)? (?:to|for)|planning|schedul\w*|recommend\w*|consider\w*|offered|advised to|"
    r"next (?:visit|appointment)|return(?:s|ing)? for|at (?:the )?next|due for|needs?|candidate|refer\w*|to be|"
    r"if|may|should|order(?:ed|s)?|pending|options?|would like|wants|request\w*)\b",
    re.IGNORECASE,
)
_HISTORICAL = re.compile(
    r"\b(?:history of|h/o|(?<!from )(?<!to )(?<!with )(?<!than )(?<!no )prior|previous(?:ly)?|"
    r"last (?:year|month|week|visit|fall|season|spring|summer|winter)|"
    r"ago|in (?:19|20)\d\d|s/p|status post|up to date|utd|outside|at (?:her|his|their|the) [\w/]+ visit|"
    r"(?:at|in|from|by) (?:the )?(?:ed|er|emergency (?:room|department)|urgent care|hospital)|"
    r"(?:at|in|from|by) another (?:clinic|office)|"
    r"home|yesterday|last night)\b",
    re.IGNORECASE,
)
CLAUSE_REACH = 150
"""How far (in characters) before and after a mention its clause can reach."""
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bthen\b|\bhowever\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Done:
    """Whether a mention documents a service performed at this visit, and the words that said otherwise."""

    performed: bool
    reason: str = ""


def clause(note: Note, start: int) -> tuple[int, int]:
    """The clause holding ``start``.

    Its sentence cut at semicolons, ``but``, ``then`` and ``however``, and at most CLAUSE_REACH characters either
    side of the mention.
    """
    sentence = note.sentence_at(start)
    text = note.text[sentence.start : sentence.end]
    # A dictated run-on sentence tells of many things: only words near the mention govern it.
    begin, end = max(sentence.start, start - CLAUSE_REACH), min(sentence.end, start + CLAUSE_REACH)
    for match in _CLAUSE_BREAK.finditer(text):
        at = sentence.start + match.start()
        if at < begin:
            continue
        if at < start:
            begin = sentence.start + match.end()
        else:
            end = min(end, at)
            break
    return begin, end


def done(note: Note, start: int, end: int, *, result_counts: bool = False) -> Done:
    """Whether ``note.text[start:end]`` names a service performed at this visit.

    Args:
        note: the note.
        start: where the mention starts.
        end: where it ends.
        result_counts: a documented result (a number, positive, negative) proves a test was done even where the
            clause also says it was ordered.
    """
    section = note.section_at(start).kind
    if section in HISTORY_SECTIONS or section is SectionKind.FAMILY_HISTORY:
        return Done(False, f"in the {section.value.replace('_', ' ')} section")
    begin, stop = clause(note, start)
    text = note.text[begin:stop]
    for pattern, kind in ((_DECLINED, "declined"), (_HISTORICAL, "historical")):
        match = pattern.search(text)
        if match:
            return Done(False, f"{kind}: '{match.group()}'")
    resulted = result_counts and _RESULT.search(text) is not None
    # A test's "negative" is its result, not a negation of the test.
    if not resulted and assertion_of(note, start, end).status is not Assertion.PRESENT:
        return Done(False, "negated")
    planned = _PLANNED.search(text)
    if planned and not resulted:
        return Done(False, f"not done at this visit: '{planned.group()}'")
    return Done(True)


_RESULT = re.compile(r"\b(?:positive|negative|neg|pos|normal|abnormal|trace|\d+(?:\.\d+)?)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Service:
    """A procedure a finder recognised, with what the modifier rules need to know about it.

    Attributes:
        suggestion: the code, units, modifiers, evidence and rationale.
        family: ``vaccine``, ``injection``, ``drug``, ``minor surgery``, ``test`` or ``imaging``.
        site: the body site group, for telling distinct sites apart (modifier XS); None when it does not matter.
        needs_25: whether an E/M billed with it needs modifier 25 (NCCI bundles the visit into it otherwise).
    """

    suggestion: ProcedureSuggestion
    family: str
    site: str | None = None
    needs_25: bool = False


def term_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern for ``terms`` as whole words, longest first so the most specific wins."""
    ordered = sorted({term.lower() for term in terms}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(term) for term in ordered) + r")(?![\w-])", re.IGNORECASE)


_NOT_SERVICES = HISTORY_SECTIONS | {SectionKind.FAMILY_HISTORY}


def working_sentences(note: Note) -> Iterator[Sentence]:
    """The sentences that can document this visit's services: not the history, medication or allergy lists.

    The HPI and chief complaint stay (a note's headings may leave the whole visit under "CC:"); care they tell
    of that happened elsewhere is set aside by `done` ("stapled in the ED", "home test").
    """
    for sentence in note.sentences:
        if sentence.section.kind not in _NOT_SERVICES:
            yield sentence


_RIGHT = re.compile(r"\b(?:right|rt|r)\b", re.IGNORECASE)
_LEFT = re.compile(r"\b(?:left|lt|l)\b", re.IGNORECASE)
_BOTH = re.compile(r"\b(?:bilateral(?:ly)?|both)\b", re.IGNORECASE)


def laterality(text: str) -> set[str]:
    """The sides ``text`` names: ``RT``, ``LT`` (both for bilateral)."""
    if _BOTH.search(text):
        return {"RT", "LT"}
    sides = set()
    if _RIGHT.search(text):
        sides.add("RT")
    if _LEFT.search(text):
        sides.add("LT")
    return sides


def list_header(note: Note, start: int) -> str:
    """The header a list item sits under ("Vaccines administered today:"), which lends it its verb; else empty.

    Items of one list are passed over upwards, so every item of the list finds the same header.
    """
    sentence = note.sentence_at(start)
    for item in reversed([item for item in note.sentences if item.end <= sentence.start]):
        text = note.text[item.start : item.end].rstrip()
        if text.endswith(":"):
            return text
        if not re.match(r"[-*\u2022]|\d+[.)]", text):
            return ""
    return ""
