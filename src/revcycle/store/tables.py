"""The operational database schema: one table per record and one per repeated part of a record.

Tables are SQLAlchemy Core: the domain records are frozen values, so the repositories map rows to records
explicitly instead of through an ORM identity map. Money and quantities are exact decimals (`revcycle.store.types`),
never floating point. Order inside a record (diagnoses, lines, postings) is kept by a ``position`` column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from revcycle.store.types import MoneyType, QuantityType

# Alembic needs stable constraint names to alter tables, above all on SQLite where it rebuilds them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ID = 64
CODE = 10


def Money(name: str, *, nullable: bool = False) -> Column[Any]:  # noqa: N802 - reads as a column type
    """A money column: exact decimal with two places."""
    return Column(name, MoneyType(), nullable=nullable)


def Quantity(name: str, *, nullable: bool = True) -> Column[Any]:  # noqa: N802 - reads as a column type
    """A quantity column: exact decimal with three places."""
    return Column(name, QuantityType(), nullable=nullable)


def reference(name: str, table: str, *, nullable: bool = True) -> Column[Any]:
    """A column holding the id of a record in ``table``."""
    return Column(name, String(ID), ForeignKey(f"{table}.id"), nullable=nullable, index=True)


def address(prefix: str) -> list[Column[Any]]:
    """The columns of an optional postal address; all null when there is none."""
    return [
        Column(f"{prefix}_line1", String(55)),
        Column(f"{prefix}_line2", String(55)),
        Column(f"{prefix}_city", String(30)),
        Column(f"{prefix}_state", String(2)),
        Column(f"{prefix}_postal_code", String(9)),
    ]


def person_name(prefix: str, *, nullable: bool) -> list[Column[Any]]:
    """The columns of a person's name."""
    return [
        Column(f"{prefix}_last", String(60), nullable=nullable),
        Column(f"{prefix}_first", String(35), nullable=nullable),
        Column(f"{prefix}_middle", String(25), nullable=nullable),
        Column(f"{prefix}_suffix", String(10), nullable=nullable),
    ]


def source() -> list[Column[Any]]:
    """The columns that say which file and place a record was imported from."""
    return [Column("source_path", String(1024)), Column("source_location", String(200))]


patients = Table(
    "patients",
    metadata,
    Column("id", String(ID), primary_key=True),
    *person_name("name", nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1), nullable=False),
    *address("address"),
    Column("medical_record_number", String(50)),
)

providers = Table(
    "providers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(1), nullable=False),
    Column("npi", String(10), nullable=False, index=True),
    Column("name", String(60), nullable=False),
    Column("first_name", String(35), nullable=False),
    Column("taxonomy", String(10)),
    Column("tax_id", String(9)),
    *address("address"),
)

payers = Table(
    "payers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(60), nullable=False),
    Column("payer_identifier", String(80), nullable=False, index=True),
    Column("claim_filing_indicator", String(2), nullable=False),
    *address("address"),
    Column("timely_filing_days", Integer),
)

coverages = Table(
    "coverages",
    metadata,
    Column("id", String(ID), primary_key=True),
    reference("patient_id", "patients", nullable=False),
    reference("payer_id", "payers", nullable=False),
    Column("coverage_order", String(1), nullable=False),
    Column("member_id", String(80), nullable=False),
    Column("relationship", String(2), nullable=False),
    Column("group_number", String(50)),
    Column("plan_name", String(60)),
    Column("effective_from", Date),
    Column("effective_to", Date),
    *person_name("subscriber", nullable=True),
    Column("subscriber_birth_date", Date),
    Column("subscriber_sex", String(1)),
    *address("subscriber_address"),
)

