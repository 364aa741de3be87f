"""The reference tables the edits read, answered once per code and day and then from memory.

A scrub of thousands of claims asks the same questions over and over (is 99213 valid on 2026-07-02? which PTP
edit pairs 99213 with 20610?); each answer is kept for the life of the `EditReference`, so a warm question is one
dictionary hit (the fast path is written out in each method: it runs a million times per scrub). A missing table
raises `NoRelease` every time it is asked about: the engine reports the edit as not checked rather than as passed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from revcycle.refdata import edit_tables
from revcycle.refdata.edit_tables import AddOnCode, MceFlags, Mue, MueSetting, PtpEdit, PtpSetting
from revcycle.refdata.icd10cm import Icd10cmCode, lookup_icd10cm
from revcycle.refdata.procedures import CodeListEntry, ProcedureCode, lookup_code_list, lookup_procedure
from revcycle.refdata.reference import NoRelease, in_force
from revcycle.refdata.sets import PFS_RVU, PLACE_OF_SERVICE
from revcycle.refdata.store import ReferenceStore

_MISSING: Any = object()


class EditReference:
    """Memoised, effective-dated answers from one reference store."""

    def __init__(self, store: ReferenceStore) -> None:
        self.store = store
        self._answers: dict[tuple[Any, ...], Any] = {}

    def _ask(self, key: tuple[Any, ...], ask: Callable[[], Any]) -> Any:
        """The answer of a question not asked before: asked, remembered (a missing table too), returned."""
        try:
            found = ask()
        except NoRelease as error:
            found = error
        self._answers[key] = found
        if isinstance(found, NoRelease):
            # A new error each time: raising the remembered one again would grow its traceback, and with it keep
            # every claim it passed through alive.
            raise NoRelease(*found.args)
        return found

    def icd10cm(self, code: str, day: date) -> Icd10cmCode | None:
        """The ICD-10-CM code as in force on ``day`` (with its notes), None when that release has no such code."""
        key = ("icd", code, day)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: lookup_icd10cm(self.store, code, day))
        result: Icd10cmCode | None = found
        return result

    def procedure(self, code: str, day: date) -> ProcedureCode | None:
        """The CPT or HCPCS code (or HCPCS modifier) as the release in force on ``day`` has it."""
        key = ("procedure", code, day)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: lookup_procedure(self.store, code, day))
        result: ProcedureCode | None = found
        return result

    def place_of_service(self, code: str, day: date) -> CodeListEntry | None:
        """The place of service code as of ``day``."""
        key = ("pos", code, day)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: lookup_code_list(self.store, PLACE_OF_SERVICE, code, day))
        result: CodeListEntry | None = found
        return result

    def ptp(self, column1: str, column2: str, day: date, setting: PtpSetting) -> PtpEdit | None:
        """The NCCI PTP edit of the ordered pair in force on ``day``."""
        key = ("ptp", column1, column2, day, setting)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: edit_tables.ptp_edit(self.store, column1, column2, day, setting=setting))
        result: PtpEdit | None = found
        return result

    def mue(self, code: str, day: date, setting: MueSetting) -> Mue | None:
        """The medically unlikely edit of ``code`` on ``day``."""
        key = ("mue", code, day, setting)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: edit_tables.mue(self.store, code, day, setting=setting))
        result: Mue | None = found
        return result

    def add_on(self, code: str, day: date) -> AddOnCode | None:
        """The add-on code edits of ``code`` in force on ``day``, None when it is not an add-on code."""
        key = ("aoc", code, day)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: edit_tables.add_on(self.store, code, day))
        result: AddOnCode | None = found
        return result

    def mce(self, code: str, day: date) -> MceFlags | None:
        """The Medicare Code Editor lists the diagnosis is on."""
        key = ("mce", code, day)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: edit_tables.mce_flags(self.store, code, day))
        result: MceFlags | None = found
        return result

    def fee_schedule(self, code: str, day: date) -> dict[str, Any] | None:
        """The physician fee schedule row of ``code``: status, global days and the surgery indicators."""
        key = ("pfs", code, day)
        found = self._answers.get(key, _MISSING)
        if found.__class__ is NoRelease:
            raise NoRelease(*found.args)
        if found is _MISSING:
            found = self._ask(key, lambda: self._fee_schedule(code, day))
        result: dict[str, Any] | None = found
        return result

    def _fee_schedule(self, code: str, day: date) -> dict[str, Any] | None:
        release = in_force(self.store, PFS_RVU, day).release
        return self.store.entry(release, code.strip().upper())
