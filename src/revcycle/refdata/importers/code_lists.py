"""X12 and CMS code lists: CARC, RARC, claim status and category codes, 835 claim statuses, place of service.

These lists are cumulative: a retired code stays in the list, marked, so one release answers for any date of
service. Their sources give a publication date at best, never a period, so each release governs from the earliest
date on. A dated list is named by its date, so a later list supersedes it; an undated source is named by its kind
(``pyx12``, ``openemr``), so importing another file of that kind replaces it: the last one imported is in force.
Entries are keyed by the code and hold ``code``, ``description``, ``status`` (as published), ``start`` and ``stop``
(when published).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from revcycle.errors import InputFileError
from revcycle.refdata.importers.base import Sample, register
from revcycle.refdata.release import Entry, ReleaseData, file_sha256
from revcycle.refdata.sets import (
    CARC,
    CLAIM_STATUS,
    CLAIM_STATUS_CATEGORY,
    PLACE_OF_SERVICE,
    RARC,
    REMITTANCE_CLAIM_STATUS,
)

X12_LISTS = {"CARC": CARC, "RARC": RARC}
X12_CSV_HEADER = ["list", "code", "status", "description"]
STATUSES = {"current", "deactivated"}
DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
PYX12_CODESETS = {"claim_status": CLAIM_STATUS, "claim_status_cat": CLAIM_STATUS_CATEGORY}

"""835 CLP02 claim status codes (``1`` processed as primary, ``4`` denied, ``22`` reversal, ...): X12 element 1029.

Not the 277 claim status codes of `revcycle.refdata.sets.CLAIM_STATUS` (code source 508), whose ``1`` means
something else, so the two lists cannot share a set.
"""
CLP02_ARRAY = "CLAIM_STATUS_CODES_CLP02"
OPENEMR_TSV_HEADER = ["list", "code", "description"]
OPENEMR_TSV_LISTS = {CLP02_ARRAY, "CLAIM_ADJUSTMENT_REASON_CODES", "REMITTANCE_ADVICE_REMARK_CODES"}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(path), "", f"cannot be read as UTF-8: {error}") from None


def _require_final_newline(path: Path, text: str) -> None:
    """A text file cut off mid-row would otherwise import a shortened last description."""
    if not text.endswith("\n"):
        raise InputFileError(str(path), f"line {text.count(chr(10)) + 1}", "has no end of line: the file is truncated")


def _require_php_end(path: Path, text: str) -> None:
    """A PHP class file ends with its closing brace; a copy cut short does not."""
    if not text.rstrip().endswith(("}", "?>")):
        raise InputFileError(str(path), f"line {text.count(chr(10)) + 1}", "ends inside the PHP code: it is truncated")


def _code_entry(
    code: str, description: str | None, status: str | None, search_text: str | None = None, **extra: Any
) -> Entry:
    data = {"code": code, "description": description, "status": status, "start": None, "stop": None, **extra}
    return Entry(code, data, search_text or description)


def _releases(path: Path, version: str, entries_by_set: dict[str, list[Entry]]) -> list[ReleaseData]:
    """One release per code set, each governing from the earliest date on (the lists are cumulative)."""
    sha256 = file_sha256(path)
    return [
        ReleaseData(code_set, version, date.min, None, str(path), sha256, entries)
        for code_set, entries in entries_by_set.items()
    ]


def _version_from_name(path: Path) -> str:
    """The publication date a derived file's name carries (``..._2026-08-17...``), else ``undated``."""
    named = DATE_IN_NAME.search(path.name)
    return named.group(1) if named else "undated"


