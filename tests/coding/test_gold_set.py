"""The gold set the coding engine is measured on: its structure, its codes and its coverage of the guideline traps.

The gold file is hand-coded; these checks keep it honest as it grows: every ICD-10-CM code a billable leaf of the
April 2026 tabular, every HCPCS code present in the January 2026 file, the date, visit type, age and documented time
in each note agreeing with the E/M code chosen, and each trap the issue names exercised by several notes.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import simple_icd_10_cm as cm  # type: ignore[import-untyped]
import yaml

from tests.shared_files import shared_file

GOLD_DIR = Path(__file__).parent.parent / "fixtures" / "coding" / "gold"
GOLD_FILE = GOLD_DIR / "gold.yaml"
HELDOUT_DIR = Path(__file__).parent.parent / "fixtures" / "coding" / "heldout"
HCPCS_ZIP = "refdata/hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip"

FIELDS = {"id", "file", "specialty", "style", "date", "diagnoses", "procedures", "em", "queries", "traps", "rationale"}
STYLES = {"soap", "narrative", "dictated", "bullets"}
BASES = {"mdm", "time", "preventive"}
# The traps issue 6 and its gold-set brief name; each must be exercised by at least three notes.
REQUIRED_TRAPS = {
    "negation",
    "uncertainty",
    "history",
    "family_history",
    "laterality",
    "acuity",
    "seventh_character",
    "combination",
    "integral_symptom",
    "query",
}
OTHER_TRAPS = {"abbreviations", "modifier", "units"}
MODIFIERS = {"25", "59", "XE", "XP", "XS", "XU", "RT", "LT", "50"}
NEW_PROBLEM_EM = {f"9920{level}" for level in range(2, 6)}
ESTABLISHED_PROBLEM_EM = {f"9921{level}" for level in range(2, 6)}
NEW_PREVENTIVE = {f"9938{band}" for band in range(1, 8)}
ESTABLISHED_PREVENTIVE = {f"9939{band}" for band in range(1, 8)}
# Lowest age (years) of each preventive band, by the code's last digit: <1, 1-4, 5-11, 12-17, 18-39, 40-64, 65+.
PREVENTIVE_AGE_FLOOR = {1: 0, 2: 1, 3: 5, 4: 12, 5: 18, 6: 40, 7: 65}
# Minutes of total time on the date each level needs (AMA, 2024 and later); the next level's floor is the ceiling.
TIME_FLOOR = {"99202": 15, "99203": 30, "99204": 45, "99205": 60, "99212": 10, "99213": 20, "99214": 30, "99215": 40}
TIME_CEILING = {"99202": 30, "99203": 45, "99204": 60, "99212": 20, "99213": 30, "99214": 40}

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
WORD_DATE = re.compile(r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.IGNORECASE)
AGE = re.compile(r"\b(\d{1,3})(?:-| )?(year|y/o|yo\b|month)", re.IGNORECASE)
MINUTES = re.compile(r"\b(\d{1,3})\s*(?:minutes|min)\b", re.IGNORECASE)


def entries_of(folder: Path) -> list[dict[str, Any]]:
    """The entries of a gold set's ``gold.yaml``."""
    loaded = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


ENTRIES = entries_of(GOLD_DIR)
# The per-note checks hold for both sets, so that they are coded and scored alike; the set-level checks differ.
EVERY_ENTRY = [
    pytest.param(folder, entry, id=f"{folder.name}-{entry['id']}")
    for folder in (GOLD_DIR, HELDOUT_DIR)
    for entry in entries_of(folder)
]


def note_text(entry: dict[str, Any], folder: Path = GOLD_DIR) -> str:
    """The text of an entry's note."""
    path: Path = folder / str(entry["file"])
    return path.read_text(encoding="utf-8")


def _dates_in(text: str) -> set[date]:
    """Every calendar date written in the text, in the formats the notes use."""
    found: set[date] = set()
    for month, day, year in NUMERIC_DATE.findall(text):
        found.add(date(int(year), int(month), int(day)))
    for year, month, day in ISO_DATE.findall(text):
        found.add(date(int(year), int(month), int(day)))
    for month_name, day, year in WORD_DATE.findall(text):
        found.add(date(int(year), MONTHS[month_name.lower()], int(day)))
    return found


def _age_in_years(text: str) -> int:
    """The patient's age from the first "N-year-old", "N y/o" or "N-month-old" in the note."""
    match = AGE.search(text)
    assert match is not None, "no numeric age in the note"
    return 0 if match.group(2).lower() == "month" else int(match.group(1))


