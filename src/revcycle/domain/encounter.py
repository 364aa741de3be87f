"""The visit: when and where care was given, by whom, what was found and what the clinician wrote."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from revcycle.domain import codes
from revcycle.domain.fields import (
    Normaliser,
    a_date,
    instance,
    note_text,
    one_of,
    optional,
    optional_date,
    optional_line,
    record_id,
)


class PresentOnAdmission(StrEnum):
    """The present-on-admission indicator of an inpatient diagnosis (HI01-9 of an 837I)."""

    YES = "Y"
    NO = "N"
    UNKNOWN = "U"
    CLINICALLY_UNDETERMINED = "W"
    EXEMPT = "1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnosis:
    """One ICD-10-CM diagnosis of an encounter or claim.

    Attributes:
        code: the ICD-10-CM code stored without its dot (HI01-2 carries it so); `display` shows the dot.
        present_on_admission: POA indicator for institutional inpatient claims; None on professional claims.
    """

    code: str
    present_on_admission: PresentOnAdmission | None = None

    # How fields are shown to people (and written in JSON) when that differs from how they are stored.
    DISPLAY: ClassVar[dict[str, Callable[[str], str]]] = {"code": codes.icd10cm_display}

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("code", codes.icd10cm)
        check("present_on_admission", optional(one_of(PresentOnAdmission)))

    @property
    def display(self) -> str:
        """The code with its dot, as coders and clinicians read it (E11.22)."""
        return codes.icd10cm_display(self.code)


class NoteKind(StrEnum):
    """The kind of clinical document, which tells the coder how to read it."""

    PROGRESS = "progress"
    HISTORY_AND_PHYSICAL = "history_and_physical"
    CONSULTATION = "consultation"
    PROCEDURE = "procedure"
    OPERATIVE = "operative"
    LABORATORY = "laboratory"
    IMAGING = "imaging"
    DISCHARGE_SUMMARY = "discharge_summary"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClinicalNote:
    """A clinical document of the encounter, the evidence that coding reads and cites.

    Attributes:
        id: revcycle's identifier of the note.
        kind: progress note, procedure note, lab or imaging report, ...
        authored_on: the date the note was written or signed.
        text: the note as written; evidence spans index into it.
        title: the document's heading, if any.
        author_provider_id: the clinician who wrote it.
    """

    id: str
    kind: NoteKind
    authored_on: date
    text: str
    title: str | None = None
    author_provider_id: str | None = None

    def __post_init__(self) -> None:
        check = Normaliser(self)
        check("id", record_id)
        check("kind", one_of(NoteKind))
        check("authored_on", a_date)
        check("text", note_text)
        check("title", optional_line, max_length=200)
        check("author_provider_id", optional(record_id))


@dataclass(frozen=True, slots=True, kw_only=True)
class Encounter:
    """A visit or stay: the clinical event that coding turns into a claim.

    Attributes:
        id: revcycle's identifier of the encounter.
        patient_id: the patient seen.
        start_date: the date of service, or the admission date of a stay.
        end_date: the discharge date of a stay; None for a one-day visit.
        place_of_service: where the care was given (CMS place-of-service code).
        billing_provider_id: the practice or facility that bills (loop 2010AA).
        rendering_provider_id: the clinician who gave the care (loop 2310B).
        referring_provider_id: the clinician who referred the patient (loop 2310A).
        facility_provider_id: the service facility when not the billing provider's address (loop 2310C).
        diagnoses: diagnoses documented or coded for the encounter, the first-listed first.
        notes: the clinical documentation of the encounter.
    """

    id: str
    patient_id: str
    start_date: date
    place_of_service: str
    billing_provider_id: str
    rendering_provider_id: str | None = None
    referring_provider_id: str | None = None
    facility_provider_id: str | None = None
    end_date: date | None = None
    diagnoses: tuple[Diagnosis, ...] = ()
    notes: tuple[ClinicalNote, ...] = ()

    def __post_init__(self) -> None:
        check = Normaliser(self)
        for field in ("id", "patient_id", "billing_provider_id"):
            check(field, record_id)
        for field in ("rendering_provider_id", "referring_provider_id", "facility_provider_id"):
            check(field, optional(record_id))
        check("start_date", a_date)
        check("end_date", optional_date)
        check("place_of_service", codes.place_of_service)
        check.each("diagnoses", instance(Diagnosis))
        check.each("notes", instance(ClinicalNote))
        if self.end_date is not None and self.end_date < self.start_date:
            raise check.fail("end_date", f"{self.end_date} is before the start date {self.start_date}")
        note_ids = [note.id for note in self.notes]
        if len(set(note_ids)) != len(note_ids):
            raise check.fail("notes", "two notes share one id")

    @property
    def last_date(self) -> date:
        """The last day of the encounter (the start date of a one-day visit)."""
        return self.end_date or self.start_date
