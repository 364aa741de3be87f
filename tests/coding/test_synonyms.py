"""The maintained synonym table (``data/synonyms.yaml``): well formed, and read the way its entries mean."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from typing import Any

import pytest
import yaml

from revcycle.coding.coder import Coder
from revcycle.coding.lexicon import load_lexicon
from revcycle.refdata.store import ReferenceStore

DAY = date(2026, 6, 1)
SECTIONS = ("abbreviations", "case_sensitive", "ignore", "terms")


def raw_table() -> str:
    return resources.files("revcycle.coding").joinpath("data/synonyms.yaml").read_text(encoding="utf-8")


def table() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(raw_table())
    return loaded


def keys_as_written(section: str) -> list[str]:
    """The keys of one section in file order, repeats kept (a YAML load would silently keep the last)."""
    found: list[str] = []
    inside = False
    for line in raw_table().splitlines():
        if re.fullmatch(r"[a-z_]+:", line):
            inside = line == f"{section}:"
            continue
        entry = re.fullmatch(r"  ([^#\s][^:]*): .+", line)
        if inside and entry:
            found.append(entry.group(1))
    return found


def test_the_table_has_its_sections_and_nothing_else() -> None:
    assert set(table()) == set(SECTIONS)


def test_every_terms_code_is_in_the_release(icd_store: ReferenceStore) -> None:
    lexicon = load_lexicon(icd_store, DAY, cache=False)
    unknown = {
        phrase: code for phrase, code in table()["terms"].items() if str(code).replace(".", "") not in lexicon.codes
    }
    assert unknown == {}


@pytest.mark.parametrize("section", ["terms", "abbreviations", "case_sensitive"])
def test_no_phrase_appears_twice(section: str) -> None:
    written = keys_as_written(section)
    assert len(written) == len(table()[section])
    assert sorted({key for key in written if written.count(key) > 1}) == []


def test_no_phrase_is_both_plain_and_case_sensitive_shorthand() -> None:
    plain = set(table()["abbreviations"])
    assert sorted(short for short in table()["case_sensitive"] if short.lower() in plain) == []


@pytest.mark.parametrize("section", ["abbreviations", "case_sensitive"])
def test_every_shorthand_stands_for_words(section: str) -> None:
    assert sorted(short for short, words in table()[section].items() if not re.search(r"[a-z]", str(words))) == []


def test_no_term_is_written_with_shorthand_the_note_expands() -> None:
    """A note's shorthand is expanded before matching, so a term holding it could never match.

    Case-sensitive shorthand is only expanded as written ("CAP"), so a term may hold it in lower case ("cradle cap").
    """
    expands = {short for short, words in table()["abbreviations"].items() if str(words) != short}
    expands |= set(table()["case_sensitive"])
    written = [(phrase, re.findall(r"[A-Za-z0-9/.-]+", phrase)) for phrase in table()["terms"]]
    assert sorted(phrase for phrase, words in written if any(word in expands for word in words)) == []


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("Trigger finger, right ring finger.", "M65.341"),
        ("Bell palsy.", "G51.0"),
        ("Strep throat.", "J02.0"),
        ("Cradle cap.", "L21.0"),
        ("CAP, improving on azithromycin.", "J18.9"),
        ("Poison ivy on both forearms.", "L23.7"),
        ("Rotator cuff tear, right shoulder.", "M75.101"),
        ("Golfers elbow, right.", "M77.01"),
        ("Hip bursitis, left.", "M70.62"),
        ("Hammer toe, right foot.", "M20.41"),
        ("Osgood-Schlatter disease, right leg.", "M92.521"),
        ("Status post right TKR.", "Z96.651"),
        ("Lumbar DDD with chronic low back pain.", "M51.36"),
        ("PMR, stable.", "M35.3"),
        ("Diabetic foot ulcer, left heel.", "E11.621"),
        ("Venous stasis ulcer.", "I87.2"),
        ("Aortic stenosis, moderate.", "I35.0"),
        ("RBBB on ECG.", "I45.10"),
        ("Frequent PVCs.", "I49.3"),
        ("BPPV.", "H81.10"),
        ("Meniere disease, left ear.", "H81.02"),
        ("Eustachian tube dysfunction, right ear.", "H69.91"),
        ("Hiatal hernia.", "K44.9"),
        ("RUQ pain.", "R10.11"),
        ("Elevated PSA.", "R97.20"),
        ("Vaginal atrophy.", "N95.2"),
        ("Athletes foot.", "B35.3"),
        ("Postherpetic neuralgia.", "B02.29"),
        ("On clopidogrel after his stent.", "Z79.02"),
        ("Kidney transplant recipient.", "Z94.0"),
        ("Status post left total hip arthroplasty.", "Z96.642"),
        ("S/P splenectomy.", "Z90.81"),
        ("S/P PCI to the LAD in 2022.", "Z98.61"),
        ("Chemotherapy induced peripheral neuropathy.", "G62.0"),
        ("CLL, stable.", "C91.10"),
        ("Positive quantiferon, no active TB.", "R76.12"),
        ("Nursemaid elbow, right.", "S53.031"),
        ("ACL tear, left knee.", "S83.512"),
    ],
)
def test_a_note_in_clinicians_words_is_coded_as_meant(coder: Coder, item: str, code: str) -> None:
    result = coder.code(f"Assessment:\n1. {item}\n", day=DAY)
    assert any(found.code.startswith(code) for found in result.diagnoses), [found.code for found in result.diagnoses]


def test_a_planned_procedure_is_not_read_as_the_status_it_would_leave(coder: Coder) -> None:
    result = coder.code("Assessment:\n1. Osteoarthritis of right knee. Refer for total knee replacement.\n", day=DAY)
    assert not any(found.code.startswith("Z96.65") for found in result.diagnoses)