encounters = Table(
    "encounters",
    metadata,
    Column("id", String(ID), primary_key=True),
    reference("patient_id", "patients", nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("place_of_service", String(2), nullable=False),
    reference("billing_provider_id", "providers", nullable=False),
    reference("rendering_provider_id", "providers"),
    reference("referring_provider_id", "providers"),
    reference("facility_provider_id", "providers"),
)

encounter_diagnoses = Table(
    "encounter_diagnoses",
    metadata,
    Column("encounter_id", String(ID), ForeignKey("encounters.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("code", String(7), nullable=False, index=True),
    Column("present_on_admission", String(1)),
)

clinical_notes = Table(
    "clinical_notes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("encounter_id", String(ID), ForeignKey("encounters.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("authored_on", Date, nullable=False),
    Column("title", String(200)),
    reference("author_provider_id", "providers"),
    Column("text", Text, nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("patient_control_number", String(38), nullable=False, index=True),
    reference("patient_id", "patients", nullable=False),
    reference("coverage_id", "coverages", nullable=False),
    reference("billing_provider_id", "providers", nullable=False),
    Money("total_charge"),
    Column("frequency", String(1), nullable=False),
    Column("original_claim_reference", String(50)),
    Column("place_of_service", String(2)),
    Column("facility_type_code", String(2)),
    reference("encounter_id", "encounters"),
    reference("rendering_provider_id", "providers"),
    reference("referring_provider_id", "providers"),
    reference("facility_provider_id", "providers"),
    Column("statement_from", Date),
    Column("statement_to", Date),
    Column("admission_date", Date),
    Column("prior_authorization", String(50)),
    *source(),
)

claim_diagnoses = Table(
    "claim_diagnoses",
    metadata,
    Column("claim_id", String(ID), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("code", String(7), nullable=False, index=True),
    Column("present_on_admission", String(1)),
)

service_lines = Table(
    "service_lines",
    metadata,
    Column("claim_id", String(ID), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("line_number", Integer, nullable=False),
    Column("procedure_code", String(5), nullable=False, index=True),
    *(Column(f"modifier_{n}", String(2)) for n in range(1, 5)),
    Quantity("units", nullable=False),
    Column("unit_basis", String(2), nullable=False),
    Money("charge"),
    Column("service_date", Date, nullable=False),
    Column("service_date_end", Date),
    *(Column(f"diagnosis_pointer_{n}", Integer) for n in range(1, 5)),
    Column("place_of_service", String(2)),
    Column("revenue_code", String(4)),
    Column("ndc", String(11)),
    Quantity("ndc_quantity"),
    Column("ndc_unit", String(2)),
    reference("rendering_provider_id", "providers"),
    Column("line_control_number", String(50)),
)

# What an 837 carries beyond the foundation's claim columns (revision 0002), one row per claim. A table of its own,
# not new columns of ``claims``: SQLite adds foreign-key columns only by rebuilding a table, and rebuilding
# ``claims`` with foreign keys enforced would cascade-delete its diagnoses and lines. Repeated sub-records (HI codes,
# notes, references, other payers) are kept as one JSON document in ``codes``: they are read and written with the
# claim, never queried on their own.
claim_details = Table(
    "claim_details",
    metadata,
    Column("claim_id", String(ID), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("provider_signature", Boolean, nullable=False),
    Column("assignment", String(1), nullable=False),
    Column("benefits_assignment", String(1), nullable=False),
    Column("release_of_information", String(1), nullable=False),
    Column("delay_reason_code", String(2)),
    Column("admitting_diagnosis", String(7)),
    Column("drg", String(4)),
    Column("admission_type", String(1)),
    Column("admission_source", String(1)),
    Column("patient_status", String(2)),
    Column("discharge_date", Date),
    Column("onset_date", Date),
    Column("initial_treatment_date", Date),
    Column("last_seen_date", Date),
    Column("medical_record_number", String(50)),
    Column("referral_number", String(50)),
    reference("attending_provider_id", "providers"),
    reference("operating_provider_id", "providers"),
    reference("other_operating_provider_id", "providers"),
    reference("supervising_provider_id", "providers"),
    *address("pay_to_address"),
    Column("codes", Text),
)

# The same for a service line, only for lines that have any of it.
service_line_details = Table(
    "service_line_details",
    metadata,
    Column("claim_id", String(ID), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    reference("referring_provider_id", "providers"),
    Column("details", Text),
)

remittances = Table(
    "remittances",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("payer_name", String(60), nullable=False),
    Column("payer_identifier", String(80), nullable=False),
    Money("payment_amount"),
    Column("payment_method", String(3), nullable=False),
    Column("credit_debit", String(1), nullable=False),
    Column("payment_date", Date, nullable=False),
    Column("trace_number", String(50), nullable=False, index=True),
    reference("payer_id", "payers"),
    Column("payee_name", String(60)),
    Column("payee_npi", String(10)),
    *source(),
)

claim_payments = Table(
    "claim_payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("remittance_id", String(ID), ForeignKey("remittances.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("patient_control_number", String(38), nullable=False, index=True),
    Column("status", String(2), nullable=False),
    Money("total_charge"),
    Money("paid"),
    Money("patient_responsibility", nullable=True),
    Column("claim_filing_indicator", String(2)),
    Column("payer_claim_control_number", String(50), index=True),
    Column("facility_type_code", String(2)),
    Column("frequency", String(1)),
    Column("patient_name", String(120)),
    Column("statement_from", Date),
    Column("statement_to", Date),
    # RARCs are short codes of a fixed form, kept space-separated in order (a payer may send many).
    Column("remark_codes", Text, nullable=False),
)

service_payments = Table(
    "service_payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "claim_payment_id", Integer, ForeignKey("claim_payments.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("position", Integer, nullable=False),
    Column("procedure_code", String(5), nullable=False, index=True),
    *(Column(f"modifier_{n}", String(2)) for n in range(1, 5)),
    Money("charge"),
    Money("paid"),
    Quantity("units_paid"),
    Quantity("units_billed"),
    Column("billed_procedure_code", String(5)),
    Column("service_date", Date),
    Column("line_control_number", String(50)),
    Money("allowed_amount", nullable=True),
    Column("remark_codes", Text, nullable=False),
)

adjustments = Table(
    "adjustments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "claim_payment_id", Integer, ForeignKey("claim_payments.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    # Null for a claim-level CAS; the service payment for a line-level one.
    Column("service_payment_id", Integer, ForeignKey("service_payments.id", ondelete="CASCADE"), index=True),
    Column("position", Integer, nullable=False),
    Column("group_code", String(2), nullable=False),
    Column("reason_code", String(5), nullable=False, index=True),
    Money("amount"),
    Quantity("quantity"),
)

provider_adjustments = Table(
    "provider_adjustments",
    metadata,
    Column("remittance_id", String(ID), ForeignKey("remittances.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("provider_identifier", String(50), nullable=False),
    Column("fiscal_period_end", Date, nullable=False),
    Column("reason_code", String(2), nullable=False),
    Column("reference", String(50)),
    Money("amount"),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("posted_on", Date, nullable=False, index=True),
    Column("description", String(200), nullable=False),
    reference("claim_id", "claims"),
    reference("remittance_id", "remittances"),
    reference("patient_id", "patients"),
)

ledger_postings = Table(
    "ledger_postings",
    metadata,
    Column("entry_id", String(ID), ForeignKey("ledger_entries.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("account", String(200), nullable=False),
    Money("amount"),
    Index("ix_ledger_postings_account_entry", "account", "entry_id"),
)

# One row per X12 sender (ISA06): the last control numbers handed out, so that none is ever handed out twice.
x12_control_numbers = Table(
    "x12_control_numbers",
    metadata,
    Column("sender_id", String(15), primary_key=True),
    Column("interchange_number", Integer, nullable=False),
    Column("group_number", Integer, nullable=False),
    Column("transaction_number", Integer, nullable=False),
)

# What the scrubber found on each stored claim when it was saved (revision 0004): one row per finding, in the
# scrubber's order (errors first), replaced as a whole when the claim is scrubbed again. Findings are values of the
# claim, read and written with it by `revcycle.services.claim_findings`, so they go when the claim goes.
claim_findings = Table(
    "claim_findings",
    metadata,
    Column("claim_id", String(ID), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("code", String(20), nullable=False, index=True),
    Column("name", String(80), nullable=False),
    Column("category", String(20), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("line", Integer),
    Column("field", Text),
    Column("source", Text, nullable=False),
    Column("fix", Text),
    Column("as_of", Date, nullable=False),
    Column("scrubbed_at", DateTime(timezone=True), nullable=False),
)

# A coder's decisions on the coding engine's suggestions for a stored encounter (revision 0005), one row each, keyed
# by the client's id or one derived from the content so a batch recorded twice is stored once. A decision stays
# when its encounter stays; the synonyms learnt from it name it.
coding_decisions = Table(
    "coding_decisions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organisation", String(ID), nullable=False, index=True),
    Column("encounter_id", String(ID), ForeignKey("encounters.id"), nullable=False, index=True),
    Column("code_system", String(10), nullable=False),
    Column("suggested_code", String(CODE)),
    Column("decision", String(10), nullable=False),
    Column("final_code", String(CODE)),
    Column("evidence_text", String(200), nullable=False),
    Column("decided_by", String(ID), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

# What an organisation's coders taught the coder (revision 0005): a phrase of the notes (lower case, spaces
# collapsed) and the code they chose for it, with how many decisions confirm the pair. Rows at zero are removed.
coding_synonyms = Table(
    "coding_synonyms",
    metadata,
    Column("organisation", String(ID), primary_key=True),
    Column("phrase", String(200), primary_key=True),
    Column("code", String(CODE), primary_key=True),
    Column("code_system", String(10), nullable=False),
    Column("times_confirmed", Integer, nullable=False),
    Column("first_decision_id", String(ID), ForeignKey("coding_decisions.id"), nullable=False),
    Column("last_decision_id", String(ID), ForeignKey("coding_decisions.id"), nullable=False),
)
