"""A clinical note as a coder reads it: sections, sentences and words, each knowing its place in the text.

Offsets are character offsets into the note's text, so every piece of evidence can be shown where it was written.

Notes come in every style: SOAP notes with ``S:``/``A:`` headings, dictated notes with upper-case headings
(``PAST MEDICAL HISTORY:``), headings alone on a line (``ASSESSMENT AND PLAN``), and the MTSamples transcriptions,
whose line breaks were flattened into commas (``...obesity.,POSTOPERATIVE DIAGNOSIS:,  Morbid obesity.``). The
splitter reads all of them without ever changing the text, so offsets stay true.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

_T = TypeVar("_T")


class SectionKind(StrEnum):
    """The kinds of section a coder tells apart; assessment and plan weigh most, history sections least."""

    CHIEF_COMPLAINT = "chief_complaint"
    HPI = "hpi"
    PAST_HISTORY = "past_history"
    FAMILY_HISTORY = "family_history"
    SOCIAL_HISTORY = "social_history"
    MEDICATIONS = "medications"
    ALLERGIES = "allergies"
    REVIEW_OF_SYSTEMS = "review_of_systems"
    EXAM = "exam"
    RESULTS = "results"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    PROCEDURE = "procedure"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the note: its kind, its heading as written, and the span of its body."""

    kind: SectionKind
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or list item) of the note, with the section it sits in."""

    start: int
    end: int
    section: Section


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the note: its span, the text as written and its lower-case form."""

    start: int
    end: int
    text: str
    lower: str


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?(?:[/.-][A-Za-z0-9]+)*|[/+%]")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]`` with offsets into ``text``."""
    stop = len(text) if end is None else end
    return [
        Token(match.start(), match.end(), match.group(), match.group().lower())
        for match in _TOKEN.finditer(text, start, stop)
    ]


