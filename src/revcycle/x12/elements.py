"""SNIP type 2 checks of one segment's elements against the guide: usage, repeats, lengths, types, codes, syntax.

Each check yields a finding carrying the 999 IK403 code of the error it found, so that the same findings print as
messages and write as an acknowledgment.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from revcycle.x12.fastpath import fast_pattern
from revcycle.x12.findings import X12Finding
from revcycle.x12.guides.model import ElementSpec, SegmentSpec
from revcycle.x12.guides.registry import external_codes
from revcycle.x12.tokens import Delimiters, Segment

# 999 IK403 element syntax error codes.
REQUIRED_ELEMENT_MISSING = "1"
CONDITIONAL_ELEMENT_MISSING = "2"
TOO_MANY_ELEMENTS = "3"
TOO_SHORT = "4"
TOO_LONG = "5"
INVALID_CHARACTER = "6"
INVALID_CODE = "7"
INVALID_DATE = "8"
INVALID_TIME = "9"
EXCLUSION_VIOLATED = "10"
TOO_MANY_REPETITIONS = "12"
TOO_MANY_COMPONENTS = "13"
NOT_USED_ELEMENT_PRESENT = "I10"
PATTERN_MISMATCH = "I12"

_NUMERIC = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_TIME = re.compile(r"(?:[01][0-9]|2[0-3])[0-5][0-9](?:[0-5][0-9](?:[0-9]{1,2})?)?")


def _significant_length(value: str, data_type: str | None) -> int:
    """The length X12 counts: numbers leave out the sign and the decimal point."""
    if data_type and (data_type == "R" or data_type.startswith("N")):
        return len(value.lstrip("-").replace(".", ""))
    return len(value)


def _is_date(value: str) -> bool:
    if not value.isdigit() or len(value) not in (6, 8):
        return False
    if len(value) == 6:  # YYMMDD: the ISA's date, read in the window X12 uses
        value = f"20{value}"
    try:
        date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return False
    return True


def _value_problem(value: str, spec: ElementSpec) -> tuple[str, str] | None:
    """The IK403 code and message of what is wrong with a present simple value, or None."""
    data_type = spec.type or "AN"
    if data_type == "ID":
        codes = spec.codes or (external_codes(spec.external) if spec.external else None)
        if codes is not None:
            # a listed code has the right length and characters by definition
            return None if value in codes else (INVALID_CODE, f"{value!r} is not a valid code here")
    elif data_type.startswith("N"):
        if not _NUMERIC.fullmatch(value):
            return INVALID_CHARACTER, f"{value!r} is not a whole number"
    elif data_type == "R":
        if not _DECIMAL.fullmatch(value):
            return INVALID_CHARACTER, f"{value!r} is not a decimal number"
    elif data_type == "DT":
        if not _is_date(value):
            return INVALID_DATE, f"{value!r} is not a date (CCYYMMDD)"
    elif data_type == "TM":
        if not _TIME.fullmatch(value):
            return INVALID_TIME, f"{value!r} is not a time (HHMM[SS[dd]])"
    if not value.isprintable():
        return INVALID_CHARACTER, "a control character in the value"
    length = _significant_length(value, data_type)
    if spec.min_length and length < spec.min_length:
        return TOO_SHORT, f"{value!r} is {length} long; at least {spec.min_length}"
    if spec.max_length and length > spec.max_length:
        return TOO_LONG, f"{value[:40]!r} is {length} long; at most {spec.max_length}"
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        return PATTERN_MISMATCH, f"{value!r} does not match {spec.pattern}"
    return None


def check_elements(
    segment: Segment, spec: SegmentSpec
) -> Iterator[tuple[str, str, int, int | None, int | None, str, str]]:
    """The element problems of one segment: (rule, message, position, component, repeat, IK403 code, data element).

    The caller turns them into findings with the segment's place.
    """
    elements = segment.elements
    if len(elements) > len(spec.elements) and any(elements[len(spec.elements) :]):
        yield (
            "too-many-elements",
            f"{segment.id} has {len(elements)} elements; the guide defines {len(spec.elements)}",
            len(spec.elements) + 1,
            None,
            None,
            TOO_MANY_ELEMENTS,
            "",
        )
    repetition = segment.delimiters.repetition
    component_separator = segment.delimiters.component
    for element in spec.elements:
        value = elements[element.position - 1] if element.position <= len(elements) else ""
        if not value:
            if element.usage == "R":
                yield (
                    "required-element",
                    f"{element.id} ({element.name}) is required",
                    element.position,
                    None,
                    None,
                    REQUIRED_ELEMENT_MISSING,
                    element.data_element,
                )
            continue
        if element.usage == "N":
            yield (
                "not-used-element",
                f"{element.id} ({element.name}) is not used in this guide",
                element.position,
                None,
                None,
                NOT_USED_ELEMENT_PRESENT,
                element.data_element,
            )
            continue
        repeats = value.split(repetition) if repetition and element.repeat != 1 and repetition in value else [value]
        if element.repeat is not None and len(repeats) > element.repeat:
            yield (
                "element-repeat",
                f"{element.id} repeats {len(repeats)} times; at most {element.repeat}",
                element.position,
                None,
                None,
                TOO_MANY_REPETITIONS,
                element.data_element,
            )
        for number, item in enumerate(repeats, start=1):
            repeat = number if len(repeats) > 1 else None
            if element.components:
                yield from _check_composite(item, element, component_separator, repeat)
            else:
                problem = _value_problem(item, element)
                if problem:
                    yield (
                        _rule(problem[0]),
                        f"{element.id}: {problem[1]}",
                        element.position,
                        None,
                        repeat,
                        *problem[:1],
                        element.data_element,
                    )
    yield from _check_syntax(segment, spec)


def _check_composite(
    value: str, element: ElementSpec, separator: str, repeat: int | None
) -> Iterator[tuple[str, str, int, int | None, int | None, str, str]]:
    parts = value.split(separator)
    if len(parts) > len(element.components) and any(parts[len(element.components) :]):
        yield (
            "too-many-components",
            f"{element.id} has {len(parts)} components; the guide defines {len(element.components)}",
            element.position,
            len(element.components) + 1,
            repeat,
            TOO_MANY_COMPONENTS,
            element.data_element,
        )
    for component in element.components:
        part = parts[component.position - 1] if component.position <= len(parts) else ""
        if not part:
            if component.usage == "R":
                yield (
                    "required-element",
                    f"{component.id} ({component.name}) is required",
                    element.position,
                    component.position,
                    repeat,
                    REQUIRED_ELEMENT_MISSING,
                    component.data_element,
                )
            continue
        if component.usage == "N":
            yield (
                "not-used-element",
                f"{component.id} ({component.name}) is not used in this guide",
                element.position,
                component.position,
                repeat,
                NOT_USED_ELEMENT_PRESENT,
                component.data_element,
            )
            continue
        problem = _value_problem(part, component)
        if problem:
            yield (
                _rule(problem[0]),
                f"{component.id}: {problem[1]}",
                element.position,
                component.position,
                repeat,
                problem[0],
                component.data_element,
            )


def _check_syntax(
    segment: Segment, spec: SegmentSpec
) -> Iterator[tuple[str, str, int, int | None, int | None, str, str]]:
    """X12 syntax notes: P paired, R required (one of), C conditional, L list conditional, E exclusion."""
    elements = segment.elements
    count = len(elements)
    for rule, kind, positions in spec.syntax_rules:
        present = [position <= count and elements[position - 1] != "" for position in positions]
        problem: tuple[int, str, str] | None = None
        if kind == "P":
            if any(present) and not all(present):
                problem = (
                    positions[present.index(False)],
                    "are used together or not at all",
                    CONDITIONAL_ELEMENT_MISSING,
                )
        elif kind == "R":
            if not any(present):
                problem = (positions[0], "at least one is required", CONDITIONAL_ELEMENT_MISSING)
        elif kind == "C":
            if present[0] and not all(present[1:]):
                missing = positions[1:][present[1:].index(False)]
                problem = (missing, "the first needs the others", CONDITIONAL_ELEMENT_MISSING)
        elif kind == "L":
            if present[0] and not any(present[1:]):
                problem = (positions[1], "the first needs one of the others", CONDITIONAL_ELEMENT_MISSING)
        elif kind == "E" and sum(present) > 1:
            problem = (positions[1], "only one may be used", EXCLUSION_VIOLATED)
        if problem:
            names = ", ".join(f"{segment.id}{position:02d}" for position in positions)
            yield ("syntax-rule", f"{rule} ({names}): {problem[1]}", problem[0], None, None, problem[2], "")


def _check_period(segment: Segment) -> Iterator[tuple[str, str, int, int | None, int | None, str, str]]:
    """DTP03 in the format DTP02 names: D8 a date, RD8 a range of two dates in order (X12's date rules)."""
    qualifier, value = segment[2], segment[3]
    if not value:
        return
    if qualifier == "D8" and not (len(value) == 8 and _is_date(value)):
        yield ("element-date", f"DTP03: {value!r} is not a date (D8: CCYYMMDD)", 3, None, None, INVALID_DATE, "1251")
    elif qualifier == "RD8":
        start, _, end = value.partition("-")
        if not (len(start) == len(end) == 8 and _is_date(start) and _is_date(end)):
            yield (
                "element-date",
                f"DTP03: {value!r} is not a range of dates (RD8: CCYYMMDD-CCYYMMDD)",
                3,
                None,
                None,
                INVALID_DATE,
                "1251",
            )
        elif end < start:
            yield (
                "element-date",
                f"DTP03: the range {value!r} ends before it starts",
                3,
                None,
                None,
                INVALID_DATE,
                "1251",
            )


_RULES = {
    INVALID_CODE: "code-value",
    INVALID_CHARACTER: "element-type",
    INVALID_DATE: "element-date",
    INVALID_TIME: "element-time",
    TOO_SHORT: "element-length",
    TOO_LONG: "element-length",
    PATTERN_MISMATCH: "element-pattern",
}


def _rule(code: str) -> str:
    return _RULES.get(code, "element")


Problem = tuple[str, str, int, int | None, int | None, str, str]
# How many segment texts (or presence patterns) a memo holds before it starts again: enough for the dates, reason
# codes and common amounts a file repeats, few enough that memory stays flat on a file of any size.
MEMO_LIMIT = 4096
# How many new texts of a guide segment are checked in full before its fast expression is compiled.
_CHECKS_BEFORE_COMPILING = 16
# Syntax-rule problems depend only on which elements are present: remembered per guide segment and presence pattern.
_SYNTAX_MEMOS: dict[SegmentSpec, dict[tuple[bool, ...], tuple[Problem, ...]]] = {}


def element_problems(segment: Segment, spec: SegmentSpec) -> list[Problem]:
    """The element problems of one segment; empty for a segment that is right, which is the fast, common case."""
    return list(SegmentChecker(spec, segment.delimiters).check(segment))


def _syntax_memo(spec: SegmentSpec) -> dict[tuple[bool, ...], tuple[Problem, ...]]:
    memo = _SYNTAX_MEMOS.get(spec)
    if memo is None:
        memo = _SYNTAX_MEMOS[spec] = {}
    return memo


def _syntax_from(spec: SegmentSpec) -> int:
    """The fewest elements a segment needs before one of the guide segment's syntax rules can be broken.

    With fewer, every element a rule names is absent, which breaks only an R rule (at least one required); a P, C, L
    or E rule needs its smallest, first or second smallest position present.
    """
    needed = []
    for _, kind, positions in spec.syntax_rules:
        if kind == "R":
            return 0
        needed.append(sorted(positions)[1] if kind == "E" else min(positions) if kind == "P" else positions[0])
    return min(needed, default=sys.maxsize)


class SegmentChecker:
    """`element_problems` for one guide segment under one interchange's delimiters, remembered per segment text.

    A segment's element problems depend only on its text, the guide segment it was placed as and the delimiters, and
    files repeat many segments verbatim (service dates, adjustment reasons, remark codes), so a text is checked once
    and its problems (usually none) are looked up after that.

    Attributes:
        spec: the guide segment.
        delimiters: the delimiters the segments checked were cut with.
        memo: problems by segment text (as the tokenizer kept it in `Segment.raw`); callers may read it directly to
            skip a call on the common path, and must not change it.
    """

    __slots__ = ("_fullmatch", "_period", "_syntax_from", "_syntax_memo", "_untried", "delimiters", "memo", "spec")

    def __init__(self, spec: SegmentSpec, delimiters: Delimiters) -> None:
        self.spec = spec
        self.delimiters = delimiters
        self.memo: dict[str, tuple[Problem, ...]] = {}
        # the fast expression's fullmatch; until the guide segment has been checked a few times, `_warming`
        self._fullmatch: Callable[[str], object] | None = self._warming
        self._untried = _CHECKS_BEFORE_COMPILING
        self._syntax_memo = _syntax_memo(spec)
        self._syntax_from = _syntax_from(spec)
        self._period = spec.id == "DTP"

    def problems(self, segment: Segment) -> tuple[Problem, ...]:
        """The element problems of a segment placed as `spec` (the same as `element_problems`)."""
        text = segment.raw
        if not text or segment.delimiters is not self.delimiters:
            # a segment made in code, or cut with other delimiters: checked as it is, not remembered
            return tuple(element_problems(segment, self.spec))
        memo = self.memo
        found = memo.get(text)
        if found is None:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            found = memo[text] = self.check(segment)
        return found

    def remember(self, segment: Segment) -> tuple[Problem, ...]:
        """`problems` for a segment cut with `delimiters` whose text the memo was just found not to hold.

        The validator's path: it has looked the text up in `memo` already, so neither that nor the delimiters are
        checked again.
        """
        text = segment.raw
        if not text:
            return tuple(element_problems(segment, self.spec))
        memo = self.memo
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        fullmatch = self._fullmatch
        if not self._period and fullmatch is not None and fullmatch(text):
            # `check`'s usual path, written out (a call per new text costs more than the path)
            found = self._syntax(segment) if len(segment.elements) >= self._syntax_from else ()
        else:
            found = self.check(segment)
        memo[text] = found
        return found

    def check(self, segment: Segment) -> tuple[Problem, ...]:
        """The element problems of a segment cut with `delimiters`, checked now (not looked up or remembered)."""
        fullmatch = self._fullmatch
        if fullmatch is not None and fullmatch(segment.raw or segment.text()):
            # the elements are right (see fastpath); only the syntax rules, which relate elements, are left to check
            problems = self._syntax(segment) if len(segment.elements) >= self._syntax_from else ()
        else:
            problems = tuple(check_elements(segment, self.spec))
        if self._period:
            problems = (*problems, *_check_period(segment))
        return problems

    def _warming(self, text: str) -> bool:
        """Stands in for the fast expression for the first texts checked: no match, so the full checks decide.

        The full checks answer as the expression would (see fastpath), and compiling it costs as much as checking
        dozens of segments in full, while many guide segments occur a few times a file (BPR, TRN, N1, PLB): it is
        compiled at the first text past `_CHECKS_BEFORE_COMPILING`.
        """
        self._untried -= 1
        if self._untried > 0:
            return False
        fast = fast_pattern(self.spec, self.delimiters)
        self._fullmatch = fast.fullmatch if fast else None
        return bool(fast and fast.fullmatch(text))

    def _syntax(self, segment: Segment) -> tuple[Problem, ...]:
        # syntax-rule problems depend only on which elements are present
        presence = tuple(map(bool, segment.elements))
        memo = self._syntax_memo
        try:  # a subscript, not `get`: a miss is rare (a file has few presence patterns), a method call costs more
            return memo[presence]
        except KeyError:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            problems = memo[presence] = tuple(_check_syntax(segment, self.spec))
            return problems


def element_findings(
    segment: Segment, spec: SegmentSpec, *, path: str, loop: str, transaction: str, position: int
) -> list[X12Finding]:
    """The element problems of a segment as findings placed at the segment."""
    return findings_of(
        segment, element_problems(segment, spec), path=path, loop=loop, transaction=transaction, position=position
    )


def findings_of(
    segment: Segment, problems: Sequence[Problem], *, path: str, loop: str, transaction: str, position: int
) -> list[X12Finding]:
    """Problems of a segment's elements as findings placed at the segment."""
    return [
        X12Finding(
            rule=rule,
            message=message,
            path=path,
            segment_index=segment.index,
            segment_id=segment.id,
            loop=loop or None,
            element=element,
            component=component,
            repetition=repeat,
            transaction=transaction or None,
            position_in_transaction=position or None,
            segment_error_code="8",  # segment has data element errors
            element_error_code=code,
            data_element=data_element or None,
            value=_value_at(segment, element, component),
        )
        for rule, message, element, component, repeat, code, data_element in problems
    ]


def _value_at(segment: Segment, element: int, component: int | None) -> str | None:
    value = segment.component(element, component) if component else segment[element]
    return value[:99] or None
