"""The scrubber's accessors over a store loaded from the official files (and small PTP files in CMS's layout)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from revcycle.refdata import NoRelease
from revcycle.refdata.edit_tables import (
    PtpSetting,
    add_on,
    dated_add_on,
    dated_ptp_edits_between,
    is_poa_exempt,
    mce_flags,
    mce_procedure_flags,
    mue,
    ptp_column2_codes,
    ptp_edit,
    ptp_edits_between,
)
from revcycle.refdata.importers import detect
from revcycle.refdata.store import ReferenceStore
from tests.shared_files import REFDATA as SHARED

OFFICIAL = [
    SHARED / "ncci" / "ccipra-v322r0-f1.excerpt.txt",
    SHARED / "ncci" / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
    SHARED / "ncci" / "MCR_MUE_DMESupplierServices_Eff_04-01-2026.csv",
    SHARED / "ncci" / "AOC_V2026Q2-MCR.xlsx",
    SHARED / "mce-edits" / "MCE_Simple_Code_Edits_v37_FY2020.tsv",
    SHARED / "mce-edits" / "Definitions of Medicare Code Edits_v_43_1.txt",
    SHARED / "poa-exempt" / "POAexemptCodes2020.txt",
]
PTP_PREAMBLE = [
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t",
    "Column1/Column2 Edits\t\t\t\t\t\t",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]
HOSPITAL_PARTS = {
    "ccioph-v322r0-f1.txt": [
        "11000\t11001\t*\t19960101\t*\t0\tStandards of medical / surgical practice",
        "11000\t11002\t\t20200101\t20260731\t1\tMutually exclusive procedures",
        "11000\t11003\t\t20260701\t20260701\t9\tMutually exclusive procedures",
    ],
    "ccioph-v322r0-f2.txt": ["22000\t22001\t\t20260801\t*\t1\tCPT Manual or CMS manual coding instruction"],
}
Q3_2026 = date(2026, 8, 15)
Q2_2026 = date(2026, 5, 1)

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"the official reference files are not in {SHARED}")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    folder = tmp_path_factory.mktemp("edit-tables")
    opened = ReferenceStore(folder / "refdata.sqlite")
    hospital = []
    for name, rows in HOSPITAL_PARTS.items():
        path = folder / name
        path.write_bytes("\r\n".join([*PTP_PREAMBLE, *rows, ""]).encode("ascii"))
        hospital.append(path)
    for path in [*OFFICIAL, *hospital]:
        for release in detect(path).read(path):
            opened.import_release(release)
    yield opened
    opened.close()


# PTP pairs


def test_practitioner_pair_in_force_carries_its_row(store: ReferenceStore) -> None:
    edit = ptp_edit(store, "0001U", "81164", Q3_2026, setting="practitioner")
    assert edit is not None
    assert (edit.effective, edit.deletion, edit.modifier_indicator) == (date(2019, 1, 1), None, "1")
    assert edit.modifier_allowed
    assert edit.prior_1996 is False
    assert edit.rationale == "Misuse of Column Two code with Column One code"
    assert edit.release == "v32.2-f1"


def test_deleted_pair_is_not_in_force(store: ReferenceStore) -> None:
    assert ptp_edit(store, "0001A", "0591T", Q3_2026, setting="practitioner") is None


def test_pairs_are_kept_apart_by_setting(store: ReferenceStore) -> None:
    assert ptp_edit(store, "11000", "11001", Q3_2026, setting="practitioner") is None
    edit = ptp_edit(store, "11000", "11001", Q3_2026, setting="hospital")
    assert edit is not None
    assert edit.prior_1996 is True
    assert not edit.modifier_allowed


def test_pair_applies_through_its_deletion_date(store: ReferenceStore) -> None:
    assert ptp_edit(store, "11000", "11002", date(2026, 7, 31), setting="hospital") is not None
    assert ptp_edit(store, "11000", "11002", date(2026, 8, 1), setting="hospital") is None


def test_pair_deleted_on_its_effective_date_never_applies(store: ReferenceStore) -> None:
    assert ptp_edit(store, "11000", "11003", date(2026, 7, 1), setting="hospital") is None


def test_every_part_of_a_quarter_is_consulted(store: ReferenceStore) -> None:
    assert ptp_edit(store, "22000", "22001", date(2026, 7, 31), setting="hospital") is None
    edit = ptp_edit(store, "22000", "22001", date(2026, 8, 1), setting="hospital")
    assert edit is not None
    assert edit.release == "v32.2-f2"


@pytest.mark.parametrize(
    ("code_a", "code_b", "day", "setting"),
    [
        ("0001U", "81164", Q3_2026, "practitioner"),  # listed one way
        ("81164", "0001U", Q3_2026, "practitioner"),  # the other way
        ("0001A", "0591T", Q3_2026, "practitioner"),  # listed, deleted
        ("11000", "11002", date(2026, 8, 1), "hospital"),  # listed, past its deletion
        ("22000", "22001", date(2026, 8, 1), "hospital"),  # listed in the second part
        ("99213", "11000", Q3_2026, "hospital"),  # not listed either way
    ],
)
def test_both_ways_answers_as_each_order_asked_alone(
    store: ReferenceStore, code_a: str, code_b: str, day: date, setting: PtpSetting
) -> None:
    assert ptp_edits_between(store, code_a, code_b, day, setting=setting) == (
        ptp_edit(store, code_a, code_b, day, setting=setting),
        ptp_edit(store, code_b, code_a, day, setting=setting),
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@pytest.mark.parametrize(
    ("code_a", "code_b", "setting"),
    [
        ("0001U", "81164", "practitioner"),
        ("0001A", "0591T", "practitioner"),
        ("11000", "11002", "hospital"),  # stops after 2026-07-31
        ("11000", "11003", "hospital"),  # deleted on its effective date
        ("22000", "22001", "hospital"),  # starts on 2026-08-01, in the second part
        ("99213", "11000", "hospital"),  # not listed either way
    ],
)
def test_a_dated_pair_answer_holds_on_every_day_of_its_span(
    store: ReferenceStore, code_a: str, code_b: str, setting: PtpSetting
) -> None:
    for day in _days(date(2026, 7, 1), date(2026, 10, 15)):
        answer, first, last = dated_ptp_edits_between(store, code_a, code_b, day, setting=setting)
        assert first <= day <= last
        assert answer == ptp_edits_between(store, code_a, code_b, day, setting=setting)
        for other in _days(max(first, date(2026, 7, 1)), min(last, date(2026, 10, 15))):
            assert ptp_edits_between(store, code_a, code_b, other, setting=setting) == answer, (day, other)


def test_a_dated_pair_answer_stops_where_its_edit_does(store: ReferenceStore) -> None:
    _, first, last = dated_ptp_edits_between(store, "11000", "11002", date(2026, 7, 15), setting="hospital")
    assert (first, last) == (date(2026, 7, 1), date(2026, 7, 31))


@pytest.mark.parametrize("code", ["0071U", "0054T", "U0005", "99213"])
def test_a_dated_add_on_answer_holds_on_every_day_of_its_span(store: ReferenceStore, code: str) -> None:
    for day in _days(date(2026, 4, 1), date(2026, 8, 15)):
        answer, first, last = dated_add_on(store, code, day)
        assert first <= day <= last
        assert answer == add_on(store, code, day)
        for other in _days(max(first, date(2026, 4, 1)), min(last, date(2026, 8, 15))):
            assert add_on(store, code, other) == answer, (day, other)


def test_column2_codes_are_the_pairs_listed(store: ReferenceStore) -> None:
    (release,) = [part for part in store.releases("ncci_ptp_hospital") if part.version.endswith("f1")]
    assert ptp_column2_codes(store, release, "11000") == {"11001", "11002", "11003"}
    assert ptp_column2_codes(store, release, "99999") == frozenset()


# MUE


def test_mue_gives_value_indicator_and_rationale(store: ReferenceStore) -> None:
    found = mue(store, "0001U", Q2_2026, setting="practitioner")
    assert found is not None
    assert (found.value, found.adjudication_indicator, found.adjudication) == (1, 2, "Date of Service Edit: Policy")
    assert found.rationale == "Code Descriptor / CPT Instruction"
    assert mue(store, "A4206", Q2_2026, setting="dme") is not None
    assert mue(store, "99999", Q2_2026, setting="dme") is None


def test_a_table_not_loaded_is_an_error_not_a_silent_none(store: ReferenceStore) -> None:
    with pytest.raises(NoRelease):
        mue(store, "0001U", Q2_2026, setting="hospital")


# Add-on codes


def test_add_on_code_lists_its_primaries(store: ReferenceStore) -> None:
    found = add_on(store, "0071U", Q2_2026)
    assert found is not None
    assert found.primary_codes == {"0070U"}
    assert found.edit_types == {"1"}


def test_contractor_defined_primaries_are_not_codes(store: ReferenceStore) -> None:
    found = add_on(store, "0054T", Q2_2026)
    assert found is not None
    assert found.edit_types == {"2"}
    assert not found.primary_codes


def test_deleted_add_on_edits_are_not_in_force(store: ReferenceStore) -> None:
    assert add_on(store, "U0005", Q2_2026) is None
    assert add_on(store, "99213", Q2_2026) is None


# MCE


def test_mce_flags_follow_the_release_of_the_day(store: ReferenceStore) -> None:
    fy2020 = mce_flags(store, "O00.00", date(2020, 3, 1))
    assert fy2020 is not None
    assert (fy2020.release, fy2020.age_category, fy2020.age_low, fy2020.age_high) == ("v37", "maternity", 12, 55)
    assert fy2020.sex == "female"
    assert not fy2020.fits_age(60)
    april_2026 = mce_flags(store, "O0000", Q2_2026)
    assert april_2026 is not None
    assert (april_2026.release, april_2026.age_low, april_2026.age_high, april_2026.sex) == ("v43.1", 9, 64, None)
    assert april_2026.fits_age(60)


def test_mce_principal_diagnosis_edits(store: ReferenceStore) -> None:
    questionable = mce_flags(store, "I10", Q2_2026)
    assert questionable is not None
    assert questionable.questionable_admission
    assert not questionable.unacceptable_principal
    assert mce_flags(store, "E11.22", Q2_2026) is None


def test_mce_procedure_flags(store: ReferenceStore) -> None:
    flags = mce_procedure_flags(store, "10D00Z0", Q2_2026)
    assert flags is not None
    assert flags.edits == {"questionable_obstetric_admission"}
    assert mce_flags(store, "10D00Z0", Q2_2026) is None


# POA-exempt


def test_poa_exemption(store: ReferenceStore) -> None:
    exemption = is_poa_exempt(store, "Z99.89", date(2020, 5, 1))
    assert exemption is not None
    assert exemption.description == "Dependence on other enabling machines and devices"
    assert is_poa_exempt(store, "E11.22", date(2020, 5, 1)) is None
