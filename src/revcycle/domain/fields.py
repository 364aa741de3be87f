"""Checks and normalisers for the plain fields of records: identifiers, names, free text, dates.

Each returns the normalised value or raises `FieldError` with what is wrong; the record that calls it turns that
into an `InvalidRecord` naming the record and the field, so the message says exactly where the input was bad.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any

from revcycle.errors import InvalidRecord


class FieldError(ValueError):
    """A field value that breaks its rule; the message says how, without naming the field."""


RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# Control characters (C0, DEL, C1) and Unicode line separators are refused in one-line fields: they break X12 and
# fixed-width output and can forge log lines. Notes may hold line breaks and tabs, never other controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_NOTE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def record_id(value: object) -> str:
    """A record identifier: 1 to 64 letters, digits, ``.``, ``_``, ``:`` or ``-``, starting with a letter or digit."""
    if not isinstance(value, str) or not RECORD_ID.fullmatch(value):
        raise FieldError(f"{value!r} is not an identifier (1-64 letters, digits, '.', '_', ':', '-')")
    return value


def line(value: object, *, max_length: int, required: bool = True) -> str:
    """A one-line text field, stripped, with no control characters and at most ``max_length`` characters."""
    if not isinstance(value, str):
        raise FieldError(f"{value!r} is not text")
    # Controls are checked before stripping, which would silently drop those at the ends.
    if _CONTROL.search(value):
        raise FieldError(f"{value!r} holds control characters")
    text = value.strip()
    if required and not text:
        raise FieldError("is required and empty")
    if len(text) > max_length:
        raise FieldError(f"is {len(text)} characters long; at most {max_length} are allowed")
    return text


def optional_line(value: object, *, max_length: int) -> str | None:
    """Like `line`, but None (or blank) stays None."""
    if value is None:
        return None
    text = line(value, max_length=max_length, required=False)
    return text or None


def note_text(value: object) -> str:
    """The text of a clinical note: any length, line breaks allowed, no other control characters."""
    if not isinstance(value, str):
        raise FieldError(f"{value!r} is not text")
    if _CONTROL_IN_NOTE.search(value):
        raise FieldError("holds control characters other than line breaks and tabs")
    if not value.strip():
        raise FieldError("is empty")
    return value


def a_date(value: object) -> date:
    """A calendar date (not a datetime: billing dates have no time of day)."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    raise FieldError(f"{value!r} is not a date")


def optional_date(value: object) -> date | None:
    """Like `a_date`, but None stays None."""
    return None if value is None else a_date(value)


def count(value: object, *, minimum: int, maximum: int) -> int:
    """A whole number within bounds (line numbers, pointers, days)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{value!r} is not a whole number")
    if not minimum <= value <= maximum:
        raise FieldError(f"{value} is outside {minimum}..{maximum}")
    return value


def member[E](enum: type[E], value: object) -> E:
    """The member of a code enumeration whose value is ``value`` (the X12 code), or the member itself."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value)  # type: ignore[call-arg]
    except ValueError:
        codes = ", ".join(str(m.value) for m in enum)  # type: ignore[attr-defined]
        raise FieldError(f"{value!r} is not one of {codes}") from None


