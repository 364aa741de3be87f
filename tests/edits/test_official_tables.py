"""Acceptance: claims built from the official tables are caught every time, and the same claims corrected pass.

The claim set is drawn from the session's reference store, never typed in: every NCCI PTP pair in force on the
date of service (practitioner, and a sample of the hospital pairs when they are loaded), the MUE values of the
practitioner and outpatient hospital tables, the add-on codes of edit type 1 and the Medicare Code Editor's age and
sex lists. Each bad claim breaks one table's rule; its corrected twin fixes it the way a biller would (a modifier,
the right units, the primary code, a patient the diagnosis fits). Only codes valid on the date of service are
used, so the claims are otherwise clean.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revcycle.edits import EditReference, Scrubber
from revcycle.edits.engine import ClaimResult
from revcycle.edits.finding import Category, Severity
from revcycle.edits.review import History
from revcycle.refdata.edit_tables import MceFlags, PtpSetting
from revcycle.refdata.reference import in_force
from revcycle.refdata.sets import (
    ADD_ON_CODES,
    MCE,
    MUE_HOSPITAL,
    MUE_PRACTITIONER,
    NCCI_PTP_HOSPITAL,
    NCCI_PTP_PRACTITIONER,
)
from revcycle.services.scrub import records_from_json
from tests.edits.cases import (
    BASE_CLAIM,
    BASE_COVERAGE,
    BASE_INSTITUTIONAL_CLAIM,
    BASE_PATIENT,
    BASE_PAYER,
    BASE_PROVIDERS,
)

DAY = date(2026, 7, 15)
"""The date of service: one the practitioner PTP release (v32.2, from 2026-07-01) governs."""
AS_OF = date(2026, 8, 1)
CHECKED = frozenset({Category.NCCI_PTP, Category.MUE, Category.ADD_ON, Category.AGE_SEX})
"""The categories a corrected claim must have no error in."""
MINIMUM_CLAIMS = 1000
HOSPITAL_PAIRS = 300
"""How many hospital PTP pairs to take when the hospital table is loaded (it holds about 1.5 million)."""
MUE_PER_INDICATOR = 120
"""How many codes of each MUE adjudication indicator to take per setting (evenly spread over the table)."""
MCE_PER_LIST = 40
"""How many diagnoses of each MCE age category and sex list to take (evenly spread over the list)."""
ADD_ONS = 400
"""How many add-on codes of edit type 1 to take (evenly spread over the table): enough, and the test stays fast."""
AGES = {0: "2026-06-24", 8: "2018-03-01", 10: "2016-03-01", 30: "1996-03-01", 66: "1960-04-12"}
"""Birth dates that make a patient these ages on ``DAY``."""
SEX_OF_MCE = {"female": "F", "male": "M"}
OTHER_SEX = {"F": "M", "M": "F"}


@dataclass(frozen=True)
class Claimed:
    """One claim of the set: the patient it is for (birth date and sex) and the claim JSON record.

    Attributes:
        patient: the changes to the base patient.
        claim: the claims JSON record.
    """

    patient: tuple[tuple[str, str], ...]
    claim: dict[str, Any] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Built:
    """A bad claim, the edit that must catch it, and the same claim corrected.

    Attributes:
        label: what the claim breaks, from the table (``PTP 0001U/0030U indicator 1``).
        edit: the code of the edit that must report it.
        bad: the claim that breaks the table's rule.
        good: the same claim corrected.
    """

    label: str
    edit: str
    bad: Claimed
    good: Claimed


class ClaimSet:
    """Builds the claims, numbering them, from the reference store."""

    def __init__(self, reference: EditReference) -> None:
        self.reference = reference
        self.store = reference.store
        self.count = 0

    def claim(
        self, lines: list[dict[str, Any]], *, institutional: bool = False, diagnosis: str | None = None
    ) -> dict[str, Any]:
        """A claim with ``lines`` merged into the base line, on ``DAY``."""
        self.count += 1
        base = BASE_INSTITUTIONAL_CLAIM if institutional else BASE_CLAIM
        claim = copy.deepcopy(base)
        claim["id"] = f"CLM-{self.count}"
        claim["patient_control_number"] = f"PCN-{self.count}"
        claim["lines"] = [
            {**base["lines"][0], "line_number": number, "service_date": DAY.isoformat(), "charge": "10.00", **line}
            for number, line in enumerate(lines, 1)
        ]
        if institutional:
            claim["statement_from"] = claim["statement_to"] = DAY.isoformat()
        if diagnosis is not None:
            claim["diagnoses"] = [{"code": diagnosis}]
        claim["total_charge"] = str(sum(Decimal(line["charge"]) for line in claim["lines"]))
        return claim

    def valid(self, code: str) -> bool:
        """Whether a code is a CPT/HCPCS procedure code valid on ``DAY`` (so COD03 has nothing to say)."""
        found = self.reference.procedure(code, DAY)
        return found is not None and found.valid and found.kind == "procedure"

    def plain(self, code: str, setting: str) -> bool:
        """Whether a valid code can be billed alone at one unit without another table objecting."""
        if not self.valid(code) or self.reference.add_on(code, DAY) is not None:
            return False
        mue = self.reference.mue(code, DAY, "practitioner" if setting == "practitioner" else "hospital")
        return mue is None or mue.value >= 1


def ptp_claims(built: ClaimSet) -> Iterator[Built]:
    """Every practitioner PTP pair in force on ``DAY``, and a sample of the hospital pairs when they are loaded.

    Indicator 0: caught by PTP01, corrected by dropping the column-2 line. Indicator 1: caught by PTP02, corrected
    by XU on the column-2 line.
    """
    practitioner = built.store.releases(NCCI_PTP_PRACTITIONER)
    if practitioner:
        yield from _ptp_pairs(built, "practitioner", _keys(built, NCCI_PTP_PRACTITIONER, ""), None)
    if built.store.releases(NCCI_PTP_HOSPITAL):
        # The hospital table is ordered by column-1 code: a few pairs of each leading digit spread the sample.
        per_digit = HOSPITAL_PAIRS // 10
        for digit in "0123456789":
            yield from _ptp_pairs(built, "hospital", _keys(built, NCCI_PTP_HOSPITAL, digit), per_digit)


def _keys(built: ClaimSet, code_set: str, prefix: str) -> Iterator[str]:
    return (key for key, _ in built.store.entries(in_force(built.store, code_set, DAY).release, prefix))


def _ptp_pairs(built: ClaimSet, setting: PtpSetting, keys: Iterator[str], limit: int | None) -> Iterator[Built]:
    taken = 0
    institutional = setting == "hospital"
    for key in keys:
        if limit is not None and taken >= limit:
            return
        column1, column2 = key.split(":")
        edit = built.reference.ptp(column1, column2, DAY, setting)
        if edit is None or edit.modifier_indicator not in ("0", "1"):
            continue
        if not (built.plain(column1, setting) and built.plain(column2, setting)):
            continue
        if built.reference.ptp(column2, column1, DAY, setting) is not None:
            continue  # a pair edited both ways: one modifier cannot correct it
        taken += 1
        bad = built.claim([{"procedure_code": column1}, {"procedure_code": column2}], institutional=institutional)
        if edit.modifier_indicator == "0":
            good = built.claim([{"procedure_code": column1}], institutional=institutional)
            expected = "PTP01"
        else:
            corrected: list[dict[str, Any]] = [
                {"procedure_code": column1},
                {"procedure_code": column2, "modifiers": ["XU"]},
            ]
            good = built.claim(corrected, institutional=institutional)
            expected = "PTP02"
        label = f"{setting} PTP {column1}/{column2} indicator {edit.modifier_indicator}"
        yield Built(label, expected, Claimed((), bad), Claimed((), good))


def mue_claims(built: ClaimSet) -> Iterator[Built]:
    """MUE codes of both settings: MAI 1 one line over the MUE, MAI 2 and 3 two lines of a date over it.

    Corrected to one line of the MUE's units.
    """
    for setting, code_set in (("practitioner", MUE_PRACTITIONER), ("hospital", MUE_HOSPITAL)):
        by_indicator: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for code, data in built.store.entries(in_force(built.store, code_set, DAY).release):
            if data["mue"] >= 1 and built.plain(code, setting):
                by_indicator[data["mai"]].append((code, data["mue"]))
        institutional = setting == "hospital"
        for indicator, codes in sorted(by_indicator.items()):
            step = max(1, len(codes) // MUE_PER_INDICATOR)
            for code, value in codes[::step][:MUE_PER_INDICATOR]:
                lines: list[dict[str, Any]]
                if indicator == 1:
                    lines = [{"procedure_code": code, "units": str(value + 1)}]
                else:
                    lines = [
                        {"procedure_code": code, "units": str(value)},
                        {"procedure_code": code, "units": "1", "modifiers": ["76"]},
                    ]
                bad = built.claim(lines, institutional=institutional)
                good = built.claim([{"procedure_code": code, "units": str(value)}], institutional=institutional)
                label = f"{setting} MUE {code} = {value} (MAI {indicator})"
                yield Built(label, f"MUE0{indicator}", Claimed((), bad), Claimed((), good))


def add_on_claims(built: ClaimSet) -> Iterator[Built]:
    """Add-on codes of edit type 1 valid on ``DAY``, billed alone; corrected with a listed primary."""
    codes = [code for code, _ in built.store.entries(in_force(built.store, ADD_ON_CODES, DAY).release)]
    for code in codes[:: max(1, len(codes) // ADD_ONS)]:
        add_on = built.reference.add_on(code, DAY)
        if add_on is None or "1" not in add_on.edit_types or not built.valid(code):
            continue
        mue = built.reference.mue(code, DAY, "practitioner")
        if mue is not None and mue.value < 1:
            continue
        primary = next(
            (
                candidate
                for candidate in sorted(add_on.primary_codes)
                if built.plain(candidate, "practitioner")
                and built.reference.ptp(candidate, code, DAY, "practitioner") is None
                and built.reference.ptp(code, candidate, DAY, "practitioner") is None
            ),
            None,
        )
        if primary is None:
            continue
        bad = built.claim([{"procedure_code": code}])
        good = built.claim([{"procedure_code": primary}, {"procedure_code": code}])
        yield Built(f"add-on {code} (primary {primary})", "AOC01", Claimed((), bad), Claimed((), good))


_AGE_EDITS = {"newborn": "MCE01", "pediatric": "MCE02", "maternity": "MCE03", "adult": "MCE04"}


def mce_claims(built: ClaimSet) -> Iterator[Built]:
    """Diagnoses of the MCE age categories and sex lists valid on ``DAY``.

    Age: the patient an age outside the category, corrected to an age in it. Sex: the other sex, corrected to the
    diagnosis's sex. The other attribute always fits, so only the edit under test can object.
    """
    lists: dict[str, list[MceFlags]] = defaultdict(list)
    for key, data in built.store.entries(in_force(built.store, MCE, DAY).release):
        if data.get("type") != "diagnosis" or not (data["age"] or data["sex"]):
            continue
        known = built.reference.icd10cm(key, DAY)
        flags = built.reference.mce(key, DAY)
        if known is None or not known.billable or flags is None:
            continue
        if flags.age_category in _AGE_EDITS:
            lists[flags.age_category].append(flags)
        if flags.sex in SEX_OF_MCE:
            lists["sex"].append(flags)
    for name, codes in sorted(lists.items()):
        step = max(1, len(codes) // MCE_PER_LIST)
        for flags in codes[::step][:MCE_PER_LIST]:
            fitting = [age for age in AGES if flags.fits_age(age)]
            sex = SEX_OF_MCE.get(flags.sex or "", "F")
            if name == "sex":
                bad_patient = (("birth_date", AGES[fitting[0]]), ("sex", OTHER_SEX[sex]))
                good_patient = (("birth_date", AGES[fitting[0]]), ("sex", sex))
                expected = "MCE05"
            else:
                unfitting = [age for age in AGES if not flags.fits_age(age)]
                bad_patient = (("birth_date", AGES[unfitting[-1]]), ("sex", sex))
                good_patient = (("birth_date", AGES[fitting[-1]]), ("sex", sex))
                expected = _AGE_EDITS[name]
            bad = built.claim([{}], diagnosis=flags.code)
            good = built.claim([{}], diagnosis=flags.code)
            label = f"MCE {name} {flags.code}"
            yield Built(label, expected, Claimed(bad_patient, bad), Claimed(good_patient, good))


def _document(patient: tuple[tuple[str, str], ...], claims: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "patients": [{**BASE_PATIENT, **dict(patient)}],
        "providers": copy.deepcopy(BASE_PROVIDERS),
        "payers": [BASE_PAYER],
        "coverages": [BASE_COVERAGE],
        "claims": claims,
    }


@dataclass(frozen=True)
class Scrubbed:
    """The claim set and what the scrubber found on each claim, by claim id."""

    built: list[Built]
    results: dict[str, ClaimResult]

    def findings(self, claimed: Claimed) -> ClaimResult:
        """The result of one claim."""
        return self.results[claimed.claim["id"]]


@pytest.fixture(scope="module")
def scrubbed(edit_reference: EditReference) -> Scrubbed:
    """Every claim of the set, built from the store and scrubbed once, each on its own (no history)."""
    claim_set = ClaimSet(edit_reference)
    built = [
        *ptp_claims(claim_set),
        *mue_claims(claim_set),
        *add_on_claims(claim_set),
        *mce_claims(claim_set),
    ]
    by_patient: dict[tuple[tuple[str, str], ...], list[dict[str, Any]]] = defaultdict(list)
    for item in built:
        for claimed in (item.bad, item.good):
            by_patient[claimed.patient].append(claimed.claim)
    scrubber = Scrubber(edit_reference)
    results: dict[str, ClaimResult] = {}
    for patient, claims in by_patient.items():
        records = records_from_json(_document(patient, claims), "official-tables")
        for submitted in records.submitted():
            results[submitted.claim.id] = scrubber.review(submitted, AS_OF, History())
    return Scrubbed(built, results)


def test_the_claim_set_is_drawn_from_every_table(scrubbed: Scrubbed) -> None:
    edits = {item.edit for item in scrubbed.built}
    assert len(scrubbed.built) >= MINIMUM_CLAIMS, f"only {len(scrubbed.built)} bad claims"
    assert {"PTP02", "MUE01", "MUE02", "MUE03", "AOC01", "MCE01", "MCE02", "MCE03", "MCE04", "MCE05"} <= edits


def test_every_bad_claim_is_caught_by_its_edit(scrubbed: Scrubbed) -> None:
    missed = []
    for item in scrubbed.built:
        result = scrubbed.findings(item.bad)
        codes = {finding.code for finding in result.findings if finding.severity is Severity.ERROR}
        if item.edit not in codes:
            missed.append(f"{item.label}: expected {item.edit}, found {sorted(codes)}")
    assert not missed, f"{len(missed)} of {len(scrubbed.built)} not caught, e.g. {missed[:10]}"


def test_every_corrected_claim_passes(scrubbed: Scrubbed) -> None:
    failed = []
    for item in scrubbed.built:
        result = scrubbed.findings(item.good)
        errors = [
            f"{finding.code}: {finding.message}"
            for finding in result.findings
            if finding.severity is Severity.ERROR and finding.category in CHECKED
        ]
        if errors:
            failed.append(f"{item.label}: {errors}")
    assert not failed, f"{len(failed)} of {len(scrubbed.built)} corrected claims still fail, e.g. {failed[:10]}"
