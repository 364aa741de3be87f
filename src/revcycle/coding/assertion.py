"""Assertion status of a mention, as ConText judges it: is the condition present, negated, uncertain, past, ...

The algorithm is ConText as medspaCy implements it. Trigger phrases ("denies", "possible", "history of",
"mother", "return if") are found in each sentence; each has a category and a direction, and its scope runs from
the trigger to the end of the sentence (forward), back to its start (backward) or both ways, cut short by a
terminating phrase ("but", "however", "which", ";"), by the next trigger of the same category, or by the rule's
maximum scope in words. Pseudo-triggers ("no change", "not only", "gram negative") are matched so that the shorter
trigger inside them is not. A mention is modified by every trigger whose scope overlaps it.

The section adds what the words do not say: a family history section makes every condition in it the family's,
a past surgical history lists what was done before, and a review of systems line that opens with a negation
("negative for fever, chills, cough") negates the whole line.

Several statuses can apply at once ("no family history of diabetes" is family and negated); the decisive one is
the first of family, hypothetical, conditional, negated, uncertain, historical; present when none applies.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import StrEnum

from revcycle.coding.document import Note, SectionKind, Sentence


class Assertion(StrEnum):
    """What the note asserts about a mentioned condition."""

    PRESENT = "present"
    NEGATED = "negated"
    UNCERTAIN = "uncertain"
    HISTORICAL = "historical"
    FAMILY = "family"
    HYPOTHETICAL = "hypothetical"
    CONDITIONAL = "conditional"


PRIORITY: tuple[Assertion, ...] = (
    Assertion.FAMILY,
    Assertion.HYPOTHETICAL,
    Assertion.CONDITIONAL,
    Assertion.NEGATED,
    Assertion.UNCERTAIN,
    Assertion.HISTORICAL,
)
"""The statuses in the order they decide a mention's status when several apply."""


@dataclass(frozen=True, slots=True)
class AssertionResult:
    """A mention's status and the trigger that decided it (None when nothing did: present).

    Attributes:
        status: the decisive status (see ``PRIORITY``).
        trigger: the span of the trigger phrase that decided it; None when present or decided by the section.
        statuses: every status that applies, the decisive one included; empty when present.
        section: the kind of section the mention is in, for the caller to weigh (a condition listed under past
            medical history is present here: whether it counts is the caller's decision).
    """

    status: Assertion
    trigger: tuple[int, int] | None = None
    statuses: frozenset[Assertion] = frozenset()
    section: SectionKind = SectionKind.OTHER


class Direction(StrEnum):
    """Which way a trigger's scope runs from it (medspaCy's directions)."""

    FORWARD = "forward"
    BACKWARD = "backward"
    BIDIRECTIONAL = "bidirectional"
    TERMINATE = "terminate"
    PSEUDO = "pseudo"


@dataclass(frozen=True, slots=True)
class ContextRule:
    """A trigger phrase.

    Attributes:
        pattern: a regular expression over the words (spaces match any white space), matched without case.
        category: the status the trigger gives; for a terminating phrase, the status whose scopes it ends (None:
            every status); None for a pseudo-trigger.
        direction: which way its scope runs.
        max_scope: the most words its scope reaches, None for the whole sentence.
        until: characters that also end its forward scope (a status-post ends at the comma after its procedure).
    """

    pattern: str
    category: Assertion | None
    direction: Direction
    max_scope: int | None = None
    until: str = ""


_N = Assertion.NEGATED
_U = Assertion.UNCERTAIN
_H = Assertion.HISTORICAL
_F = Assertion.FAMILY
_Y = Assertion.HYPOTHETICAL
_C = Assertion.CONDITIONAL
_FWD = Direction.FORWARD
_BACK = Direction.BACKWARD
_BI = Direction.BIDIRECTIONAL
_END = Direction.TERMINATE
_NOT = Direction.PSEUDO

