"""`revcycle code lookup|search` and `revcycle price` on a reference store built from the official files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import Outcome, revcycle

QUERIES = Path(__file__).resolve().parents[1] / "refdata" / "fixtures" / "clinician_queries.json"


@pytest.fixture(scope="module")
def store(reference_store_path: Path) -> str:
    return str(reference_store_path)


def lookup(capsys: pytest.CaptureFixture[str], store: str, *arguments: str) -> Outcome:
    return revcycle(capsys, "code", "lookup", *arguments, "--store", store, "--json")


def test_e1122_is_billable_with_its_ckd_stage_note(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = lookup(capsys, store, "E11.22", "--date", "2026-05-01").json()
    assert found["description"] == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert found["billable"] is True
    assert found["code"] == "E11.22"
    notes = [note["text"] for note in found["notes"]["use_additional_code"]]
    assert any("stage of chronic kidney disease (N18.1-N18.6)" in note for note in notes)


def test_e112_is_not_billable(capsys: pytest.CaptureFixture[str], store: str) -> None:
    assert lookup(capsys, store, "E11.2", "--date", "2026-05-01").json()["billable"] is False


def test_seventh_character_meaning(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = lookup(capsys, store, "S52.521A", "--date", "2026-05-01").json()
    assert found["billable"] is True
    assert found["seventh_character"]["meaning"] == "initial encounter for closed fracture"


def test_unknown_code_fails_clearly(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = revcycle(capsys, "code", "lookup", "E99.99", "--date", "2026-05-01", "--store", store)
    assert outcome.status == 1
    assert "'E99.99' is not a code of ICD-10-CM" in outcome.stderr


def test_hcpcs_descriptor_and_cpt_without_ama_text(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = lookup(capsys, store, "J1885", "--date", "2026-02-01").json()
    assert found["system"] == "HCPCS"
    assert found["description"] == "Injection, ketorolac tromethamine, per 15 mg"
    cpt = lookup(capsys, store, "99213", "--date", "2026-02-01", "--system", "cpt")
    assert cpt.status == 1  # no CPT code list in this store: the bundled list is imported by `--bundled`


def test_a_date_past_the_newest_release_warns(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = lookup(capsys, store, "I10", "--date", "2027-01-15").json()
    assert found["billable"] is True
    assert "after the newest" in found["warning"]


def test_price_by_locality(capsys: pytest.CaptureFixture[str], store: str) -> None:
    outcome = revcycle(
        capsys, "price", "99213", "--locality", "10112-00", "--date", "2026-03-01", "--store", store, "--json"
    )
    assert outcome.status == 0, outcome.stderr
    found = outcome.json()
    assert found["amount"] == "87.79"
    assert found["rvu_version"] == "RVU26C"
    unknown = revcycle(capsys, "price", "99213", "--locality", "99999-99", "--date", "2026-03-01", "--store", store)
    assert unknown.status == 1
    assert "99999-99" in unknown.stderr


def test_search_ranks_e1122_and_finds_i10(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = revcycle(
        capsys,
        "code",
        "search",
        "type 2 diabetes with chronic kidney disease",
        "--date",
        "2026-05-01",
        "--store",
        store,
        "--json",
    ).json()
    assert "E11.22" in [hit["code"] for hit in found["results"][:3]]
    htn = revcycle(capsys, "code", "search", "HTN", "--date", "2026-05-01", "--store", store, "--json").json()
    assert "I10" in [hit["code"] for hit in htn["results"][:5]]


def test_fifty_clinician_queries_find_the_code_in_the_top_five(capsys: pytest.CaptureFixture[str], store: str) -> None:
    queries = json.loads(QUERIES.read_text())["queries"]
    missed = []
    for query in queries:
        found = revcycle(
            capsys,
            "code",
            "search",
            query["query"],
            "--limit",
            "5",
            "--date",
            "2026-05-01",
            "--store",
            store,
            "--json",
        ).json()
        if query["code"] not in [hit["code"] for hit in found["results"]]:
            missed.append(query["query"])
    assert len(queries) == 50
    assert len(missed) <= 5, missed


def test_place_of_service_decides_the_setting(capsys: pytest.CaptureFixture[str], store: str) -> None:
    office = revcycle(
        capsys,
        "price",
        "99213",
        "--locality",
        "06102-99",
        "--pos",
        "11",
        "--date",
        "2026-09-08",
        "--store",
        store,
        "--json",
    ).json()
    hospital = revcycle(
        capsys,
        "price",
        "99213",
        "--locality",
        "06102-99",
        "--pos",
        "22",
        "--date",
        "2026-09-08",
        "--store",
        store,
        "--json",
    ).json()
    assert (office["facility"], office["amount"]) == (False, "92.64")
    assert hospital["facility"] is True
    assert hospital["pe_rvu"] == "0.33"
    bad = revcycle(capsys, "price", "99213", "--locality", "06102-99", "--pos", "37", "--store", store)
    assert bad.status == 1
    assert "place of service" in bad.stderr


def test_a_modifier_is_looked_up_in_hcpcs(capsys: pytest.CaptureFixture[str], store: str) -> None:
    found = lookup(capsys, store, "RT", "--date", "2026-02-01").json()
    assert (found["system"], found["kind"]) == ("HCPCS", "modifier")
    assert found["short_description"] == "Right side"
