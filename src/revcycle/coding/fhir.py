"""A clinical note given as FHIR R4: the note's text, its encounter date, and the codes already on record as hints.

Read as the resources define them:

- ``DocumentReference`` (https://hl7.org/fhir/R4/documentreference.html): the note is the text of its
  ``content[].attachment``, given inline as base64 ``data`` or as a ``data:`` URL; plain text is taken as it is and
  HTML has its tags removed. Several notes in one bundle are joined with blank lines, in bundle order.
- ``Composition`` (https://hl7.org/fhir/R4/composition.html): each section's narrative (``section[].text.div``,
  XHTML) under its title, sub-sections included.
- The encounter date is the first of ``DocumentReference.context.period.start``, ``Encounter.period.start``,
  ``DocumentReference.date`` and ``Composition.date``: the period is when care was given, the document's date only
  when it was written.
- ``Condition`` resources with an ICD-10-CM coding and ``Procedure`` resources with a CPT or HCPCS coding become
  hints, with their verification or procedure status, for the coder to weigh against what the note says.

Anything that is not such a document, a note with no text, or text that cannot be decoded is refused with an
``InputFileError`` naming the file and the JSON path.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import unquote_to_bytes

from revcycle.domain.code_systems import CPT_SYSTEMS, ICD10CM_SYSTEM, PROCEDURE_SYSTEMS
from revcycle.errors import InputFileError

_TEXT_TYPES = ("text/plain", "text/html", "application/xhtml+xml", "text/markdown")


@dataclass(frozen=True, slots=True)
class FhirHint:
    """A code a FHIR resource already records for the patient, offered to the coder as a hint.

    Attributes:
        code: the code as given (``E11.9``, ``99213``).
        system: ``icd10cm``, ``cpt`` or ``hcpcs``.
        display: the resource's display text for the code, when it gives one.
        status: a Condition's verification status (``confirmed``, ``provisional``, ``refuted``, ...) or a
            Procedure's status (``completed``, ``not-done``, ...), when given.
        clinical_status: a Condition's clinical status (``active``, ``resolved``, ...), when given.
        location: the JSON path of the coding in the file, e.g. ``entry[2].resource.code.coding[0]``.
    """

    code: str
    system: str
    display: str | None
    status: str | None
    location: str
    clinical_status: str | None = None


@dataclass(frozen=True, slots=True)
class FhirNote:
    """The note a FHIR document holds.

    Attributes:
        text: the note's text (several notes joined with blank lines).
        date: the encounter date the resources state, None when they state none.
        hints: the ICD-10-CM, CPT and HCPCS codes of its Condition and Procedure resources, in file order.
    """

    text: str
    date: date | None
    hints: tuple[FhirHint, ...] = ()


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</?(?:p|div|br|li|tr|h[1-6]|table|ul|ol)\b[^>]*>", re.IGNORECASE)


def _strip_html(markup: str) -> str:
    """The text of an HTML fragment: each block on its own line, tags gone, entities decoded."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", markup)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class _Reader:
    """Walks one FHIR document, collecting text, dates and hints; errors name the file and the JSON path."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.texts: list[str] = []
        self.hints: list[FhirHint] = []
        self.periods: list[date] = []
        self.encounters: list[date] = []
        self.written: list[date] = []

    def fail(self, where: str, reason: str) -> InputFileError:
        return InputFileError(self.path, where, reason)

    def obj(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a JSON object")
        return value

    def items(self, resource: dict[str, Any], name: str, where: str) -> list[tuple[dict[str, Any], str]]:
        """The objects of a list element, each with its path (an absent element is an empty list)."""
        value = resource.get(name, [])
        if not isinstance(value, list):
            raise self.fail(f"{where}.{name}" if where else name, "must be a JSON array")
        base = f"{where}.{name}" if where else name
        return [(self.obj(item, f"{base}[{index}]"), f"{base}[{index}]") for index, item in enumerate(value)]

    def string(self, resource: dict[str, Any], name: str, where: str) -> str | None:
        value = resource.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(_join(where, name), f"{value!r} is not a string")
        return value

    def day(self, value: object, where: str) -> date | None:
        """The date of a FHIR date or dateTime; a partial date (a year, a month) dates no encounter."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(where, f"{value!r} is not a date")
        if len(value) < 10:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise self.fail(where, f"{value!r} is not a date") from None

    def read(self, document: object) -> FhirNote:
        root = self.obj(document, "")
        kind = root.get("resourceType")
        if kind == "Bundle":
            for entry, where in self.items(root, "entry", ""):
                if "resource" in entry:
                    self.resource(self.obj(entry["resource"], f"{where}.resource"), f"{where}.resource")
        elif kind in ("DocumentReference", "Composition"):
            self.resource(root, "")
        else:
            raise self.fail("resourceType", f"{kind!r}: expected a Bundle, a DocumentReference or a Composition")
        text = "\n\n".join(piece for piece in self.texts if piece.strip())
        if not text.strip():
            raise self.fail("", "holds no note text (no DocumentReference attachment or Composition narrative)")
        found = [*self.periods, *self.encounters, *self.written]
        return FhirNote(text, found[0] if found else None, tuple(self.hints))

    def resource(self, resource: dict[str, Any], where: str) -> None:
        kind = resource.get("resourceType")
        if kind == "DocumentReference":
            self.document_reference(resource, where)
        elif kind == "Composition":
            self.composition(resource, where)
        elif kind == "Encounter":
            period = self.obj(resource.get("period", {}), _join(where, "period"))
            start = self.day(period.get("start"), _join(where, "period.start"))
            if start:
                self.encounters.append(start)
        elif kind == "Condition":
            self.hint(resource, where, frozenset({ICD10CM_SYSTEM}), "verificationStatus")
        elif kind == "Procedure":
            self.hint(resource, where, PROCEDURE_SYSTEMS, "status")

    def document_reference(self, resource: dict[str, Any], where: str) -> None:
        if resource.get("status") == "entered-in-error" or resource.get("docStatus") == "entered-in-error":
            return
        for content, at in self.items(resource, "content", where):
            attachment_at = f"{at}.attachment"
            attachment = self.obj(content.get("attachment"), attachment_at)
            text = self.attachment(attachment, attachment_at)
            if text is not None:
                self.texts.append(text)
        context = self.obj(resource.get("context", {}), _join(where, "context"))
        period = self.obj(context.get("period", {}), _join(where, "context.period"))
        start = self.day(period.get("start"), _join(where, "context.period.start"))
        if start:
            self.periods.append(start)
        written = self.day(resource.get("date"), _join(where, "date"))
        if written:
            self.written.append(written)

    def attachment(self, attachment: dict[str, Any], where: str) -> str | None:
        """The text of an attachment; None for one that is not text (a PDF, an image) or holds nothing inline."""
        kind = (self.string(attachment, "contentType", where) or "text/plain").split(";")[0].strip().lower()
        data = self.string(attachment, "data", where)
        url = self.string(attachment, "url", where)
        if data is not None:
            raw = self.base64(data, _join(where, "data"))
        elif url is not None and url.startswith("data:"):
            kind, raw = self.data_url(url, _join(where, "url"))
        else:
            return None
        if kind not in _TEXT_TYPES:
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise self.fail(where, f"the note is not UTF-8 text: {error}") from None
        return _strip_html(text) if "html" in kind else text

    def base64(self, value: str, where: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self.fail(where, "is not valid base64") from None

    def data_url(self, url: str, where: str) -> tuple[str, bytes]:
        """The media type and bytes of a ``data:`` URL (RFC 2397)."""
        header, comma, payload = url[5:].partition(",")
        if not comma:
            raise self.fail(where, "is a data: URL without a comma before its data")
        parameters = header.split(";")
        kind = (parameters[0] or "text/plain").strip().lower()
        if "base64" in parameters[1:]:
            return kind, self.base64(unquote_to_bytes(payload).decode("ascii", "replace"), where)
        return kind, unquote_to_bytes(payload)

    def composition(self, resource: dict[str, Any], where: str) -> None:
        written = self.day(resource.get("date"), _join(where, "date"))
        if written:
            self.written.append(written)
        self.sections(resource, where)

    def sections(self, holder: dict[str, Any], where: str) -> None:
        for section, at in self.items(holder, "section", where):
            title = self.string(section, "title", at)
            narrative = self.obj(section.get("text", {}), f"{at}.text")
            div = self.string(narrative, "div", f"{at}.text")
            body = _strip_html(div) if div else ""
            if body:
                self.texts.append(f"{title}:\n{body}" if title else body)
            elif title and section.get("section"):
                self.texts.append(f"{title}:")
            self.sections(section, at)

    def hint(self, resource: dict[str, Any], where: str, systems: frozenset[str], status_field: str) -> None:
        if status_field == "status":
            status = self.string(resource, "status", where)
            clinical = None
        else:
            status = self.concept_code(resource.get(status_field), _join(where, status_field))
            clinical = self.concept_code(resource.get("clinicalStatus"), _join(where, "clinicalStatus"))
        code_at = _join(where, "code")
        for coding, at in self.items(self.obj(resource.get("code", {}), code_at), "coding", code_at):
            system = coding.get("system")
            code = self.string(coding, "code", at)
            if system not in systems or not code:
                continue
            family = "icd10cm" if system == ICD10CM_SYSTEM else "cpt" if system in CPT_SYSTEMS else "hcpcs"
            if family == "cpt" and code[:1].isalpha():
                family = "hcpcs"
            self.hints.append(FhirHint(code.strip(), family, self.string(coding, "display", at), status, at, clinical))

    def concept_code(self, concept: object, where: str) -> str | None:
        """The first code of a CodeableConcept (a status), None when absent."""
        if concept is None:
            return None
        for coding, at in self.items(self.obj(concept, where), "coding", where):
            code = self.string(coding, "code", at)
            if code:
                return code
        return None


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def read_fhir_note(data: dict[str, Any], path: str) -> FhirNote:
    """The note held by a parsed FHIR R4 document (a Bundle, a DocumentReference or a Composition).

    Args:
        data: the parsed JSON.
        path: the file's name, for errors.

    Raises:
        InputFileError: the document is none of those, holds no note text, or has an attachment that cannot be
            decoded; the error names the JSON path, e.g. ``entry[3].resource.content[0].attachment.data``.
    """
    return _Reader(path).read(data)
