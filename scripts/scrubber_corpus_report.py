"""Regenerate docs/scrubber-corpus.md: the scrubber's findings on every public 5010 837P/837I sample, judged.

Run:  .venv/bin/python scripts/scrubber_corpus_report.py [--store PATH]

Each sample under ../shared/x12/837P and 837I (5010 interchanges) is read as `revcycle claim scrub` reads it and
scrubbed twice against the reference tables the edit tests load (tests/edits/conftest.py; built into a temporary
store unless --store names one): as dated, judged as of 2026-06-01; and re-dated (every date of the claims, patients
and coverages moved by the same number of days so that the file's first date of service is 2026-07-15), judged as
of 2026-09-01, so that the edits whose 2026 tables do not govern the samples' old dates look at the codes. The
judgement of each finding comes from RULES below (checks of the claim, e.g. whether a "duplicate" drug line has
its own NDC), else EXCEPTIONS (by sample), else JUDGEMENTS (by code), all reviewed by hand: a finding no entry
covers is printed as "to review", so a new edit's findings are never judged unseen.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests package holds the sample list and the reference files the tests load

from tests.edits.conftest import SCRUB_REFERENCE_FILES  # noqa: E402
from tests.edits.test_corpus import AS_OF, REDATED_AS_OF, REDATED_FIRST_SERVICE, is_5010, redated  # noqa: E402
from tests.x12.corpus import X12_SAMPLES, is_deliberately_broken, samples  # noqa: E402

from revcycle.domain import ClaimKind  # noqa: E402
from revcycle.edits import EditReference, Finding, ScrubConfig, ScrubReport, Severity, Submitted  # noqa: E402
from revcycle.errors import InputFileError  # noqa: E402
from revcycle.refdata.edit_tables import MueSetting  # noqa: E402
from revcycle.refdata.store import ReferenceStore  # noqa: E402
from revcycle.services.scrub import ScrubRun, scrub_records  # noqa: E402
from revcycle.services.scrub_inputs import read_claims_file  # noqa: E402

TARGET = ROOT / "docs" / "scrubber-corpus.md"
# How the engine says an edit could not look at a claim: "not checked: ..." or "not checked (nor AOC02, AOC03): ...".
NOT_CHECKED = "not checked"
NOT_CHECKED_TOO = re.compile(r"^not checked \(nor ([^)]*)\)")

ARTEFACT = "test-data artefact"
TRUE_ERROR = "true error in the sample"
FALSE_POSITIVE = "false positive of the edit"

# Judgements by edit code, for the run as dated ("dated") and re-dated ("redated"): (verdict, why).
JUDGEMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "INT01": {
        "dated": (
            ARTEFACT,
            "a provider's NPI is a placeholder failing its check digit (1234567890, 9876543210, 9999999999 ...); a "
            "payer would reject it; the 837 reader makes no provider record for an invalid NPI, so the edit says the "
            "provider is not given (the claim's notes name the NPI)",
        ),
    },
    "INT02": {"dated": (TRUE_ERROR, "SV107 points past the claim's diagnoses")},
    "INT04": {"dated": (TRUE_ERROR, "CLM02 is not the sum of the SV102/SV203 line charges")},
    "INT05": {"dated": (TRUE_ERROR, "a line's date of service lies outside the DTP*434 statement period")},
    "TF01": {
        "dated": (ARTEFACT, "services of 1996-2013 judged on 2026-06-01 are years past any filing limit"),
    },
    "COD06": {
        "dated": (TRUE_ERROR, "ICD-9-CM diagnoses on services after 2015-10-01 (the sample's dates were changed)"),
        "redated": (ARTEFACT, "the sample codes ICD-9-CM, right for its real dates, wrong once re-dated to 2026"),
    },
    "DUP01": {
        "dated": (TRUE_ERROR, "two lines bill the same code, modifiers and date of service"),
    },
    "COD03": {
        "redated": (
            ARTEFACT,
            "the code is not in the 2026 code sets: deleted since the sample's 2004-2006 dates (90782, 99201, "
            "87072, J1550, J7051 ...)",
        ),
    },
    "COD04": {
        "redated": (
            FALSE_POSITIVE,
            "RH is an ambulance origin/destination modifier (residence to hospital: Medicare Claims Processing "
            "Manual ch. 15 section 30), which the HCPCS modifier list does not carry; COD04 should accept the pairs",
        ),
    },
    "MUE03": {"redated": (TRUE_ERROR, "the line's units on one day exceed the code's MUE")},
    "INT06": {
        "redated": (
            ARTEFACT,
            "the file's dates span years (claims of 2005 and 2006, or a 2012 statement period around 2005 lines): "
            "moved by one offset, the later ones land after the day of judgement",
        ),
    },
}
# Warnings that an edit could not check (no release in force on the date): the same judgement for every code.
NOT_CHECKED_JUDGEMENT = {
    "dated": (
        ARTEFACT,
        "the samples' dates of service (1996-2020) precede the 2026 releases loaded; the edit says it could not "
        "check rather than passing the claim",
    ),
    "redated": (ARTEFACT, "the test store loads no release of the edit's table that governs the re-dated services"),
}
# Per sample and code, where the code's judgement does not hold: (sample path under ../shared/x12, code) -> judgement.
EXCEPTIONS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("837I/stupidedi/c2019_X223A1-HC837_fail_5.edi", "COD03", "redated"): (
        TRUE_ERROR,
        "98765 is in no code set loaded (a number made up for the test)",
    ),
    ("837P/oopfactory/TestData__ProfessionalClaim1.txt", "COD04", "redated"): (
        TRUE_ERROR,
        "BB and DD are no modifiers (the test file's line 1 carries 99213:AA:BB:CC:DD)",
    ),
}


def _repeated_drug(finding: Finding, submitted: Submitted, reference: EditReference) -> tuple[str, str] | None:
    """DUP01 on a drug line whose NDC differs from every earlier line of the same code: a false positive."""
    lines = list(submitted.claim.lines)
    flagged = next((service for service in lines if service.line_number == finding.line), None)
    if flagged is None or flagged.ndc is None:
        return None
    earlier = [
        service
        for service in lines[: lines.index(flagged)]
        if (service.procedure_code, service.service_date) == (flagged.procedure_code, flagged.service_date)
    ]
    if not earlier or any(service.ndc == flagged.ndc for service in earlier):
        return None
    return (
        FALSE_POSITIVE,
        "the lines bill one HCPCS code for different drugs (LIN03 NDCs differ), as the guide's drug examples do; "
        "DUP01 does not compare the NDC",
    )


def _mue_exception(finding: Finding, submitted: Submitted, reference: EditReference) -> tuple[str, str] | None:
    """MUE03 where the practitioner table cannot judge the line: a supplier's item, or a span of days."""
    service = next((line for line in submitted.claim.lines if line.line_number == finding.line), None)
    if service is None:
        return None
    setting: MueSetting = "practitioner" if submitted.claim.kind is ClaimKind.PROFESSIONAL else "hospital"
    mue = reference.mue(service.procedure_code, service.service_date, setting)
    if mue is None:
        return None
    if mue.value == 0:
        return (
            FALSE_POSITIVE,
            "DME, oxygen and ambulance supply codes have a practitioner MUE of 0: suppliers bill them to the DME MAC "
            "under the DME supplier MUE table, which MUE03 does not use for a supplier's claim",
        )
    days = (service.last_service_date - service.service_date).days + 1
    if days > 1 and service.units / days <= mue.value:
        return (
            FALSE_POSITIVE,
            f"the line spans {days} days (RD8) at {service.units / days:g} units a day, within the per-day MUE of "
            f"{service.procedure_code}; MUE03 compares the whole span's units with one day's MUE",
        )
    return None


