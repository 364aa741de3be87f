"""Every public 5010 837P/837I sample scrubs without a crash: each is read and scrubbed, or refused by InputFileError.

Each readable sample is scrubbed as dated and re-dated into 2026, where the reference tables govern and the edits
look at its codes rather than saying they could not check them.

The findings on the samples are reviewed in docs/scrubber-corpus.md (scripts/scrubber_corpus_report.py).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from revcycle.domain.fields import as_submitted
from revcycle.edits import ScrubConfig
from revcycle.errors import InputFileError
from revcycle.refdata.store import ReferenceStore
from revcycle.services.scrub import ScrubRun, scrub_records
from revcycle.services.scrub_inputs import ClaimsFile, read_claims_file
from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import read_file
from tests.x12.corpus import sample_params

# The day the corpus is judged on: fixed, so the findings do not change with the calendar.
AS_OF = date(2026, 6, 1)
# The samples date their services 2004-2006, before every release loaded, so most edits only say they could not
# check. Each is also scrubbed re-dated: moved so that its first date of service falls where the tables govern,
# judged after the practitioner NCCI excerpt (effective 2026-07-01) takes effect.
REDATED_FIRST_SERVICE = date(2026, 7, 15)
REDATED_AS_OF = date(2026, 9, 1)
CRASH = "the edit failed"


def shifted(value: Any, days: timedelta) -> Any:
    """``value`` with every date in it (records, tuples of records) moved by ``days``."""
    if isinstance(value, date):
        return value + days
    if is_dataclass(value) and not isinstance(value, type):
        changes = {item.name: shifted(getattr(value, item.name), days) for item in fields(value) if item.init}
        return replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(shifted(item, days) for item in value)
    return value


def redated(records: ClaimsFile) -> ClaimsFile:
    """The file's claims, patients and coverages moved so that its first date of service is REDATED_FIRST_SERVICE."""
    days = REDATED_FIRST_SERVICE - min(claim.first_service_date for claim, _ in records.claims)
    with as_submitted():
        return replace(
            records,
            claims=[(shifted(claim, days), broken) for claim, broken in records.claims],
            patients={key: shifted(patient, days) for key, patient in records.patients.items()},
            coverages={key: shifted(coverage, days) for key, coverage in records.coverages.items()},
        )


def is_5010(path: Path) -> bool:
    """Whether the sample's interchange is 5010 (ISA12 00501); an unreadable one counts, for the test to say so."""
    try:
        return next(read_file(path))[12] == "00501"
    except (X12Error, StopIteration):
        return True


@pytest.fixture(scope="module")
def corpus_run(scrub_store_path: Path) -> ScrubRun:
    """One run for every sample, so they share the scrubber and its warm reference answers."""
    return ScrubRun(ReferenceStore(scrub_store_path), ScrubConfig(), AS_OF)


@pytest.mark.parametrize("path", sample_params("837P") + sample_params("837I"))
def test_every_5010_sample_scrubs_without_a_crash(path: Path, corpus_run: ScrubRun) -> None:
    if not is_5010(path):
        pytest.skip("not a 5010 interchange")
    try:
        records = read_claims_file(path)
    except InputFileError as error:
        refused = str(error)
    else:
        refused = ""
    if refused:
        # Unreadable samples are refused as a file error naming the file, never another exception.
        assert refused.startswith(str(path))
        return
    report = scrub_records([records], corpus_run)
    assert report.claims == len(records.claims) > 0
    again = scrub_records([redated(records)], replace(corpus_run, as_of=REDATED_AS_OF))
    findings = [*report.findings, *again.findings]
    crashes = [f"{finding.code}: {finding.message}" for finding in findings if CRASH in finding.message]
    assert crashes == []
