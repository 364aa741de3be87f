"""The reference tables the edits read, answered once per code and span of days and then from memory.

A scrub of thousands of claims asks the same questions over and over (is 99213 valid on 2026-07-02? which PTP
edit pairs 99213 with 20610?); each answer is kept for the life of the `EditReference` with the first and last day
it holds for, as the tables say (the release in force, a code's added and terminated dates, an NCCI edit's own
periods), so a warm question on any day of the span is one dictionary hit and a comparison of dates, and no answer
serves a day outside it. A missing table raises `NoRelease` every time it is asked about: the engine reports the edit
as not checked rather than as passed. What an edit works out from the answers about one code (the spans a code's
notes name, say) is kept the same way (`EditReference.derivations`, `over_answers`), so that a warm claim does not
work it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from revcycle.refdata import edit_tables
from revcycle.refdata.edit_tables import AddOnCode, MceFlags, Mue, MueSetting, PtpEdit, PtpSetting
from revcycle.refdata.icd10cm import Icd10cmCode, lookup_icd10cm
from revcycle.refdata.procedures import (
    CodeListEntry,
    ProcedureCode,
    dated_procedure,
    lookup_code_list,
    lookup_procedure,
)
from revcycle.refdata.reference import NoRelease, Span, in_force, in_force_span
from revcycle.refdata.sets import ICD10CM, MCE, PFS_RVU, PLACE_OF_SERVICE
from revcycle.refdata.store import ReferenceStore

_MISSING: Any = object()
type Dated[T] = tuple[T, date, date]
"""An answer with the first and last day of the span over which it holds."""
type _Held = tuple[date, date, Any]
"""A kept answer: the first and last day of its span, then the answer."""
_DATED_QUESTIONS = ("icd10cm", "procedure_of_release", "ptp_both_ways", "mue", "add_on", "mce", "fee_schedule")
"""The `EditReference` questions answered for a span of days."""


def _place_of_service(store: ReferenceStore, code: str, day: date) -> CodeListEntry | None:
    return lookup_code_list(store, PLACE_OF_SERVICE, code, day)


def _ptp(store: ReferenceStore, column1: str, column2: str, day: date, setting: PtpSetting) -> PtpEdit | None:
    return edit_tables.ptp_edit(store, column1, column2, day, setting=setting)


def _dated_icd10cm(store: ReferenceStore, code: str, day: date) -> Dated[Icd10cmCode | None]:
    found = lookup_icd10cm(store, code, day)
    if found is not None and found.warning is not None:
        # The warning names the day: a warned answer holds for its own day only.
        return found, day, day
    return found, *in_force_span(store, ICD10CM, day)


def _dated_mue(store: ReferenceStore, code: str, day: date, setting: MueSetting) -> Dated[Mue | None]:
    return edit_tables.mue(store, code, day, setting=setting), *in_force_span(store, edit_tables.MUE_SETS[setting], day)


def _dated_mce(store: ReferenceStore, code: str, day: date) -> Dated[MceFlags | None]:
    return edit_tables.mce_flags(store, code, day), *in_force_span(store, MCE, day)


def _dated_fee_schedule(store: ReferenceStore, code: str, day: date) -> Dated[dict[str, Any] | None]:
    release = in_force(store, PFS_RVU, day).release
    return store.entry(release, code.strip().upper()), *in_force_span(store, PFS_RVU, day)


def _dated_ptp_both_ways(
    store: ReferenceStore, code_a: str, code_b: str, day: date, setting: PtpSetting
) -> Dated[tuple[PtpEdit | None, PtpEdit | None]]:
    return edit_tables.dated_ptp_edits_between(store, code_a, code_b, day, setting=setting)


_DATED_BY: dict[Callable[..., Any], tuple[str, ...]] = {}
"""The derivations that read their day only through answers about their code, and the questions they ask."""


def over_answers[F: Callable[..., Any]](*questions: str) -> Callable[[F], F]:
    """Declares that a derivation depends on its day only through the answers of ``questions`` about its code.

    ``make(reference, *args, day)`` reads the answers of `EditReference` methods asked with ``(*args, day)`` (e.g.
    ``"icd10cm"``), and nothing else of the day. Its value is then kept for the span of days over which those
    answers hold (see `EditReference.derivations`) rather than worked out again for each new day. A derivation that
    reads the day otherwise (in a message, say) must not be declared so.
    """

    def declared(make: F) -> F:
        _DATED_BY[make] = questions
        return make

    return declared


class Derivations[T](dict[tuple[Hashable, ...], T]):
    """``make(reference, *args)`` by ``args``, worked out on the first ask (`EditReference.derivations`)."""

    __slots__ = ("_dated_by", "_held", "_make", "_reference", "_spans")

    def __init__(self, reference: EditReference, make: Callable[..., T]) -> None:
        super().__init__()
        self._reference = reference
        self._make = make
        self._dated_by = _DATED_BY.get(make)
        self._spans: dict[tuple[Hashable, ...], list[_Held]] = {}
        self._held: dict[Hashable, _Held] = {}

    def on(self, code: Hashable, day: date) -> T:
        """``self[code, day]``, read first from the span last used for ``code`` (see `over_answers`).

        The convention edits ask one per diagnosis of every claim: on any day of the span that is one dictionary
        hit and a comparison of dates, where a new day would be a miss of ``self[code, day]``.
        """
        held = self._held.get(code)
        if held is not None and held[0] <= day <= held[1]:
            found: T = held[2]
            return found
        return self[code, day]

    def __missing__(self, args: tuple[Hashable, ...]) -> T:
        # A NoRelease raised here is not kept: the next ask raises it again, as the answers do.
        if self._dated_by is None:
            value = self[args] = self._make(self._reference, *args)
            return value
        others, day = args[:-1], args[-1]
        assert isinstance(day, date)
        spans = self._spans.setdefault(others, [])
        for span in spans:
            if span[0] <= day <= span[1]:
                break
        else:
            value = self._make(self._reference, *args)
            first, last = self._reference.answers_span(self._dated_by, others, day)
            span = (first, last, value)
            spans.append(span)
        if len(others) == 1:
            self._held[others[0]] = span
        found: T = span[2]
        self[args] = found
        return found


class EditReference:
    """Memoised, effective-dated answers from one reference store."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store
        # One memo per question, keyed by its arguments: the warm path of a question (the one nearly every claim
        # takes) is then one dictionary hit in the method itself, with no further call.
        self._procedure_answers: dict[Hashable, Any] = {}
        self._place_of_service_answers: dict[Hashable, Any] = {}
        self._ptp_answers: dict[Hashable, Any] = {}
        self._derived: dict[Callable[..., Any], Derivations[Any]] = {}
        # The questions answered for a span of days (see `_ask_dated`), by the arguments other than the day (a code
        # alone is its own key): every span kept, and the one last used, which the question's method looks at first
        # (a warm question is then one dictionary hit and a comparison of dates, on any day of the span).
        self._spans: dict[str, dict[Hashable, list[_Held]]] = {question: {} for question in _DATED_QUESTIONS}
        self._held: dict[str, dict[Hashable, _Held]] = {question: {} for question in _DATED_QUESTIONS}
        self._missing: dict[tuple[Hashable, ...], NoRelease] = {}
        self._icd10cm_held = self._held["icd10cm"]
        self._procedure_of_release_held = self._held["procedure_of_release"]
        self._ptp_both_ways_held = self._held["ptp_both_ways"]
        self._mue_held = self._held["mue"]
        self._add_on_held = self._held["add_on"]
        self._mce_held = self._held["mce"]
        self._fee_schedule_held = self._held["fee_schedule"]

    def derived[T](self, make: Callable[..., T], *args: Hashable) -> T:
        """``make(self, *args)`` worked out once per ``args`` for the life of the reference.

        For what an edit works out from the answers alone (a code's instructions on a day, say): ``args`` must name
        everything the result depends on. A `NoRelease` raised by ``make`` is not kept: it is raised again each
        time, as the answers themselves do. An edit that asks for several codes a claim takes `derivations` once
        and reads it per code.
        """
        return self.derivations(make)[args]

    def derivations[T](self, make: Callable[..., T]) -> Derivations[T]:
        """What ``make`` works out, by its arguments (see `derived`): ``derivations(make)[args]``.

        A warm question is a dictionary subscript; a code on a day is asked with `Derivations.on` (the ICD-10-CM
        convention edits ask one per diagnosis of every claim). A derivation declared with `over_answers` is worked
        out once per span of days over which the answers it reads hold, not once per day.
        """
        found = self._derived.get(make)
        if found is None:
            found = self._derived[make] = Derivations(self, make)
        return found

    def answers_span(self, questions: tuple[str, ...], args: tuple[Hashable, ...], day: date) -> Span:
        """The days around ``day`` over which every one of ``questions`` asked with ``(*args, day)`` has one answer.

        Just ``day`` when one of them has no answer on it (a missing table).
        """
        first, last = date.min, date.max
        key = args[0] if len(args) == 1 else args
        for question in questions:
            try:
                getattr(self, question)(*args, day)
            except NoRelease:
                # A derivation may not have needed this answer (an unknown code is not looked up in the MCE): its
                # value is kept for its own day, as before.
                return day, day
            held_first, held_last, _ = self._held[question][key]
            first, last = max(first, held_first), min(last, held_last)
        return first, last

    def _ask(self, memo: dict[Hashable, Any], ask: Callable[..., Any], key: tuple[Any, ...]) -> Any:
        """``ask(store, *key)``, asked once and then remembered in ``memo`` (a missing table too).

        The questions' methods call this only when their memo has no answer, or remembers a missing table.
        """
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            try:
                found = ask(self.store, *key)
            except NoRelease as error:
                found = error
            memo[key] = found
        if found.__class__ is NoRelease:
            # A new error each time: raising the remembered one again would grow its traceback, and with it keep
            # every claim it passed through alive.
            raise NoRelease(*found.args)
        return found

    def _ask_dated(
        self, question: str, ask: Callable[..., Dated[Any]], key: tuple[Any, ...], held_key: Hashable, day: date
    ) -> Any:
        """``ask(store, *key)`` on a day outside the span last used: another span kept that holds it, else asked.

        ``ask`` answers with the span of days over which its answer holds (the release in force, the periods of the
        code's own edits); ``held_key`` is ``key`` without the day. A batch's dates of service span weeks of one
        release: working out each code's answer again for each new day was the largest cost left of a warm batch,
        and a kept answer never serves a day outside its span. A missing table is remembered per day, and raised
        again each time it is asked about.
        """
        held = self._held[question]
        spans = self._spans[question]
        for span in spans.get(held_key, ()):
            if span[0] <= day <= span[1]:
                held[held_key] = span
                return span[2]
        missing = self._missing.get((question, *key))
        if missing is None:
            try:
                answer, first, last = ask(self.store, *key)
            except NoRelease as error:
                missing = self._missing[(question, *key)] = error
            else:
                span = held[held_key] = (first, last, answer)
                spans.setdefault(held_key, []).append(span)
                return answer
        # A new error each time: raising the remembered one again would grow its traceback, and with it keep every
        # claim it passed through alive.
        raise NoRelease(*missing.args)

    def icd10cm(self, code: str, day: date) -> Icd10cmCode | None:
        """The ICD-10-CM code as in force on ``day`` (with its notes), None when that release has no such code."""
        held = self._icd10cm_held.get(code)
        if held is not None and held[0] <= day <= held[1]:
            found: Icd10cmCode | None = held[2]
            return found
        answer: Icd10cmCode | None = self._ask_dated("icd10cm", _dated_icd10cm, (code, day), code, day)
        return answer

    def procedure(self, code: str, day: date) -> ProcedureCode | None:
        """The CPT or HCPCS code (or HCPCS modifier) as the release in force on ``day`` has it."""
        key = (code, day)
        found = self._procedure_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask(self._procedure_answers, lookup_procedure, key)
        result: ProcedureCode | None = found
        return result

    def procedure_of_release(self, code: str, day: date) -> ProcedureCode | None:
        """`procedure` without the warning that ``day`` is past the newest release (`dated_procedure`).

        What the code edits read: the code's validity, dates and release, one answer for every day they hold.
        """
        held = self._procedure_of_release_held.get(code)
        if held is not None and held[0] <= day <= held[1]:
            found: ProcedureCode | None = held[2]
            return found
        answer: ProcedureCode | None = self._ask_dated("procedure_of_release", dated_procedure, (code, day), code, day)
        return answer

    def place_of_service(self, code: str, day: date) -> CodeListEntry | None:
        """The place of service code as of ``day``."""
        key = (code, day)
        found = self._place_of_service_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask(self._place_of_service_answers, _place_of_service, key)
        result: CodeListEntry | None = found
        return result

    def ptp(self, column1: str, column2: str, day: date, setting: PtpSetting) -> PtpEdit | None:
        """The NCCI PTP edit of the ordered pair in force on ``day``."""
        key = (column1, column2, day, setting)
        found = self._ptp_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask(self._ptp_answers, _ptp, key)
        result: PtpEdit | None = found
        return result

    def ptp_both_ways(
        self, code_a: str, code_b: str, day: date, setting: PtpSetting
    ) -> tuple[PtpEdit | None, PtpEdit | None]:
        """The NCCI PTP edits of ``code_a`` with ``code_b`` and of ``code_b`` with ``code_a`` in force on ``day``."""
        held = self._ptp_both_ways_held.get((code_a, code_b, setting))
        if held is not None and held[0] <= day <= held[1]:
            found: tuple[PtpEdit | None, PtpEdit | None] = held[2]
            return found
        answer: tuple[PtpEdit | None, PtpEdit | None] = self._ask_dated(
            "ptp_both_ways", _dated_ptp_both_ways, (code_a, code_b, day, setting), (code_a, code_b, setting), day
        )
        return answer

    def mue(self, code: str, day: date, setting: MueSetting) -> Mue | None:
        """The medically unlikely edit of ``code`` on ``day``."""
        held = self._mue_held.get((code, setting))
        if held is not None and held[0] <= day <= held[1]:
            found: Mue | None = held[2]
            return found
        answer: Mue | None = self._ask_dated("mue", _dated_mue, (code, day, setting), (code, setting), day)
        return answer

    def add_on(self, code: str, day: date) -> AddOnCode | None:
        """The add-on code edits of ``code`` in force on ``day``, None when it is not an add-on code."""
        held = self._add_on_held.get(code)
        if held is not None and held[0] <= day <= held[1]:
            found: AddOnCode | None = held[2]
            return found
        answer: AddOnCode | None = self._ask_dated("add_on", edit_tables.dated_add_on, (code, day), code, day)
        return answer

    def mce(self, code: str, day: date) -> MceFlags | None:
        """The Medicare Code Editor lists the diagnosis is on."""
        held = self._mce_held.get(code)
        if held is not None and held[0] <= day <= held[1]:
            found: MceFlags | None = held[2]
            return found
        answer: MceFlags | None = self._ask_dated("mce", _dated_mce, (code, day), code, day)
        return answer

    def fee_schedule(self, code: str, day: date) -> dict[str, Any] | None:
        """The physician fee schedule row of ``code``: status, global days and the surgery indicators."""
        held = self._fee_schedule_held.get(code)
        if held is not None and held[0] <= day <= held[1]:
            found: dict[str, Any] | None = held[2]
            return found
        answer: dict[str, Any] | None = self._ask_dated("fee_schedule", _dated_fee_schedule, (code, day), code, day)
        return answer