# Judgements that depend on the claim, tried first: a function of the finding, the claim and the reference tables,
# None to fall through.
RULES: dict[str, Callable[[Finding, Submitted, EditReference], tuple[str, str] | None]] = {
    "DUP01": _repeated_drug,
    "MUE03": _mue_exception,
}


# Why the 837 reader refuses a sample not named broken: a part of the reason, and the judgement.
REFUSALS = (
    ("a BK code is required", TRUE_ERROR, "the HI composites are split into elements (HI*BK*8901, not HI*BK:8901)"),
    ("qualifier 'XX'", ARTEFACT, "placeholder values copied from a template (SV101-1 XX)"),
    ("has no terminator", ARTEFACT, "a no-break space after the last segment terminator (an editor's leftover)"),
    ("needs its subscriber (2330A) and payer (2330B)", TRUE_ERROR, "a 2320 loop without its required 2330B payer"),
    ("is not a whole number", TRUE_ERROR, "SV107 diagnosis pointer written as 1.00"),
    ("share one place in the order of payers", TRUE_ERROR, "two 2320 loops with the same SBR01"),
    ("has no date of service (DTP*472)", TRUE_ERROR, "DPT*472 typed for DTP*472: the line has no date of service"),
)


def refusal(reason: str) -> str:
    """The judgement of the reader's refusal of a sample not named broken."""
    for part, verdict, why in REFUSALS:
        if part in reason:
            return f"{verdict}: {why}"
    return "to review"


