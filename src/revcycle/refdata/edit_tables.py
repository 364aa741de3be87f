"""Typed, effective-dated access to the edit tables the claim scrubber applies: NCCI, MCE and POA-exempt codes.

Each accessor answers for one date of service from the release in force on that day (see
`revcycle.refdata.reference.in_force`) and returns a frozen record, or None when the table has nothing for the code.
A PTP pair or add-on edit is in force only between its own effective and deletion dates, both included: CMS writes
the last day of service an edit applies to (a quarter end) as its deletion date. A pair deleted on its own
effective date was deleted retroactively (modifier indicator 9) and never applies.

When no release of a table is loaded the accessors raise `NoRelease` rather than answer None: "no edit" must never
be the silent result of a missing table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from revcycle.refdata.importers.mce import PROCEDURE, entry_key
from revcycle.refdata.importers.ncci import CONTRACTOR_DEFINED
from revcycle.refdata.reference import Span, in_force, in_force_span, narrowed
from revcycle.refdata.release import ReleaseInfo
from revcycle.refdata.sets import (
    ADD_ON_CODES,
    MCE,
    MUE_DME,
    MUE_HOSPITAL,
    MUE_PRACTITIONER,
    NCCI_PTP_HOSPITAL,
    NCCI_PTP_PRACTITIONER,
    POA_EXEMPT,
)
from revcycle.refdata.store import ReferenceStore

PtpSetting = Literal["practitioner", "hospital"]
MueSetting = Literal["practitioner", "hospital", "dme"]

PTP_SETS: dict[str, str] = {"practitioner": NCCI_PTP_PRACTITIONER, "hospital": NCCI_PTP_HOSPITAL}
MUE_SETS: dict[str, str] = {"practitioner": MUE_PRACTITIONER, "hospital": MUE_HOSPITAL, "dme": MUE_DME}


def _optional_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _within(day: date, effective: date | None, deletion: date | None) -> bool:
    """Whether ``day`` falls in an edit's own period; a deletion on the effective date means it never applied."""
    if effective is None or day < effective:
        return False
    if deletion is None:
        return True
    return deletion != effective and day <= deletion


def _bare(code: str) -> str:
    """A code as the tables key it: upper case, without the dot ICD-10-CM is written with."""
    return code.strip().upper().replace(".", "")


# NCCI procedure-to-procedure pairs


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """An NCCI procedure-to-procedure edit in force: column 2 is denied when billed with column 1.

    Attributes:
        column1: the comprehensive (column 1) code, which is payable.
        column2: the component (column 2) code, denied unless a modifier may and does bypass the edit.
        effective: the first date of service the edit applies to.
        deletion: the last date of service it applies to, None while it stands.
        modifier_indicator: ``0`` no modifier bypasses it, ``1`` an NCCI-associated modifier (59, XE, XS, XP, XU,
            ...) may, ``9`` not applicable.
        prior_1996: whether the pair existed before 1996 (None when the source does not say, as pyoce).
        rationale: CMS's PTP edit rationale (None from pyoce).
        setting: ``practitioner`` or ``hospital``.
        release: the version of the release that answered.
    """

    column1: str
    column2: str
    effective: date
    deletion: date | None
    modifier_indicator: str
    prior_1996: bool | None
    rationale: str | None
    setting: str
    release: str

    @property
    def modifier_allowed(self) -> bool:
        """Whether an NCCI-associated modifier may bypass the edit (indicator 1)."""
        return self.modifier_indicator == "1"


def _ptp_parts(store: ReferenceStore, code_set: str, day: date) -> list[ReleaseInfo]:
    """The release in force and the other parts of the same distribution (CMS splits a quarter into f1..f4)."""
    return store.derived(("ptp_parts", code_set, day), lambda: _find_ptp_parts(store, code_set, day))


def _find_ptp_parts(store: ReferenceStore, code_set: str, day: date) -> list[ReleaseInfo]:
    governing = in_force(store, code_set, day).release
    parts = [release for release in store.releases(code_set) if release.effective_from == governing.effective_from]
    return sorted(
        (release for release in parts if release.effective_to == governing.effective_to),
        key=lambda release: release.id,
        reverse=True,
    )


