"""Every built-in edit documents itself and has fixtures, as linters' rules do."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest

from revcycle.edits.edit import Edit
from revcycle.edits.finding import Category, Severity
from revcycle.edits.registry import builtin_edits
from tests.edits.cases import FIXTURES, all_cases

EDITS = builtin_edits()
CASES = all_cases()


@pytest.mark.parametrize("edit", EDITS, ids=[edit.code for edit in EDITS])
def test_edit_is_documented(edit: type[Edit]) -> None:
    doc = inspect.getdoc(edit) or ""
    lines = doc.splitlines()
    assert lines, f"{edit.code} has no docstring"
    assert lines[0].strip(), f"{edit.code} has no message (the docstring's first line)"
    assert "Failing" in doc, f"{edit.code}'s docstring shows no failing claim"
    assert "Passing" in doc, f"{edit.code}'s docstring shows no passing claim"
    assert edit.source.strip(), f"{edit.code} names no official source"
    assert isinstance(edit.category, Category)
    assert isinstance(edit.severity, Severity)
    assert edit.looks_at, f"{edit.code} does not declare what it looks at"
    assert edit.name == edit.name.lower(), f"{edit.code}'s name is not lower case"
    assert " " not in edit.name, f"{edit.code}'s name is not kebab-case"


@pytest.mark.parametrize("edit", EDITS, ids=[edit.code for edit in EDITS])
def test_edit_has_failing_and_passing_fixtures(edit: type[Edit]) -> None:
    assert (FIXTURES / f"{edit.code}.yaml").exists(), f"{edit.code} has no fixture file"
    cases = [case for case in CASES if case.edit == edit.code]
    assert any(case.fails for case in cases), f"{edit.code} has no failing case"
    assert any(not case.fails for case in cases), f"{edit.code} has no passing case"


def test_codes_and_names_are_unique() -> None:
    assert len({edit.code for edit in EDITS}) == len(EDITS)
    assert len({edit.name for edit in EDITS}) == len(EDITS)


def test_there_are_at_least_forty_edits() -> None:
    assert len(EDITS) >= 40


def test_every_category_has_an_edit() -> None:
    assert {edit.category for edit in EDITS} >= set(Category) - {Category.PAYER_RULE}


def test_the_catalogue_in_docs_is_current() -> None:
    script = Path(__file__).resolve().parents[2] / "scripts" / "edits_doc.py"
    spec = importlib.util.spec_from_file_location("edits_doc", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = module.DOC.read_text(encoding="utf-8") if module.DOC.exists() else ""
    assert current == module.render(), "docs/edits.md is stale: run .venv/bin/python scripts/edits_doc.py"