_RELATIVES = (
    r"(?:mother|mom|father|dad|parents?|sisters?|brothers?|siblings?|sons?|daughters?|aunts?|uncles?|cousins?|"
    r"grand(?:mother|father|parents?|ma|pa)s?|maternal|paternal|twin|half[- ](?:sister|brother))(?:'s)?"
)

_AT_END = r"(?=\s*[.;,:]?\s*$)"

RULES: tuple[ContextRule, ...] = (
    # Negation.
    ContextRule(r"no|neither|nor", _N, _FWD),
    ContextRule(r"no (?:evidence|signs?|symptoms?|suggestion|findings?|history|complaints?|hx|h/o)(?: of| for)?|"
                r"no (?:known|new|other|further|significant|abnormal|obvious|definite|apparent|current)",
                _N, _FWD),
    ContextRule(r"not|n't|cannot", _N, _FWD, 4),
    # "not" reaches a whole list when it says "any": "has not been having any coughing, gagging or vomiting".
    ContextRule(r"(?:not|n't|never) (?:\w+ ){0,3}(?:any|anything)", _N, _FWD),
    ContextRule(r"(?:does|did|do|is|was|are|were|has|have|had) not "
                r"(?:have|had|show|reveal|demonstrate|appear|exhibit)|"
                r"not (?:associated with|complain(?:ing)? of|known to have|see|seen|appreciated|noted|present)",
                _N, _FWD),
    ContextRule(r"(?:is|was|are|were) not (?:seen|noted|present|appreciated|evident|identified)", _N, _BACK, 6),
    ContextRule(r"den(?:y|ies|ied|ying)|declines?|negative for|neg for|free of|clear of|absence of|absent|lack of|"
                r"lacks|without|w/o|rather than|never had|never developed|fails? to reveal|unremarkable for|"
                r"no longer has|ruled out(?: for)?|doubt|never(?: been)?(?: diagnosed with)?|never a", _N, _FWD),
    # What has resolved is past, not absent: "after resolution of the pneumonia" is historical.
    ContextRule(r"(?:after |since |with )?resolution of", _H, _FWD, 3),
    ContextRule(r"unlikely|not likely", _N, _BI, 4),
    ContextRule(r"(?:was|were|is|are|has been|have been|now|been) (?:ruled out|excluded)|"
                r"(?:(?:is|was|are|were|has been|test(?:ed)?|came back|returned|screen) )?"
                r"(?:negative|neg)(?=\s*[.;,]?\s*$|\s*[;,])|"
                r"(?:absent|free|(?:not|none) (?:seen|noted|present|appreciated|evident|identified)|"
                r"no longer present|denied|none|no|ruled out|excluded)" + _AT_END, _N, _BACK, 6),
    # Uncertainty.
    ContextRule(r"possible|possibly|poss|probable|probably|likely|most likely|presumed|presumably|presumptive|"
                r"suspected|suspect|suspicious (?:for|of)|suspicion (?:for|of)|questionable|question of|"
                r"r/o|rule(?: him| her| the patient)? out(?: for)?|to rule out|concern(?:ed|ing)? (?:for|about)|"
                r"worrisome for|worried about|consistent with|"
                r"differential(?: diagnosis| dx)?(?: includes?| is| of|:)|differential diagnosis|ddx|"
                r"compatible with|suggestive of|suggests|suggesting|may be|might be|could be|may have|might have|"
                r"cannot (?:exclude|rule out)|can not (?:exclude|rule out)|can't (?:exclude|rule out)|"
                r"equivocal(?: for)?|evaluate for|evaluation for|eval for|assess for|check for|"
                r"test(?:ing)? for|work ?up for|w/u for|atypical for", _U, _FWD, 8),
    ContextRule(r"(?:cannot|can not|could not|can't|not) (?:be )?(?:been )?(?:excluded|ruled out)|"
                r"(?:may|might|must|should|will|could|to) be ruled out|is favored|less likely|"
                r"(?:(?:is|was|are) )?(?:possible|likely|suspected|probable|questionable|not excluded)" + _AT_END,
                _U, _BACK, 6),
    ContextRule(r"versus|vs\.?", _U, _BI, 4),
    ContextRule(r"\?", _U, _BACK, 3),
    ContextRule(r"(?<![\w?])\?(?=\s*[A-Za-z])", _U, _FWD, 3),
    # History.
    ContextRule(r"history(?: of)?|hx of|h/o|hx|past (?:medical )?history (?:of|significant for|includes?)|"
                r"previous|prior|remote|former|formerly|old|had an? episode of|recovered from|childhood",
                _H, _FWD),
    # A status-post names one procedure or event; its scope does not run on through the rest of a list.
    ContextRule(r"s/p|status post", _H, _FWD, 6, until=",;"),
    ContextRule(r"in the past|as a child|in childhood|previously|(?:has |now |since )?resolved|healed", _H, _BI, 5),
    ContextRule(r"(?:\d+|many|several|a few) (?:years|months|decades) ago|in (?:19|20)\d\d|at age \d+", _H, _BACK, 5),
    # Family.
    ContextRule(r"family history(?: of| significant for| positive for| is significant for| includes?)?|"
                r"family hx(?: of)?|fhx?(?: of)?|family members?|strong family|"
                r"familial (?:medical )?history(?: is)?(?: significant for| positive for| of)?", _F, _FWD),
    ContextRule(_RELATIVES, _F, _BI, 6),
    # Hypothetical.
    ContextRule(r"if|return if|call if|come back (?:if|for|to)|return for|"
                r"(?:return (?:or go )?|go )to (?:the )?(?:ed|er|emergency (?:room|department)|urgent care) (?:for|if)|"
                r"seek (?:medical )?(?:care|attention) (?:for|if)|"
                r"should(?= (?:he|she|they|you|the|his|her|there|symptoms|any|it|this|these|pain|fever)\b)|"
                r"in case of|in the event of|watch for|watch out for|"
                r"monitor for|look out for|warning signs of|signs and symptoms of|risks? (?:of|for)|at risk for|"
                r"to prevent|prevention of|prevent|screen(?:ing)? for|"
                r"precautions? for|unless", _Y, _FWD, 8),
    ContextRule(r"prophylaxis|precautions|prevention|screening|risk", _Y, _BACK, 3),
    # Conditional: the condition happens only in a circumstance ("rash only when she takes penicillin").
    ContextRule(r"only (?:when|with|if|after|during|on)|whenever|when exposed to|upon exposure to|"
                r"on exposure to|if exposed to|when (?:he|she|they) (?:takes?|eats?|uses?|is exposed|are exposed)|"
                r"when taking|after taking|triggered by", _C, _BACK, 6),
    # Terminating phrases: end the scope of the triggers before and after them.
    ContextRule(r"but|however|although|though|nevertheless|yet|except|aside from|apart from|other than|which|"
                r"while|whereas|whilst|instead|"
                r"secondary to|due to|because|since|presents?|presenting|presented|comes? in with|came in with|;",
                None, _END),
    ContextRule(r"still|as a cause (?:of|for)|"
                r"cause (?:of|for)|causes|etiology (?:of|for)|source (?:of|for)|origin (?:of|for)|reason for|"
                r"complain(?:s|ed|ing)? of|c/o|reports?|reported|reporting|endorses|endorsed|admits(?: to)?|"
                r"positive for|notes|noted to have|states|now has|has had|diagnosed with|found to have|"
                r"is being treated for|treated for|here for|seen for", _N, _END),
    ContextRule(r"presentation|now|currently|today|presently|at this time|recently|new onset|this morning",
                _H, _END),
    # Pseudo-triggers: matched so that the trigger inside them is not.
    ContextRule(r"no (?:increase|decrease|change|changes|interval change|significant change|improvement|relief|"
                r"better|worse|doubt|further|longer|sooner|matter|problem with|problems with|difficulty)|"
                r"not (?:only|necessarily|certain|sure|clear|well|been able|able|improved?|improving|compliant|"
                r"taking|tolerate|tolerated|tolerating|respond|responded|responding|relieved|resolved|"
                r"helped|helping|want|wish|controlled|well controlled|optimally|changed|had time)|"
                r"without (?:difficulty|improvement|relief)|"
                r"(?:no|without) (?:significant |relevant |other )?(?:past )?(?:medical |surgical |personal )?"
                r"(?:history|antecedents|background)(?: of interest)?(?=\s*(?:[,.;:]|who\b|that\b|except\b|$))|"
                r"(?:no|without) (?:\w+ ){0,3}of interest|"
                r"(?:without|no) (?:any |significant )?(?:increase|increased|worsening|change) in|"
                r"(?:\d+|one|two|three|four|five|six|seven|ten|several|a few)[- ]"
                r"(?:hours?|days?|weeks?|months?|years?)[- ]"
                r"(?:history|hx|h/o)(?: of)?|long(?:-?standing)? history(?: of)?|"
                r"(?:with|by|w/|from|caring for|care for|counsel(?:ed|ing)?|told|informed|reassured) "
                r"(?:his |her |their |the |both )?(?:mother|father|parents?|mom|dad|grandmother|grandfather|"
                r"sister|brother|daughter|son|wife|husband|family|guardian)|"
                r"(?:cbc|count) (?:with|w/) diff(?:erential)?|with differential|differential count|"
                r"gram[- ]negative|negative (?:pressure|inspiratory)|"
                r"history of present illness|history and physical|social history|"
                r"history (?:was|is) (?:obtained|taken|provided|given|limited|reviewed)|history from|"
                r"history per|per history|prior to|previous to|over the past|"
                r"in the past (?:\w+ )?(?:days?|weeks?|months?)|"
                r"(?:mother|father|parents?|wife|husband|daughter|son|family)(?: who)? (?:reports?|reported|states?|"
                r"stated|said|says|"
                r"notes|brought|brings|is here|at bedside|present|accompanies|denies|noticed|concerned)|"
                r"per (?:his |her |the )?(?:mother|father|parents?|wife|husband|daughter|son|family)|"
                r"lives with (?:his |her |their )?\w+|accompanied by (?:his |her |their )?\w+|"
                r"according to (?:his |her |their |the )?\w+|"
                r"(?:mother|father) of (?:\w+ )?(?:children|kids|\d+)|if (?:any|needed|necessary|possible|indicated)|"
                r"if so|as if|even if|possible that|likely to|unlikely to|rule of|"
                r"as needed|old (?:records|chart|films?|notes)|(?:years?|months?|weeks?|days?) old|"
                r"prior (?:records|studies|imaging)|no ?show|prn",
                None, _NOT),
)  # fmt: skip
"""The trigger phrases: medspaCy's default English rules, widened with the cues of outpatient notes."""


