"""The engine's promises: crashes and missing tables become findings; the configuration selects and reshapes them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.edits import Category, Edit, EditReference, Problem, Review, Scrubber, Severity, load_config
from revcycle.edits.config import parse_config
from revcycle.edits.packs import read_pack
from revcycle.errors import InputFileError
from revcycle.refdata.store import ReferenceStore
from revcycle.services.scrub import records_from_json
from tests.edits.cases import DEFAULT_AS_OF, document_of

EXAMPLE_PACK = Path(__file__).parents[2] / "src/revcycle/edits/payer_packs/example-commercial.yaml"


class Crashes(Edit):
    """An edit that fails on every claim.

    Failing: any claim. Passing: none.
    """

    code = "TST01"
    name = "crashes"
    category = Category.CLAIM_INTEGRITY
    severity = Severity.WARNING
    source = "tests"
    looks_at = ("claim",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Fail."""
        raise ZeroDivisionError("boom")


class Flags(Edit):
    """Every claim is flagged.

    Failing: any claim. Passing: none.
    """

    code = "TST02"
    name = "flags-everything"
    category = Category.PAYER_RULE
    severity = Severity.ERROR
    source = "tests"
    looks_at = ("claim",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Flag the claim."""
        yield Problem(field="claim")


def _scrub(reference: EditReference, edits: list[Edit], config_text: str | None = None, **case: object) -> list[str]:
    config = parse_config(_yaml(config_text), Path("config.yaml")) if config_text else None
    records = records_from_json(document_of(dict(case)), "case.json")
    report = Scrubber(reference, config, edits).scrub(records.submitted(), DEFAULT_AS_OF)
    return [f"{finding.code}:{finding.severity}" for finding in report.findings]


def _yaml(text: str) -> object:
    import yaml

    return yaml.safe_load(text)


def test_an_edit_that_crashes_becomes_an_error_finding_and_the_run_goes_on(edit_reference: EditReference) -> None:
    assert _scrub(edit_reference, [Crashes(), Flags()]) == ["TST01:error", "TST02:error"]


class ReadsIcd(Edit):
    """Every diagnosis is looked up.

    Failing: none. Passing: any claim.
    """

    code = "TST03"
    name = "reads-icd"
    category = Category.CODE_VALIDITY
    severity = Severity.ERROR
    source = "tests"
    looks_at = ("diagnoses",)

    def check(self, review: Review) -> Iterator[Problem]:
        """Look up each diagnosis."""
        for code in review.claim.diagnosis_codes:
            review.reference.icd10cm(code, review.claim.first_service_date)
        yield from ()


def test_a_missing_table_is_a_warning_not_a_pass(tmp_path: Path, edit_reference: EditReference) -> None:
    empty = EditReference(ReferenceStore(tmp_path / "empty.sqlite"))
    assert _scrub(empty, [ReadsIcd()]) == ["TST03:warning"]
    assert _scrub(edit_reference, [ReadsIcd()]) == []


ASKED: list[str] = []


def _nothing(review: Review) -> tuple[str, ...]:
    ASKED.append("nothing")
    return ()


def _diagnoses(review: Review) -> tuple[str, ...]:
    ASKED.append("diagnoses")
    return review.diagnosis_codes


def _failing(review: Review) -> tuple[str, ...]:
    raise ZeroDivisionError("boom")


def _flags_when(fact: object, code: str) -> Edit:
    """A `Flags` edit that reports only from ``fact`` (`Edit.when_fact`)."""
    kind = type(f"Flags{code}", (Flags,), {"code": code, "when_fact": fact})
    edit: Edit = kind()
    return edit


def test_edits_that_report_from_an_empty_fact_are_passed_over_together(edit_reference: EditReference) -> None:
    ASKED.clear()
    edits = [_flags_when(_nothing, "TST04"), _flags_when(_nothing, "TST05"), _flags_when(_diagnoses, "TST06")]
    assert _scrub(edit_reference, edits) == ["TST06:error"]
    assert ASKED == ["nothing", "diagnoses"]


def test_a_fact_that_fails_leaves_its_edits_to_meet_the_failure(tmp_path: Path, edit_reference: EditReference) -> None:
    crashes = type("CrashesWhen", (Crashes,), {"when_fact": _failing})()
    reads = type("ReadsIcdWhen", (ReadsIcd,), {"when_fact": _failing})()
    assert _scrub(edit_reference, [crashes, _flags_when(_failing, "TST07")]) == ["TST01:error", "TST07:error"]
    empty = EditReference(ReferenceStore(tmp_path / "empty.sqlite"))
    assert _scrub(empty, [reads]) == ["TST03:warning"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("exclude: [TST02]", []),
        ("exclude: [payer_rule]", []),
        ("select: [flags-everything]", ["TST02:error"]),
        ("downgrade: [TST02]", ["TST02:warning"]),
        ("suppress: [TST02]", []),
        ("payers: {'00431': {downgrade: [TST02]}}", ["TST02:warning"]),
        ("payers: {'OTHER': {exclude: [TST02]}}", ["TST02:error"]),
    ],
)
def test_the_configuration_selects_and_reshapes_findings(
    edit_reference: EditReference, config: str, expected: list[str]
) -> None:
    assert _scrub(edit_reference, [Flags()], config) == expected


def test_suppressed_findings_are_counted(edit_reference: EditReference) -> None:
    records = records_from_json(document_of({}), "case.json")
    config = parse_config({"suppress": ["TST02"]}, Path("config.yaml"))
    report = Scrubber(edit_reference, config, [Flags()]).scrub(records.submitted(), DEFAULT_AS_OF)
    assert report.findings == ()
    assert report.suppressed == 1
    assert str(report.clean_claim_rate) == "100.0"


def test_a_bad_configuration_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("exclude: [A]\nexlcude: [B]\n")
    with pytest.raises(InputFileError, match="exlcude: is not a setting"):
        load_config(path)
    path.write_text("payers:\n  X: {timely_filing_days: -3}\n")
    with pytest.raises(InputFileError, match=r"payers\.X\.timely_filing_days"):
        load_config(path)
    path.write_text("select: [A\n")
    with pytest.raises(InputFileError, match="line 2"):
        load_config(path)


def test_the_example_pack_applies_to_its_payer_only(tmp_path: Path, edit_reference: EditReference) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"packs: [{EXAMPLE_PACK}]\n")
    loaded = load_config(config)
    therapy = {"lines": [{"procedure_code": "97110", "units": "2", "charge": "60.00"}]}
    payer = {"payer_identifier": "EXAMPLE01", "claim_filing_indicator": "CI"}
    records = records_from_json(document_of({"claim": therapy, "payer": payer}), "case.json")
    findings = Scrubber(edit_reference, loaded).scrub(records.submitted(), DEFAULT_AS_OF).findings
    assert [(finding.code, finding.line, finding.fix) for finding in findings] == [
        ("EXC02", 1, "add modifier GP to the line")
    ]
    medicare = records_from_json(document_of({"claim": therapy}), "case.json")
    assert not Scrubber(edit_reference, loaded).scrub(medicare.submitted(), date(2026, 8, 1)).findings


def test_the_example_pack_diagnosis_and_authorization_rules(edit_reference: EditReference) -> None:
    pack = read_pack(EXAMPLE_PACK)
    payer = {"payer_identifier": "EXAMPLE01", "claim_filing_indicator": "CI"}
    cases = {
        "vitamin D for hypertension": ({"lines": [{"procedure_code": "82306", "charge": "40.00"}]}, ["EXC01"]),
        "vitamin D for deficiency": (
            {"diagnoses": [{"code": "E55.9"}], "lines": [{"procedure_code": "82306", "charge": "40.00"}]},
            [],
        ),
        "MRI without authorization": ({"lines": [{"procedure_code": "72148", "charge": "900.00"}]}, ["EXC03"]),
        "MRI with authorization": (
            {"prior_authorization": "AUTH123", "lines": [{"procedure_code": "72148", "charge": "900.00"}]},
            [],
        ),
    }
    for name, (claim, expected) in cases.items():
        records = records_from_json(document_of({"claim": claim, "payer": payer}), "case.json")
        report = Scrubber(edit_reference, None, list(pack.rules)).scrub(records.submitted(), DEFAULT_AS_OF)
        assert [finding.code for finding in report.findings] == expected, name


def test_a_bad_pack_names_the_rule_and_key(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text("pack: p\npayers: [X]\nrules:\n  - {code: A1, name: a, message: m, source: s, procedures: [1]}\n")
    with pytest.raises(InputFileError, match=r"rules\[0\].require"):
        read_pack(path)


def test_edits_about_modifiers_run_on_modifiers_in_lower_case(edit_reference: EditReference) -> None:
    """A line made without its checks (a reader's `fields.trusted`) may keep a modifier as submitted, in lower case."""
    document = document_of(
        {"claim": {"lines": [{"procedure_code": "73030", "service_date": "2026-07-06", "modifiers": ["RT", "LT"]}]}}
    )
    records = records_from_json(document, "lower.json")
    submitted = list(records.submitted())
    for item in submitted:
        for service in item.claim.lines:
            object.__setattr__(service, "modifiers", tuple(modifier.lower() for modifier in service.modifiers))
    assert [line.modifiers for item in submitted for line in item.claim.lines] == [("rt", "lt")]
    findings = Scrubber(edit_reference).scrub(submitted, DEFAULT_AS_OF).results[-1].findings
    assert "MOD02" in {finding.code for finding in findings}