@register
class X12CarcRarcCsv:
    """CARC and RARC as published by X12, in CSV: ``list,code,status,description`` (``list`` is CARC or RARC).

    Gives two releases, ``carc`` and ``rarc``, with each code's description and status (current or deactivated).
    """

    code = "x12-carc-rarc-csv"
    name = "X12 CARC and RARC list (CSV)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is a CSV whose header is ``list,code,status,description``."""
        first = sample.head.lstrip("\ufeff\xef\xbb\xbf").splitlines()[:1]
        return bool(first) and [cell.strip().lower() for cell in first[0].split(",")] == X12_CSV_HEADER

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The CARC and RARC releases.

        Raises:
            InputFileError: a row is malformed or the file is truncated, naming the line.
        """
        text = _read_text(path)
        _require_final_newline(path, text)
        entries: dict[str, list[Entry]] = {code_set: [] for code_set in X12_LISTS.values()}
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader)
        for row in reader:
            if any(cell.strip() for cell in row):
                code_set, entry = self._row(path, reader.line_num, row)
                entries[code_set].append(entry)
        return _releases(path, _version_from_name(path), entries)

    def _row(self, path: Path, line: int, row: list[str]) -> tuple[str, Entry]:
        if len(row) != len(X12_CSV_HEADER):
            raise InputFileError(str(path), f"line {line}", f"has {len(row)} fields, expected {len(X12_CSV_HEADER)}")
        listed, code, status, description = (cell.strip() for cell in row)
        return _x12_entry(path, f"line {line}", listed, code, status, description)


def _x12_entry(path: Path, where: str, listed: str, code: str, status: str, description: str) -> tuple[str, Entry]:
    if listed not in X12_LISTS:
        raise InputFileError(str(path), where, f"list {listed!r} is neither CARC nor RARC")
    if not code or not code.isalnum():
        raise InputFileError(str(path), where, f"code {code!r} is not a {listed} code")
    if status not in STATUSES:
        raise InputFileError(str(path), where, f"status {status!r} is not one of {sorted(STATUSES)}")
    if not description:
        raise InputFileError(str(path), where, f"{listed} {code} has no description")
    return X12_LISTS[listed], _code_entry(code.upper(), description, status)


@register
class X12CarcRarcJson:
    """CARC and RARC as published by X12, in JSON: ``{"source": {...}, "CARC": {code: {text, status}}, "RARC": ...}``.

    Same releases as `X12CarcRarcCsv`, named by ``source.retrievedAt``.
    """

    code = "x12-carc-rarc-json"
    name = "X12 CARC and RARC list (JSON)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is a JSON object with CARC and RARC members."""
        head = sample.head.lstrip()
        return head.startswith("{") and '"CARC"' in head and '"retrievedAt"' in head

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The CARC and RARC releases.

        Raises:
            InputFileError: the JSON is malformed (naming the line) or a code lacks its text or status.
        """
        try:
            document = json.loads(_read_text(path))
        except json.JSONDecodeError as error:
            raise InputFileError(str(path), f"line {error.lineno}", f"is not valid JSON: {error.msg}") from None
        if not isinstance(document, dict) or not all(isinstance(document.get(name), dict) for name in X12_LISTS):
            raise InputFileError(str(path), "", "has no CARC and RARC objects")
        entries: dict[str, list[Entry]] = {code_set: [] for code_set in X12_LISTS.values()}
        for listed in X12_LISTS:
            for code, fields in document[listed].items():
                where = f"{listed}.{code}"
                if not isinstance(fields, dict):
                    raise InputFileError(str(path), where, "is not an object with text and status")
                text, status = str(fields.get("text") or "").strip(), str(fields.get("status") or "").strip()
                code_set, entry = _x12_entry(path, where, listed, code.strip(), status, text)
                entries[code_set].append(entry)
        retrieved = document.get("source", {}).get("retrievedAt") if isinstance(document.get("source"), dict) else None
        return _releases(path, str(retrieved or _version_from_name(path)), entries)


@register
class Pyx12CodeLists:
    """The external code lists of pyx12 (``pyx12/map/codes.xml``): claim status categories (507) and codes (508).

    Codes only: pyx12 carries no descriptions, so entries have ``"description": None``. Gives two releases,
    ``claim_status_category`` and ``claim_status``, version ``pyx12`` (the file carries no date).
    """

    code = "pyx12-codes"
    name = "pyx12 X12 external code lists (codes.xml)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is an XML ``<codesets>`` document of ``<codeset>`` elements."""
        return "<codesets" in sample.head and "<codeset>" in sample.head and "<data_ele>" in sample.head

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The claim status category and claim status releases.

        Raises:
            InputFileError: the XML is malformed (naming the line) or lacks those code sets.
        """
        try:
            root = ElementTree.parse(path).getroot()
        except ElementTree.ParseError as error:
            line, column = error.position
            raise InputFileError(str(path), f"line {line}", f"is not well-formed XML (column {column})") from None
        except OSError as error:
            raise InputFileError(str(path), "", f"cannot be read: {error}") from None
        entries = {code_set: self._codes(path, root, codeset_id) for codeset_id, code_set in PYX12_CODESETS.items()}
        return _releases(path, "pyx12", entries)

    def _codes(self, path: Path, root: ElementTree.Element, codeset_id: str) -> list[Entry]:
        for codeset in root.iter("codeset"):
            if (codeset.findtext("id") or "").strip() == codeset_id:
                codes = [(element.text or "").strip() for element in codeset.iter("code")]
                if not codes or not all(code.isalnum() for code in codes):
                    raise InputFileError(str(path), f"codeset {codeset_id}", "holds an empty or malformed code")
                return [_code_entry(code, None, None) for code in codes]
        raise InputFileError(str(path), "", f"has no {codeset_id} codeset")


PHP_TOKEN = re.compile(r"""\s+|//[^\n]*|#[^\n]*|/\*.*?\*/|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|=>|\w+|\S""", re.DOTALL)
POS_STATEMENT = re.compile(r"\$pos\s*\[\s*\]\s*=\s*array\s*\(")
UNASSIGNED = "Unassigned"
CLP02_STATEMENT = re.compile(rf"{CLP02_ARRAY}\s*=\s*array\s*\(")