class Normaliser:
    """Applies field checks to a frozen record in ``__post_init__``, naming the record and field on failure."""

    def __init__(self, record: object) -> None:
        self._record = record
        self._name = type(record).__name__

    def __call__(self, field: str, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Check ``field`` with ``check(value, *args, **kwargs)`` and store the normalised value back."""
        original = getattr(self._record, field)
        try:
            value = check(original, *args, **kwargs)
        except FieldError as error:
            raise InvalidRecord(self._name, field, str(error)) from None
        if value is not original:
            object.__setattr__(self._record, field, value)
        return value

    def fail(self, field: str, reason: str) -> InvalidRecord:
        """An error for a rule that spans fields (totals, date order), to raise."""
        return InvalidRecord(self._name, field, reason)

    def rule(self, field: str, reason: str) -> None:
        """Enforce a rule of a well-formed record (a total, a date order, a check digit): raise its error.

        Inside `as_submitted` the error is recorded instead and the record is made as given, so that the claim
        scrubber can report every such problem of a claim next to its other findings. Only rules whose breach leaves
        each field well-formed on its own are enforced this way; malformed values always raise.
        """
        error = InvalidRecord(self._name, field, reason)
        broken = _BROKEN_RULES.get()
        if broken is None:
            raise error
        broken.append(error)

    def each(self, field: str, check: Callable[[Any], Any]) -> tuple[Any, ...]:
        """Check every item of a sequence field and store it back as a tuple."""
        items = getattr(self._record, field)
        # Lists and tuples only: a set would lose the order that modifiers, pointers and lines carry.
        if not isinstance(items, list | tuple):
            raise InvalidRecord(self._name, field, f"{items!r} is not a list")
        checked = []
        for index, item in enumerate(items):
            try:
                checked.append(check(item))
            except FieldError as error:
                raise InvalidRecord(self._name, f"{field}[{index}]", str(error)) from None
        value = tuple(checked)
        object.__setattr__(self._record, field, value)
        return value


_BROKEN_RULES: ContextVar[list[InvalidRecord] | None] = ContextVar("_BROKEN_RULES", default=None)


@contextmanager
def as_submitted() -> Iterator[list[InvalidRecord]]:
    """Make records as submitted: the rules `Normaliser.rule` enforces are listed in the yielded list, not raised.

    For the claim scrubber, which must see a claim whose total is not the sum of its lines in order to say so.
    Records made inside are not fit to store: the caller reports what the list holds.
    """
    broken: list[InvalidRecord] = []
    token = _BROKEN_RULES.set(broken)
    try:
        yield broken
    finally:
        _BROKEN_RULES.reset(token)


_DEFAULTS: dict[type, tuple[tuple[str, Any], ...]] = {}
_NAMES: dict[type, frozenset[str]] = {}
_REQUIRED = object()


def _defaults(kind: type) -> tuple[tuple[str, Any], ...]:
    found = _DEFAULTS.get(kind)
    if found is None:
        if any(item.default_factory is not MISSING for item in dataclass_fields(kind)):
            raise TypeError(f"{kind.__name__} has a field with a default factory: make it with its constructor")
        found = _DEFAULTS[kind] = tuple(
            (item.name, item.default if item.default is not MISSING else _REQUIRED)
            for item in dataclass_fields(kind)
            if item.init
        )
        _NAMES[kind] = frozenset(name for name, _ in found)
    return found


def trusted[R](kind: type[R], values: dict[str, Any]) -> R:
    """A record made from values that have already passed every check its ``__post_init__`` would run.

    For readers of large files, which check each value as they parse it (and remember the checked values) and
    would otherwise pay for every check twice. The caller owns the promise: each value is what the record's own
    checks return for it, and the record's cross-field rules hold. Tests of such a reader rebuild every record it
    makes through the checking constructor (``dataclasses.replace``) and compare.

    Raises:
        TypeError: a required field is missing or a field is unknown (a bug of the caller, not bad input).
    """
    spec = _defaults(kind)
    if not values.keys() <= _NAMES[kind]:
        raise TypeError(f"{kind.__name__}: unknown fields {sorted(values.keys() - _NAMES[kind])}")
    record = object.__new__(kind)
    setter = object.__setattr__
    for name, default in spec:
        value = values.get(name, default)
        if value is _REQUIRED:
            raise TypeError(f"{kind.__name__}: {name} is required")
        setter(record, name, value)
    return record


def optional[T](check: Callable[[object], T]) -> Callable[[object], T | None]:
    """The check ``check`` for a field that may be None."""

    def check_optional(value: object) -> T | None:
        return None if value is None else check(value)

    return check_optional


def one_of[E](enum: type[E]) -> Callable[[object], E]:
    """The check that a field is a member (or the code of a member) of ``enum``."""

    def check_member(value: object) -> E:
        return member(enum, value)

    return check_member


def instance[T](kind: type[T]) -> Callable[[object], T]:
    """The check that a field holds a record of ``kind``."""

    def check_instance(value: object) -> T:
        if not isinstance(value, kind):
            raise FieldError(f"{value!r} is not {_article(kind.__name__)} {kind.__name__}")
        return value

    return check_instance


def _article(noun: str) -> str:
    return "an" if noun[:1] in "AEIOU" else "a"
