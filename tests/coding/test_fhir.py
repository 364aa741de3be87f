"""Reading a note from FHIR R4: attachment text, Composition narrative, the encounter date and code hints."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from revcycle.coding.fhir import FhirHint, read_fhir_note
from revcycle.errors import InputFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coding" / "fhir"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def _reference(attachment: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"resourceType": "DocumentReference", "content": [{"attachment": attachment}], **fields}


def test_office_visit_bundle() -> None:
    note = read_fhir_note(_load("office-visit-bundle.json"), "office-visit-bundle.json")
    assert note.text.startswith("DOS: 03/12/2026\nCC: cough x 3 days\n")
    assert "1. Acute bronchitis - start albuterol." in note.text
    # The encounter's period is when care was given; the document's own date is only when it was written.
    assert note.date == date(2026, 3, 12)
    assert [(hint.code, hint.system, hint.status, hint.clinical_status) for hint in note.hints] == [
        ("E11.9", "icd10cm", "confirmed", "active"),
        ("J20.9", "icd10cm", "provisional", None),
        ("99213", "cpt", "completed", None),
        ("J7613", "hcpcs", "completed", None),
    ]
    assert note.hints[0].location == "entry[3].resource.code.coding[1]"
    assert note.hints[2].display is None


def test_composition_narrative_and_data_url() -> None:
    note = read_fhir_note(_load("composition-bundle.json"), "composition-bundle.json")
    assert note.text == (
        "Chief complaint:\nRight knee pain & swelling.\n\n"
        "Assessment:\nPrimary osteoarthritis, right knee\nPossible gout\n\n"
        "Plan:\n\n"
        "Procedures:\nRight knee injection with triamcinolone 40 mg.\n\n"
        "Addendum: no fever, no rash."
    )
    assert note.date == date(2026, 4, 2)
    assert note.hints == ()


def test_a_lone_document_reference_with_base64_data_url() -> None:
    payload = base64.b64encode(b"Assessment: otitis media.").decode()
    data = _reference({"url": f"data:text/plain;base64,{payload}"}, date="2026-05-01T10:00:00Z")
    note = read_fhir_note(data, "note.json")
    assert (note.text, note.date, note.hints) == ("Assessment: otitis media.", date(2026, 5, 1), ())


def test_context_period_dates_the_note() -> None:
    payload = base64.b64encode(b"Cough.").decode()
    data = _reference(
        {"contentType": "text/plain", "data": payload},
        date="2026-05-03",
        context={"period": {"start": "2026-05-01T09:00:00Z"}},
    )
    assert read_fhir_note(data, "note.json").date == date(2026, 5, 1)


def test_html_attachment_loses_its_tags() -> None:
    payload = base64.b64encode(b"<html><body><p>No fever.</p><p>Otitis media, left.</p></body></html>").decode()
    note = read_fhir_note(_reference({"contentType": "text/html", "data": payload}), "note.json")
    assert note.text == "No fever.\nOtitis media, left."


@pytest.mark.parametrize(
    ("data", "location", "reason"),
    [
        (_load("bad-base64.json"), "entry[3].resource.content[0].attachment.data", "is not valid base64"),
        ({"resourceType": "Claim"}, "resourceType", "expected a Bundle"),
        ({"resourceType": "Bundle", "entry": "nope"}, "entry", "must be a JSON array"),
        ({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}]}, "", "holds no note text"),
        (_reference({"contentType": "application/pdf", "url": "https://example.org/a.pdf"}), "", "holds no note text"),
        (_reference({"url": "data:text/plain;base64"}), "content[0].attachment.url", "without a comma"),
        (_reference({"data": base64.b64encode(b"\xff\xfe\xfa").decode()}), "content[0].attachment", "not UTF-8"),
        (_reference({"data": "Q291Z2gu"}, date="2026-13-01"), "date", "is not a date"),
    ],
)
def test_bad_input_names_the_place(data: dict[str, Any], location: str, reason: str) -> None:
    with pytest.raises(InputFileError) as raised:
        read_fhir_note(data, "input.json")
    assert raised.value.path == "input.json"
    assert raised.value.location == location
    assert reason in raised.value.reason


def test_hint_records_are_values() -> None:
    hint = FhirHint("E11.9", "icd10cm", None, "confirmed", "entry[0].resource.code.coding[0]")
    assert hint.clinical_status is None
