"""Claim findings: what the scrubber found on each claim when it was saved.

Claims stored before this revision have no findings until they are scrubbed again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_findings",
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scrubbed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_findings_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("claim_id", "position", name=op.f("pk_claim_findings")),
    )
    with op.batch_alter_table("claim_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_findings_code"), ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_findings_code"))
    op.drop_table("claim_findings")
