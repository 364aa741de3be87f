"""Repository of encounters with their diagnoses and clinical notes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, select

from revcycle.domain import ClinicalNote, Diagnosis, Encounter
from revcycle.store import tables
from revcycle.store.repository import Repository, group_by, rows_where


def diagnosis_rows(owner_column: str, owner_id: str, diagnoses: Sequence[Diagnosis]) -> list[dict[str, Any]]:
    """The rows of a record's diagnoses, in order."""
    return [
        {
            owner_column: owner_id,
            "position": position,
            "code": diagnosis.code,
            "present_on_admission": diagnosis.present_on_admission,
        }
        for position, diagnosis in enumerate(diagnoses)
    ]


def diagnoses_from(rows: Sequence[Mapping[Any, Any]]) -> tuple[Diagnosis, ...]:
    """The diagnoses stored in ``rows`` (already in position order)."""
    return tuple(Diagnosis(code=row["code"], present_on_admission=row["present_on_admission"]) for row in rows)


class Encounters(Repository[Encounter]):
    """The encounters."""

    record_name = "Encounter"
    table = tables.encounters

    def references(self, record: Encounter) -> Iterator[tuple[str, str]]:
        """The records the encounter and its notes refer to."""
        yield from super().references(record)
        for index, note in enumerate(record.notes):
            if note.author_provider_id:
                yield f"notes[{index}].author_provider_id", note.author_provider_id

    def _rows(self, record: Encounter) -> list[tuple[Table, list[dict[str, Any]]]]:
        main = {
            "id": record.id,
            "patient_id": record.patient_id,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "place_of_service": record.place_of_service,
            "billing_provider_id": record.billing_provider_id,
            "rendering_provider_id": record.rendering_provider_id,
            "referring_provider_id": record.referring_provider_id,
            "facility_provider_id": record.facility_provider_id,
        }
        return [
            (self.table, [main]),
            (tables.encounter_diagnoses, diagnosis_rows("encounter_id", record.id, record.diagnoses)),
            (
                tables.clinical_notes,
                [
                    {
                        "id": note.id,
                        "encounter_id": record.id,
                        "position": position,
                        "kind": note.kind.value,
                        "authored_on": note.authored_on,
                        "title": note.title,
                        "author_provider_id": note.author_provider_id,
                        "text": note.text,
                    }
                    for position, note in enumerate(record.notes)
                ],
            ),
        ]

    def _load(self, ids: Sequence[str]) -> dict[str, Encounter]:
        rows = list(self.connection.execute(select(self.table).where(self.table.c.id.in_(ids))))
        diagnoses = group_by(
            rows_where(self.connection, tables.encounter_diagnoses, "encounter_id", ids), "encounter_id"
        )
        notes = group_by(rows_where(self.connection, tables.clinical_notes, "encounter_id", ids), "encounter_id")
        return {
            row.id: Encounter(
                id=row.id,
                patient_id=row.patient_id,
                start_date=row.start_date,
                end_date=row.end_date,
                place_of_service=row.place_of_service,
                billing_provider_id=row.billing_provider_id,
                rendering_provider_id=row.rendering_provider_id,
                referring_provider_id=row.referring_provider_id,
                facility_provider_id=row.facility_provider_id,
                diagnoses=diagnoses_from(diagnoses.get(row.id, [])),
                notes=tuple(
                    ClinicalNote(
                        id=note["id"],
                        kind=note["kind"],
                        authored_on=note["authored_on"],
                        text=note["text"],
                        title=note["title"],
                        author_provider_id=note["author_provider_id"],
                    )
                    for note in notes.get(row.id, [])
                ),
            )
            for row in rows
        }
