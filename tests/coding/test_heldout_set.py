"""The held-out gold set: the same structural checks as the tuning gold set, applied to notes the engine never saw.

The held-out notes (101-120) were written after the engine and never used to tune it, so their only use is an honest
figure on unseen text. To be scored alike the two sets must follow one file format and one set of coding checks, so
the helpers and constants come from ``test_gold_set``; what is checked here in addition is what makes the set
held out: its own numbering, dates inside April-September 2026, and no passage shared with the tuning notes.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import simple_icd_10_cm as cm  # type: ignore[import-untyped]
import yaml

from tests.coding.test_gold_set import (
    AGE,
    BASES,
    ESTABLISHED_PREVENTIVE,
    ESTABLISHED_PROBLEM_EM,
    FIELDS,
    GOLD_DIR,
    MINUTES,
    MODIFIERS,
    NEW_PREVENTIVE,
    NEW_PROBLEM_EM,
    OTHER_TRAPS,
    PREVENTIVE_AGE_FLOOR,
    REQUIRED_TRAPS,
    STYLES,
    TIME_CEILING,
    TIME_FLOOR,
    _age_in_years,
    _dates_in,
    _hcpcs_codes,
)

HELDOUT_DIR = Path(__file__).parent.parent / "fixtures" / "coding" / "heldout"
HELDOUT_FILE = HELDOUT_DIR / "gold.yaml"
FIRST_DAY = date(2026, 4, 1)
LAST_DAY = date(2026, 9, 30)
SEX = re.compile(r"\b(?:woman|man|male|female|boy|girl|young man|young woman)\b|\b\d{1,3} ?(?:yo|y/o) [MF]\b", re.I)
# Eight words in a row is long enough that a shared run means copied text, short enough to catch a paraphrase
# that kept a clause.
SHINGLE = 8


def _entries() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(HELDOUT_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


ENTRIES = _entries()
IDS = [entry["id"] for entry in ENTRIES]


def _note_text(entry: dict[str, Any]) -> str:
    path: Path = HELDOUT_DIR / str(entry["file"])
    return path.read_text(encoding="utf-8")


def _shingles(text: str) -> set[tuple[str, ...]]:
    """Every run of ``SHINGLE`` consecutive lower-case words in the text."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[index : index + SHINGLE]) for index in range(len(words) - SHINGLE + 1)}


def test_the_set_has_twenty_notes_and_levels_at_least_fourteen() -> None:
    assert len(ENTRIES) == 20
    levelled = [entry for entry in ENTRIES if entry["em"] and entry["em"]["basis"] in {"mdm", "time"}]
    assert len(levelled) >= 14


