"""A whole-segment regular expression per guide segment: the fast path of element validation.

Most segments of a real file are valid, and checking them element by element in Python costs more than reading
them. So each guide segment also compiles to one regular expression that accepts only segments the element checks
would accept (usage, lengths, types, codes, repeats, composites); a segment it matches skips those checks. The
expression is deliberately narrower than the checks (printable ASCII only, no six-digit dates, no decimals written
``5.``): a segment it refuses goes through the full checks, which decide and explain. It can therefore make
validation faster but never change a verdict.
"""

from __future__ import annotations

import re

from revcycle.x12.guides.model import ElementSpec, SegmentSpec
from revcycle.x12.guides.registry import external_codes
from revcycle.x12.tokens import Delimiters

_NEVER = "(?!)"
_DATE8 = r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"
_TIME4 = r"(?:[01][0-9]|2[0-3])[0-5][0-9]"
# Keyed by the identities of the spec and the delimiters (hashing a Delimiters per segment would cost more than the
# match); the entry keeps both objects, so an id is never reused while its entry lives.
_cache: dict[tuple[int, int], tuple[SegmentSpec, Delimiters, re.Pattern[str] | None]] = {}


def _text_class(delimiters: Delimiters) -> str:
    """Printable ASCII but the delimiters, as a character class of ranges (short, so that it compiles fast).

    Remembered per delimiters: every text element of every guide segment uses it.
    """
    found = _text_classes.get(delimiters)
    if found is None:
        excluded = {delimiters.element, delimiters.component, delimiters.repetition, delimiters.segment}
        runs: list[list[int]] = []
        for code in range(32, 127):
            if chr(code) in excluded:
                continue
            if runs and runs[-1][1] == code - 1:
                runs[-1][1] = code
            else:
                runs.append([code, code])
        found = _text_classes[delimiters] = "[" + "".join(_run(first, last) for first, last in runs) + "]"
    return found


def _run(first: int, last: int) -> str:
    """Characters `first` to `last` in a character class: a range, or the one or two characters."""
    if last - first > 1:
        return f"{re.escape(chr(first))}-{re.escape(chr(last))}"
    return "".join(re.escape(chr(code)) for code in range(first, last + 1))


_text_classes: dict[Delimiters, str] = {}


def _value(spec: ElementSpec, delimiters: Delimiters) -> str:
    """The pattern of a present simple value."""
    data_type = spec.type or "AN"
    low, high = max(spec.min_length, 1), spec.max_length
    if spec.pattern:
        return f"(?:{spec.pattern})" if high == 0 or "{" in spec.pattern else _NEVER
    if data_type == "ID":
        codes = spec.codes or (external_codes(spec.external) if spec.external else None)
        if codes is not None:
            return "(?:" + "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True)) + ")"
        data_type = "AN"
    if not high:
        return _NEVER
    if data_type == "AN":
        return f"{_text_class(delimiters)}{{{low},{high}}}"
    if data_type.startswith("N"):
        return f"-?[0-9]{{{low},{high}}}"
    if data_type == "R":
        if low > 1:
            return _NEVER
        # digits with an optional fraction; at most `high` digits in all (the point and sign do not count)
        return f"-?(?=[0-9.]{{1,{high + 1}}}(?![0-9.]))(?:[0-9]{{1,{high}}}(?:\\.[0-9]+|)|\\.[0-9]+)"
    if data_type == "DT":
        return _DATE8 if low == 8 == high else _NEVER
    if data_type == "TM":
        if high < 6:
            return _TIME4
        tail = "(?:[0-9]{1,2})?" if high >= 8 else "(?:[0-9])?" if high == 7 else ""
        return f"{_TIME4}(?:[0-5][0-9]{tail})?" if low == 4 else _NEVER
    return _NEVER


def _nested(parts: list[str], required: list[bool], separator: str) -> str:
    """part1 (sep part2 (sep part3 ...)?)?: trailing parts may be left out, unless a required one follows.

    An optional group is written as an alternation with nothing, ``(?:...|)``, not ``(?:...)?``: the same strings,
    but the regular-expression engine takes a group with ``?`` as a repeat with its own bookkeeping at each step,
    and the alternation matches a segment in about a third of the time.
    """
    pattern = ""
    tail_required = False
    for part, needed in zip(reversed(parts[1:]), reversed(required[1:]), strict=True):
        tail_required = tail_required or needed
        pattern = f"(?:{separator}{part}{pattern}" + (")" if tail_required else "|)")
    return parts[0] + pattern if parts else ""


def _optional(pattern: str, usage: str) -> str:
    if usage == "N":
        return ""
    return pattern if usage == "R" else f"(?:{pattern}|)"  # not `(?:...)?`: see _nested


def _element(spec: ElementSpec, delimiters: Delimiters) -> str:
    if spec.components:
        components = [_optional(_value(component, delimiters), component.usage) for component in spec.components]
        required = [component.usage == "R" for component in spec.components]
        value = f"(?:{_nested(components, required, re.escape(delimiters.component))})"
        if spec.usage == "R" and all(component.usage != "R" for component in spec.components):
            value = f"(?=[^{re.escape(delimiters.element)}])" + value
    else:
        value = f"(?:{_value(spec, delimiters)})"
    if spec.repeat != 1 and delimiters.repetition:
        more = "*" if spec.repeat is None else f"{{0,{spec.repeat - 1}}}"
        value = f"{value}(?:{re.escape(delimiters.repetition)}{value}){more}"
    return _optional(value, spec.usage)


def fast_pattern(spec: SegmentSpec, delimiters: Delimiters) -> re.Pattern[str] | None:
    """The compiled whole-segment expression of a guide segment for these delimiters (cached)."""
    key = (id(spec), id(delimiters))
    entry = _cache.get(key)
    if entry is not None:
        return entry[2]
    if [element.position for element in spec.elements] != list(range(1, len(spec.elements) + 1)):
        _cache[key] = (spec, delimiters, None)  # a guide that skips positions: the element checks alone decide
        return None
    parts = [re.escape(spec.id), *(_element(element, delimiters) for element in spec.elements)]
    required = [True, *(element.usage == "R" for element in spec.elements)]
    try:
        pattern: re.Pattern[str] | None = re.compile(_nested(parts, required, re.escape(delimiters.element)))
    except re.error:
        pattern = None  # a guide regex that does not compose: the element checks alone decide
    _cache[key] = (spec, delimiters, pattern)
    return pattern