@dataclass(frozen=True, slots=True)
class Note:
    """A note split for coding.

    Attributes:
        text: the note as given.
        sections: in note order, covering the whole text (text before any heading is an ``OTHER`` section).
        sentences: in note order.
    """

    text: str
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]
    # Lookups are asked for every mention, so their indexes are built once with the note.
    _section_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _sentence_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _memo: dict[Hashable, Any] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_section_starts", tuple(section.start for section in self.sections))
        object.__setattr__(self, "_sentence_starts", tuple(sentence.start for sentence in self.sentences))
        object.__setattr__(self, "_memo", {})

    def section_at(self, offset: int) -> Section:
        """The section holding ``offset``."""
        return self.sections[max(bisect_right(self._section_starts, offset) - 1, 0)]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding ``offset`` (the nearest one before it when it falls between sentences)."""
        return self.sentences[max(bisect_right(self._sentence_starts, offset) - 1, 0)]

    def words(self, sentence: Sentence) -> list[Token]:
        """The words of one sentence."""
        return list(
            self.memo(("words", sentence.start), lambda: tuple(tokenize(self.text, sentence.start, sentence.end)))
        )

    def memo(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """The value cached under ``key`` for this note, made by ``make`` the first time it is asked for.

        Readers of the note (the assertion judge, the recognisers) keep per-sentence work here so that a note is
        analysed once however many mentions it holds.
        """
        try:
            value: _T = self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
        return value


HEADINGS: dict[str, SectionKind] = {
    "s": SectionKind.HPI,
    "o": SectionKind.EXAM,
    "a": SectionKind.ASSESSMENT,
    "p": SectionKind.PLAN,
    "a/p": SectionKind.ASSESSMENT,
    "a and p": SectionKind.ASSESSMENT,
    "cc": SectionKind.CHIEF_COMPLAINT,
    "hpi": SectionKind.HPI,
    "pmh": SectionKind.PAST_HISTORY,
    "pmhx": SectionKind.PAST_HISTORY,
    "psh": SectionKind.PAST_HISTORY,
    "pshx": SectionKind.PAST_HISTORY,
    "fh": SectionKind.FAMILY_HISTORY,
    "fhx": SectionKind.FAMILY_HISTORY,
    "sh": SectionKind.SOCIAL_HISTORY,
    "shx": SectionKind.SOCIAL_HISTORY,
    "ros": SectionKind.REVIEW_OF_SYSTEMS,
    "pe": SectionKind.EXAM,
    "meds": SectionKind.MEDICATIONS,
    "rx": SectionKind.MEDICATIONS,
    "dx": SectionKind.ASSESSMENT,
    "ddx": SectionKind.ASSESSMENT,
    "labs": SectionKind.RESULTS,
    "data": SectionKind.RESULTS,
    "vitals": SectionKind.EXAM,
    "vs": SectionKind.EXAM,
    "history": SectionKind.HPI,
    "hx": SectionKind.HPI,
}
"""Headings known by their exact (lower-case) words; any other heading is judged by the words it contains."""

# Judged in order: the first pattern found in a heading decides its kind ("family and social history" is the
# family's, "assessment and plan" is an assessment, "past medical history" is not the present illness).
_KIND_WORDS: tuple[tuple[re.Pattern[str], SectionKind], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"\bfamily\b|\bfhx?\b", SectionKind.FAMILY_HISTORY),
        (r"allergies|^allerg(?:y|ic reactions?)\b|\bnkda\b", SectionKind.ALLERGIES),
        (r"review of systems|\bros\b", SectionKind.REVIEW_OF_SYSTEMS),
        (
            r"chief complaint|\bcc\b|reason for|presenting complaint|indication|referral question",
            SectionKind.CHIEF_COMPLAINT,
        ),
        (
            r"assessment|impression|diagnos[ie]s\b|\bdx\b|conclusion|formulation|\baxis\b|problem|a/p",
            SectionKind.ASSESSMENT,
        ),
        (r"\bplans?\b|recommendation|disposition|follow|instruction|treatment|management|prognosis", SectionKind.PLAN),
        (
            r"social|habits|substance|tobacco|alcohol|personal history|legal history|occupation",
            SectionKind.SOCIAL_HISTORY,
        ),
        (r"medication|\bmeds\b|prescription|injectables|drugs", SectionKind.MEDICATIONS),
        (
            r"\bpast\b|surgical history|medical history|\bp[ms]hx?\b|surgeries|immunization|birth history|"
            r"developmental|obstetric|\bob\b|gyn|psychiatric history|cardiac history|medical condition",
            SectionKind.PAST_HISTORY,
        ),
        (
            r"present illness|presenting (?:illness|problem)|\bhpi\b|subjective|interval history|history|course|"
            r"clinical note|identifying|\bhx\b|presentation",
            SectionKind.HPI,
        ),
        (r"exam|physical|vital|objective|\bvit\b|general appearance", SectionKind.EXAM),
        (
            r"\blabs?\b|laborator|data|result|imaging|radiolog|stud(?:y|ies)|\bekg\b|\becg\b|x-ray|\bct\b|\bmri\b|"
            r"pathology|findings|interpretation|comparison|spirometry|hemodynamic",
            SectionKind.RESULTS,
        ),
        (
            r"procedure|operation|operative|technique|anesthesia|specimen|blood loss|\bebl\b|drains?\b|complication|"
            r"tourniquet|fluids|implants|surgery|consent|counts|hemostasis|description",
            SectionKind.PROCEDURE,
        ),
    )
)


def _heading_kind(title: str) -> SectionKind | None:
    """The kind a heading names, or None for a label the coder does not know (a body system, a diagnosis)."""
    words = " ".join(re.sub(r"\((?:e?s)\)", "", title.lower()).replace("&", " and ").split())
    known = HEADINGS.get(words)
    if known is not None:
        return known
    for pattern, kind in _KIND_WORDS:
        if pattern.search(words):
            return kind
    return None


# An upper-case heading with its colon, anywhere a line, an MTSamples comma-line or a sentence may begin.
_CAPS_HEADING = re.compile(r"(?<![A-Za-z0-9'])([A-Z][A-Z0-9/&'\- ]{0,60}?(?:\s?\((?:ES|S|es|s)\))?)[ \t]*:(?!\d)")
# A heading in any case with its colon, at the start of a line.
_LINE_HEADING = re.compile(r"^[ \t]*([A-Za-z][A-Za-z /&'()-]{0,50}?)[ \t]*:(?!\d)", re.MULTILINE)
# A heading alone on its line, without a colon ("ASSESSMENT AND PLAN", "Final diagnosis").
_BARE_HEADING = re.compile(r"^[ \t]*([A-Za-z][A-Za-z /&'()-]{0,50}?)[ \t\r]*$", re.MULTILINE)
# What may stand before a heading: the start, a line break, an MTSamples comma, a sentence end or another colon.
_BEFORE_HEADING = re.compile(r"(?:^|[\n.!?,;:])[ \t,]*$")
# A numbered item's label is a diagnosis ("1. HYPERTENSION: controlled"), not a heading.
_AFTER_ITEM_NUMBER = re.compile(r"(?:^|\s)\d{1,2}[.)][ \t]*$")
# A heading alone on an MTSamples comma-line (".,PLAN,1.  The patient..."), or a SOAP letter with a dash ("A - ").
_COMMA_LINE_HEADING = re.compile(
    r"(?:(?<=[.:],)|(?<=[.:] ,)|^)[ \t]*([A-Z][A-Z /&'-]{1,50}[A-Z]|[SOAP])[ \t]*(?:,(?=\S|[ \t]{2})|[ \t]-[ \t])",
    re.MULTILINE,
)
# The start of a line, real or an MTSamples comma-line: where a SOAP letter may head a section.
_LINE_START = re.compile(r"(?:^|\n|[.:],|[.:] ,)[ \t]*$")
# Words only a heading's label is made of: a mixed-case label with one of them at a line's start is a heading.
_HEADING_WORD = re.compile(
    r"\b(?:history|hx|exam|examination|assessment|impression|plan|diagnos[ie]s|medications|meds|allergies|"
    r"review of systems|ros|complaint|results|labs|vitals|vital signs|procedures?|subjective|objective)\b"
)


def _is_abbreviation(title: str) -> bool:
    """Whether a heading is an upper-case abbreviation that may stand alone on its line ("A/P", "HPI", "ROS")."""
    return title.isupper() and len(title) > 1


# Words a label does not begin with: "The plan: recheck" is a sentence.
_NOT_A_LABEL = frozenset({"the", "a", "an", "his", "her", "our", "my", "their", "this", "that", "no", "any"})
# A number after a one-letter label makes it a vital sign ("P: 72"), not a SOAP heading.
_VALUE_AFTER = re.compile(r"[ \t]*\d")
# A heading in any case after a sentence on the same line ("... stable. Plan: recheck in 3 months").
_INLINE_HEADING = re.compile(r"(?<=[.!?] )[ \t]*([A-Za-z][A-Za-z]*(?: [A-Za-z/&-]+){0,4}?)[ \t]*:(?!\d)")

_MIXED_CASE_HEADINGS = frozenset(
    {
        "assessment",
        "assessment and plan",
        "assessment/plan",
        "impression",
        "impression and plan",
        "impression/plan",
        "plan",
        "diagnosis",
        "diagnoses",
        "final diagnosis",
        "final diagnoses",
        "preoperative diagnosis",
        "postoperative diagnosis",
        "postoperative diagnoses",
        "discharge diagnosis",
        "discharge diagnoses",
        "chief complaint",
        "reason for visit",
        "history of present illness",
        "past medical history",
        "past surgical history",
        "medical history",
        "surgical history",
        "family history",
        "social history",
        "medications",
        "current medications",
        "allergies",
        "review of systems",
        "physical exam",
        "physical examination",
        "exam",
        "examination",
        "vital signs",
        "vitals",
        "objective",
        "subjective",
        "labs",
        "results",
        "data",
        "imaging",
        "procedure",
        "procedures",
        "procedure note",
        "problem list",
        "recommendations",
        "follow-up",
        "follow up",
        "disposition",
        "hospital course",
        "interval history",
    }
)


@dataclass(frozen=True, slots=True)
class _Heading:
    start: int
    body: int
    title: str
    kind: SectionKind


def _words(title: str) -> str:
    return " ".join(title.lower().replace("&", " and ").split())


def _headings(text: str) -> list[_Heading]:
    """The headings of the note that name a kind of section, in order.

    An upper-case label the coder does not know ("HEENT:", "XYZ:", "HYPERTENSION:") is left in the text of the
    section it sits in: it is part of what the clinician wrote there, not a new section.
    """
    found: dict[int, _Heading] = {}
    for match in _CAPS_HEADING.finditer(text):
        title = match.group(1).strip()
        if len(title) == 1 and not (
            _LINE_START.search(text, max(0, match.start() - 4), match.start())
            and not _VALUE_AFTER.match(text, match.end())
        ):
            continue
        kind = _heading_kind(title)
        if kind is None or not _BEFORE_HEADING.search(text, max(0, match.start() - 8), match.start()):
            continue
        if _AFTER_ITEM_NUMBER.search(text, max(0, match.start() - 6), match.start()):
            continue
        found[match.start()] = _Heading(match.start(), _body_start(text, match.end()), title, kind)
    patterns = ((_LINE_HEADING, True), (_INLINE_HEADING, True), (_BARE_HEADING, False), (_COMMA_LINE_HEADING, True))
    for pattern, with_colon in patterns:
        for match in pattern.finditer(text):
            title = match.group(1).strip()
            words = _words(title)
            known = words in _MIXED_CASE_HEADINGS or (words in HEADINGS and (with_colon or _is_abbreviation(title)))
            # A short label at the start of a line naming a heading's own words ("Social Hx:", "Surgical history:").
            if not known and pattern is _LINE_HEADING and len(words.split()) <= 4:
                known = _HEADING_WORD.search(words) is not None and words.split()[0] not in _NOT_A_LABEL
            if match.start(1) in found or not known:
                continue
            if len(words) == 1 and _VALUE_AFTER.match(text, match.end()):
                continue
            kind = _heading_kind(title)
            if kind is not None:
                found[match.start(1)] = _Heading(match.start(1), _body_start(text, match.end()), title, kind)
    return [found[start] for start in sorted(found)]


_BODY_LEAD = re.compile(r"[ \t,:]*")


def _body_start(text: str, after: int) -> int:
    """Where a heading's body begins: past the spaces, commas and stray colons that follow the heading."""
    match = _BODY_LEAD.match(text, after)
    return match.end() if match else after


