"""Repositories of patients, providers, payers and coverages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select

from revcycle.domain import Coverage, Patient, Payer, Provider, Subscriber
from revcycle.store import tables
from revcycle.store.repository import (
    Repository,
    address_columns,
    address_from,
    name_columns,
    name_from,
)


class Patients(Repository[Patient]):
    """The patients."""

    record_name = "Patient"
    table = tables.patients

    def _rows(self, record: Patient) -> list[tuple[Table, list[dict[str, Any]]]]:
        main = dict(
            id=record.id,
            **name_columns("name", record.name),
            birth_date=record.birth_date,
            sex=record.sex.value,
            **address_columns("address", record.address),
            medical_record_number=record.medical_record_number,
        )
        return [(self.table, [main])]

    def _load(self, ids: Sequence[str]) -> dict[str, Patient]:
        rows = self.connection.execute(select(self.table).where(self.table.c.id.in_(ids)))
        found = {}
        for row in rows:
            values = row._mapping
            found[values["id"]] = Patient(
                id=values["id"],
                name=name_from(values, "name"),
                birth_date=values["birth_date"],
                sex=values["sex"],
                address=address_from(values, "address"),
                medical_record_number=values["medical_record_number"],
            )
        return found


class Providers(Repository[Provider]):
    """The providers: practices, facilities and clinicians."""

    record_name = "Provider"
    table = tables.providers

    def _rows(self, record: Provider) -> list[tuple[Table, list[dict[str, Any]]]]:
        main = dict(
            id=record.id,
            kind=record.kind.value,
            npi=record.npi,
            name=record.name,
            first_name=record.first_name,
            taxonomy=record.taxonomy,
            tax_id=record.tax_id,
            **address_columns("address", record.address),
        )
        return [(self.table, [main])]

    def _load(self, ids: Sequence[str]) -> dict[str, Provider]:
        rows = self.connection.execute(select(self.table).where(self.table.c.id.in_(ids)))
        return {
            row.id: Provider(
                id=row.id,
                kind=row.kind,
                npi=row.npi,
                name=row.name,
                first_name=row.first_name,
                taxonomy=row.taxonomy,
                tax_id=row.tax_id,
                address=address_from(row._mapping, "address"),
            )
            for row in rows
        }


class Payers(Repository[Payer]):
    """The payers."""

    record_name = "Payer"
    table = tables.payers

    def _rows(self, record: Payer) -> list[tuple[Table, list[dict[str, Any]]]]:
        main = dict(
            id=record.id,
            name=record.name,
            payer_identifier=record.payer_identifier,
            claim_filing_indicator=record.claim_filing_indicator.value,
            **address_columns("address", record.address),
            timely_filing_days=record.timely_filing_days,
        )
        return [(self.table, [main])]

    def _load(self, ids: Sequence[str]) -> dict[str, Payer]:
        rows = self.connection.execute(select(self.table).where(self.table.c.id.in_(ids)))
        return {
            row.id: Payer(
                id=row.id,
                name=row.name,
                payer_identifier=row.payer_identifier,
                claim_filing_indicator=row.claim_filing_indicator,
                address=address_from(row._mapping, "address"),
                timely_filing_days=row.timely_filing_days,
            )
            for row in rows
        }


class Coverages(Repository[Coverage]):
    """The coverages linking patients to payers."""

    record_name = "Coverage"
    table = tables.coverages

    def _rows(self, record: Coverage) -> list[tuple[Table, list[dict[str, Any]]]]:
        subscriber = record.subscriber
        main = dict(
            id=record.id,
            patient_id=record.patient_id,
            payer_id=record.payer_id,
            coverage_order=record.order.value,
            member_id=record.member_id,
            relationship=record.relationship.value,
            group_number=record.group_number,
            plan_name=record.plan_name,
            effective_from=record.effective_from,
            effective_to=record.effective_to,
            **name_columns("subscriber", subscriber.name if subscriber else None),
            subscriber_birth_date=subscriber.birth_date if subscriber else None,
            subscriber_sex=subscriber.sex.value if subscriber else None,
            **address_columns("subscriber_address", subscriber.address if subscriber else None),
        )
        return [(self.table, [main])]

    def _load(self, ids: Sequence[str]) -> dict[str, Coverage]:
        rows = self.connection.execute(select(self.table).where(self.table.c.id.in_(ids)))
        found = {}
        for row in rows:
            values = row._mapping
            subscriber = (
                Subscriber(
                    name=name_from(values, "subscriber"),
                    birth_date=values["subscriber_birth_date"],
                    sex=values["subscriber_sex"],
                    address=address_from(values, "subscriber_address"),
                )
                if values["subscriber_last"] is not None
                else None
            )
            found[row.id] = Coverage(
                id=row.id,
                patient_id=row.patient_id,
                payer_id=row.payer_id,
                order=row.coverage_order,
                member_id=row.member_id,
                relationship=row.relationship,
                group_number=row.group_number,
                subscriber=subscriber,
                plan_name=row.plan_name,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
            )
        return found

    def of_patient(self, patient_id: str) -> list[Coverage]:
        """The coverages of one patient, primary first."""
        return self.where(self.table.c.patient_id == patient_id, self.table.c.coverage_order, self.table.c.id)