def build_store(folder: Path) -> Path:
    """The reference store the edit tests load, built into ``folder``."""
    from tests.shared_files import SHARED

    from revcycle.services.refdata import import_bundled, import_reference_file

    path = folder / "refdata.sqlite"
    store = ReferenceStore(path)
    for name in SCRUB_REFERENCE_FILES:
        import_reference_file(store, SHARED / name)
    # As tests/edits/conftest.py builds the session store: the CPT code list and the hospital NCCI pairs bundled.
    import_bundled(store, only=("BUNDLED_CPT", "BUNDLED_NCCI"))
    store.close()
    return path


def judged(
    name: str, finding: Finding, submitted: Submitted, run: str, not_checked: bool, reference: EditReference
) -> tuple[str, str]:
    """The judgement of a finding (see the module notes)."""
    code = finding.code
    if (name, code, run) in EXCEPTIONS:
        return EXCEPTIONS[name, code, run]
    rule = RULES.get(code)
    by_rule = rule(finding, submitted, reference) if rule is not None and not not_checked else None
    if by_rule is not None:
        return by_rule
    if not_checked:
        return NOT_CHECKED_JUDGEMENT[run]
    by_run = JUDGEMENTS.get(code, {})
    return by_run.get(run) or by_run.get("dated") or ("to review", "no judgement recorded yet")


def tally(
    name: str,
    finding: Finding,
    submitted: Submitted,
    run: str,
    counts: tuple[Counter[str], Counter[str], set[str], dict[str, set[str]]],
    reasons: dict[tuple[str, str], set[str]],
    reference: EditReference,
) -> None:
    """Count one finding and record its judgement."""
    errors, warnings, unchecked, verdicts = counts
    not_checked = finding.message.startswith(NOT_CHECKED)
    if not_checked:
        unchecked.add(finding.code)
        also = NOT_CHECKED_TOO.match(finding.message)
        if also:
            unchecked.update(code.strip() for code in also.group(1).split(","))
    elif finding.severity is Severity.ERROR:
        errors[finding.code] += 1
    else:
        warnings[finding.code] += 1
    verdict, why = judged(name, finding, submitted, run, not_checked, reference)
    key = "not checked" if not_checked else finding.code
    verdicts.setdefault(verdict, set()).add(key)
    reasons.setdefault((key, verdict), set()).add(why)


def describe(
    name: str, report: ScrubReport, run: str, reasons: dict[tuple[str, str], set[str]], reference: EditReference
) -> tuple[str, str]:
    """The findings of a report by code, and the verdicts; each reason is collected for the legend."""
    errors: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    unchecked: set[str] = set()
    verdicts: dict[str, set[str]] = {}
    for result in report.results:
        for finding in result.findings:
            tally(name, finding, result.submitted, run, (errors, warnings, unchecked, verdicts), reasons, reference)
    parts = []
    if errors:
        parts.append("errors: " + ", ".join(f"{code} x{n}" for code, n in sorted(errors.items())))
    if warnings:
        parts.append("warnings: " + ", ".join(f"{code} x{n}" for code, n in sorted(warnings.items())))
    if unchecked:
        parts.append(f"not checked: {len(unchecked)} edit{'s' if len(unchecked) > 1 else ''}")
    found = "; ".join(parts) or "clean"
    verdict_text = "; ".join(f"{verdict}: {', '.join(sorted(keys))}" for verdict, keys in sorted(verdicts.items()))
    return found, verdict_text or "-"


def cell(text: str) -> str:
    """Text made safe for a markdown table cell."""
    return text.replace("|", "\\|")


