"""The HCPCS processing notes (``proc_notes``), which HCPCS records cite by number in their processing-note field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.importers.pfs import text_lines
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import HCPCS_NOTES

_NOTE = re.compile(r"^\s*(?P<number>[0-9]{4})--(?P<text>.*)$")
_YEAR = re.compile(r"(20[0-9]{2})")
_DELETED = re.compile(r"THIS PROCESSING NOTE DELETED", re.IGNORECASE)


@register
class HcpcsProcessingNotes:
    """The HCPCS processing notes text file.

    A "PROCESSING NOTES" title and rule, then notes ``NNNN--TEXT`` with indented continuation lines, each line closed
    by an asterisk column, blank lines between notes.
    """

    code = "hcpcs-processing-notes"
    name = "HCPCS processing notes"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is titled PROCESSING NOTES and its first note is 0001."""
        lines = sample.head.splitlines()
        return (
            bool(lines)
            and lines[0].strip() == "PROCESSING NOTES"
            and re.search(r"\n\s*0001--", sample.head) is not None
        )

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The one release of the notes, for the year the CMS file name gives (its text carries none)."""
        year = _YEAR.search(path.name)
        if year is None:
            raise InputFileError(str(path), "", "names no year (proc_notes_YYYY): the notes carry no date")
        start, end = date(int(year.group(1)), 1, 1), date(int(year.group(1)), 12, 31)
        return [ReleaseData(HCPCS_NOTES, year.group(1), start, end, str(path), file_sha256(path), _notes(path))]


def _notes(path: Path) -> Iterator[Entry]:
    number: str | None = None
    parts: list[str] = []
    for line_number, line in text_lines(path):
        if line_number <= 2:
            continue
        text = line.strip().removesuffix("*").strip()
        started = _NOTE.match(line.strip())
        if started:
            if number is not None:
                yield _entry(number, parts)
            expected = int(number or "0") + 1
            if int(started.group("number")) != expected:
                # Notes are numbered one after another from 0001: a gap or repeat means a damaged file.
                raise InputFileError(
                    str(path), f"line {line_number}", f"note {started.group('number')} is not {expected:04d}"
                )
            number, parts = started.group("number"), [started.group("text").removesuffix("*").strip()]
        elif text:
            if number is None:
                raise InputFileError(str(path), f"line {line_number}", "text before the first note")
            parts.append(text)
    if number is None:
        raise InputFileError(str(path), "", "holds no note")
    yield _entry(number, parts)


def _entry(number: str, parts: list[str]) -> Entry:
    text = " ".join(part for part in parts if part)
    return Entry(number, {"number": number, "text": text, "deleted": bool(_DELETED.search(text))}, text)