def test_ids_are_numbered_101_to_120_and_match_the_files() -> None:
    assert [int(note_id[:3]) for note_id in IDS] == list(range(101, 121))
    for entry in ENTRIES:
        assert entry["file"] == f"notes/{entry['id']}.txt"
        assert re.fullmatch(r"\d{3}-[a-z0-9-]+", entry["id"])
    notes = {path.name for path in (HELDOUT_DIR / "notes").glob("*.txt")}
    assert notes == {f"{note_id}.txt" for note_id in IDS}


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_entry_has_every_field_with_its_type(entry: dict[str, Any]) -> None:
    assert set(entry) == FIELDS
    assert isinstance(entry["specialty"], str)
    assert entry["specialty"]
    assert entry["style"] in STYLES
    assert isinstance(entry["date"], date)
    assert isinstance(entry["diagnoses"], list)
    assert entry["diagnoses"]
    assert len(set(entry["diagnoses"])) == len(entry["diagnoses"])
    assert isinstance(entry["procedures"], list)
    assert entry["procedures"]
    assert isinstance(entry["queries"], list)
    assert all(isinstance(query, str) and query for query in entry["queries"])
    assert set(entry["traps"]) <= REQUIRED_TRAPS | OTHER_TRAPS
    assert isinstance(entry["rationale"], str)
    assert len(entry["rationale"]) > 40
    assert bool(entry["queries"]) == ("query" in entry["traps"])


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_note_is_a_realistic_length_and_states_date_age_and_sex(entry: dict[str, Any]) -> None:
    text = _note_text(entry)
    assert 80 <= len(text.split()) <= 400
    assert FIRST_DAY <= entry["date"] <= LAST_DAY
    assert entry["date"] in _dates_in(text)
    assert AGE.search(text), "no numeric age in the note"
    assert SEX.search(text), "no sex stated in the note"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_diagnosis_is_a_billable_leaf(entry: dict[str, Any]) -> None:
    for code in entry["diagnoses"]:
        assert cm.is_valid_item(code), code
        assert cm.is_leaf(code), code
        assert len(code) <= 3 or code[3] == ".", code


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_procedure_lines_are_well_formed(entry: dict[str, Any]) -> None:
    for line in entry["procedures"]:
        assert set(line) == {"code", "modifiers", "units"}
        assert re.fullmatch(r"\d{5}|[A-Z]\d{4}", line["code"]), line["code"]
        assert set(line["modifiers"]) <= MODIFIERS
        assert isinstance(line["units"], int)
        assert line["units"] >= 1


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_hcpcs_codes_exist_and_are_active_on_the_date(entry: dict[str, Any]) -> None:
    letters = [line["code"] for line in entry["procedures"] if line["code"][0].isalpha()]
    if not letters:
        return
    known = _hcpcs_codes()
    for code in letters:
        assert code in known, code
        ended = known[code]
        assert ended is None or ended >= entry["date"], code


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_em_is_first_and_agrees_with_the_note(entry: dict[str, Any]) -> None:
    em = entry["em"]
    if em is None:
        assert not any(line["code"].startswith(("992", "993")) for line in entry["procedures"])
        return
    assert set(em) == {"code", "basis"}
    assert em["basis"] in BASES
    assert entry["procedures"][0]["code"] == em["code"]
    text = _note_text(entry).lower()
    if em["basis"] == "preventive":
        assert em["code"] in NEW_PREVENTIVE | ESTABLISHED_PREVENTIVE
        assert PREVENTIVE_AGE_FLOOR[int(em["code"][-1])] <= _age_in_years(text)
    else:
        assert em["code"] in NEW_PROBLEM_EM | ESTABLISHED_PROBLEM_EM
    is_new = em["code"] in NEW_PROBLEM_EM | NEW_PREVENTIVE
    assert re.search(r"\bnew\b", text) if is_new else re.search(r"\best(ablished)?\b", text)
    if em["basis"] == "time":
        minutes = [int(value) for value in MINUTES.findall(text)]
        assert minutes, "a time-based level needs documented minutes"
        total = max(minutes)
        assert TIME_FLOOR[em["code"]] <= total < TIME_CEILING.get(em["code"], 10_000)


def test_every_trap_the_issue_names_is_in_at_least_three_notes() -> None:
    counts = Counter(trap for entry in ENTRIES for trap in entry["traps"])
    assert {trap: counts[trap] for trap in REQUIRED_TRAPS if counts[trap] < 3} == {}


def test_the_set_is_varied_in_style_and_specialty() -> None:
    assert {entry["style"] for entry in ENTRIES} == STYLES
    assert len({entry["specialty"] for entry in ENTRIES}) >= 12


def test_no_note_shares_a_passage_with_the_tuning_notes() -> None:
    tuning: set[tuple[str, ...]] = set()
    for path in sorted((GOLD_DIR / "notes").glob("*.txt")):
        tuning |= _shingles(path.read_text(encoding="utf-8"))
    shared = {entry["id"]: sorted(_shingles(_note_text(entry)) & tuning)[:3] for entry in ENTRIES}
    assert {note_id: runs for note_id, runs in shared.items() if runs} == {}