def main() -> None:
    """Scrub every sample and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a reference store with the edit tests' tables")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = ReferenceStore(arguments.store or build_store(Path(folder)))
        run = ScrubRun(store, ScrubConfig(), AS_OF)
        reference = EditReference(store)
        rows: list[str] = []
        reasons: dict[tuple[str, str], set[str]] = {}
        redated_reasons: dict[tuple[str, str], set[str]] = {}
        totals: Counter[str] = Counter()
        for path in samples("837P") + samples("837I"):
            if not is_5010(path):
                continue
            name = str(path.relative_to(X12_SAMPLES))
            totals["samples"] += 1
            try:
                records = read_claims_file(path)
            except InputFileError as error:
                totals["refused"] += 1
                why = error.reason if error.location == "" else f"{error.location}: {error.reason}"
                verdict = "deliberately broken sample" if is_deliberately_broken(path) else refusal(error.reason)
                rows.append(f"| `{cell(name)}` | refused | {cell(why)} | {verdict} | - | - |")
                continue
            report = scrub_records([records], run)
            again = scrub_records([redated(records)], replace(run, as_of=REDATED_AS_OF))
            totals["claims"] += report.claims
            totals["clean"] += report.clean_claims
            totals["clean unchecked"] += sum(
                1
                for result in report.results
                if result.clean and any(finding.message.startswith(NOT_CHECKED) for finding in result.findings)
            )
            totals["clean re-dated"] += again.clean_claims
            crashes = [
                finding for finding in (*report.findings, *again.findings) if "the edit failed" in finding.message
            ]
            totals["crashes"] += len(crashes)
            found, verdicts = describe(name, report, "dated", reasons, reference)
            found_again, verdicts_again = describe(name, again, "redated", redated_reasons, reference)
            rows.append(
                f"| `{cell(name)}` | {report.claims} | {cell(found)} | {cell(verdicts)} | {cell(found_again)} | "
                f"{cell(verdicts_again)} |"
            )
        store.close()
    TARGET.write_text(render(rows, reasons, redated_reasons, totals), encoding="utf-8")
    print(f"wrote {TARGET}: {totals['samples']} samples, {totals['refused']} refused, {totals['crashes']} crashes")


def legend(reasons: dict[tuple[str, str], set[str]]) -> list[str]:
    """The table of judgements with their reasons, by finding."""
    lines = ["| finding | judgement | why |", "| --- | --- | --- |"]
    for (key, verdict), whys in sorted(reasons.items()):
        lines.append(f"| {key} | {verdict} | {cell(' / '.join(sorted(whys)))} |")
    return lines


def render(
    rows: list[str],
    reasons: dict[tuple[str, str], set[str]],
    redated_reasons: dict[tuple[str, str], set[str]],
    totals: Counter[str],
) -> str:
    """The markdown of the report."""
    head = f"""# The scrubber on the public 837 samples

Generated by `scripts/scrubber_corpus_report.py` (judgements are kept in the script and reviewed by hand); checked
by `tests/edits/test_corpus.py`, which asserts that no sample crashes an edit and that unreadable samples are refused
with an `InputFileError` naming them.

Every 5010 837P/837I sample of `../shared/x12` ({totals["samples"]} files) is read as `revcycle claim scrub`
reads it and scrubbed as of {AS_OF}, with the reference tables the edit tests load (ICD-10-CM April 2026, HCPCS
January 2026, the CPT code list, the 2026 fee schedule, April 2026 MUEs, 2026Q2 add-on codes, NCCI pairs (a
practitioner excerpt and the hospital pairs bundled), MCE FY2020, place of service codes). {totals["refused"]}
files are refused by the 837 reader (a structure error, named by segment; the whole file is refused, see
`revcycle.services.scrub_inputs`); the others hold {totals["claims"]} claims. As dated, {totals["clean"]} claims
have no error, {totals["clean unchecked"]} of them only because some edits could not check them (a "not checked"
warning); re-dated, {totals["clean re-dated"]} have no error (the samples code their diagnoses in ICD-9-CM, which
COD06 refuses on services after 2015-09-30). No edit crashed ({totals["crashes"]} "the edit failed" findings).

The samples date their services 1996-2020 (mostly 2004-2006), before any release loaded: most edits answer "not
checked" (a warning, which does not make the claim an error: a clean-claim rate on such dates means little). To
let the edits look at the codes, each file is scrubbed a second time **re-dated**: every date of its claims,
patients and coverages moved by the same number of days so that its first date of service is
{REDATED_FIRST_SERVICE}, and judged as of {REDATED_AS_OF} (the practitioner NCCI excerpt loaded takes effect on
2026-07-01).

Judgements: **{TRUE_ERROR}** (a payer would reject or deny it, and the sample really has it), **{ARTEFACT}**
(the finding is right about the file as given, but comes from how the test data was made: old dates, invented
NPIs, ICD-9-CM coding re-dated), **{FALSE_POSITIVE}** (the edit is wrong: reported to its author).

## Samples

| sample | claims | findings as dated | judgement | findings re-dated | judgement |
| --- | --- | --- | --- | --- | --- |
"""
    body = "\n".join(rows)
    return (
        head
        + body
        + "\n\n## Why, as dated\n\n"
        + "\n".join(legend(reasons))
        + "\n\n## Why, re-dated\n\n"
        + "\n".join(legend(redated_reasons))
        + "\n"
    )


if __name__ == "__main__":
    main()
