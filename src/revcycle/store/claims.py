"""Repository of claims with their diagnoses, service lines and the details an 837 carries."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, select

from revcycle.domain import Claim, ServiceLine
from revcycle.domain.interchange import fields_from_json, fields_to_json
from revcycle.domain.money import ZERO_MONEY
from revcycle.store import tables
from revcycle.store.encounters import diagnoses_from, diagnosis_rows
from revcycle.store.repository import (
    Repository,
    address_columns,
    address_from,
    group_by,
    numbered_columns,
    numbered_from,
    rows_where,
    source_columns,
    source_from,
)

# The claim's repeated sub-records, kept as one JSON document in claim_details.codes.
CLAIM_JSON_FIELDS = (
    "accident",
    "reasons_for_visit",
    "external_causes",
    "principal_procedure",
    "other_procedures",
    "occurrences",
    "occurrence_spans",
    "value_codes",
    "condition_codes",
    "other_dates",
    "other_references",
    "notes",
    "file_information",
    "other_payers",
    "icd9_diagnoses",
)
# The claim's single-valued details, one column each in claim_details.
CLAIM_DETAIL_COLUMNS = (
    "delay_reason_code",
    "admitting_diagnosis",
    "drg",
    "admission_type",
    "admission_source",
    "patient_status",
    "discharge_date",
    "onset_date",
    "initial_treatment_date",
    "last_seen_date",
    "medical_record_number",
    "referral_number",
    "attending_provider_id",
    "operating_provider_id",
    "other_operating_provider_id",
    "supervising_provider_id",
)
LINE_JSON_FIELDS = ("notes", "references", "adjudications")


def _json_text(record: object, names: Sequence[str]) -> str | None:
    values = fields_to_json(record, names)
    # Sorted keys and no spaces: the same record always gives the same text.
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if values else None


def _json_fields(kind: type, text: str | None) -> dict[str, object]:
    return fields_from_json(kind, json.loads(text)) if text else {}


def _details_row(claim: Claim) -> dict[str, Any]:
    return {
        "claim_id": claim.id,
        "provider_signature": claim.provider_signature,
        "assignment": claim.assignment.value,
        "benefits_assignment": claim.benefits_assignment.value,
        "release_of_information": claim.release_of_information.value,
        **{name: getattr(claim, name) for name in CLAIM_DETAIL_COLUMNS},
        **address_columns("pay_to_address", claim.pay_to_address),
        "codes": _json_text(claim, CLAIM_JSON_FIELDS),
    }


def _details_from(row: Mapping[Any, Any] | None) -> dict[str, Any]:
    """The claim's details as constructor arguments; none for a claim stored before revision 0002."""
    if row is None:
        return {}
    return {
        "provider_signature": bool(row["provider_signature"]),
        "assignment": row["assignment"],
        "benefits_assignment": row["benefits_assignment"],
        "release_of_information": row["release_of_information"],
        **{name: row[name] for name in CLAIM_DETAIL_COLUMNS},
        "pay_to_address": address_from(row, "pay_to_address"),
        **_json_fields(Claim, row["codes"]),
    }


def _line_details_row(claim_id: str, position: int, line: ServiceLine) -> list[dict[str, Any]]:
    details = _json_text(line, LINE_JSON_FIELDS)
    if details is None and line.referring_provider_id is None:
        return []
    return [
        {
            "claim_id": claim_id,
            "position": position,
            "referring_provider_id": line.referring_provider_id,
            "details": details,
        }
    ]


def _line_details_from(row: Mapping[Any, Any] | None) -> dict[str, Any]:
    if row is None:
        return {}
    return {"referring_provider_id": row["referring_provider_id"], **_json_fields(ServiceLine, row["details"])}


def _line_row(claim_id: str, position: int, line: ServiceLine) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "position": position,
        "line_number": line.line_number,
        "procedure_code": line.procedure_code,
        **numbered_columns("modifier", line.modifiers),
        "units": line.units,
        "unit_basis": line.unit_basis.value,
        "charge": line.charge,
        "service_date": line.service_date,
        "service_date_end": line.service_date_end,
        **numbered_columns("diagnosis_pointer", line.diagnosis_pointers),
        "place_of_service": line.place_of_service,
        "revenue_code": line.revenue_code,
        "ndc": line.ndc,
        "ndc_quantity": line.ndc_quantity,
        "ndc_unit": line.ndc_unit.value if line.ndc_unit else None,
        "rendering_provider_id": line.rendering_provider_id,
        "line_control_number": line.line_control_number,
    }


