"""COD01: a diagnosis code that is not in the ICD-10-CM release in force on the date of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import combinations

from revcycle.domain import Claim
from revcycle.domain.codes import icd10cm_display
from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Problem, Severity
from revcycle.edits.reference import EditReference
from revcycle.edits.review import Review
from revcycle.refdata.icd10cm import Icd10cmCode
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import ICD10CM

SEVENTH = 7
"""How many characters a code completed by a 7th character has (without its dot)."""
PLACEHOLDER = "X"


def icd10cm_fields(review: Review) -> list[tuple[str, str, Icd10cmCode | None]]:
    """Every ICD-10-CM code the claim carries, with the path of its field and its entry, once per claim.

    Each is (field, code, entry): the field's path (``diagnoses[0]``, ...) and the code as the release in force on
    the claim's first date of service lists it, None when it has no such code. Four edits read every code's entry:
    looked up here once, not once per edit.
    """
    return review.derived(_icd10cm_entries)


def codes_not_billable(review: Review) -> list[tuple[str, str, Icd10cmCode | None]]:
    """The `icd10cm_fields` whose code the release in force does not list as billable (none, or a header).

    COD01, COD02, ICD05 and ICD06 report on these alone (`Edit.when_fact`): nearly every claim has none.
    """
    return review.derived(_not_billable)


def _not_billable(review: Review) -> list[tuple[str, str, Icd10cmCode | None]]:
    return [entry for entry in icd10cm_fields(review) if entry[2] is None or not entry[2].billable]


def _icd10cm_entries(review: Review) -> list[tuple[str, str, Icd10cmCode | None]]:
    day = review.first_service_date
    icd10cm = review.reference.icd10cm
    claim = review.claim
    # The diagnoses in a loop of their own: every claim has them, and the other fields rarely.
    found = [
        (_DIAGNOSIS_PATHS[index], diagnosis.code, icd10cm(diagnosis.code, day))
        for index, diagnosis in enumerate(claim.diagnoses)
    ]
    if claim.admitting_diagnosis or claim.reasons_for_visit or claim.external_causes:
        found.extend((field, code, icd10cm(code, day)) for field, code in _other_fields(claim))
    return found


class _DiagnosisPaths(dict[int, str]):
    """The path of the diagnosis field at each index (``diagnoses[0]``), made once: every claim reads them."""

    def __missing__(self, index: int) -> str:
        path = self[index] = f"diagnoses[{index}]"
        return path


_DIAGNOSIS_PATHS = _DiagnosisPaths()


def _other_fields(claim: Claim) -> Iterator[tuple[str, str]]:
    if claim.admitting_diagnosis:
        yield "admitting_diagnosis", claim.admitting_diagnosis
    for index, code in enumerate(claim.reasons_for_visit):
        yield f"reasons_for_visit[{index}]", code
    for index, cause in enumerate(claim.external_causes):
        yield f"external_causes[{index}]", cause.code


def icd10cm_release(reference: EditReference, day: date) -> str:
    """The version of the ICD-10-CM release in force on ``day``, for messages (``2026-04``)."""
    return in_force(reference.store, ICD10CM, day).release.version


def with_placeholders(reference: EditReference, code: str, day: date) -> list[str]:
    """The complete codes ``code`` becomes when the placeholder X's it lacks are put back (ICD06's reading).

    A code completed by a 7th character has seven characters; one written shorter, whose last character is a 7th
    character, lacks placeholders somewhere after its category (``T3601A`` for ``T36.0X1A``, ``S0003A`` for
    ``S00.03XA``). Every way of putting the missing X's back is tried against the tabular list.
    """
    missing = SEVENTH - len(code)
    if not 1 <= missing <= SEVENTH - 4:
        return []
    body, seventh = code[:-1], code[-1]
    found = []
    for slots in combinations(range(3, SEVENTH - 1), missing):
        characters = iter(body[3:])
        base = body[:3] + "".join(PLACEHOLDER if slot in slots else next(characters) for slot in range(3, SEVENTH - 1))
        completed = reference.icd10cm(base + seventh, day)
        if completed is not None and completed.billable and completed.seventh_character is not None:
            found.append(base + seventh)
    return sorted(set(found))


class Icd10cmCodeUnknown(Edit):
    """A diagnosis code is not in the ICD-10-CM release in force on the date of service.

    Every diagnosis (principal, other, admitting, reason for visit, external cause) must be a code of the ICD-10-CM
    release that governs the claim's first date of service: a code deleted before it, not yet effective, or never
    a code is rejected; a 7th character the listed code does not take is named. A code that only lacks its
    placeholder X is reported by ICD06 instead.

    Failing: diagnosis ``T40.4X5A`` (deleted when T40.4 was expanded) or ``E11.99`` (never a code).
    Passing: diagnosis ``E11.9``.
    """

    code = "COD01"
    name = "icd10cm-code-unknown"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = (
        "45 CFR 162.1002(c)(2) (ICD-10-CM is the HIPAA code set for diagnoses); Medicare Claims Processing Manual "
        "(Pub. 100-04) ch. 23 §10; Definitions of Medicare Code Edits v43.1 edit 1 (invalid diagnosis code)"
    )
    looks_at = ("diagnoses", "admitting_diagnosis", "reasons_for_visit", "external_causes", "lines.service_date")
    when_fact = codes_not_billable

    def check(self, review: Review) -> Iterator[Problem]:
        """Look each code up in the release in force on the claim's first date of service."""
        day = review.first_service_date
        for field, code, found in icd10cm_fields(review):
            if found is not None or with_placeholders(review.reference, code, day):
                continue
            release = icd10cm_release(review.reference, day)
            listed = self._listed_code(review.reference, code, day)
            if listed is not None:
                options = ", ".join(option.character for option in listed.seventh_character_options)
                yield Problem(
                    f"{icd10cm_display(code)} is not a code of ICD-10-CM {release}: {listed.code} takes the 7th "
                    f"characters {options}, not {code[-1]}",
                    field=field,
                )
                continue
            yield Problem(
                f"{icd10cm_display(code)} is not a code of ICD-10-CM {release}, the release in force on {day} "
                "(deleted, not yet effective or never a code)",
                field=field,
            )

    @staticmethod
    def _listed_code(reference: EditReference, code: str, day: date) -> Icd10cmCode | None:
        """The listed code a 7-character code extends with a 7th character it does not take, if it is one."""
        if len(code) != SEVENTH:
            return None
        base = code[: SEVENTH - 1].rstrip(PLACEHOLDER)
        listed = reference.icd10cm(base, day) if len(base) >= 3 else None
        return listed if listed is not None and listed.seventh_character_options else None
