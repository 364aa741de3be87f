"""The validator on files it should accept, on each kind of error it should name, and on the whole corpus."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from revcycle.services.datasets import parse_dataset
from revcycle.x12 import walker as walker_module
from revcycle.x12.control_numbers import MemoryControlNumbers
from revcycle.x12.elements import MEMO_LIMIT, SegmentChecker, check_elements, element_problems
from revcycle.x12.errors import X12Error
from revcycle.x12.fastpath import fast_pattern
from revcycle.x12.findings import X12Finding
from revcycle.x12.guides.registry import guide_for
from revcycle.x12.tokens import Delimiters, Segment, read_bytes, read_file
from revcycle.x12.validate import ValidationResult, validate_segments
from revcycle.x12.walker import Walker
from revcycle.x12.write837 import Parties, X12Settings, write_837
from tests.demo_data import demo_document
from tests.x12.corpus import X12_SAMPLES, samples

DEMO_835 = Path(str(files("revcycle") / "demo_data" / "demo.835"))


def demo_837() -> str:
    dataset = parse_dataset(demo_document())
    records = dataset.records
    parties = Parties.of(records["patients"], records["coverages"], records["payers"], records["providers"])
    settings = X12Settings(
        sender_id="REVCYCLE",
        receiver_id="CLEARINGHOUSE",
        submitter_name="RIVERBEND BILLING",
        contact_name="BILLING OFFICE",
        contact_phone="5555550100",
        receiver_name="CLEARINGHOUSE",
    )
    return write_837(
        records["claims"], parties, settings, MemoryControlNumbers(), created=datetime(2026, 11, 27, 9, 30)
    )


def validate_text(text: str) -> ValidationResult:
    return validate_segments(read_bytes(text.encode(), "claims.837"), "claims.837")


def rules(result: ValidationResult) -> set[str]:
    return {finding.rule for finding in result.errors}


def only(result: ValidationResult, rule: str) -> X12Finding:
    found = [finding for finding in result.errors if finding.rule == rule]
    assert len(found) == 1, [str(finding) for finding in result.errors]
    return found[0]


def replace_segment(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def segment_starting(text: str, start: str) -> str:
    return next(line for line in text.split("~\n") if line.startswith(start))


def test_the_demo_claims_and_remittance_are_valid() -> None:
    result = validate_text(demo_837())
    assert result.valid, [str(finding) for finding in result.findings]
    assert [(t.identifier, t.guide, t.accepted) for t in result.transactions] == [("837", "837P", True)]
    remittance = validate_segments(read_file(DEMO_835), str(DEMO_835))
    assert remittance.valid, [str(finding) for finding in remittance.findings]


def test_a_missing_required_segment_names_its_loop() -> None:
    text = demo_837()
    sbr = segment_starting(text, "SBR*")
    finding = only(validate_text(replace_segment(text, sbr + "~\n", "")), "required-segment")
    assert finding.loop == "2000B"
    assert "SBR" in finding.message
    assert finding.segment_error_code == "3"


def test_a_bad_code_names_the_element() -> None:
    text = demo_837()
    clm = segment_starting(text, "CLM*")
    broken = clm.replace(":B:1*", ":Z:1*")
    finding = only(validate_text(replace_segment(text, clm, broken)), "code-value")
    assert (finding.segment_id, finding.loop, finding.element, finding.component) == ("CLM", "2300", 5, 2)
    assert finding.element_error_code == "7"
    assert finding.value == "Z"
    assert "segment" in str(finding)
    assert "element CLM05-2" in str(finding)


def test_a_missing_required_element() -> None:
    text = demo_837()
    nm1 = segment_starting(text, "NM1*85*")
    elements = nm1.split("*")
    elements[3] = ""
    finding = only(validate_text(replace_segment(text, nm1, "*".join(elements))), "required-element")
    assert (finding.segment_id, finding.loop, finding.element) == ("NM1", "2010AA", 3)
    assert finding.element_error_code == "1"


def test_lengths_dates_and_numbers_are_checked() -> None:
    text = demo_837()
    dtp = segment_starting(text, "DTP*472*D8*")
    result = validate_text(replace_segment(text, dtp, "DTP*472*D8*20261332"))
    assert "element-date" in rules(result) or "element-length" in rules(result) or "code-value" in rules(result)
    clm = segment_starting(text, "CLM*")
    parts = clm.split("*")
    parts[2] = "12x.00"
    assert "element-type" in rules(validate_text(replace_segment(text, clm, "*".join(parts))))
    parts[2] = "1" * 19
    assert "element-length" in rules(validate_text(replace_segment(text, clm, "*".join(parts))))


def test_counts_and_control_numbers_of_the_envelope() -> None:
    text = demo_837()
    se = segment_starting(text, "SE*")
    count, number = se.split("*")[1:3]
    assert "se-count" in rules(validate_text(replace_segment(text, se, f"SE*{int(count) + 1}*{number}")))
    assert "control-number" in rules(validate_text(replace_segment(text, se, f"SE*{count}*9999")))
    ge = segment_starting(text, "GE*")
    assert "ge-count" in rules(validate_text(replace_segment(text, ge, ge.replace("GE*1*", "GE*2*"))))
    iea = segment_starting(text, "IEA*")
    assert "control-number" in rules(validate_text(replace_segment(text, iea, "IEA*1*000000777")))


def test_the_hl_hierarchy_is_checked() -> None:
    text = demo_837()
    second = segment_starting(text, "HL*2*")
    result = validate_text(replace_segment(text, second, second.replace("HL*2*1*", "HL*2*7*")))
    assert "hl-parent" in rules(result)
    result = validate_text(replace_segment(text, second, second.replace("HL*2*", "HL*5*")))
    assert "hl-sequence" in rules(result)


def test_an_unexpected_segment_is_reported_and_reading_goes_on() -> None:
    text = demo_837()
    bht = segment_starting(text, "BHT*")
    result = validate_text(replace_segment(text, bht, bht + "~\nZZZ*1"))
    finding = only(result, "unrecognized-segment")
    assert finding.segment_id == "ZZZ"
    assert finding.segment_error_code == "1"
    result = validate_text(replace_segment(text, bht, bht + "~\nSV1*HC:99213*10*UN*1"))
    assert only(result, "unexpected-segment").segment_id == "SV1"


def test_a_repeated_segment_over_its_maximum() -> None:
    text = demo_837()
    sbr = segment_starting(text, "SBR*")
    result = validate_text(replace_segment(text, sbr, f"{sbr}~\n{sbr}"))
    assert result.errors


def test_835_balancing_rules() -> None:
    text = DEMO_835.read_text(encoding="utf-8")
    svc = next(line for line in text.replace("\n", "").split("~") if line.startswith("SVC*"))
    parts = svc.split("*")
    parts[3] = f"{Decimal(parts[3]) + 1:.2f}"  # pays the line a dollar more than charge less adjustments
    result = validate_text(text.replace(svc, "*".join(parts), 1))
    assert rules(result) == {"line-balance"}
    assert only(result, "line-balance").segment_id == "SVC"
    bpr = next(line for line in text.replace("\n", "").split("~") if line.startswith("BPR*"))
    bpr_parts = bpr.split("*")
    bpr_parts[2] = "0.01"
    assert only(validate_text(text.replace(bpr, "*".join(bpr_parts), 1)), "payment-balance").segment_id == "BPR"


def test_835_balancing_sums_amounts_as_written_and_empty_or_zero_ones_as_0() -> None:
    text = DEMO_835.read_text(encoding="utf-8")
    # a line adjusted by 79 (a zero amount beside it) and 26, charged 210.00 and paid 104.00: one dollar short
    text = text.replace("CAS*CO*45*80.00", "CAS*CO*45*79**1*0.00", 1).replace("CAS*PR*2*26.00", "CAS*PR*2*26", 1)
    line = only(validate_text(text), "line-balance")
    assert line.message == ("service line does not balance: charge 210.00 - adjustments 105 - paid 104.00 = 1.00"), (
        line.message
    )


@pytest.mark.parametrize("amount", ["sNaN", "1E999999999", "Infinity"])
def test_an_amount_decimal_arithmetic_cannot_take_is_reported_not_raised(amount: str) -> None:
    text = DEMO_835.read_text(encoding="utf-8").replace("CAS*CO*45*80.00", f"CAS*CO*45*{amount}", 1)
    result = validate_text(text)
    assert only(result, "element-type").value == amount
    assert "line-balance" in rules(result)  # the amount counts as zero, so the line no longer balances


def test_a_transaction_without_a_guide_is_named() -> None:
    text = demo_837().replace("005010X222A1", "004010X098A1")
    assert "unsupported-transaction" in rules(validate_text(text))


def test_findings_print_and_serialise_their_place() -> None:
    finding = X12Finding(
        rule="code-value",
        message="'Z' is not a valid code here",
        path="a.837",
        segment_index=11,
        segment_id="CLM",
        loop="2300",
        element=5,
        component=2,
    )
    assert (
        str(finding) == "a.837, segment 12 (CLM), loop 2300, element CLM05-2: 'Z' is not a valid code here [code-value]"
    )
    assert finding.to_json()["segment_index"] == 11


def _corpus() -> list[Path]:
    return [
        path
        for folder in ("837P", "837I", "835", "277CA", "277", "999", "270", "271", "276")
        for path in samples(folder)
    ]


def test_the_corpus_validates_or_is_refused_and_nothing_else() -> None:
    paths = _corpus()
    if not paths:
        pytest.skip(f"no samples under {X12_SAMPLES}")
    for path in paths:
        try:
            result = validate_segments(read_file(path), str(path))
        except X12Error:
            continue
        for finding in result.findings:
            assert finding.rule
            assert finding.message


def test_the_walkers_learned_moves_place_as_the_search_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every file of the corpus, and each with its segments in another order, validated with the moves the walker
    # learns and with the search alone: the same findings, field by field.
    paths = _corpus()
    if not paths:
        pytest.skip(f"no samples under {X12_SAMPLES}")
    texts: list[tuple[str, bytes]] = []
    for path in paths:
        data = path.read_bytes()
        texts.append((str(path), data))
        try:
            segments = [segment.raw for segment in read_bytes(data)]
        except X12Error:
            continue
        body = segments[3:-3]  # between the ST and the SE: swap neighbours, drop one, repeat one
        if len(body) > 4:
            body[1], body[2] = body[2], body[1]
            del body[len(body) // 2]
            body.insert(-1, body[-2])
        texts.append((f"{path} reordered", "~\n".join([*segments[:3], *body, *segments[-3:], ""]).encode()))

    def findings() -> list[list[X12Finding]]:
        found = []
        for name, data in texts:
            try:
                found.append(validate_segments(read_bytes(data, name), name).findings)
            except X12Error:
                found.append([])
        return found

    learned = findings()
    again = findings()  # with what the first pass learned
    monkeypatch.setattr(walker_module._GuideLayout, "learn", lambda *arguments: None)
    monkeypatch.setattr(walker_module, "_LAYOUTS", {})
    searched = findings()
    assert learned == again == searched
    assert sum(map(len, learned)) > 100


def test_the_fast_path_never_accepts_what_the_element_checks_refuse() -> None:
    paths = _corpus()
    if not paths:
        pytest.skip(f"no samples under {X12_SAMPLES}")
    checked = 0
    for path in paths:
        try:
            segments = list(read_file(path))
        except X12Error:
            continue
        walker: Walker | None = None
        version = ""
        for segment in segments:
            if segment.id == "GS":
                version = segment[8]
            if segment.id == "ST":
                guide = guide_for(segment[1], segment[3] or version)
                walker = Walker(guide, lambda finding: None) if guide else None
            if walker is None or segment.id in ("GS", "GE", "IEA", "ISA"):
                continue
            spec = walker.place(segment)
            pattern = fast_pattern(spec, segment.delimiters) if spec else None
            if spec and pattern and pattern.fullmatch(segment.text()):
                checked += 1
                problems = [problem for problem in check_elements(segment, spec) if problem[0] != "syntax-rule"]
                assert not problems, f"{path}: {segment.text()}: {problems}"
    assert checked > 10_000


def test_a_segment_repeated_verbatim_is_reported_at_each_occurrence() -> None:
    text = demo_837()
    dtp = segment_starting(text, "DTP*472*D8*")
    broken = replace_segment(text, dtp, "DTP*472*D8*20261332").replace(dtp, "DTP*472*D8*20261332")
    by_segment: dict[int | None, list[tuple[str, str, int | None]]] = {}
    for finding in validate_text(broken).errors:
        if finding.segment_id == "DTP":
            by_segment.setdefault(finding.segment_index, []).append((finding.rule, finding.message, finding.element))
    # the demo's lines share a date of service: after the first, the problems are looked up, not checked again
    assert len(by_segment) == text.count(dtp + "~") > 1
    first, *others = by_segment.values()
    assert first
    assert all(other == first for other in others)


def test_the_checker_remembers_exactly_what_the_element_checks_say() -> None:
    paths = _corpus()
    if not paths:
        pytest.skip(f"no samples under {X12_SAMPLES}")
    checked = 0
    for path in paths[:40]:
        try:
            segments = list(read_file(path))
        except X12Error:
            continue
        walker: Walker | None = None
        checkers: dict[object, SegmentChecker] = {}
        version = ""
        for segment in segments + segments:  # the second pass answers from the memo
            if segment.id == "GS":
                version = segment[8]
            if segment.id == "ST":
                guide = guide_for(segment[1], segment[3] or version)
                walker = Walker(guide, lambda finding: None) if guide else None
            if walker is None or segment.id in ("GS", "GE", "IEA", "ISA"):
                continue
            spec = walker.place(segment)
            if spec is None:
                continue
            checker = checkers.setdefault(spec, SegmentChecker(spec, segment.delimiters))
            assert list(checker.problems(segment)) == element_problems(segment, spec), segment.text()
            checked += 1
    assert checked > 1_000


def test_the_checker_memo_stays_bounded() -> None:
    guide = guide_for("835", "005010X221A1")
    assert guide is not None
    walker = Walker(guide, lambda finding: None)
    delimiters = Delimiters()
    walker.place(Segment("ST", ["835", "0001"], 0, 0, delimiters, "ST*835*0001"))
    spec = walker.place(Segment("BPR", ["I", "1.00"], 1, 0, delimiters, "BPR*I*1.00"))
    assert spec is not None
    checker = SegmentChecker(spec, delimiters)
    for cents in range(MEMO_LIMIT + 10):
        elements = ["I", f"{cents / 100:.2f}", "C", "CHK", "", "", "", "", "", "", "", "", "", "", "", "20260301"]
        segment = Segment("BPR", elements, 1, 0, delimiters, "*".join(["BPR", *elements]))
        assert list(checker.problems(segment)) == element_problems(segment, spec)
        assert len(checker.memo) <= MEMO_LIMIT
    made_in_code = Segment("BPR", ["I"], 1, 0, delimiters)  # no text as read: checked, never remembered
    assert list(checker.problems(made_in_code)) == element_problems(made_in_code, spec)
    assert "" not in checker.memo