def _sections(text: str) -> tuple[Section, ...]:
    heads = _headings(text)
    found: list[Section] = []
    if not heads or heads[0].start > 0:
        found.append(Section(SectionKind.OTHER, "", 0, heads[0].start if heads else len(text)))
    for index, head in enumerate(heads):
        end = heads[index + 1].start if index + 1 < len(heads) else len(text)
        found.append(Section(head.kind, head.title, min(head.body, end), end))
    return tuple(found)


# Abbreviations after which a period does not end the sentence.
_ABBREVIATIONS = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "vs",
        "v",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "cf",
        "viz",
        "approx",
        "appt",
        "apt",
        "no",
        "nos",
        "fig",
        "jr",
        "sr",
        "prof",
        "pt",
        "pts",
        "hx",
        "dx",
        "tx",
        "sx",
        "fx",
        "yo",
        "y.o",
        "wt",
        "ht",
        "etc",
        "inc",
        "yrs",
        "hrs",
        "mos",
        "wks",
        "min",
        "mins",
        "sec",
        "tab",
        "tabs",
        "cap",
        "caps",
        "tsp",
        "tbsp",
        "inj",
        "amt",
        "dept",
        "hosp",
        "vol",
        "susp",
        "soln",
        "dil",
        "subq",
        "sq",
        "sig",
        "influen",
        "mt",
        "ft",
        "al",
        "resp",
        "temp",
        "abd",
        "ext",
        "neg",
        "pos",
        "ca",
        "oz",
        "lb",
        "lbs",
    }
)
# A place a sentence may end: a sentence mark and a space before a capital, a digit, a bullet or a quote.
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?(?P<next>[A-Za-z0-9\u2022*-]))")
# A number, date or time ending a sentence ("at 70.", "on 06/23/2026.").
_NUMBER = re.compile(r"\d[\d/:-]*")
# A list item's number or letter ("1.", "2)", "a.") which must stay with its item.
_ITEM_NUMBER = re.compile(r"(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})$")
# Breaks of lines: a real line break, or an MTSamples comma that stands for one (",1.  Caudal", ".,POSTOPERATIVE").
_LINE_BREAK = re.compile(r"\n|(?<=[.:])(?<![a-zA-Z]\.[a-zA-Z]\.)[ \t]*,|,(?=[^\s\d])|(?<!\d),(?=\d)")
_LIST_START = re.compile(r"[ \t]*(?:[-*#\u2022\u25cf\u25aa\u25e6\u00b7+]|\d{1,2}[.)]|[a-z][.)])\s")
_OPEN_LINE_END = re.compile(r"[A-Za-z0-9,(/-][ \t\r]*$")


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of ``text[start:end]``: wrapped prose (a line ending open, the next starting lower-case) is joined."""
    spans: list[tuple[int, int]] = []
    position = start
    for match in _LINE_BREAK.finditer(text, start, end):
        if match.group() == "\n":
            following = text[match.end() : match.end() + 2].lstrip(" \t")
            if (
                following[:1].islower()
                and _OPEN_LINE_END.search(text, max(position, match.start() - 2), match.start())
                and not _LIST_START.match(text, match.end())
            ):
                continue
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return spans


def _sentence_ends(text: str, start: int, end: int) -> list[int]:
    """The offsets where sentences end within one line."""
    ends: list[int] = []
    piece_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        mark = match.start()
        before = text[piece_start:mark].strip()
        if not before or (_ITEM_NUMBER.fullmatch(before) and text[mark] == "."):
            continue
        word = before.rsplit(None, 1)[-1].lstrip("([\"'").lower()
        if text[mark] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        # Dictated notes start sentences in lower case; after a plain word ("stomach. she") that is a new
        # sentence, and so after a number ("at 70. past history"); after a short or dotted word ("mg. daily",
        # "p.o. with meals") it is not.
        if match.group("next").islower() and not ((len(word) > 2 and word.isalpha()) or _NUMBER.fullmatch(word)):
            continue
        ends.append(match.end())
        piece_start = match.end()
    return ends


def _sentences(text: str, section: Section) -> list[Sentence]:
    found: list[Sentence] = []
    for line_start, line_end in _lines(text, section.start, section.end):
        position = line_start
        for stop in [*_sentence_ends(text, line_start, line_end), line_end]:
            piece = text[position:stop]
            stripped = piece.strip(" \t\n\r,;")
            if stripped and any(char.isalnum() for char in stripped):
                first = position + piece.index(stripped)
                found.append(Sentence(first, first + len(stripped), section))
            position = stop
    return found


def read_note(text: str) -> Note:
    """Split a note into sections and sentences."""
    sections = _sections(text)
    return Note(text, sections, tuple(sentence for section in sections for sentence in _sentences(text, section)))