def ptp_edit(store: ReferenceStore, column1: str, column2: str, day: date, *, setting: PtpSetting) -> PtpEdit | None:
    """The PTP edit of ``column1`` with ``column2`` (in CMS's order) in force on ``day``, or None.

    Raises:
        NoRelease: no PTP release of the setting governs ``day``.
    """
    bare1, bare2 = _bare(column1), _bare(column2)
    key = f"{bare1}:{bare2}"
    for release in _ptp_parts(store, PTP_SETS[setting], day):
        # Nearly every pair of codes billed together has no edit: the column-2 codes of the column-1 code answer
        # that without a read of the store (the tables hold 1.5 million pairs, too many to read all at once).
        if bare2 not in ptp_column2_codes(store, release, bare1):
            continue
        data = store.entry(release, key)
        if data is None:
            continue
        for period in data["periods"]:
            if _within(day, _optional_date(period["effective"]), _optional_date(period["deletion"])):
                return _ptp(key, period, setting, release.version)
        return None
    return None


def ptp_edits_between(
    store: ReferenceStore, code_a: str, code_b: str, day: date, *, setting: PtpSetting
) -> tuple[PtpEdit | None, PtpEdit | None]:
    """The PTP edits of ``code_a`` with ``code_b`` and of ``code_b`` with ``code_a`` in force on ``day`` (`ptp_edit`).

    The two orders a claim's pair of lines is asked in, in one question: the release parts are found once, and a
    pair no part lists either way (nearly every pair) is answered from the column-2 codes alone.

    Raises:
        NoRelease: no PTP release of the setting governs ``day``.
    """
    bare_a, bare_b = _bare(code_a), _bare(code_b)
    for release in _ptp_parts(store, PTP_SETS[setting], day):
        if bare_b in ptp_column2_codes(store, release, bare_a) or bare_a in ptp_column2_codes(store, release, bare_b):
            break
    else:
        return None, None
    return ptp_edit(store, bare_a, bare_b, day, setting=setting), ptp_edit(store, bare_b, bare_a, day, setting=setting)


def dated_ptp_edits_between(
    store: ReferenceStore, code_a: str, code_b: str, day: date, *, setting: PtpSetting
) -> tuple[tuple[PtpEdit | None, PtpEdit | None], date, date]:
    """`ptp_edits_between`, with the span of days around ``day`` over which the same answer holds.

    A pair no part of the release lists either way (nearly every pair) has no edit on any day the release governs;
    a listed pair's answer holds between the starts and ends of its periods.

    Raises:
        NoRelease: no PTP release of the setting governs ``day``.
    """
    code_set = PTP_SETS[setting]
    bare_a, bare_b = _bare(code_a), _bare(code_b)
    listed = [
        (release, f"{column1}:{column2}")
        for release in _ptp_parts(store, code_set, day)
        for column1, column2 in ((bare_a, bare_b), (bare_b, bare_a))
        if column2 in ptp_column2_codes(store, release, column1)
    ]
    span = in_force_span(store, code_set, day)
    if not listed:
        # The answer of nearly every pair, worked out from the column-2 codes alone.
        return (None, None), *span
    boundaries: list[date] = []
    for release, key in listed:
        data = store.entry(release, key)
        for period in data["periods"] if data is not None else ():
            effective, deletion = _optional_date(period["effective"]), _optional_date(period["deletion"])
            boundaries += _period_boundaries(effective, deletion)
    answer = ptp_edits_between(store, bare_a, bare_b, day, setting=setting)
    return answer, *narrowed(span, day, boundaries)


def _period_boundaries(effective: date | None, deletion: date | None) -> list[date]:
    """The days on which an edit of this period starts and stops applying (see `_within`)."""
    if effective is None or deletion == effective:
        return []
    if deletion is None or deletion == date.max:
        return [effective]
    return [effective, deletion + timedelta(days=1)]


def ptp_column2_codes(store: ReferenceStore, release: ReleaseInfo, column1: str) -> frozenset[str]:
    """The column-2 codes a PTP release pairs with ``column1`` (as the tables key it) in any period.

    Read once per release and code, from the keys alone: a pair whose column-2 code is not among them has no edit.
    """
    return store.derived(("ptp_column2", release.id, column1), lambda: _column2_codes(store, release, column1))


def _column2_codes(store: ReferenceStore, release: ReleaseInfo, column1: str) -> frozenset[str]:
    prefix = f"{column1}:"
    return frozenset(key[len(prefix) :] for key in store.keys(release, prefix))