@dataclass(frozen=True, slots=True)
class Modifier:
    """A trigger found in a sentence, with the scope it governs (character offsets into the note)."""

    category: Assertion
    start: int
    end: int
    scope_start: int
    scope_end: int


def _split(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (bars inside groups are left alone)."""
    pieces = [""]
    depth = 0
    for char in pattern:
        if char == "|" and depth == 0:
            pieces.append("")
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        pieces[-1] += char
    return pieces


def _closing(pattern: str, at: int) -> int:
    """The index of the parenthesis closing the group opened at ``at``."""
    depth = 0
    for index in range(at, len(pattern)):
        depth += {"(": 1, ")": -1}.get(pattern[index], 0)
        if depth == 0:
            return index
    raise ValueError(f"unbalanced group in {pattern!r}")


_ANY = "*"


def _first_chars(pattern: str) -> tuple[set[str], bool]:
    """The lower-case characters a match of a rule pattern can begin with, and whether it can match nothing.

    Rule patterns use literals, groups, alternation, ``?``, escapes and look-arounds only; anything else is
    answered with ``_ANY``, so the pattern is tried everywhere.
    """
    chars: set[str] = set()
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith(("(?<", "(?=", "(?!"), index):
            index = _closing(pattern, index) + 1
            continue
        if char in "^$":
            index += 1
            continue
        if char == "(":
            close = _closing(pattern, index)
            inner = pattern[index + (3 if pattern.startswith("(?:", index) else 1) : close]
            found = [_first_chars(piece) for piece in _split(inner)]
            starts = set().union(*(first for first, _ in found))
            empty = any(nullable for _, nullable in found)
            step = close + 1
        elif char == "\\":
            escaped = pattern[index + 1]
            starts, empty, step = ({escaped} if not escaped.isalnum() else {_ANY}), False, index + 2
        elif char == "[":
            starts, empty, step = {_ANY}, False, pattern.index("]", index) + 1
        else:
            starts, empty, step = {char.lower()}, False, index + 1
        optional = step < len(pattern) and pattern[step] in "?*"
        chars |= starts
        if not (empty or optional):
            return chars, False
        index = step + (1 if optional else 0)
    return chars, True


def _compile(rules: tuple[ContextRule, ...]) -> tuple[dict[str, re.Pattern[str]], tuple[ContextRule, ...]]:
    """A pattern per first character holding every alternative that can start with it, longest first.

    Trying a few dozen alternatives where a word starts, instead of every alternative at every character, is what
    keeps ConText at microseconds a sentence.
    """
    alternatives = sorted(
        ((rule, piece) for rule in rules for piece in _split(rule.pattern)), key=lambda item: -len(item[1])
    )
    buckets: dict[str, list[str]] = {}
    for index, (_rule, piece) in enumerate(alternatives):
        body = piece.replace(" ", r"\s+")
        before = r"(?<![\w/'-])" if re.match(r"[\w(]", piece) else ""
        after = r"(?![\w/])" if re.search(r"[\w)?]$", piece) and not piece.endswith("\\?") else ""
        group = f"(?P<r{index}>{before}(?:{body}){after})"
        starts, _ = _first_chars(piece)
        for char in {_ANY} if _ANY in starts else starts:
            buckets.setdefault(char, []).append(group)
    # Alternatives that may start with any character (a digit) are tried where any word starts.
    wild = buckets.pop(_ANY, [])
    patterns = {
        char: re.compile("|".join(sorted(groups + wild, key=lambda group: -len(group))), re.IGNORECASE)
        for char, groups in [*buckets.items(), (_ANY, [])]
    }
    return patterns, tuple(rule for rule, _ in alternatives)


_TRIGGERS, _ALTERNATIVES = _compile(RULES)
# Where a trigger may begin: the start of a word, a question mark, a semicolon.
_TRIGGER_START = re.compile(r"(?<![\w/'-])\w|[?;]")
_NEGATED_LINE = re.compile(r"\s*(?:[A-Za-z/ ]{1,30}:\s*)?(?:negative|neg|denies|no|none)\b", re.IGNORECASE)
_POSITIVE = re.compile(r"\b(?:positive|pos|reports?|endorses|admits|but|except|other than|as per hpi)\b", re.IGNORECASE)


def _word_edges(note: Note, sentence: Sentence) -> tuple[list[int], list[int]]:
    words = note.words(sentence)
    return [word.start for word in words], [word.end for word in words]


def modifiers(note: Note, sentence: Sentence) -> tuple[Modifier, ...]:
    """The triggers of one sentence with their scopes, worked out once per sentence and kept with the note."""
    return note.memo(("context", sentence.start), lambda: _modifiers(note, sentence))


def _modifiers(note: Note, sentence: Sentence) -> tuple[Modifier, ...]:
    found: list[tuple[ContextRule, int, int]] = []
    text = note.text
    reached = sentence.start
    for place in _TRIGGER_START.finditer(text, sentence.start, sentence.end):
        if place.start() < reached:
            continue
        pattern = _TRIGGERS.get(text[place.start()].lower(), _TRIGGERS[_ANY])
        match = pattern.match(text, place.start(), sentence.end)
        if match and match.lastgroup:
            found.append((_ALTERNATIVES[int(match.lastgroup[1:])], match.start(), match.end()))
            reached = match.end()
    if not found:
        return ()
    starts, ends = _word_edges(note, sentence)
    made: list[Modifier] = []
    for rule, start, end in found:
        if rule.category is None or rule.direction in (Direction.TERMINATE, Direction.PSEUDO):
            continue
        stops = [
            (other_start, other_end)
            for other, other_start, other_end in found
            if other.category is rule.category
            or (other.direction is Direction.TERMINATE and other.category in (None, rule.category))
        ]
        if rule.direction in (Direction.FORWARD, Direction.BIDIRECTIONAL):
            scope_end = min([sentence.end, *(s for s, _ in stops if s >= end)])
            if rule.max_scope is not None:
                after = bisect_left(starts, end) + rule.max_scope - 1
                if after < len(ends):
                    scope_end = min(scope_end, ends[after])
            for char in rule.until:
                found_at = note.text.find(char, end, scope_end)
                scope_end = found_at if found_at >= 0 else scope_end
            made.append(Modifier(rule.category, start, end, end, scope_end))
        if rule.direction in (Direction.BACKWARD, Direction.BIDIRECTIONAL):
            scope_start = max([sentence.start, *(e for _, e in stops if e <= start)])
            if rule.max_scope is not None:
                before = bisect_right(ends, start) - rule.max_scope
                if before >= 0:
                    scope_start = max(scope_start, starts[before])
            made.append(Modifier(rule.category, start, end, scope_start, start))
    return tuple(made)


def _section_status(note: Note, sentence: Sentence) -> tuple[Assertion | None, tuple[int, int] | None]:
    """What the section says of every mention in the sentence, and the span that says it (a negated ROS line)."""
    section = sentence.section
    if section.kind is SectionKind.FAMILY_HISTORY:
        return Assertion.FAMILY, None
    if section.kind is SectionKind.PAST_HISTORY and "surg" in section.title.lower():
        return Assertion.HISTORICAL, None
    if section.kind is SectionKind.REVIEW_OF_SYSTEMS:
        opening = _NEGATED_LINE.match(note.text, sentence.start, sentence.end)
        if opening and not _POSITIVE.search(note.text, opening.end(), sentence.end):
            return Assertion.NEGATED, (opening.end() - len(opening.group().split()[-1]), opening.end())
    return None, None


def assertion_of(note: Note, start: int, end: int) -> AssertionResult:
    """The assertion status of the mention at ``note.text[start:end]``."""
    sentence = note.sentence_at(start)
    found: dict[Assertion, tuple[int, int] | None] = {}
    nearest: dict[Assertion, int] = {}
    for modifier in modifiers(note, sentence):
        # A trigger within the mention is part of its name ("history of stroke"); one that runs into it from
        # before still speaks of it ("no acute distress").
        if start <= modifier.start < end:
            continue
        if modifier.scope_start < end and start < modifier.scope_end:
            distance = modifier.start - end if modifier.start >= end else start - modifier.end
            if modifier.category not in nearest or distance < nearest[modifier.category]:
                nearest[modifier.category] = distance
                found[modifier.category] = (modifier.start, modifier.end)
    by_section, span = _section_status(note, sentence)
    if by_section is not None and by_section not in found:
        found[by_section] = span
    kind = sentence.section.kind
    for status in PRIORITY:
        if status in found:
            return AssertionResult(status, found[status], frozenset(found), kind)
    return AssertionResult(Assertion.PRESENT, None, frozenset(), kind)
