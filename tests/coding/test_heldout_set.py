"""The held-out gold set: what makes it held out, beside the per-note checks it shares with the tuning set.

The held-out notes (101-120) were written after the engine and never used to tune its diagnoses, so their use is
an honest figure on unseen text. Every per-note check of ``test_gold_set`` (fields, billable codes, procedure
lines, HCPCS codes, E/M against the note) runs on both sets there; what is checked here is the set itself: its
numbering, dates inside April-September 2026, age and sex stated, and no passage shared with the tuning notes.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest

from tests.coding.test_gold_set import (
    AGE,
    GOLD_DIR,
    HELDOUT_DIR,
    REQUIRED_TRAPS,
    STYLES,
    _dates_in,
    entries_of,
    note_text,
)

FIRST_DAY = date(2026, 4, 1)
LAST_DAY = date(2026, 9, 30)
SEX = re.compile(r"\b(?:woman|man|male|female|boy|girl|young man|young woman)\b|\b\d{1,3} ?(?:yo|y/o) [MF]\b", re.I)
# Eight words in a row is long enough that a shared run means copied text, short enough to catch a paraphrase
# that kept a clause.
SHINGLE = 8


ENTRIES = entries_of(HELDOUT_DIR)
IDS = [entry["id"] for entry in ENTRIES]


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
def test_note_is_a_realistic_length_and_states_date_age_and_sex(entry: dict[str, Any]) -> None:
    text = note_text(entry, HELDOUT_DIR)
    assert 80 <= len(text.split()) <= 400
    assert FIRST_DAY <= entry["date"] <= LAST_DAY
    assert entry["date"] in _dates_in(text)
    assert AGE.search(text), "no numeric age in the note"
    assert SEX.search(text), "no sex stated in the note"


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
    shared = {entry["id"]: sorted(_shingles(note_text(entry, HELDOUT_DIR)) & tuning)[:3] for entry in ENTRIES}
    assert {note_id: runs for note_id, runs in shared.items() if runs} == {}