def _ptp(key: str, period: dict[str, Any], setting: str, version: str) -> PtpEdit:
    column1, column2 = key.split(":")
    return PtpEdit(
        column1=column1,
        column2=column2,
        effective=date.fromisoformat(period["effective"]),
        deletion=_optional_date(period["deletion"]),
        modifier_indicator=period["modifier_indicator"],
        prior_1996=period.get("prior_1996"),
        rationale=period.get("rationale"),
        setting=setting,
        release=version,
    )


# Medically unlikely edits


@dataclass(frozen=True, slots=True)
class Mue:
    """A medically unlikely edit: the most units of a code one beneficiary should get.

    Attributes:
        code: the HCPCS/CPT code.
        value: the MUE, in units of service.
        adjudication_indicator: 1 per claim line, 2 per day by policy (absolute), 3 per day on clinical grounds.
        adjudication: CMS's text of the indicator, e.g. ``Date of Service Edit: Policy``.
        rationale: why the value was set, e.g. ``Code Descriptor / CPT Instruction``.
        setting: ``practitioner``, ``hospital`` or ``dme``.
        release: the version of the release that answered.
    """

    code: str
    value: int
    adjudication_indicator: int
    adjudication: str
    rationale: str
    setting: str
    release: str


def mue(store: ReferenceStore, code: str, day: date, *, setting: MueSetting) -> Mue | None:
    """The MUE of ``code`` in force on ``day`` for the setting, or None when the code has none.

    Raises:
        NoRelease: no MUE release of the setting governs ``day``.
    """
    release = in_force(store, MUE_SETS[setting], day).release
    bare = _bare(code)
    data = store.entry(release, bare)
    if data is None:
        return None
    return Mue(bare, data["mue"], data["mai"], data["mai_text"], data["rationale"], setting, release.version)


# Add-on codes


@dataclass(frozen=True, slots=True)
class AddOnEdit:
    """One row of the add-on code edits: a primary code the add-on may be billed with.

    Attributes:
        edit_type: 1 only with the listed primaries, 2 primaries defined by the contractor, 3 the listed primaries
            and others the contractor may allow.
        primary: the primary code, or ``CCCCC`` when the contractor defines them.
        effective: the first date of service the edit applies to.
        deleted: the last, None while it stands.
        note: CMS's special instruction, if any.
    """

    edit_type: str
    primary: str
    effective: date
    deleted: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class AddOnCode:
    """An add-on code with its edits in force: it is payable only with one of its primary codes.

    Attributes:
        code: the add-on code.
        edits: the edits in force on the day asked about.
        release: the version of the release that answered.
    """

    code: str
    edits: tuple[AddOnEdit, ...]
    release: str
    # Worked out once, as the record is made: the scrubber reads them for every add-on line of every claim.
    edit_types: frozenset[str] = field(init=False, repr=False, compare=False)
    """The edit types in force (1, 2, 3)."""
    primary_codes: frozenset[str] = field(init=False, repr=False, compare=False)
    """The listed primary codes in force, without the contractor-defined placeholder."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "edit_types", frozenset(edit.edit_type for edit in self.edits))
        primaries = frozenset(edit.primary for edit in self.edits if edit.primary != CONTRACTOR_DEFINED)
        object.__setattr__(self, "primary_codes", primaries)


def add_on(store: ReferenceStore, code: str, day: date) -> AddOnCode | None:
    """The add-on code ``code`` with its edits in force on ``day``, or None when it is not an add-on code then.

    Raises:
        NoRelease: no add-on code release governs ``day``.
    """
    release = in_force(store, ADD_ON_CODES, day).release
    bare = _bare(code)
    data = store.entry(release, bare)
    if data is None:
        return None
    edits = tuple(edit for edit in map(_add_on_edit, data["edits"]) if _within(day, edit.effective, edit.deleted))
    return AddOnCode(bare, edits, release.version) if edits else None


def dated_add_on(store: ReferenceStore, code: str, day: date) -> tuple[AddOnCode | None, date, date]:
    """`add_on`, with the span of days around ``day`` over which the same answer holds.

    The answer changes only where the release in force changes or one of the code's edits starts or stops.

    Raises:
        NoRelease: no add-on code release governs ``day``.
    """
    span: Span = in_force_span(store, ADD_ON_CODES, day)
    answer = add_on(store, code, day)
    data = store.entry(in_force(store, ADD_ON_CODES, day).release, _bare(code))
    boundaries: list[date] = []
    for edit in map(_add_on_edit, data["edits"] if data is not None else ()):
        boundaries += _period_boundaries(edit.effective, edit.deleted)
    first, last = narrowed(span, day, boundaries)
    return answer, first, last


def _add_on_edit(row: dict[str, Any]) -> AddOnEdit:
    effective = date.fromisoformat(row["effective"])
    return AddOnEdit(row["edit_type"], row["primary"], effective, _optional_date(row["deleted"]), row["note"])


# Medicare Code Editor


@dataclass(frozen=True, slots=True)
class MceFlags:
    """The Medicare Code Editor lists an ICD-10 code is on, for one release.

    Attributes:
        code: the code without its dot.
        description: the MCE's (short) description.
        edits: the names of the edit lists that name the code (see `revcycle.refdata.importers.mce.EDITS`).
        sections: the MCE sections, e.g. ``("4C", "5A")``.
        age_category: ``newborn``, ``pediatric``, ``maternity`` or ``adult`` for an age conflict code.
        age_low: the youngest age, in years, the code fits.
        age_high: the oldest.
        sex: ``female`` or ``male`` when the code fits one sex only (releases before 10/01/2024).
        release: the version of the release that answered.
    """

    code: str
    description: str
    edits: frozenset[str]
    sections: tuple[str, ...]
    age_category: str | None
    age_low: int | None
    age_high: int | None
    sex: str | None
    release: str

    @property
    def manifestation(self) -> bool:
        """A manifestation code, never the principal diagnosis."""
        return "manifestation" in self.edits

    @property
    def unacceptable_principal(self) -> bool:
        """Unacceptable as principal diagnosis."""
        return "unacceptable_principal" in self.edits

    @property
    def questionable_admission(self) -> bool:
        """Not usually a reason on its own to admit to an acute care hospital."""
        return "questionable_admission" in self.edits

    def fits_age(self, years: int) -> bool:
        """Whether a patient of ``years`` fits the code's age category (always, for a code without one)."""
        if self.age_low is None or self.age_high is None:
            return True
        return self.age_low <= years <= self.age_high