@register
class OpenEmrPlaceOfService:
    """Place of service codes from OpenEMR's ``POSRef.class.php`` (a PHP array of code, title and description).

    The copy in ``../shared`` is a 2021 snapshot: it predates POS 10 (telehealth in the patient's home, 2022) and
    POS 27 (outreach site/street, 2023), which it lists as unassigned; unassigned codes are left out, so those two
    are unknown until a newer list is imported. Code set ``place_of_service``, version ``openemr``.
    """

    code = "openemr-pos"
    name = "Place of service codes (OpenEMR POSRef PHP array)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is PHP building a ``$pos[]`` array of place-of-service codes."""
        return sample.head.lstrip().startswith("<?php") and POS_STATEMENT.search(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The place of service release.

        Raises:
            InputFileError: an array entry is malformed or the file is truncated, naming the line.
        """
        text = _read_text(path)
        entries = [entry for entry in _pos_entries(path, text) if entry.data["title"] != UNASSIGNED]
        if not entries:
            raise InputFileError(str(path), "", "defines no place of service codes")
        return _releases(path, "openemr", {PLACE_OF_SERVICE: entries})


def _pos_entries(path: Path, text: str) -> Iterator[Entry]:
    _require_php_end(path, text)
    for statement in POS_STATEMENT.finditer(text):
        line = text.count("\n", 0, statement.start()) + 1
        fields = _php_array(path, line, text, statement.end())
        code, title, description = (fields.get(name, "").strip() for name in ("code", "title", "description"))
        if not (len(code) == 2 and code.isdigit()) or not title:
            raise InputFileError(str(path), f"line {line}", f"is not a place of service entry: code {code!r}")
        title = title.rstrip(" *")
        text_description = description if description and description != "N/A" else None
        yield _code_entry(code, text_description, None, f"{title} {text_description or ''}".strip(), title=title)


def _php_array(path: Path, line: int, text: str, position: int) -> dict[str, str]:
    """The ``"key" => value`` pairs of a PHP ``array (...)`` whose body starts at ``position``.

    A value is string literals and ``xl("...")`` translation calls joined by ``.``; anything else is refused.
    """
    pairs: dict[str, str] = {}
    key: str | None = None
    value: list[str] = []
    expecting_value = False
    depth = 0
    for token in PHP_TOKEN.finditer(text, position):
        word = token.group()
        if word.isspace() or word.startswith(("//", "#", "/*")):
            continue
        if word[0] in "\"'":
            if expecting_value:
                value.append(_php_string(word))
            else:
                key = _php_string(word)
        elif word == "=>":
            expecting_value = True
        elif word in {"xl", "."}:
            continue
        elif word == "(":
            depth += 1
        elif word == ")" and depth:
            depth -= 1
        elif word in {",", ")"}:
            if key is not None and expecting_value:
                pairs[key] = "".join(value)
            key, value, expecting_value = None, [], False
            if word == ")":
                return pairs
        else:
            where = f"line {text.count(chr(10), 0, token.start()) + 1}"
            raise InputFileError(str(path), where, f"has {word!r} where a PHP string was expected")
    where = f"line {text.count(chr(10)) + 1}"
    raise InputFileError(str(path), where, f"the array opened on line {line} is not closed: the file is truncated")


def _php_string(literal: str) -> str:
    """A PHP string literal's text, backslash escapes undone (the list interpolates no variables)."""
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _clp02_entries(pairs: dict[str, str], path: Path, line: int) -> list[Entry]:
    entries = []
    for code, description in pairs.items():
        if not code.isdigit() or not description.strip():
            raise InputFileError(str(path), f"line {line}", f"{code!r} => {description!r} is not a CLP02 status")
        entries.append(_code_entry(code, description.strip(), None))
    return entries


@register
class OpenEmrClaimStatusPhp:
    """835 CLP02 claim status codes from OpenEMR's ``BillingUtilities.php`` (its ``CLAIM_STATUS_CODES_CLP02`` array).

    Code set ``remittance_claim_status``, with descriptions. The file's CARC and RARC arrays (a 2021 snapshot) are
    not read: the X12 list of 2026 in the same folder supersedes them and keeps retired codes with their status.
    """

    code = "openemr-clp02-php"
    name = "835 claim status codes (OpenEMR BillingUtilities PHP)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is PHP defining the ``CLAIM_STATUS_CODES_CLP02`` array."""
        return sample.head.lstrip().startswith("<?php") and CLP02_STATEMENT.search(sample.head) is not None

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The 835 claim status release.

        Raises:
            InputFileError: the array is malformed or the file is truncated, naming the line.
        """
        text = _read_text(path)
        _require_php_end(path, text)
        statement = CLP02_STATEMENT.search(text)
        if statement is None:
            raise InputFileError(str(path), "", f"defines no {CLP02_ARRAY} array")
        line = text.count("\n", 0, statement.start()) + 1
        entries = _clp02_entries(_php_array(path, line, text, statement.end()), path, line)
        return _releases(path, "openemr", {REMITTANCE_CLAIM_STATUS: entries})


@register
class OpenEmrCodeListsTsv:
    """835 CLP02 claim status codes from the TSV extracted from OpenEMR's ``BillingUtilities.php``.

    Header ``list, code, description``; the ``CLAIM_STATUS_CODES_CLP02`` rows give the set
    ``remittance_claim_status``. Every row is checked, but the CARC and RARC rows are not imported, for the reason
    given in `OpenEmrClaimStatusPhp`.
    """

    code = "openemr-code-lists-tsv"
    name = "835 claim status codes (OpenEMR code lists, TSV)"

    def sniff(self, sample: Sample) -> bool:
        """Whether the file is tab-separated with the header ``list, code, description``."""
        first = sample.head.lstrip("\ufeff\xef\xbb\xbf").splitlines()[:1]
        return bool(first) and [cell.strip().lower() for cell in first[0].split("\t")] == OPENEMR_TSV_HEADER

    def read(self, path: Path) -> Iterable[ReleaseData]:
        """The 835 claim status release.

        Raises:
            InputFileError: a row is malformed or the file is truncated, naming the line.
        """
        text = _read_text(path)
        _require_final_newline(path, text)
        entries = []
        for number, row in enumerate(text.splitlines()[1:], start=2):
            if not row.strip():
                continue
            fields = row.split("\t")
            if len(fields) != len(OPENEMR_TSV_HEADER) or fields[0] not in OPENEMR_TSV_LISTS or not fields[1].strip():
                raise InputFileError(str(path), f"line {number}", "is not a list, code, description row")
            if fields[0] == CLP02_ARRAY:
                entries.extend(_clp02_entries({fields[1].strip(): fields[2]}, path, number))
        return _releases(path, "openemr", {REMITTANCE_CLAIM_STATUS: entries})
