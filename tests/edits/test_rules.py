"""Every edit's fixture cases: a failing case finds what it states and nothing else; a passing case finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from revcycle.edits import EditReference, Scrubber
from revcycle.edits.config import parse_config
from revcycle.services.scrub import records_from_json
from tests.edits.cases import FIXTURES, Case, all_cases

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{case.edit}: {case.name}" for case in CASES])
def test_edit_case(case: Case, edit_reference: EditReference) -> None:
    records = records_from_json(case.document, f"{case.edit}.yaml")
    config = parse_config(case.config, FIXTURES / f"{case.edit}.yaml") if case.config else None
    report = Scrubber(edit_reference, config).scrub(records.submitted(), case.as_of)
    findings = report.results[-1].findings
    shown = [f"{finding.code} line {finding.line} {finding.field}: {finding.message}" for finding in findings]
    others = [finding for finding in findings if finding.code != case.edit and finding.code not in case.also]
    assert not others, f"findings of other edits: {shown}"
    own = [finding for finding in findings if finding.code == case.edit]
    if not case.fails:
        assert not own, f"a passing case found: {shown}"
        return
    assert case.expect is not None
    assert len(own) == len(case.expect), f"expected {case.expect}, found {shown}"
    for finding, expected in zip(own, case.expect, strict=True):
        assert finding.line == expected.get("line"), shown
        if "field" in expected:
            assert finding.field == expected["field"], shown
        if "message" in expected:
            assert expected["message"] in finding.message, shown
        if "severity" in expected:
            assert str(finding.severity) == expected["severity"], shown


def test_every_fixture_file_is_named_by_its_edit() -> None:
    for path in FIXTURES.glob("*.yaml"):
        cases = [case for case in CASES if case.edit == path.stem]
        assert cases, f"{path.name} holds no case of edit {path.stem}"


def test_the_fixture_folder_exists() -> None:
    assert Path(FIXTURES).is_dir()
