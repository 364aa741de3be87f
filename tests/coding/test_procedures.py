"""Procedure lines of office notes: vaccines, drugs with HCPCS units, minor procedures, tests, and the modifiers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from revcycle.coding.document import read_note
from revcycle.coding.drugs import descriptor_amount
from revcycle.coding.procedure_catalog import catalog
from revcycle.coding.procedures import suggest_procedures
from revcycle.coding.result import ClinicianQuery, ProcedureSuggestion
from revcycle.refdata.procedures import lookup_procedure
from revcycle.refdata.store import ReferenceStore

DAY = date(2026, 3, 2)
HCPCS_FILE = "refdata/hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip"


@pytest.fixture(scope="module")
def hcpcs_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    """A reference store holding the official January 2026 HCPCS file."""
    from revcycle.services.refdata import import_reference_file
    from tests.shared_files import shared_file

    store = ReferenceStore(tmp_path_factory.mktemp("hcpcs") / "refdata.sqlite")
    import_reference_file(store, shared_file(HCPCS_FILE))
    yield store
    store.close()


def code(
    text: str, store: ReferenceStore | None = None, diagnoses: tuple[str, ...] = ()
) -> tuple[list[ProcedureSuggestion], list[ClinicianQuery]]:
    found = suggest_procedures(read_note(text), store, DAY, diagnoses=diagnoses)
    return found.lines, found.queries


def lines(text: str, store: ReferenceStore | None = None) -> dict[str, ProcedureSuggestion]:
    return {line.code: line for line in code(text, store)[0]}


def claim(text: str) -> list[tuple[str, tuple[str, ...], int]]:
    return [(line.code, line.modifiers, line.units) for line in code(text)[0]]


# --- drugs --------------------------------------------------------------------------------------------------------

INJECTIONS = (
    "HPI: 34 yo F established patient with a UTI and back pain.\n"
    "Assessment: 1. Acute cystitis. 2. Low back strain.\n"
    "Plan: Ceftriaxone 1 g IM given today. Ketorolac 30 mg IM administered for pain."
)


def test_drug_units_from_the_hcpcs_descriptor(hcpcs_store: ReferenceStore) -> None:
    found = lines(INJECTIONS, hcpcs_store)
    assert (found["J0696"].units, found["J1885"].units) == (4, 2)
    assert "per 250 mg" in found["J0696"].rationale
    assert "HCPCS 2026" in found["J1885"].rationale
    assert "descriptor" in found["J1885"].rationale
    assert found["96372"].units == 2
    assert any(item.text == "30 mg" for item in found["J1885"].evidence)


def test_drug_units_from_the_catalogue_without_a_store() -> None:
    found = lines(INJECTIONS)
    assert (found["J0696"].units, found["J1885"].units) == (4, 2)
    assert "catalogue (no reference store)" in found["J1885"].rationale


def test_drug_units_from_the_catalogue_when_the_store_has_no_hcpcs(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path / "empty.sqlite")
    try:
        found = lines(INJECTIONS, store)
    finally:
        store.close()
    assert found["J1885"].units == 2
    assert "no HCPCS release loaded" in found["J1885"].rationale


def test_catalogue_amounts_match_the_hcpcs_2026_file(hcpcs_store: ReferenceStore) -> None:
    for drug in catalog().drugs:
        for item in drug.codes:
            entry = lookup_procedure(hcpcs_store, item.code, DAY)
            assert entry is not None, item.code
            assert entry.valid, item.code
            assert entry.description, item.code
            assert descriptor_amount(entry.description) == (item.amount, item.unit), (item.code, entry.description)
    for device in catalog().devices:
        entry = lookup_procedure(hcpcs_store, device.code, DAY)
        assert entry is not None, device.code
        assert entry.valid, device.code


@pytest.mark.parametrize(
    ("descriptor", "amount"),
    [
        ("Injection, ketorolac tromethamine, per 15 mg", (Decimal(15), "mg")),
        ("Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg", (Decimal(1000), "mcg")),
        ("Injection, penicillin g benzathine, 100,000 units", (Decimal(100000), "units")),
        ("Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg", (Decimal(6), "mg")),
        ("Unclassified drugs", None),
    ],
)
def test_descriptor_amount(descriptor: str, amount: tuple[Decimal, str] | None) -> None:
    assert descriptor_amount(descriptor) == amount


def test_units_round_up_and_convert() -> None:
    found = lines("Plan: Bicillin L-A 2.4 million units IM given. B12 1500 mcg IM given. Promethazine 25 mg IM given.")
    assert (found["J0561"].units, found["J3420"].units, found["J2550"].units) == (24, 2, 1)
    assert found["96372"].units == 3


def test_iv_push() -> None:
    found = lines("Plan: Ondansetron 4 mg IV push given.")
    assert (found["J2405"].units, found["96374"].units) == (4, 1)


# --- vaccines -----------------------------------------------------------------------------------------------------


def test_adult_vaccines() -> None:
    text = "HPI: 67 yo M.\nPlan: Flu vaccine given in the left deltoid. Tdap 0.5 mL IM administered today."
    assert claim(text)[-4:] == [("90656", (), 1), ("90715", (), 1), ("90471", (), 1), ("90472", (), 1)]
    assert "product not named" in lines(text)["90656"].rationale


def test_pediatric_vaccines_with_counselling() -> None:
    text = (
        "CC: Well-child check.\nHPI: 4 yo boy, established patient.\nAssessment: Healthy child.\n"
        "Plan: Counseled mother on the risks and benefits of each vaccine.\n"
        "Vaccines administered today:\n- Kinrix\n- MMR\n- Varivax"
    )
    assert claim(text) == [
        ("99392", (), 1),
        ("90696", (), 1),
        ("90707", (), 1),
        ("90716", (), 1),
        ("90460", (), 3),
        ("90461", (), 5),
    ]


def test_pediatric_vaccines_without_counselling_and_an_oral_vaccine() -> None:
    text = "HPI: 4-month-old girl.\nPlan: Pentacel given IM in the right thigh. RotaTeq given PO."
    assert claim(text)[-4:] == [("90698", (), 1), ("90680", (), 1), ("90471", (), 1), ("90474", (), 1)]
    assert "no counselling documented" in lines(text)["90471"].rationale


def test_hepatitis_b_for_a_child_is_the_pediatric_dose() -> None:
    assert "90744" in lines("HPI: 12 yo girl.\nPlan: Hepatitis B vaccine dose #2 given IM.")


# --- minor procedures and modifiers -------------------------------------------------------------------------------

KNEE = (
    "HPI: 67 yo M established patient with right knee osteoarthritis.\n"
    "Assessment:\n1. Osteoarthritis of the right knee, worsening.\n{extra}"
    "Procedure: The {side} was prepped and injected with 40 mg Kenalog and 3 mL lidocaine{guided}. Tolerated well."
)


def test_modifier_25_when_another_problem_is_addressed() -> None:
    text = KNEE.format(extra="2. Hypertension, stable. Continue lisinopril 10 mg.\n", side="right knee", guided="")
    assert claim(text) == [("99214", ("25",), 1), ("J3301", (), 4), ("20610", ("RT",), 1)]
    em = code(text)[0][0]
    assert "25: separately identifiable" in em.rationale


def test_no_em_when_the_procedure_is_the_only_problem() -> None:
    found = code(KNEE.format(extra="", side="left knee", guided=""))[0]
    assert [line.code for line in found] == ["J3301", "20610"]
    assert found[1].modifiers == ("LT",)
    assert "no E/M reported" in found[1].rationale


def test_preventive_visit_with_a_procedure_takes_25() -> None:
    text = (
        "CC: Annual physical.\nHPI: 45 yo M, established patient.\nAssessment: Well adult exam. Common wart.\n"
        "Procedure: Cryotherapy with liquid nitrogen to 2 warts on the right hand."
    )
    assert claim(text) == [("99396", ("25",), 1), ("17110", (), 1)]


def test_bilateral_and_ultrasound() -> None:
    found = lines(KNEE.format(extra="", side="bilateral knees", guided=" under ultrasound guidance"))
    assert found["20611"].modifiers == ("50",)


# A synthetic NCCI practitioner PTP file in CMS's text layout: one pair, a modifier allowed (v32.2 governs 2026 Q3).
PTP_FILE = "\n".join(
    [
        "Column1/Column2 Edits\t\t\t\t\t\t",
        "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
        "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
        "\t\t\t\t*=no data\t1=allowed\t",
        "\t\t\t\t\t9=not applicable\t",
        "10060\t12001\t\t20200101\t*\t1\tMutually exclusive procedures",
        "",
    ]
)
Q3 = date(2026, 8, 15)
TWO_SITES = (
    "Procedure: Incision and drainage of an abscess of the back. "
    "A 2 cm laceration of the left forearm was repaired with sutures."
)
NO_PAIR = "Procedure: Right knee injected with 40 mg Kenalog. Cryotherapy to 2 warts on the left hand."


@pytest.fixture(scope="module")
def ncci_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceStore]:
    from revcycle.services.refdata import import_reference_file

    folder = tmp_path_factory.mktemp("ncci")
    (folder / "ccipra-v322r0-f1.txt").write_text(PTP_FILE, encoding="utf-8")
    store = ReferenceStore(folder / "refdata.sqlite")
    import_reference_file(store, folder / "ccipra-v322r0-f1.txt")
    yield store
    store.close()


def test_xs_follows_the_ncci_pairs_when_loaded(ncci_store: ReferenceStore) -> None:
    paired = {line.code: line for line in suggest_procedures(read_note(TWO_SITES), ncci_store, Q3).lines}
    assert (paired["10060"].modifiers, paired["12001"].modifiers) == ((), ("XS",))
    assert "NCCI practitioner pair with 10060" in paired["12001"].rationale
    unpaired = suggest_procedures(read_note(NO_PAIR), ncci_store, Q3).lines
    assert all("XS" not in line.modifiers for line in unpaired)


def test_xs_is_assumed_at_a_distinct_site_without_ncci_pairs() -> None:
    found = lines(NO_PAIR)
    assert found["17110"].modifiers == ("XS",)
    assert "NCCI pairs not loaded" in found["17110"].rationale


def test_small_and_intermediate_joints() -> None:
    assert lines("Procedure: Left wrist aspirated; 2 mL fluid removed.")["20605"].modifiers == ("LT",)
    assert "20600" in lines("Procedure: Right thumb IP joint injected with 10 mg triamcinolone.")


def test_laceration_lengths_are_summed_by_site_group() -> None:
    text = (
        "HPI: 25 yo M cut his left forearm and left hand on glass.\n"
        "Procedure: Simple repair of a 2.5 cm laceration of the left forearm with 4-0 nylon sutures. "
        "A 3 cm laceration of the left hand was repaired with sutures."
    )
    found = lines(text)
    assert "12002" in found
    assert "5.5 cm" in found["12002"].rationale


def test_intermediate_and_face_repairs_are_separate_lines() -> None:
    text = (
        "Procedure: Layered closure of a 3 cm laceration of the right hand with 4-0 Vicryl deep sutures. "
        "A 2 cm laceration of the chin was repaired."
    )
    found = code(text)[0]
    assert [(line.code, line.modifiers) for line in found] == [("12042", ()), ("12051", ("59",))]


def test_repair_lines_of_a_list_keep_their_own_complexity() -> None:
    text = (
        "Wounds:\n1. R forearm: 4.0 cm gaping laceration.\n2. Forehead: 1.5 cm superficial laceration.\n"
        "Procedures (consent from father):\n"
        "1. R forearm: irrigated, layered closure with 4-0 Vicryl deep dermal sutures. Length 4.0 cm.\n"
        "2. Forehead: single-layer closure with 6-0 nylon. Length 1.5 cm. Simple repair."
    )
    assert claim(text) == [("12032", (), 1), ("12011", ("59",), 1)]


def test_repair_without_a_length_asks_the_clinician() -> None:
    found, queries = code("Assessment: Laceration of the scalp.\nProcedure: The laceration was repaired with staples.")
    assert [(line.code, line.confidence) for line in found] == [("12001", 0.4)]
    assert "no length documented" in found[0].rationale
    assert queries[0].about == "laceration repair length"
    assert queries[0].evidence[0].text.startswith("The laceration was repaired")


def test_destruction_by_count() -> None:
    assert claim("Procedure: Cryotherapy with liquid nitrogen to 3 warts on the left hand.") == [("17110", (), 1)]
    assert claim("Procedure: 5 actinic keratoses on the scalp treated with liquid nitrogen.") == [
        ("17000", (), 1),
        ("17003", (), 4),
    ]
    assert claim("Procedure: Cryotherapy to 16 actinic keratoses of the face.") == [("17004", (), 1)]


def test_excision_by_excised_diameter() -> None:
    benign = "Procedure: Excision of a 1.2 cm nevus on the back with 2 mm margins."
    assert claim(benign) == [("11402", (), 1)]
    malignant = "Procedure: Excision of a 0.8 cm basal cell carcinoma of the nose with 3 mm margins."
    assert claim(malignant) == [("11642", (), 1)]
    found, queries = code("Procedure: Excision of a nevus on the back.")
    assert found == []
    assert queries[0].about == "excised diameter"


def test_incision_and_drainage() -> None:
    assert claim("Procedure: Incision and drainage of an abscess of the right axilla.") == [("10060", (), 1)]
    assert claim("Procedure: Complicated I&D of a loculated abscess of the back.") == [("10061", (), 1)]


def test_tests_done_in_the_office() -> None:
    text = (
        "Results: Rapid strep negative. Urine dipstick: trace leukocytes. Fingerstick glucose 142. "
        "Urine pregnancy test negative. POC A1c 7.1.\n"
        "ECG performed today: normal sinus rhythm, rate 72.\n"
        "Three views of the right knee obtained in the office today show no fracture. PA and lateral chest x-ray "
        "today shows no infiltrate."
    )
    found = lines(text)
    assert set(found) == {"87880", "81002", "82962", "81025", "83036", "93000", "73562", "71046"}
    assert found["73562"].modifiers == ("RT",)


def test_listed_procedures_and_devices() -> None:
    iud = (
        "HPI: 27 y/o F here for planned IUD placement.\n"
        "Procedure: Uterus sounded to 7.5 cm. Levonorgestrel IUD 52 mg (Mirena) inserted without difficulty."
    )
    assert claim(iud) == [("58300", (), 1), ("J7298", (), 1)]
    wax = "Procedure: Removal of impacted cerumen, both ears, with curette under the microscope."
    assert claim(wax) == [("69210", ("50",), 1)]
    lab = "Results: Spirometry before and after bronchodilator performed today: normal FEV1."
    assert claim(lab) == [("94060", (), 1)]


def test_more_listed_procedures() -> None:
    allergy = "Injections:\n- vial A 0.5 mL SC L arm\n- vial B 0.5 mL SC R arm\nObserved 30 min, no reaction."
    assert claim(allergy) == [("95117", (), 1)]
    biopsy = "Procedure: Endometrial sampling performed with a Pipelle, three passes, tissue sent to pathology."
    assert claim(biopsy) == [("58100", (), 1)]
    tendon = (
        "PROCEDURE (L lateral epicondyle, common extensor tendon origin injection):\n"
        "- peppering technique at the common extensor origin\n- methylprednisolone acetate 40 mg + 1 mL 1% lidocaine"
    )
    assert claim(tendon) == [("J1010", (), 40), ("20551", (), 1)]


def test_debridement_by_depth_and_area() -> None:
    text = (
        "Procedure: Excisional debridement of the left plantar ulcer removing devitalized subcutaneous tissue. "
        "Area debrided 45 sq cm."
    )
    assert claim(text) == [("11042", (), 1), ("11045", (), 2)]
    selective = "Procedure: Selective debridement of slough from the heel wound with a curette, 3 sq cm."
    assert claim(selective) == [("97597", (), 1)]


def test_a_procedure_only_visit_has_no_em() -> None:
    text = (
        "Procedure visit only; no change in his medical management today.\n"
        "Assessment:\n1. Diabetic foot ulcer, improving.\n2. Type 2 diabetes with neuropathy.\n"
        "Procedure: Excisional debridement of the ulcer down to subcutaneous tissue, 2 sq cm."
    )
    assert [line.code for line in code(text)[0]] == ["11042"]


def test_outside_x_ray_is_data_not_a_line() -> None:
    text = "HPI: The chest x-ray her PCP obtained in March, which I reviewed, is clear.\nAssessment: Chronic cough."
    assert [line.code for line in code(text)[0]] == ["99212"]


@pytest.mark.parametrize(
    ("status", "minutes", "units"),
    [("New patient", 74, 0), ("New patient", 75, 1), ("Established patient", 55, 1), ("Established patient", 85, 3)],
)
def test_prolonged_service_beyond_the_highest_time(status: str, minutes: int, units: int) -> None:
    text = f"HPI: {status} with a rash.\nAssessment: Dermatitis.\nPlan: Total time spent today: {minutes} minutes."
    found = lines(text)
    assert (found["99417"].units if "99417" in found else 0) == units
    assert "99205" in found or "99215" in found


# --- performed only -----------------------------------------------------------------------------------------------


def test_planned_declined_and_historical_services_are_not_coded() -> None:
    text = (
        "HPI: 55 yo F established patient. She had a Tdap in 2019.\n"
        "Assessment: Osteoarthritis of the right knee, stable.\n"
        "Plan: Recommend right knee injection at the next visit. Declined the flu vaccine. "
        "Will obtain an x-ray of the right knee. ECG ordered. Consider excision of the nevus. "
        "Schedule laceration repair."
    )
    found = code(text)[0]
    assert [line.code for line in found] == ["99213"]


@pytest.mark.parametrize(
    "text",
    [
        "ANESTHESIA: General endotracheal.\nProcedure: Excision of a 2 cm lipoma of the back. Wound closed in layers.",
        "EMERGENCY DEPARTMENT NOTE\nProcedure: 3 cm laceration of the arm repaired with sutures.",
        "Procedure: Repair of a second-degree perineal laceration after delivery with 3-0 Vicryl.",
    ],
)
def test_operating_room_emergency_and_obstetric_cases_are_left_alone(text: str) -> None:
    assert code(text) == ([], [])


def test_drugs_that_are_part_of_another_procedure() -> None:
    epidural = lines("Procedure: L5-S1 epidural steroid injection with 80 mg Depo-Medrol under fluoroscopy.")
    assert set(epidural) == {"J1010"}
    assert epidural["J1010"].units == 80
    local = "Procedure: Right knee injected with 40 mg Kenalog after 1% lidocaine with epinephrine."
    assert set(lines(local)) == {"J3301", "20610"}
    assert "J1885" not in lines("Plan: Ketorolac 10 mg tablets prescribed for pain.")


def test_a_lab_value_is_an_office_test_only_with_a_word_saying_so() -> None:
    assert set(lines("S: 60 yo F est pt. A1c 9.1 today (POC). Hgb by fingerstick 10.2.")) >= {"83036", "85018"}
    assert not {"83036", "85018"} & set(lines("Results: A1c 8.0 and hemoglobin 12.1 from the lab last week."))


def test_an_ecg_is_coded_only_when_done_here() -> None:
    assert "93000" not in lines("Results: ECG from the ED last week showed sinus rhythm.")
    assert "93000" not in lines("Results: EKG shows sinus tachycardia.")
    assert lines("Results: 12-lead ECG performed in clinic today: sinus rhythm.")["93000"].units == 1


def test_non_office_note_has_no_em_but_keeps_its_procedures() -> None:
    text = "PROCEDURE NOTE\nProcedure: Right knee injected with 40 mg Kenalog."
    assert [line.code for line in code(text)[0]] == ["J3301", "20610"]


def test_the_hemoglobin_of_a_hemoglobin_a1c_is_not_a_hemoglobin_test() -> None:
    found = lines("Established patient.\nO: Point-of-care hemoglobin A1c 7.2% today.\nA: Type 2 diabetes, stable.")
    assert "83036" in found
    assert "85018" not in found
    assert "85018" in lines("Established patient.\nO: Fingerstick hemoglobin 11.2 today (POC).\nA: Anemia.")
