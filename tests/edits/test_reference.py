"""The edits' reference answers: an answer kept for a span of days is the answer of the tables on each of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from revcycle.edits import EditReference
from revcycle.edits.rules.ICD01 import _exclusions
from revcycle.edits.rules.ICD03 import _code_first
from revcycle.edits.rules.ICD04 import _required_of
from revcycle.refdata import NoRelease, edit_tables
from revcycle.refdata.icd10cm import lookup_icd10cm
from revcycle.refdata.procedures import ProcedureCode, lookup_procedure

DAYS = [date(2026, 4, 1) + timedelta(days=offset) for offset in range(0, 200, 3)]
"""Days on both sides of the ends of the CPT, MUE, add-on and ICD-10-CM releases the edit tests load."""
PROCEDURES = ("99213", "11045", "0071U", "A9155", "J1885", "RT")
DIAGNOSES = ("E11.22", "F02.80", "I10", "S52.521A", "E11.99")
PAIRS = (("0001U", "81164"), ("99213", "11045"), ("11042", "11045"))


def _answer(ask: Callable[..., object], *args: object, **options: object) -> object:
    """What ``ask`` answers, or the message of the missing table it raises."""
    try:
        return ask(*args, **options)
    except NoRelease as missing:
        return f"NoRelease: {missing}"


def _without_warning(found: object) -> object:
    return replace(found, warning=None) if isinstance(found, ProcedureCode) else found


def test_answers_kept_for_a_span_are_the_answers_of_each_day(edit_reference: EditReference) -> None:
    reference = EditReference(edit_reference.store)
    store = reference.store
    for day in DAYS:
        for code in PROCEDURES:
            expected = _without_warning(_answer(lookup_procedure, store, code, day))
            assert _answer(reference.procedure_of_release, code, day) == expected, (code, day)
            assert _answer(reference.add_on, code, day) == _answer(edit_tables.add_on, store, code, day)
            kept = _answer(reference.mue, code, day, "practitioner")
            assert kept == _answer(edit_tables.mue, store, code, day, setting="practitioner"), (code, day)
        for code_a, code_b in PAIRS:
            kept = _answer(reference.ptp_both_ways, code_a, code_b, day, "practitioner")
            expected = _answer(edit_tables.ptp_edits_between, store, code_a, code_b, day, setting="practitioner")
            assert kept == expected, (code_a, code_b, day)
        for code in DIAGNOSES:
            assert _answer(reference.icd10cm, code, day) == _answer(lookup_icd10cm, store, code, day), (code, day)


def test_a_derivation_kept_for_a_span_is_worked_out_alike_on_each_day(edit_reference: EditReference) -> None:
    reference = EditReference(edit_reference.store)
    for day in DAYS:
        for code in DIAGNOSES:
            fresh = EditReference(edit_reference.store)
            for make in (_exclusions, _code_first, _required_of):
                kept = _answer(reference.derivations(make).__getitem__, (code, day))
                assert kept == _answer(make, fresh, code, day), (make.__name__, code, day)