def mce_flags(store: ReferenceStore, icd10cm_code: str, day: date) -> MceFlags | None:
    """The MCE lists an ICD-10-CM diagnosis code (with or without its dot) is on, or None when on none.

    Raises:
        NoRelease: no MCE release governs ``day``.
    """
    return _mce(store, _bare(icd10cm_code), day)


def mce_procedure_flags(store: ReferenceStore, icd10pcs_code: str, day: date) -> MceFlags | None:
    """The MCE lists an ICD-10-PCS procedure code is on (non-covered, limited coverage, sex, ...), or None.

    Raises:
        NoRelease: no MCE release governs ``day``.
    """
    return _mce(store, entry_key(_bare(icd10pcs_code), PROCEDURE), day)


def _mce(store: ReferenceStore, key: str, day: date) -> MceFlags | None:
    release = in_force(store, MCE, day).release
    data = store.entry(release, key)
    if data is None:
        return None
    age = data["age"] or {}
    return MceFlags(
        code=data["code"],
        description=data["description"],
        edits=frozenset(data["edits"]),
        sections=tuple(data["sections"]),
        age_category=age.get("category"),
        age_low=age.get("low"),
        age_high=age.get("high"),
        sex=data["sex"],
        release=release.version,
    )


# POA-exempt diagnoses


@dataclass(frozen=True, slots=True)
class PoaExemption:
    """A diagnosis exempt from present-on-admission reporting: the claim leaves its POA indicator blank.

    Attributes:
        code: the ICD-10-CM code without its dot.
        description: CMS's description.
        release: the version of the release that answered.
    """

    code: str
    description: str
    release: str


def is_poa_exempt(store: ReferenceStore, code: str, day: date) -> PoaExemption | None:
    """The exemption of an ICD-10-CM code (with or without its dot) on ``day``, None when POA must be reported.

    Raises:
        NoRelease: no POA-exempt release governs ``day``.
    """
    release = in_force(store, POA_EXEMPT, day).release
    bare = _bare(code)
    data = store.entry(release, bare)
    if data is None:
        return None
    return PoaExemption(bare, data["description"], release.version)
