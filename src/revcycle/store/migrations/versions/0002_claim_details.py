"""Claim details: what an 837 carries beyond the foundation's claim (HI codes, CL1, dates, COB, line details).

New tables rather than new columns of ``claims`` and ``service_lines``: SQLite adds a foreign-key column only by
rebuilding the table, and rebuilding ``claims`` with foreign keys enforced (they are, and cannot be switched off
inside the migration's transaction) would cascade-delete every claim's diagnoses and lines. Claims stored before
this revision have no details row and read back with the defaults.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROVIDER_ROLES = ("attending", "operating", "other_operating", "supervising")


def upgrade() -> None:
    op.create_table(
        "claim_details",
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("provider_signature", sa.Boolean(), nullable=False),
        sa.Column("assignment", sa.String(length=1), nullable=False),
        sa.Column("benefits_assignment", sa.String(length=1), nullable=False),
        sa.Column("release_of_information", sa.String(length=1), nullable=False),
        sa.Column("delay_reason_code", sa.String(length=2), nullable=True),
        sa.Column("admitting_diagnosis", sa.String(length=7), nullable=True),
        sa.Column("drg", sa.String(length=4), nullable=True),
        sa.Column("admission_type", sa.String(length=1), nullable=True),
        sa.Column("admission_source", sa.String(length=1), nullable=True),
        sa.Column("patient_status", sa.String(length=2), nullable=True),
        sa.Column("discharge_date", sa.Date(), nullable=True),
        sa.Column("onset_date", sa.Date(), nullable=True),
        sa.Column("initial_treatment_date", sa.Date(), nullable=True),
        sa.Column("last_seen_date", sa.Date(), nullable=True),
        sa.Column("medical_record_number", sa.String(length=50), nullable=True),
        sa.Column("referral_number", sa.String(length=50), nullable=True),
        *(sa.Column(f"{role}_provider_id", sa.String(length=64), nullable=True) for role in _PROVIDER_ROLES),
        sa.Column("pay_to_address_line1", sa.String(length=55), nullable=True),
        sa.Column("pay_to_address_line2", sa.String(length=55), nullable=True),
        sa.Column("pay_to_address_city", sa.String(length=30), nullable=True),
        sa.Column("pay_to_address_state", sa.String(length=2), nullable=True),
        sa.Column("pay_to_address_postal_code", sa.String(length=9), nullable=True),
        sa.Column("codes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_details_claim_id_claims"), ondelete="CASCADE"
        ),
        *(
            sa.ForeignKeyConstraint(
                [f"{role}_provider_id"],
                ["providers.id"],
                name=op.f(f"fk_claim_details_{role}_provider_id_providers"),
            )
            for role in _PROVIDER_ROLES
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_details")),
    )
    with op.batch_alter_table("claim_details", schema=None) as batch_op:
        for role in _PROVIDER_ROLES:
            batch_op.create_index(
                batch_op.f(f"ix_claim_details_{role}_provider_id"), [f"{role}_provider_id"], unique=False
            )

    op.create_table(
        "service_line_details",
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("referring_provider_id", sa.String(length=64), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_service_line_details_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["referring_provider_id"],
            ["providers.id"],
            name=op.f("fk_service_line_details_referring_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("claim_id", "position", name=op.f("pk_service_line_details")),
    )
    with op.batch_alter_table("service_line_details", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_line_details_referring_provider_id"), ["referring_provider_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("service_line_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_line_details_referring_provider_id"))
    op.drop_table("service_line_details")
    with op.batch_alter_table("claim_details", schema=None) as batch_op:
        for role in _PROVIDER_ROLES:
            batch_op.drop_index(batch_op.f(f"ix_claim_details_{role}_provider_id"))
    op.drop_table("claim_details")
