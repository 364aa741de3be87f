"""Repository of remittances: claim payments, service payments, CAS adjustments and PLB adjustments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from revcycle.domain import Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment
from revcycle.domain.money import ZERO_MONEY
from revcycle.store import tables
from revcycle.store.repository import (
    Repository,
    group_by,
    insert_rows,
    numbered_columns,
    numbered_from,
    rows_where,
    source_columns,
    source_from,
)


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _adjustment_rows(
    claim_payment_id: int, service_payment_id: int | None, adjustments: Sequence[Adjustment]
) -> list[dict[str, Any]]:
    return [
        {
            "claim_payment_id": claim_payment_id,
            "service_payment_id": service_payment_id,
            "position": position,
            "group_code": adjustment.group.value,
            "reason_code": adjustment.reason_code,
            "amount": adjustment.amount,
            "quantity": adjustment.quantity,
        }
        for position, adjustment in enumerate(adjustments)
    ]


def _adjustments_from(rows: Sequence[Mapping[Any, Any]]) -> tuple[Adjustment, ...]:
    return tuple(
        Adjustment(
            group=row["group_code"], reason_code=row["reason_code"], amount=row["amount"], quantity=row["quantity"]
        )
        for row in rows
    )


def _insert_returning_id(connection: Connection, table: Any, values: dict[str, Any]) -> int:
    result = connection.execute(table.insert().values(**values))
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer key
        raise RuntimeError(f"no key returned inserting into {table.name}")
    return int(key[0])


class Remittances(Repository[Remittance]):
    """The remittances (835 transactions) received."""

    record_name = "Remittance"
    table = tables.remittances

    def _insert_many(self, records: Sequence[Remittance]) -> None:
        """Insert remittances one by one: their parts need the generated keys of claim and service payments."""
        for record in records:
            self._insert(record)

    def _insert(self, record: Remittance) -> None:
        self.connection.execute(
            self.table.insert().values(
                id=record.id,
                payer_name=record.payer_name,
                payer_identifier=record.payer_identifier,
                payment_amount=record.payment_amount,
                payment_method=record.payment_method.value,
                credit_debit=record.credit_debit.value,
                payment_date=record.payment_date,
                trace_number=record.trace_number,
                payer_id=record.payer_id,
                payee_name=record.payee_name,
                payee_npi=record.payee_npi,
                **source_columns(record.source),
            )
        )
        for position, claim in enumerate(record.claims):
            self._insert_claim_payment(record.id, position, claim)
        insert_rows(
            self.connection,
            tables.provider_adjustments,
            [
                {
                    "remittance_id": record.id,
                    "position": position,
                    "provider_identifier": adjustment.provider_identifier,
                    "fiscal_period_end": adjustment.fiscal_period_end,
                    "reason_code": adjustment.reason_code,
                    "reference": adjustment.reference,
                    "amount": adjustment.amount,
                }
                for position, adjustment in enumerate(record.provider_adjustments)
            ],
        )

    def _insert_claim_payment(self, remittance_id: str, position: int, claim: ClaimPayment) -> None:
        claim_payment_id = _insert_returning_id(
            self.connection,
            tables.claim_payments,
            {
                "remittance_id": remittance_id,
                "position": position,
                "patient_control_number": claim.patient_control_number,
                "status": claim.status.value,
                "total_charge": claim.total_charge,
                "paid": claim.paid,
                "patient_responsibility": claim.patient_responsibility,
                "claim_filing_indicator": claim.claim_filing_indicator,
                "payer_claim_control_number": claim.payer_claim_control_number,
                "facility_type_code": claim.facility_type_code,
                "frequency": claim.frequency,
                "patient_name": claim.patient_name,
                "statement_from": claim.statement_from,
                "statement_to": claim.statement_to,
                "remark_codes": " ".join(claim.remark_codes),
            },
        )
        adjustment_rows = _adjustment_rows(claim_payment_id, None, claim.adjustments)
        for service_position, service in enumerate(claim.service_payments):
            service_payment_id = _insert_returning_id(
                self.connection,
                tables.service_payments,
                {
                    "claim_payment_id": claim_payment_id,
                    "position": service_position,
                    "procedure_code": service.procedure_code,
                    **numbered_columns("modifier", service.modifiers),
                    "charge": service.charge,
                    "paid": service.paid,
                    "units_paid": service.units_paid,
                    "units_billed": service.units_billed,
                    "billed_procedure_code": service.billed_procedure_code,
                    "service_date": service.service_date,
                    "line_control_number": service.line_control_number,
                    "allowed_amount": service.allowed_amount,
                    "remark_codes": " ".join(service.remark_codes),
                },
            )
            adjustment_rows += _adjustment_rows(claim_payment_id, service_payment_id, service.adjustments)
        insert_rows(self.connection, tables.adjustments, adjustment_rows)

    def _load(self, ids: Sequence[str]) -> dict[str, Remittance]:
        rows = list(self.connection.execute(select(self.table).where(self.table.c.id.in_(ids))))
        claim_rows = rows_where(self.connection, tables.claim_payments, "remittance_id", ids)
        claim_payment_ids = [row.id for row in claim_rows]
        services = group_by(
            rows_where(self.connection, tables.service_payments, "claim_payment_id", claim_payment_ids),
            "claim_payment_id",
        )
        adjustment_rows = rows_where(self.connection, tables.adjustments, "claim_payment_id", claim_payment_ids)
        claim_adjustments = group_by(
            (row for row in adjustment_rows if row.service_payment_id is None), "claim_payment_id"
        )
        line_adjustments = group_by(
            (row for row in adjustment_rows if row.service_payment_id is not None), "service_payment_id"
        )
        claims_by_remittance: dict[str, list[ClaimPayment]] = {}
        for claim_row in claim_rows:
            claim = claim_row._mapping
            claims_by_remittance.setdefault(claim["remittance_id"], []).append(
                ClaimPayment(
                    patient_control_number=claim["patient_control_number"],
                    status=claim["status"],
                    total_charge=claim["total_charge"],
                    paid=claim["paid"],
                    patient_responsibility=claim["patient_responsibility"],
                    claim_filing_indicator=claim["claim_filing_indicator"],
                    payer_claim_control_number=claim["payer_claim_control_number"],
                    facility_type_code=claim["facility_type_code"],
                    frequency=claim["frequency"],
                    patient_name=claim["patient_name"],
                    statement_from=claim["statement_from"],
                    statement_to=claim["statement_to"],
                    adjustments=_adjustments_from(claim_adjustments.get(claim["id"], [])),
                    remark_codes=_codes(claim["remark_codes"]),
                    service_payments=tuple(
                        ServicePayment(
                            procedure_code=service["procedure_code"],
                            modifiers=numbered_from(service, "modifier"),
                            charge=service["charge"],
                            paid=service["paid"],
                            units_paid=service["units_paid"],
                            units_billed=service["units_billed"],
                            billed_procedure_code=service["billed_procedure_code"],
                            service_date=service["service_date"],
                            line_control_number=service["line_control_number"],
                            allowed_amount=service["allowed_amount"],
                            adjustments=_adjustments_from(line_adjustments.get(service["id"], [])),
                            remark_codes=_codes(service["remark_codes"]),
                        )
                        for service in services.get(claim["id"], [])
                    ),
                )
            )
        plb = group_by(rows_where(self.connection, tables.provider_adjustments, "remittance_id", ids), "remittance_id")
        return {
            row.id: Remittance(
                id=row.id,
                payer_name=row.payer_name,
                payer_identifier=row.payer_identifier,
                payment_amount=row.payment_amount,
                payment_method=row.payment_method,
                credit_debit=row.credit_debit,
                payment_date=row.payment_date,
                trace_number=row.trace_number,
                payer_id=row.payer_id,
                payee_name=row.payee_name,
                payee_npi=row.payee_npi,
                claims=tuple(claims_by_remittance.get(row.id, [])),
                provider_adjustments=tuple(
                    ProviderAdjustment(
                        provider_identifier=adjustment["provider_identifier"],
                        fiscal_period_end=adjustment["fiscal_period_end"],
                        reason_code=adjustment["reason_code"],
                        reference=adjustment["reference"],
                        amount=adjustment["amount"],
                    )
                    for adjustment in plb.get(row.id, [])
                ),
                source=source_from(row._mapping),
            )
            for row in rows
        }

    def total_payment(self) -> Decimal:
        """Σ BPR02 over every stored remittance: the money received."""
        total = self.connection.scalar(select(func.sum(self.table.c.payment_amount)))
        return total if total is not None else ZERO_MONEY

    def total_paid_on_claims(self) -> Decimal:
        """Σ CLP04 over every stored claim payment."""
        total = self.connection.scalar(select(func.sum(tables.claim_payments.c.paid)))
        return total if total is not None else ZERO_MONEY
