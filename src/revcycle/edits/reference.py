"""The reference tables the edits read, answered once per code and day and then from memory.

A scrub of thousands of claims asks the same questions over and over (is 99213 valid on 2026-07-02? which PTP
edit pairs 99213 with 20610?); each answer is kept for the life of the `EditReference`, so a warm question is one
dictionary hit. A missing table raises `NoRelease` every time it is asked about: the engine reports the edit as not
checked rather than as passed. What an edit works out from the answers about one code (the spans a code's notes
name, say) is kept the same way (`EditReference.derived`), so that a warm claim does not work it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date
from typing import Any

from revcycle.refdata import edit_tables
from revcycle.refdata.edit_tables import AddOnCode, MceFlags, Mue, MueSetting, PtpEdit, PtpSetting
from revcycle.refdata.icd10cm import Icd10cmCode, lookup_icd10cm
from revcycle.refdata.procedures import CodeListEntry, ProcedureCode, lookup_code_list, lookup_procedure
from revcycle.refdata.reference import NoRelease, in_force
from revcycle.refdata.sets import ICD10CM, MCE, PFS_RVU, PLACE_OF_SERVICE
from revcycle.refdata.store import ReferenceStore

_MISSING: Any = object()


def _place_of_service(store: ReferenceStore, code: str, day: date) -> CodeListEntry | None:
    return lookup_code_list(store, PLACE_OF_SERVICE, code, day)


def _ptp(store: ReferenceStore, column1: str, column2: str, day: date, setting: PtpSetting) -> PtpEdit | None:
    return edit_tables.ptp_edit(store, column1, column2, day, setting=setting)


def _ptp_both_ways(
    store: ReferenceStore, code_a: str, code_b: str, day: date, setting: PtpSetting
) -> tuple[PtpEdit | None, PtpEdit | None]:
    return edit_tables.ptp_edits_between(store, code_a, code_b, day, setting=setting)


def _mue(store: ReferenceStore, code: str, day: date, setting: MueSetting) -> Mue | None:
    return edit_tables.mue(store, code, day, setting=setting)


def _fee_schedule(store: ReferenceStore, code: str, day: date) -> dict[str, Any] | None:
    release = in_force(store, PFS_RVU, day).release
    return store.entry(release, code.strip().upper())


class _Derivations(dict[tuple[Hashable, ...], Any]):
    """``make(reference, *args)`` by ``args``, worked out on the first ask (`EditReference.derivations`)."""

    __slots__ = ("_make", "_reference")

    def __init__(self, reference: EditReference, make: Callable[..., Any]) -> None:
        super().__init__()
        self._reference = reference
        self._make = make

    def __missing__(self, args: tuple[Hashable, ...]) -> Any:
        # A NoRelease raised here is not kept: the next ask raises it again, as the answers do.
        value = self[args] = self._make(self._reference, *args)
        return value


class EditReference:
    """Memoised, effective-dated answers from one reference store."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store
        # One memo per question, keyed by its arguments: the warm path of a question (the one nearly every claim
        # takes) is then one dictionary hit in the method itself, with no further call.
        self._icd10cm_answers: dict[Hashable, Any] = {}
        self._procedure_answers: dict[Hashable, Any] = {}
        self._place_of_service_answers: dict[Hashable, Any] = {}
        self._ptp_answers: dict[Hashable, Any] = {}
        self._ptp_both_ways_answers: dict[Hashable, Any] = {}
        self._mue_answers: dict[Hashable, Any] = {}
        self._add_on_answers: dict[Hashable, Any] = {}
        self._mce_answers: dict[Hashable, Any] = {}
        self._fee_schedule_answers: dict[Hashable, Any] = {}
        self._derived: dict[Callable[..., Any], _Derivations] = {}
        # The answers of the questions that depend on their day only through the release in force on it, by
        # question, release and arguments other than the day (see `_ask_of_release`).
        self._answers_by_release: dict[tuple[Hashable, ...], Any] = {}

    def derived[T](self, make: Callable[..., T], *args: Hashable) -> T:
        """``make(self, *args)`` worked out once per ``args`` for the life of the reference.

        For what an edit works out from the answers alone (a code's instructions on a day, say): ``args`` must name
        everything the result depends on. A `NoRelease` raised by ``make`` is not kept: it is raised again each
        time, as the answers themselves do. An edit that asks for several codes a claim takes `derivations` once
        and reads it per code.
        """
        return self.derivations(make)[args]

    def derivations[T](self, make: Callable[..., T]) -> Mapping[tuple[Hashable, ...], T]:
        """What ``make`` works out, by its arguments (see `derived`): ``derivations(make)[args]``.

        A warm question is a dictionary subscript, with no call in Python: the ICD-10-CM convention edits ask one
        per diagnosis of every claim.
        """
        found = self._derived.get(make)
        if found is None:
            found = self._derived[make] = _Derivations(self, make)
        return found

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

    def _ask_of_release(
        self,
        memo: dict[Hashable, Any],
        ask: Callable[..., Any],
        key: tuple[Any, ...],
        day: date,
        governed_by: tuple[str, bool],
        others: tuple[Hashable, ...],
    ) -> Any:
        """``ask(store, *key)`` on a day not asked about yet, worked out once per release rather than per day.

        For a question whose answer depends on ``day`` only through the release in force on it: ``governed_by`` is
        that release's set and whether the answer carries the release's warning (which names the day, so a warned
        answer is kept per day). ``others`` are ``key`` without the day. A batch's dates of service span weeks of one
        release: working out each code's answer again for each new day was the largest cost left of a warm batch.
        """
        code_set, warned = governed_by
        try:
            governing = in_force(self.store, code_set, day)
        except NoRelease:
            return self._ask(memo, ask, key)
        release_key = (ask, governing if warned else governing.release, *others)
        found = self._answers_by_release.get(release_key, _MISSING)
        if found is _MISSING:
            found = self._answers_by_release[release_key] = self._ask(memo, ask, key)
        else:
            memo[key] = found
        return found

    def icd10cm(self, code: str, day: date) -> Icd10cmCode | None:
        """The ICD-10-CM code as in force on ``day`` (with its notes), None when that release has no such code."""
        key = (code, day)
        found = self._icd10cm_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask_of_release(self._icd10cm_answers, lookup_icd10cm, key, day, (ICD10CM, True), (code,))
        result: Icd10cmCode | None = found
        return result

    def procedure(self, code: str, day: date) -> ProcedureCode | None:
        """The CPT or HCPCS code (or HCPCS modifier) as the release in force on ``day`` has it."""
        key = (code, day)
        found = self._procedure_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask(self._procedure_answers, lookup_procedure, key)
        result: ProcedureCode | None = found
        return result

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
        key = (code_a, code_b, day, setting)
        found = self._ptp_both_ways_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask(self._ptp_both_ways_answers, _ptp_both_ways, key)
        result: tuple[PtpEdit | None, PtpEdit | None] = found
        return result

    def mue(self, code: str, day: date, setting: MueSetting) -> Mue | None:
        """The medically unlikely edit of ``code`` on ``day``."""
        key = (code, day, setting)
        found = self._mue_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask_of_release(
                self._mue_answers, _mue, key, day, (edit_tables.MUE_SETS[setting], False), (code, setting)
            )
        result: Mue | None = found
        return result

    def add_on(self, code: str, day: date) -> AddOnCode | None:
        """The add-on code edits of ``code`` in force on ``day``, None when it is not an add-on code."""
        key = (code, day)
        found = self._add_on_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask(self._add_on_answers, edit_tables.add_on, key)
        result: AddOnCode | None = found
        return result

    def mce(self, code: str, day: date) -> MceFlags | None:
        """The Medicare Code Editor lists the diagnosis is on."""
        key = (code, day)
        found = self._mce_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask_of_release(self._mce_answers, edit_tables.mce_flags, key, day, (MCE, False), (code,))
        result: MceFlags | None = found
        return result

    def fee_schedule(self, code: str, day: date) -> dict[str, Any] | None:
        """The physician fee schedule row of ``code``: status, global days and the surgery indicators."""
        key = (code, day)
        found = self._fee_schedule_answers.get(key, _MISSING)
        if found is _MISSING or found.__class__ is NoRelease:
            found = self._ask_of_release(self._fee_schedule_answers, _fee_schedule, key, day, (PFS_RVU, False), (code,))
        result: dict[str, Any] | None = found
        return result
