"""Every public 5010 837P/837I sample scrubs without a crash: each is read and scrubbed, or refused by InputFileError.

The findings on the samples are reviewed in docs/scrubber-corpus.md (scripts/scrubber_corpus_report.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from revcycle.edits import ScrubConfig
from revcycle.errors import InputFileError
from revcycle.refdata.store import ReferenceStore
from revcycle.services.scrub import ScrubRun, scrub_records
from revcycle.services.scrub_inputs import read_claims_file
from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import read_file
from tests.x12.corpus import sample_params

# The day the corpus is judged on: fixed, so the findings do not change with the calendar.
AS_OF = date(2026, 6, 1)
CRASH = "the edit failed"


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
    crashes = [f"{finding.code}: {finding.message}" for finding in report.findings if CRASH in finding.message]
    assert crashes == []