@cache
def _hcpcs_codes() -> dict[str, date | None]:
    """HCPCS Level II codes in the January 2026 file, each with its termination date (None while active)."""
    archive = shared_file(HCPCS_ZIP)
    with zipfile.ZipFile(archive) as bundle:
        text = bundle.read("HCPC2026_JAN_ANWEB_01122026.txt").decode("latin-1")
    codes: dict[str, date | None] = {}
    for line in text.splitlines():
        # Columns from HCPC2026_recordlayout.txt: code 1-5, record identification 11 (3 = first line of a
        # procedure), termination date 285-292 (CCYYMMDD, blank while the code is active).
        if len(line) < 292 or line[10] != "3" or not line[:5].strip():
            continue
        ended = line[284:292].strip()
        codes[line[:5]] = datetime.strptime(ended, "%Y%m%d").date() if ended else None
    return codes


def test_the_set_is_large_enough_and_levels_enough_visits() -> None:
    assert len(ENTRIES) >= 40
    levelled = [entry for entry in ENTRIES if entry["em"] and entry["em"]["basis"] in {"mdm", "time"}]
    assert len(levelled) >= 35


def test_ids_and_files_are_unique_and_numbered() -> None:
    ids = [entry["id"] for entry in ENTRIES]
    assert len(set(ids)) == len(ids)
    for entry in ENTRIES:
        assert entry["file"] == f"notes/{entry['id']}.txt"
        assert re.fullmatch(r"\d{3}-[a-z0-9-]+", entry["id"])
    notes = {path.name for path in (GOLD_DIR / "notes").glob("*.txt")}
    assert notes == {f"{note_id}.txt" for note_id in ids}


@pytest.mark.parametrize(("folder", "entry"), EVERY_ENTRY)
def test_entry_has_every_field_with_its_type(folder: Path, entry: dict[str, Any]) -> None:
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
    # A queried gap and the query trap go together.
    assert bool(entry["queries"]) == ("query" in entry["traps"])


@pytest.mark.parametrize(("folder", "entry"), EVERY_ENTRY)
def test_note_is_a_realistic_length_and_states_its_date(folder: Path, entry: dict[str, Any]) -> None:
    text = note_text(entry, folder)
    assert 80 <= len(text.split()) <= 400
    assert entry["date"] in _dates_in(text)


@pytest.mark.parametrize(("folder", "entry"), EVERY_ENTRY)
def test_every_diagnosis_is_a_billable_leaf(folder: Path, entry: dict[str, Any]) -> None:
    for code in entry["diagnoses"]:
        assert cm.is_valid_item(code), code
        assert cm.is_leaf(code), code
        # The gold file writes codes with the dot, as a claim form shows them.
        assert len(code) <= 3 or code[3] == ".", code


@pytest.mark.parametrize(("folder", "entry"), EVERY_ENTRY)
def test_procedure_lines_are_well_formed(folder: Path, entry: dict[str, Any]) -> None:
    for line in entry["procedures"]:
        assert set(line) == {"code", "modifiers", "units"}
        assert re.fullmatch(r"\d{5}|[A-Z]\d{4}", line["code"]), line["code"]
        assert set(line["modifiers"]) <= MODIFIERS
        assert isinstance(line["units"], int)
        assert line["units"] >= 1


@pytest.mark.parametrize(("folder", "entry"), EVERY_ENTRY)
def test_hcpcs_codes_exist_and_are_active_on_the_date(folder: Path, entry: dict[str, Any]) -> None:
    letters = [line["code"] for line in entry["procedures"] if line["code"][0].isalpha()]
    if not letters:
        return
    known = _hcpcs_codes()
    for code in letters:
        assert code in known, code
        ended = known[code]
        assert ended is None or ended >= entry["date"], code


@pytest.mark.parametrize(("folder", "entry"), EVERY_ENTRY)
def test_em_is_first_and_agrees_with_the_note(folder: Path, entry: dict[str, Any]) -> None:
    em = entry["em"]
    if em is None:
        assert not any(line["code"].startswith("992") or line["code"].startswith("993") for line in entry["procedures"])
        return
    assert set(em) == {"code", "basis"}
    assert em["basis"] in BASES
    assert entry["procedures"][0]["code"] == em["code"]
    text = note_text(entry, folder).lower()
    if em["basis"] == "preventive":
        assert em["code"] in NEW_PREVENTIVE | ESTABLISHED_PREVENTIVE
        assert PREVENTIVE_AGE_FLOOR[int(em["code"][-1])] <= _age_in_years(text)
        ceiling = {1: 1, 2: 5, 3: 12, 4: 18, 5: 40, 6: 65}.get(int(em["code"][-1]))
        assert ceiling is None or _age_in_years(text) < ceiling
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