def _line_from(row: Mapping[Any, Any], details: Mapping[Any, Any] | None) -> ServiceLine:
    return ServiceLine(
        line_number=row["line_number"],
        procedure_code=row["procedure_code"],
        modifiers=numbered_from(row, "modifier"),
        units=row["units"],
        unit_basis=row["unit_basis"],
        charge=row["charge"],
        service_date=row["service_date"],
        service_date_end=row["service_date_end"],
        diagnosis_pointers=numbered_from(row, "diagnosis_pointer"),
        place_of_service=row["place_of_service"],
        revenue_code=row["revenue_code"],
        ndc=row["ndc"],
        ndc_quantity=row["ndc_quantity"],
        ndc_unit=row["ndc_unit"],
        rendering_provider_id=row["rendering_provider_id"],
        line_control_number=row["line_control_number"],
        **_line_details_from(details),
    )


class Claims(Repository[Claim]):
    """The claims."""

    record_name = "Claim"
    table = tables.claims

    def references(self, record: Claim) -> Iterator[tuple[str, str]]:
        """The records the claim and its lines refer to."""
        yield from super().references(record)
        for index, line in enumerate(record.lines):
            if line.rendering_provider_id:
                yield f"lines[{index}].rendering_provider_id", line.rendering_provider_id
            if line.referring_provider_id:
                yield f"lines[{index}].referring_provider_id", line.referring_provider_id

    def _rows(self, record: Claim) -> list[tuple[Table, list[dict[str, Any]]]]:
        main = dict(
            id=record.id,
            kind=record.kind.value,
            patient_control_number=record.patient_control_number,
            patient_id=record.patient_id,
            coverage_id=record.coverage_id,
            billing_provider_id=record.billing_provider_id,
            total_charge=record.total_charge,
            frequency=record.frequency.value,
            original_claim_reference=record.original_claim_reference,
            place_of_service=record.place_of_service,
            facility_type_code=record.facility_type_code,
            encounter_id=record.encounter_id,
            rendering_provider_id=record.rendering_provider_id,
            referring_provider_id=record.referring_provider_id,
            facility_provider_id=record.facility_provider_id,
            statement_from=record.statement_from,
            statement_to=record.statement_to,
            admission_date=record.admission_date,
            prior_authorization=record.prior_authorization,
            **source_columns(record.source),
        )
        return [
            (self.table, [main]),
            (tables.claim_diagnoses, diagnosis_rows("claim_id", record.id, record.diagnoses)),
            (tables.service_lines, [_line_row(record.id, number, line) for number, line in enumerate(record.lines)]),
            (tables.claim_details, [_details_row(record)]),
            (
                tables.service_line_details,
                [row for number, line in enumerate(record.lines) for row in _line_details_row(record.id, number, line)],
            ),
        ]

    def _load(self, ids: Sequence[str]) -> dict[str, Claim]:
        rows = list(self.connection.execute(select(self.table).where(self.table.c.id.in_(ids))))
        diagnoses = group_by(rows_where(self.connection, tables.claim_diagnoses, "claim_id", ids), "claim_id")
        lines = group_by(rows_where(self.connection, tables.service_lines, "claim_id", ids), "claim_id")
        details = {
            row.claim_id: row._mapping for row in rows_where(self.connection, tables.claim_details, "claim_id", ids)
        }
        line_details = {
            (row.claim_id, row.position): row._mapping
            for row in rows_where(self.connection, tables.service_line_details, "claim_id", ids)
        }
        return {
            row.id: Claim(
                id=row.id,
                kind=row.kind,
                patient_control_number=row.patient_control_number,
                patient_id=row.patient_id,
                coverage_id=row.coverage_id,
                billing_provider_id=row.billing_provider_id,
                diagnoses=diagnoses_from(diagnoses.get(row.id, [])),
                lines=tuple(
                    _line_from(line, line_details.get((row.id, line["position"]))) for line in lines.get(row.id, [])
                ),
                total_charge=row.total_charge,
                frequency=row.frequency,
                original_claim_reference=row.original_claim_reference,
                place_of_service=row.place_of_service,
                facility_type_code=row.facility_type_code,
                encounter_id=row.encounter_id,
                rendering_provider_id=row.rendering_provider_id,
                referring_provider_id=row.referring_provider_id,
                facility_provider_id=row.facility_provider_id,
                statement_from=row.statement_from,
                statement_to=row.statement_to,
                admission_date=row.admission_date,
                prior_authorization=row.prior_authorization,
                source=source_from(row._mapping),
                **_details_from(details.get(row.id)),
            )
            for row in rows
        }

    def with_patient_control_number(self, patient_control_number: str) -> list[Claim]:
        """The claims billed under one CLM01 (an original and its replacements), in id order."""
        return self.where(self.table.c.patient_control_number == patient_control_number, self.table.c.id)

    def total_charge(self) -> Decimal:
        """Σ CLM02 over every stored claim."""
        total = self.connection.scalar(select(func.sum(self.table.c.total_charge)))
        return total if total is not None else ZERO_MONEY
